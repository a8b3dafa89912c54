"""Who may see and do what with a cohort's data: THE one place (views, services, templates'
booleans and the content hook all ask here).

- `user_can_*` are predicates (no exceptions).
- `access_*` fetch an object and check it: Http404 for what the user may not know exists (a
  cohort they do not belong to), PermissionDenied for what they may see but not do.

Roles: school staff (site-wide, lms.accounts.roles); per cohort, an approved enrollment as
participant or instructor ("member"). Instructors are attached to cohorts as enrollments with
role instructor; an instructor of one cohort has no rights in another.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from courses.models import (
    ClassSession,
    Cohort,
    Enrollment,
    Role,
    Status,
)
from lms.accounts.roles import is_school_staff

__all__ = [
    "access_cohort",
    "access_cohort_for_staff",
    "access_session_for_attendance",
    "attendance_session_ids",
    "is_school_staff",
    "require_school_staff",
    "user_can_see_cohort_attendance",
    "user_can_manage_cohorts",
    "user_can_study_program",
    "user_can_take_attendance",
    "user_can_view_cohort",
    "user_is_member",
    "user_teaches",
]


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _approved_roles(user, cohort) -> set[str]:
    """The user's approved roles in a cohort, memoised on the user object for one request."""
    if not _active(user):
        return set()
    cache = user.__dict__.setdefault("_cohort_roles", {})
    if cohort.pk not in cache:
        cache[cohort.pk] = set(
            Enrollment.objects.filter(user=user, cohort=cohort, status=Status.APPROVED).values_list(
                "role", flat=True
            )
        )
    return cache[cohort.pk]


def user_is_member(user, cohort) -> bool:
    """An approved participant or instructor of this cohort."""
    return bool(_approved_roles(user, cohort))


def user_teaches(user, cohort) -> bool:
    return Role.INSTRUCTOR in _approved_roles(user, cohort)


def user_can_view_cohort(user, cohort) -> bool:
    return is_school_staff(user) or user_is_member(user, cohort)


def user_can_manage_cohorts(user) -> bool:
    """Create cohorts, edit timetables, decide applications, import lists."""
    return is_school_staff(user)


def user_can_take_attendance(user, session) -> bool:
    if is_school_staff(user):
        return True
    if not user_teaches(user, session.cohort):
        return False
    return any(instructor.pk == user.pk for instructor in session.instructors.all())


def user_can_study_program(user, program) -> bool:
    """Module material: members of a cohort of this programme (approved or completed)."""
    if not _active(user):
        return False
    if is_school_staff(user):
        return True
    return Enrollment.objects.filter(
        user=user,
        cohort__program_id=program.pk,
        status__in=(Status.APPROVED, Status.COMPLETED),
    ).exists()


def access_cohort(user, code: str) -> Cohort:
    """The cohort with this code if the user is staff or a member; 404 otherwise."""
    cohort = Cohort.objects.select_related("program").filter(code=code).first()
    if cohort is None or not user_can_view_cohort(user, cohort):
        raise Http404(_("Không tìm thấy lớp này, hoặc bạn không thuộc lớp."))
    return cohort


def require_school_staff(user) -> None:
    if not is_school_staff(user):
        raise PermissionDenied(_("Chỉ nhà trường mới làm được việc này."))


def access_cohort_for_staff(user, code: str) -> Cohort:
    require_school_staff(user)
    cohort = Cohort.objects.select_related("program").filter(code=code).first()
    if cohort is None:
        raise Http404(_("Không tìm thấy lớp này."))
    return cohort


# --- Attendance --------------------------------------------------------------------------------


def attendance_session_ids(user, sessions) -> set[int]:
    """The sessions (already fetched with their instructors) whose roll call the user may take;
    for the "Điểm danh" links of timetables, without a query per session."""
    return {session.pk for session in sessions if user_can_take_attendance(user, session)}


def user_can_see_cohort_attendance(user, cohort) -> bool:
    """Everyone's attendance in a cohort (the matrix, its export): school staff and the cohort's
    instructors. A participant sees only their own."""
    return is_school_staff(user) or user_teaches(user, cohort)


def access_session_for_attendance(user, pk: int) -> ClassSession:
    """A session whose roll call or check-in the user runs: its instructors and school staff.

    404 when the session does not exist or belongs to a cohort the user cannot see (an
    instructor of another cohort); 403 for members of the cohort who do not teach this session.
    """
    session = (
        ClassSession.objects.select_related("cohort", "module")
        .prefetch_related("instructors")
        .filter(pk=pk)
        .first()
    )
    if session is None or not user_can_view_cohort(user, session.cohort):
        raise Http404(_("Không tìm thấy buổi học này."))
    if not user_can_take_attendance(user, session):
        raise PermissionDenied(_("Chỉ giảng viên của buổi học và nhà trường mới điểm danh được."))
    return session
