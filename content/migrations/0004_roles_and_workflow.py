"""Content permissions of "Giảng viên" and "Nhà trường", and the approval workflow in Vietnamese.

Wagtail's initial data gave the former "Editors" (now instructors) edit rights on the whole tree;
they are narrowed to the programme pages. Documents are content.CourseDocument, so both groups get
that model's collection permissions.
"""

from django.db import migrations

from content.roles import (
    INSTRUCTOR_COLLECTION_PERMISSIONS,
    INSTRUCTORS_GROUP,
    SCHOOL_STAFF_GROUP,
    STAFF_COLLECTION_PERMISSIONS,
    STAFF_PAGE_PERMISSIONS,
    WORKFLOW_NAME,
    grant_instructors_on_program,
)


def _permission(apps, app_label, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    model = codename.split("_", 1)[1]
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": codename.replace("_", " ").capitalize()},
    )
    return permission


def setup(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    ProgramPage = apps.get_model("content", "ProgramPage")

    staff = Group.objects.get(name=SCHOOL_STAFF_GROUP)
    instructors = Group.objects.get(name=INSTRUCTORS_GROUP)
    root_page = Page.objects.get(depth=1)
    root_collection = Collection.objects.get(depth=1)

    # Instructors: nothing on the whole tree, everything but publishing under each programme.
    GroupPagePermission.objects.filter(group=instructors, page=root_page).delete()
    for program in ProgramPage.objects.all():
        grant_instructors_on_program(program, apps=apps)

    for codename in STAFF_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=staff, page=root_page, permission=_permission(apps, "wagtailcore", f"{codename}_page")
        )

    for group, grants in ((instructors, INSTRUCTOR_COLLECTION_PERMISSIONS), (staff, STAFF_COLLECTION_PERMISSIONS)):
        for app_label, codenames in grants.items():
            for codename in codenames:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=_permission(apps, app_label, codename),
                )

    # The site's settings (names of the school and course) are the school's to edit.
    staff.permissions.add(_permission(apps, "content", "change_siteidentity"))

    # Wagtail's default "Moderators approval" workflow, renamed; its task already names the group.
    Workflow.objects.filter(name="Moderators approval").update(name=WORKFLOW_NAME)
    Task.objects.filter(name="Moderators approval").update(name=WORKFLOW_NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0003_curriculum_pages"),
        ("accounts", "0002_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(setup, migrations.RunPython.noop)]
