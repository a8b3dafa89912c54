import unicodedata

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from lms.accounts.roles import is_school_staff

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_full_name_prints_in_vietnamese_order():
    user = User(last_name="Nguyễn Thị", first_name="Đào")
    assert user.full_name == "Nguyễn Thị Đào"
    assert str(user) == "Nguyễn Thị Đào"
    assert user.get_short_name() == "Đào"


def test_names_from_code_paths_are_stored_in_nfc_with_d_stroke():
    user = User.objects.create_user(
        "A@Example.VN",
        "x",
        last_name=unicodedata.normalize("NFD", "\u00d0ỗ Văn"),
        first_name=unicodedata.normalize("NFD", "Hoà"),
    )
    user.refresh_from_db()
    assert user.last_name == "Đỗ Văn"
    assert user.first_name == "Hoà"
    assert user.email == "a@example.vn"
    assert user.search_text == "do van hoa a@example.vn"


def test_email_is_unique_whatever_its_case():
    User.objects.create_user("hoa@example.vn", "x")
    with pytest.raises(ValidationError, match="đã tồn tại"):
        User.objects.create_user("HOA@example.vn", "x")
    # And the database holds the line even for code that skips validation.
    with pytest.raises(IntegrityError):
        User(email="Hoa@Example.vn").save()


def test_school_staff_role_comes_from_the_permission(school_staff, participant, instructor):
    assert is_school_staff(school_staff)
    assert not is_school_staff(participant)
    assert not is_school_staff(instructor)
    school_staff.groups.first().__class__.objects.filter(pk=school_staff.groups.first().pk).update(
        name="Phòng Đào tạo"
    )
    renamed = User.objects.get(pk=school_staff.pk)
    assert is_school_staff(renamed)
