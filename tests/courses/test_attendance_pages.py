"""Attendance pages: who may open them, the roll call form, check-in, the staff log page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import AttendanceChange, AttendanceRecord, CheckInWindow
from courses.services import attendance as service
from tests import factories
from tests.courses.attendance_helpers import freeze, participants, session, teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(cohort):
    return session(cohort, instructors=[teacher(cohort)])


def roll_call_url(lesson):
    return reverse("courses:roll_call", args=[lesson.pk])


def test_roll_call_refuses_other_cohorts_instructors_and_participants(
    client, cohort, lesson, participant
):
    elsewhere = teacher(factories.cohort(cohort.program))
    client.force_login(elsewhere)
    assert client.get(roll_call_url(lesson)).status_code == 404
    factories.enrollment(cohort, participant)
    client.force_login(participant)
    assert client.get(roll_call_url(lesson)).status_code == 403
    assert client.post(roll_call_url(lesson), {}).status_code == 403


def test_instructor_saves_the_roll_call_in_one_post(client, cohort, lesson):
    an, binh = participants(cohort, 2)
    client.force_login(lesson.instructors.get())
    page = client.get(roll_call_url(lesson))
    assert page.status_code == 200
    assert "Có mặt" in page.content.decode()
    assert "Có phép" in page.content.decode()
    response = client.post(
        roll_call_url(lesson),
        {
            f"s-{an.pk}": "present",
            f"v-{an.pk}": "0",
            f"s-{binh.pk}": "excused",
            f"r-{binh.pk}": "Họp tỉnh",
            f"v-{binh.pk}": "0",
        },
    )
    assert response.status_code == 302
    assert AttendanceRecord.objects.count() == 2
    assert AttendanceChange.objects.count() == 2


def test_tampered_id_of_another_cohort_writes_nothing(client, cohort, lesson):
    mine = factories.enrollment(cohort)
    theirs = factories.enrollment(factories.cohort(cohort.program))
    client.force_login(lesson.instructors.get())
    response = client.post(
        roll_call_url(lesson), {f"s-{mine.pk}": "present", f"s-{theirs.pk}": "present"}
    )
    assert response.status_code == 403
    assert not AttendanceRecord.objects.exists()


def _page_queries(client, program, size):
    cohort = factories.cohort(program, capacity=150)
    lesson = session(cohort, instructors=[teacher(cohort)])
    members = participants(cohort, size)
    client.force_login(lesson.instructors.get())
    client.get(roll_call_url(lesson))  # warm the per-process caches (site settings)
    with CaptureQueriesContext(connection) as get:
        assert client.get(roll_call_url(lesson)).status_code == 200
    data = {f"s-{m.pk}": "present" for m in members}
    with CaptureQueriesContext(connection) as post:
        assert client.post(roll_call_url(lesson), data).status_code == 302
    return len(get.captured_queries), len(post.captured_queries)


def test_roll_call_page_queries_do_not_grow_with_the_class(client, program):
    assert _page_queries(client, program, 10) == _page_queries(client, program, 120)


def test_check_in_page_and_rate_limit(client, cohort, lesson, participant, monkeypatch):
    factories.enrollment(cohort, participant)
    service.open_check_in(None, lesson)
    moment = freeze(monkeypatch, lesson.starts_at + dt.timedelta(minutes=2))
    window = CheckInWindow.objects.get()
    good = service.code_for(window, service.time_step(moment))
    wrong = "000000" if good != "000000" else "111111"
    client.force_login(participant)
    url = reverse("courses:check_in")
    assert good in client.get(f"{url}?ma={good}").content.decode()
    for _ in range(10):
        assert "không đúng" in client.post(url, {"ma": wrong}).content.decode()
    assert client.post(url, {"ma": wrong}).status_code == 429
    assert client.post(url, {"ma": good}).status_code == 429
    assert not AttendanceRecord.objects.exists()


def test_check_in_page_marks_present_once(client, cohort, lesson, participant, monkeypatch):
    factories.enrollment(cohort, participant)
    service.open_check_in(None, lesson)
    moment = freeze(monkeypatch, lesson.starts_at + dt.timedelta(minutes=2))
    good = service.code_for(CheckInWindow.objects.get(), service.time_step(moment))
    client.force_login(participant)
    url = reverse("courses:check_in")
    assert client.post(url, {"ma": good}).status_code == 302
    response = client.post(url, {"ma": good}, follow=True)
    assert "Bạn đã điểm danh lúc" in response.content.decode()
    assert AttendanceRecord.objects.count() == 1


def test_only_sessions_with_an_open_window_are_offered_for_check_in(
    cohort, lesson, participant, monkeypatch
):
    """A session in its check-in hour that no instructor opened, or whose window was closed, is
    not "open": only the one with an open window is offered."""
    from courses.attendance_selectors import sessions_open_for_check_in

    factories.enrollment(cohort, participant)
    never_opened = session(cohort, starts_at=lesson.starts_at)
    closed = session(cohort, starts_at=lesson.starts_at)
    service.open_check_in(None, lesson)
    service.open_check_in(None, closed)
    CheckInWindow.objects.filter(session=closed).update(closed_at=lesson.starts_at)
    moment = lesson.starts_at + dt.timedelta(minutes=2)
    offered = sessions_open_for_check_in(participant, moment)
    assert [s.pk for s in offered] == [lesson.pk]
    assert never_opened.pk not in {s.pk for s in offered}


def test_check_in_board_shows_code_and_qr(client, cohort, lesson):
    client.force_login(lesson.instructors.get())
    board = reverse("courses:check_in_board", args=[lesson.pk])
    client.post(board, {"action": "open"})
    html = client.get(board).content.decode()
    assert "<svg" in html
    assert "Mã điểm danh" in html
    data = client.get(reverse("courses:check_in_board_data", args=[lesson.pk])).json()
    assert data["open"]
    assert len(data["code"]) == 6


def test_staff_participant_page_shows_records_and_log(
    client, cohort, lesson, school_staff, participant
):
    member = factories.enrollment(cohort, participant)
    service.save_roll_call(None, lesson, {member.pk: ("absent", "")}, {})
    url = reverse("courses:staff_participant_attendance", args=[cohort.code, member.pk])
    client.force_login(participant)
    assert client.get(url).status_code == 403
    client.force_login(school_staff)
    html = client.get(url).content.decode()
    assert "Lịch sử thay đổi" in html
    assert "Vắng" in html
