"""Factories that build exactly what a test needs (no whole-site fixture)."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

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
