"""Who may see and do what with a cohort: the predicates, and the answers the pages give."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from content.models import ModulePage
from courses.models import Category, ClassSession
from courses.permissions import (
    user_can_manage_cohorts,
    user_can_take_attendance,
    user_can_view_cohort,
    user_teaches,
)
from tests import factories

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PEOPLE = [
    "anonymous",
    "participant_a",
    "participant_b",
    "applicant_a",
    "instructor_a",
    "instructor_b",
    "school_staff",
]


@pytest.fixture
def world(cohort):
    """Cohort A (with one session taught by instructor A) and cohort B, and one person of each
    kind."""
    cohort_b = factories.cohort(cohort.program, name="Lớp khóa B")
    people = {
        "anonymous": AnonymousUser(),
        "participant_a": factories.UserFactory(last_name="Hoàng Văn", first_name="Hải"),
        "participant_b": factories.UserFactory(),
        "applicant_a": factories.UserFactory(),
        "instructor_a": factories.instructor(),
        "instructor_b": factories.instructor(),
        "school_staff": factories.school_staff(),
    }
    factories.enrollment(cohort, people["participant_a"])
    factories.enrollment(cohort_b, people["participant_b"])
    factories.enrollment(cohort, people["applicant_a"], status="applied")
    factories.enrollment(cohort, people["instructor_a"], role="instructor")
    factories.enrollment(cohort_b, people["instructor_b"], role="instructor")
    starts_at = dt.datetime(2026, 3, 2, 8, tzinfo=HANOI)
    session = ClassSession.objects.create(
        cohort=cohort,
        category=Category.THEORY,
        module=ModulePage.objects.child_of(cohort.program).get(number=1),
        title="Buổi khai giảng",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=3),
        periods=4,
    )
    session.instructors.add(people["instructor_a"])
    return {"a": cohort, "b": cohort_b, "session": session, **people}


# person: (view A, teaches A, manage cohorts, take attendance of A's session)
EXPECTED = {
    "anonymous": (False, False, False, False),
    "participant_a": (True, False, False, False),
    "participant_b": (False, False, False, False),
    "applicant_a": (False, False, False, False),
    "instructor_a": (True, True, False, True),
    "instructor_b": (False, False, False, False),
    "school_staff": (True, False, True, True),
}


@pytest.mark.parametrize("person", PEOPLE)
def test_predicates(world, person):
    user = world[person]
    answers = (
        user_can_view_cohort(user, world["a"]),
        user_teaches(user, world["a"]),
        user_can_manage_cohorts(user),
        user_can_take_attendance(user, world["session"]),
    )
    assert answers == EXPECTED[person]


def test_an_instructor_of_the_cohort_not_teaching_the_session_takes_no_attendance(world):
    other = factories.instructor()
    factories.enrollment(world["a"], other, role="instructor")
    assert user_teaches(other, world["a"])
    assert not user_can_take_attendance(other, world["session"])


@pytest.mark.parametrize("person", ["participant_a", "instructor_a", "school_staff"])
def test_an_inactive_account_has_no_rights(world, person):
    user = world[person]
    user.is_active = False
    user.save()
    user = type(user).objects.get(pk=user.pk)
    assert not user_can_view_cohort(user, world["a"])
    assert not user_teaches(user, world["a"])
    assert not user_can_manage_cohorts(user)
    assert not user_can_take_attendance(user, world["session"])


# --- The pages ---------------------------------------------------------------------------------


def cohort_url(world) -> str:
    return reverse("courses:cohort", args=[world["a"].code])


def test_the_cohort_page_shows_the_class_to_a_member(client, world):
    client.force_login(world["participant_a"])
    response = client.get(cohort_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert world["a"].name in page
    assert "Buổi khai giảng" in page
    assert "Hoàng Văn Hải" in page


@pytest.mark.parametrize("person", ["participant_b", "applicant_a", "instructor_b"])
def test_the_cohort_page_does_not_exist_for_others(client, world, person):
    client.force_login(world[person])
    response = client.get(cohort_url(world))
    assert response.status_code == 404
    assert "Buổi khai giảng" not in response.content.decode()


def test_the_cohort_page_sends_the_signed_out_to_sign_in(client, world):
    response = client.get(cohort_url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


def staff_urls(world) -> list[str]:
    code = world["a"].code
    return [
        reverse("courses:staff_cohorts"),
        reverse("courses:staff_cohort_create"),
        reverse("courses:staff_cohort", args=[code]),
        reverse("courses:staff_cohort_edit", args=[code]),
        reverse("courses:staff_enrollments", args=[code]),
        reverse("courses:staff_session_create", args=[code]),
        reverse("courses:staff_session_edit", args=[world["session"].pk]),
    ]


@pytest.mark.parametrize("person", ["participant_a", "instructor_a"])
def test_school_pages_are_forbidden_to_participants_and_instructors(client, world, person):
    client.force_login(world[person])
    for url in staff_urls(world):
        response = client.get(url)
        assert response.status_code == 403, url
        page = response.content.decode()
        assert "Chỉ nhà trường mới làm được việc này." in page
        assert world["a"].name not in page


def test_school_pages_send_the_signed_out_to_sign_in(client, world):
    for url in staff_urls(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


def test_school_staff_forms_refuse_writes_from_others(client, world):
    """A forged POST by an instructor changes nothing."""
    client.force_login(world["instructor_a"])
    applicant = world["a"].enrollments.get(user=world["applicant_a"])
    response = client.post(
        reverse("courses:staff_enrollments", args=[world["a"].code]),
        {"selected": [applicant.pk], "decision": "approve"},
    )
    assert response.status_code == 403
    applicant.refresh_from_db()
    assert applicant.status == "applied"
    response = client.post(reverse("courses:staff_session_delete", args=[world["session"].pk]))
    assert response.status_code == 403
    assert ClassSession.objects.filter(pk=world["session"].pk).exists()


def test_an_inactive_staff_member_is_signed_out(client, world):
    staff = world["school_staff"]
    client.force_login(staff)
    assert client.get(reverse("courses:staff_cohorts")).status_code == 200
    staff.is_active = False
    staff.save()

    response = client.get(reverse("courses:staff_cohorts"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.get(cohort_url(world))
    assert response.status_code == 302
