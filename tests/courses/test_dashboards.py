"""The instructor's home (/giang-day/) and the school's home (/nha-truong/tong-quan/): what each
shows, to whom, and in a fixed number of queries whatever the size."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from content.models import ModulePage
from courses import policies
from courses.models import Post
from courses.services import discussions
from tests import factories
from tests.courses.attendance_helpers import session, teacher
from tests.courses.dashboard_helpers import (
    bulk_attendance,
    bulk_participants,
    bulk_sessions,
    bulk_submissions,
    known_class,
    queries_of,
    running_cohort,
)
from tests.courses.report_helpers import assignment, hand_in, person

pytestmark = pytest.mark.django_db

INSTRUCTOR_HOME = "/giang-day/"
STAFF_HOME = "/nha-truong/tong-quan/"


def _noon_today():
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(12, 0)))


@pytest.fixture
def taught(program, instructor):
    """A cohort the instructor teaches, with one of each thing that needs them, and another
    cohort (not theirs) with a question of its own."""
    cohort = running_cohort(program, code="GDS-DAY")
    teacher(cohort, instructor)
    member = person(cohort, "Trần Văn", "Hòa")
    other_member = person(cohort, "Vũ Thị", "Lan")
    lesson = session(cohort, starts_at=_noon_today(), instructors=[instructor])
    lesson.title = "Chuyển đổi số cấp tỉnh"
    lesson.save()
    question = discussions.start_thread(
        actor=member.user, cohort=cohort, kind="question", title="Hỏi về Nghị định 13", body="?"
    )
    spam = discussions.start_thread(
        actor=member.user, cohort=cohort, kind="discussion", title="Mời mua hàng", body="Mua"
    )
    opening = Post.objects.get(thread=spam, is_opening=True)
    discussions.report_post(actor=other_member.user, post=opening, reason="Quảng cáo trá hình")
    assignment(cohort)
    hand_in(member)
    draft = ModulePage(
        title="Chuyên đề nháp về dữ liệu số",
        slug="nhap-du-lieu-so",
        number=40,
        live=False,
        owner=instructor,
    )
    program.add_child(instance=draft)
    draft.save_revision(user=instructor)

    elsewhere = running_cohort(program, code="GDS-OTHER")
    stranger = person(elsewhere, "Hoàng Văn", "Nam")
    discussions.start_thread(
        actor=stranger.user, cohort=elsewhere, kind="question", title="Câu hỏi lớp khác", body="?"
    )
    other_lesson = session(elsewhere, starts_at=_noon_today() + dt.timedelta(hours=1))
    other_lesson.title = "Buổi của lớp khác"
    other_lesson.save()
    return {"cohort": cohort, "lesson": lesson, "question": question, "post": opening}


def test_instructor_home_lists_what_needs_them(client, instructor, taught):
    client.force_login(instructor)
    page = client.get(INSTRUCTOR_HOME).content.decode()
    lesson = taught["lesson"]
    assert "Chuyển đổi số cấp tỉnh" in page
    assert reverse("courses:roll_call", args=[lesson.pk]) in page
    assert reverse("courses:check_in_board", args=[lesson.pk]) in page
    assert "Điểm danh" in page
    assert "Mở điểm danh" in page
    assert "Hỏi về Nghị định 13" in page
    assert reverse("courses:discussion_thread", args=[taught["question"].pk]) in page
    assert reverse("courses:discussion_post", args=[taught["post"].pk]) in page
    assert "Quảng cáo trá hình" in page
    assert "1 bài chờ chấm" in page
    assert reverse("courses:report_grading", args=["GDS-DAY"]) in page
    assert "Chuyên đề nháp về dữ liệu số" in page
    assert "Bản nháp" in page


def test_instructor_home_shows_nothing_of_another_cohort(client, instructor, taught):
    client.force_login(instructor)
    page = client.get(INSTRUCTOR_HOME).content.decode()
    assert "Câu hỏi lớp khác" not in page
    assert "Buổi của lớp khác" not in page
    assert "GDS-OTHER" not in page


def test_instructor_home_refuses_participants_and_header_links_it_for_instructors(
    client, instructor, participant, taught
):
    client.force_login(participant)
    assert client.get(INSTRUCTOR_HOME).status_code == 403
    assert INSTRUCTOR_HOME not in client.get("/khoa-hoc/").content.decode()
    client.force_login(instructor)
    assert f'href="{INSTRUCTOR_HOME}"' in client.get("/khoa-hoc/").content.decode()


def test_staff_home_shows_the_numbers_of_a_known_class(client, school_staff, program):
    cohort, people = known_class(program)
    client.force_login(school_staff)
    response = client.get(STAFF_HOME)
    page = response.content.decode()
    (row,) = [r for r in response.context["rows"] if r.cohort.pk == cohort.pk]
    assert row.cohort.waiting == 2
    assert f"{reverse('courses:staff_enrollments', args=[cohort.code])}?status=applied" in page
    assert "4/30" in page
    expected = [
        policies.format_rate(policies.attendance_rate(3, 4)),
        policies.format_rate(policies.attendance_rate(2, 4)),
    ]
    assert expected == ["75 %", "50 %"]
    assert [value for _label, value in row.chart.rows] == expected
    assert "75 %" in page
    assert "50 %" in page
    assert len(row.risk.people) == 2
    assert f"{reverse('courses:at_risk')}?lop={cohort.code}" in page
    assert (row.reports_missing, row.reports_failing, row.reports_waiting) == (2, 1, 0)
    assert (row.eligible, row.certificates) == (0, 1)
    assert row.timetable.scheduled.total == 20
    screens = [
        "staff_cohort",
        "staff_enrollments",
        "cohort_attendance",
        "report_grading",
        "staff_gradebook",
        "staff_certificates",
        "staff_import",
        "staff_cohort_edit",
    ]
    for name in screens:
        assert reverse(f"courses:{name}", args=[cohort.code]) in page


def test_staff_home_is_linked_from_the_cohort_list(client, school_staff):
    client.force_login(school_staff)
    assert STAFF_HOME in client.get("/nha-truong/").content.decode()


def test_staff_home_refuses_everyone_else(client, instructor, participant):
    assert client.get(STAFF_HOME).status_code == 302  # to sign in
    for person_ in (instructor, participant):
        client.force_login(person_)
        assert client.get(STAFF_HOME).status_code == 403


# --- A fixed number of queries -----------------------------------------------------------------


def _count(client, url) -> int:
    client.get(url)  # warm-up: caches of content types, site root, permissions
    return queries_of(lambda: client.get(url))


def _grow(cohort, participants, sessions, *, instructors=()):
    people = bulk_participants(cohort, participants)
    made = bulk_sessions(cohort, sessions, instructors=instructors)
    bulk_attendance(made, people)
    return people


def test_staff_home_queries_do_not_grow_with_participants_or_sessions(
    client, school_staff, program, django_assert_num_queries
):
    cohort = running_cohort(program)
    first = _grow(cohort, 10, 5)
    bulk_submissions(assignment(cohort), first[:3])
    client.force_login(school_staff)
    small = _count(client, STAFF_HOME)
    _grow(cohort, 190, 95)
    _grow(running_cohort(program), 20, 10)  # and another cohort
    client.get(STAFF_HOME)
    with django_assert_num_queries(small):
        client.get(STAFF_HOME)


def test_instructor_home_queries_do_not_grow(
    client, instructor, program, django_assert_num_queries
):
    cohort = running_cohort(program)
    teacher(cohort, instructor)
    first = _grow(cohort, 10, 5, instructors=[instructor])
    bulk_submissions(assignment(cohort), first[:3])
    client.force_login(instructor)
    small = _count(client, INSTRUCTOR_HOME)
    more = _grow(cohort, 190, 95, instructors=[instructor])
    bulk_submissions(cohort.report_assignment, more[:50])
    other = running_cohort(program)
    teacher(other, instructor)
    _grow(other, 5, 5, instructors=[instructor])
    client.get(INSTRUCTOR_HOME)
    with django_assert_num_queries(small):
        client.get(INSTRUCTOR_HOME)


def test_nothing_to_show_says_so(client, school_staff, instructor):
    client.force_login(school_staff)
    assert "Không có lớp nào đang học" in client.get(STAFF_HOME).content.decode()
    client.force_login(instructor)
    assert "chưa được phân công" in client.get(INSTRUCTOR_HOME).content.decode()


def test_waiting_applications_appear_for_a_cohort_without_participants(
    client, school_staff, program
):
    cohort = running_cohort(program)
    factories.enrollment(cohort, status="applied")
    client.force_login(school_staff)
    (row,) = client.get(STAFF_HOME).context["rows"]
    assert (row.cohort.waiting, row.cohort.enrolled, row.chart) == (1, 0, None)
