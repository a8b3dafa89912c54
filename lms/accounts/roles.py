"""Site-wide roles. Per-cohort roles (member, instructor of a cohort) live in courses.permissions,
which builds on these.

School staff ("Nhà trường") are the people with the `accounts.school_staff` permission, normally
through the group of that name; superusers count too. A permission rather than a group name is
the test, so renaming a group in the admin does not silently take anyone's role away.
"""

from __future__ import annotations

SCHOOL_STAFF_PERMISSION = "accounts.school_staff"
# Group names as created by the data migration; the groups can be renamed without harm.
SCHOOL_STAFF_GROUP = "Nhà trường"
INSTRUCTORS_GROUP = "Giảng viên"


def is_school_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active) and user.has_perm(
        SCHOOL_STAFF_PERMISSION
    )


def can_access_admin(user) -> bool:
    """May open the Wagtail admin (instructors and school staff; never participants)."""
    return bool(user and user.is_authenticated and user.is_active) and user.has_perm(
        "wagtailadmin.access_admin"
    )
