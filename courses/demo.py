"""The demo course that `make run` seeds: real curriculum, demo people. Every step is idempotent:
it looks things up by a natural key and creates only what is missing, so a second run adds
nothing and changes nothing a person has edited since."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Site

from content.models import HomePage, ModulePage, SiteIdentity
from content.seed import seed_curriculum
from lms.accounts.roles import INSTRUCTORS_GROUP, SCHOOL_STAFF_GROUP


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    last_name: str
    first_name: str
    groups: tuple[str, ...] = ()
    superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("Học viên", "hocvien@lms.test", "HocVien@2026", "Trần Văn", "Hòa"),
    DemoAccount(
        "Giảng viên", "giangvien@lms.test", "GiangVien@2026", "Lê Thị Thu", "Hương",
        groups=(INSTRUCTORS_GROUP,),
    ),
    DemoAccount(
        "Giảng viên 2", "giangvien2@lms.test", "GiangVien@2026", "Đặng Quốc", "Bảo",
        groups=(INSTRUCTORS_GROUP,),
    ),
    DemoAccount(
        "Nhà trường", "nhatruong@lms.test", "NhaTruong@2026", "Phạm Minh", "Tuấn",
        groups=(SCHOOL_STAFF_GROUP,),
    ),
    DemoAccount(
        "Quản trị hệ thống", "admin@lms.test", "QuanTri@2026", "Quản trị", "Hệ thống",
        superuser=True,
    ),
)  # fmt: skip


@transaction.atomic
def seed_site() -> None:
    """Names in the header and the home page's introduction (only where still empty)."""
    identity = SiteIdentity.load()
    defaults = {
        "parent_body": "Bộ Khoa học và Công nghệ",
        "school_name": "Trường Đào tạo, Bồi dưỡng cán bộ quản lý thông tin và truyền thông",
        "course_name": (
            "Lớp bồi dưỡng kiến thức quản lý nhà nước về thông tin và truyền thông "
            "dành cho Giám đốc Sở"
        ),
        "course_short_name": "Bồi dưỡng Giám đốc Sở",
    }
    changed = [field for field, value in defaults.items() if not getattr(identity, field)]
    for field in changed:
        setattr(identity, field, defaults[field])
    if changed:
        identity.save(update_fields=changed)

    site = Site.objects.get(is_default_site=True)
    if not site.site_name:
        site.site_name = defaults["course_short_name"]
        site.save(update_fields=["site_name"])
    home = HomePage.objects.first()
    if home and not home.intro:
        home.intro = (
            "<p>Chương trình 160 tiết dành cho Giám đốc, Phó Giám đốc các Sở và lãnh đạo phụ "
            "trách công nghệ thông tin: 13 chuyên đề, thảo luận tình huống của chính Sở mình, "
            "đi nghiên cứu thực tế và viết báo cáo thu hoạch.</p>"
        )
        home.save_revision().publish()


@transaction.atomic
def seed_accounts() -> list[tuple[DemoAccount, bool]]:
    """The four demo accounts with verified e-mail. Returns (account, created) pairs."""
    User = get_user_model()
    result = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        created = user is None
        if created:
            factory = (
                User.objects.create_superuser if account.superuser else User.objects.create_user
            )
            user = factory(
                account.email,
                account.password,
                last_name=account.last_name,
                first_name=account.first_name,
            )
        for name in account.groups:
            user.groups.add(Group.objects.get(name=name))
        EmailAddress.objects.get_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        result.append((account, created))
    return result


# Modules the demo instructor teaches, so that signing in as giangvien@lms.test shows a real
# editing job (lessons of module 9 included) rather than an empty admin.
DEMO_INSTRUCTOR_MODULES = (3, 9)


@transaction.atomic
def seed_course() -> list[str]:
    """The real programme (content.seed) plus the demo instructor on a few modules.

    Returns the titles of the pages created (empty on a second run)."""
    report = seed_curriculum()
    instructor = get_user_model().objects.filter(email="giangvien@lms.test").first()
    if instructor is not None:
        for module in ModulePage.objects.filter(number__in=DEMO_INSTRUCTOR_MODULES):
            if not module.instructors.filter(pk=instructor.pk).exists():
                module.instructors.add(instructor)
                module.save_revision().publish()
    return report.created
