"""Who may do what in the content admin. Set up by data migrations and kept here in one place:

- "Giảng viên" (instructors): edit and submit pages under a programme, upload images and
  documents; they cannot publish. Their page permissions hang on each programme page (not on the
  root), so the home page stays the school's.
- "Nhà trường" (school staff): everything in content, including publishing and moderation
  (Wagtail's default approval workflow is theirs).
"""

from lms.accounts.roles import INSTRUCTORS_GROUP, SCHOOL_STAFF_GROUP

INSTRUCTOR_PAGE_PERMISSIONS = ("add", "change", "lock", "unlock")
STAFF_PAGE_PERMISSIONS = ("add", "change", "publish", "bulk_delete", "lock", "unlock")
INSTRUCTOR_COLLECTION_PERMISSIONS = {
    "wagtailimages": ("add_image", "change_image", "choose_image"),
    "content": ("add_coursedocument", "change_coursedocument", "choose_coursedocument"),
}
STAFF_COLLECTION_PERMISSIONS = {
    "wagtailimages": ("add_image", "change_image", "delete_image", "choose_image"),
    "content": (
        "add_coursedocument",
        "change_coursedocument",
        "delete_coursedocument",
        "choose_coursedocument",
    ),
}
WORKFLOW_NAME = "Nhà trường duyệt"


def grant_instructors_on_program(program, *, apps=None) -> None:
    """Instructors may edit and submit everything under `program` (not publish it)."""
    if apps is None:
        from django.contrib.auth.models import Group, Permission
        from wagtail.models import GroupPagePermission
    else:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    group = Group.objects.filter(name=INSTRUCTORS_GROUP).first()
    if group is None:
        return
    for codename in INSTRUCTOR_PAGE_PERMISSIONS:
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=f"{codename}_page"
        )
        GroupPagePermission.objects.get_or_create(
            group=group, page_id=program.pk, permission=permission
        )


__all__ = ["SCHOOL_STAFF_GROUP", "INSTRUCTORS_GROUP", "grant_instructors_on_program"]
