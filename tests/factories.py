"""Factories that build exactly what a test needs (no whole-site fixture)."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from lms.accounts.roles import INSTRUCTORS_GROUP, SCHOOL_STAFF_GROUP

PASSWORD = "Mat-khau-de-thu-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"nguoi{n}@lms.test")
    last_name = "Nguyễn Văn"
    first_name = factory.Iterator(["An", "Bình", "Cường", "Dũng", "Đào", "Hòa", "Hương", "Lan"])
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))


def school_staff(**kwargs):
    return UserFactory(groups=[SCHOOL_STAFF_GROUP], **kwargs)


def instructor(**kwargs):
    return UserFactory(groups=[INSTRUCTORS_GROUP], **kwargs)


# --- Courses ---------------------------------------------------------------------------------


def province(name: str = "Tuyên Quang"):
    """A province valid today (the 34-unit map), from the shipped reference data."""

    from courses.models import Province

    return Province.objects.valid_on(timezone.localdate()).get(name=name)


def cohort(program=None, **values):
    """A cohort of `program` (default: a small programme of 13 modules) open for applications."""
    import datetime as dt

    from courses.models import Cohort

    if program is None:
        from tests.content.conftest import make_program

        program = make_program(13)
    today = timezone.localdate()
    defaults = {
        "name": "Lớp bồi dưỡng Giám đốc Sở khóa thử",
        "code": f"GDS-T{Cohort.objects.count() + 1}",
        "start_date": today + dt.timedelta(days=30),
        "end_date": today + dt.timedelta(days=60),
        "capacity": 30,
        "applications_open_on": today - dt.timedelta(days=1),
        "applications_close_on": today + dt.timedelta(days=20),
    }
    return Cohort.objects.create(program=program, **(defaults | values))


def enrollment(cohort, user=None, *, status="approved", role="participant", province_name=None):
    """An enrollment written directly (tests of reads; services are tested on their own)."""
    from courses.models import Enrollment

    user = user or UserFactory()
    return Enrollment.objects.create(
        user=user,
        cohort=cohort,
        role=role,
        status=status,
        organisation_name=f"Sở Khoa học và Công nghệ tỉnh {province_name or 'Tuyên Quang'}",
        position="Giám đốc",
        province=province(province_name or "Tuyên Quang"),
    )
