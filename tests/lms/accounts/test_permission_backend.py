"""Permissions are read in one query, with Django's rules."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission

from lms.accounts.roles import SCHOOL_STAFF_PERMISSION, can_access_admin, is_school_staff

pytestmark = pytest.mark.django_db


def _permission(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def person(django_user_model):
    return django_user_model.objects.create_user(
        email="ha.nguyen@sotttt.gov.vn", password="mat-khau-dai-123", first_name="Hà"
    )


def test_own_and_group_permissions_together_in_one_query(person, django_assert_num_queries):
    group = Group.objects.create(name="Kiểm thử quyền")
    group.permissions.add(_permission("wagtailadmin.access_admin"))
    person.groups.add(group)
    person.user_permissions.add(_permission(SCHOOL_STAFF_PERMISSION))

    with django_assert_num_queries(1):
        staff, admin = is_school_staff(person), can_access_admin(person)
        also = person.has_perm("accounts.school_staff")

    assert (staff, admin, also) == (True, True, True)


def test_a_participant_has_no_staff_permission(person, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert not is_school_staff(person)
        assert not can_access_admin(person)


def test_an_inactive_person_has_none_and_no_query_is_made(person, django_assert_num_queries):
    person.user_permissions.add(_permission(SCHOOL_STAFF_PERMISSION))
    person.is_active = False
    with django_assert_num_queries(0):
        assert not person.has_perm(SCHOOL_STAFF_PERMISSION)


def test_a_superuser_has_every_permission(person):
    person.is_superuser = True
    assert is_school_staff(person)
    assert can_access_admin(person)


def test_it_checks_no_password(person):
    from lms.accounts.backends import PermissionsInOneQuery

    assert PermissionsInOneQuery().authenticate(None, username=person.email, password="x") is None
    user = authenticate(None, email=person.email, password="mat-khau-dai-123")
    assert user == person
    assert user.backend != "lms.accounts.backends.PermissionsInOneQuery"
