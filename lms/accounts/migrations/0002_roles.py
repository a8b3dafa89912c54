"""The two working groups of the site, in Vietnamese, with the school-staff permission.

Wagtail ships "Moderators" and "Editors" groups with admin access, image/document permissions and
the default approval workflow already attached; they are exactly the school ("Nhà trường": may
publish and moderate) and the instructors ("Giảng viên": may edit and submit). Renaming keeps all
of that. The content migrations narrow their page permissions to the programme.
"""

from django.db import migrations

RENAMES = {"Moderators": "Nhà trường", "Editors": "Giảng viên"}


def create_roles(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    for old, new in RENAMES.items():
        if not Group.objects.filter(name=new).exists():
            updated = Group.objects.filter(name=old).update(name=new)
            if not updated:
                Group.objects.create(name=new)

    admin_access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    user_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="user")
    school_staff, _ = Permission.objects.get_or_create(
        content_type=user_type,
        codename="school_staff",
        defaults={"name": "Nhà trường: quản lý khóa, ghi danh, điểm danh, chứng chỉ"},
    )
    staff_group = Group.objects.get(name="Nhà trường")
    staff_group.permissions.add(admin_access, school_staff)
    Group.objects.get(name="Giảng viên").permissions.add(admin_access)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for old, new in RENAMES.items():
        Group.objects.filter(name=new).update(name=old)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
