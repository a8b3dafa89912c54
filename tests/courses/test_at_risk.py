"""Participants at risk (issue item 7): the rule, the screen /nha-truong/nguy-co/ and the daily
summary `manage.py send_at_risk_summary`."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from courses.at_risk import at_risk, report_deadline_near
from courses.policies import AbsenceLevel, Risk, absence_level, absence_limit
from tests import factories
from tests.courses.dashboard_helpers import (
    bulk_attendance,
    bulk_participants,
    bulk_sessions,
    known_class,
    queries_of,
    running_cohort,
)
from tests.courses.report_helpers import assignment

AT_RISK = "/nha-truong/nguy-co/"


# --- The pure rule -----------------------------------------------------------------------------


def test_absence_limit_is_the_share_one_may_miss():
    assert absence_limit(160, 80) == Decimal(32)
    assert absence_limit(20, Decimal("80")) == Decimal(4)


@pytest.mark.parametrize(
    ("allowed", "missed", "risk", "level"),
    [
        (Decimal(32), 0, Risk.ON_TRACK, AbsenceLevel.CLEAR),  # nothing missed
        (Decimal(20), 12, Risk.AT_RISK, AbsenceLevel.CLEAR),  # 20 of 32 still to miss
        (Decimal(8), 24, Risk.AT_RISK, AbsenceLevel.NEAR),  # a quarter of the limit left
        (Decimal(0), 32, Risk.AT_RISK, AbsenceLevel.NEAR),  # nothing more may be missed
        (Decimal(-4), 36, Risk.OUT_OF_REACH, AbsenceLevel.PAST),
        (Decimal(4), 28, Risk.REACHED, AbsenceLevel.CLEAR),  # the threshold is met already
    ],
)
def test_absence_level(allowed, missed, risk, level):
    assert absence_level(allowed_to_miss=allowed, limit=32, missed=missed, risk=risk) == level


def test_with_no_absence_allowed_any_absence_is_past_and_none_is_clear():
    assert (
        absence_level(allowed_to_miss=-4, limit=0, missed=4, risk=Risk.OUT_OF_REACH)
        == AbsenceLevel.PAST
    )
    assert (
        absence_level(allowed_to_miss=0, limit=0, missed=0, risk=Risk.ON_TRACK)
        == AbsenceLevel.CLEAR
    )


def test_report_deadline_is_near_within_seven_days_or_passed():
    now = timezone.now()
    assert report_deadline_near(now + dt.timedelta(days=7), now)
    assert report_deadline_near(now - dt.timedelta(days=1), now)
    assert not report_deadline_near(now + dt.timedelta(days=8), now)


# --- The selector and the screen ---------------------------------------------------------------


@pytest.mark.django_db
def test_selector_finds_past_near_and_missing_reports(program):
    cohort, people = known_class(program)
    (item,) = at_risk()
    by_name = {p.enrollment.pk: p for p in item.people}
    assert set(by_name) == {people["binh"].pk, people["cuong"].pk}
    assert by_name[people["cuong"].pk].level == AbsenceLevel.PAST
    assert by_name[people["binh"].pk].level == AbsenceLevel.NEAR
    assert all(p.report_missing for p in item.people)
    # Vietnamese name order: by given name first (Bình before Cường), full names as written.
    assert [p.name for p in item.people] == ["Trần Thị Bình", "Phạm Văn Cường"]


@pytest.mark.django_db
def test_screen_lists_people_at_risk_in_plain_words(client, school_staff, program):
    cohort, people = known_class(program)
    client.force_login(school_staff)
    page = client.get(AT_RISK).content.decode()
    assert "Phạm Văn Cường" in page
    assert "Trần Thị Bình" in page
    assert "Lê Văn An" not in page
    assert "Đỗ Thị Dung" not in page
    assert "quá giới hạn 4 tiết được vắng" in page  # Cường: 8 missed
    assert "chỉ còn được vắng 0 tiết nữa" in page  # Bình: 4 missed
    assert "chưa nộp báo cáo thu hoạch — hạn nộp" in page
    assert "còn 3 ngày" in page
    assert (
        reverse("courses:staff_participant_attendance", args=[cohort.code, people["cuong"].pk])
        in page
    )


@pytest.mark.django_db
def test_screen_filters_by_cohort_and_refuses_others(client, school_staff, instructor, program):
    cohort, _people = known_class(program)
    other, _ = known_class(program, code="GDS-K2")
    client.force_login(school_staff)
    page = client.get(AT_RISK, {"lop": other.code}).content.decode()
    assert "GDS-K2" in page
    assert f"({cohort.code})" not in page
    assert client.get(AT_RISK, {"lop": "KHONG-CO"}).status_code == 404
    client.force_login(instructor)
    assert client.get(AT_RISK).status_code == 403


@pytest.mark.django_db
def test_a_cohort_over_long_ago_is_not_running(client, school_staff, program):
    today = timezone.localdate()
    old = running_cohort(
        program, start_date=today - dt.timedelta(days=200), end_date=today - dt.timedelta(days=150)
    )
    factories.enrollment(old)  # missed everything, no report: but the course is long over
    assert at_risk() == []


@pytest.mark.django_db
def test_screen_queries_do_not_grow(client, school_staff, program, django_assert_num_queries):
    cohort = running_cohort(program)
    assignment(cohort, deadline=timezone.now() + dt.timedelta(days=2))
    people = bulk_participants(cohort, 10)
    bulk_attendance(bulk_sessions(cohort, 5), people, absent_every=2)
    client.force_login(school_staff)
    client.get(AT_RISK)
    small = queries_of(lambda: client.get(AT_RISK))
    people += bulk_participants(cohort, 190)
    bulk_attendance(bulk_sessions(cohort, 95), people, absent_every=2)
    client.get(AT_RISK)
    with django_assert_num_queries(small):
        page = client.get(AT_RISK).content.decode()
    assert page.count("Xem chuyên cần") == 200  # everyone: the report is due in two days


# --- The daily summary ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_mails_each_member_of_staff_once_with_the_names(
    school_staff, participant, program, django_capture_on_commit_callbacks
):
    other_staff = factories.school_staff(last_name="Ngô Thị", first_name="Mai")
    known_class(program)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_at_risk_summary", stdout=out)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([school_staff.email, other_staff.email])
    assert all(len(m.to) == 1 for m in mail.outbox)
    body = mail.outbox[0].body
    assert "Phạm Văn Cường" in body
    assert "Trần Thị Bình" in body
    assert "Lê Văn An" not in body
    assert "2 học viên có nguy cơ" in mail.outbox[0].subject
    assert "&" not in body.split("http")[0]  # plain text, nothing escaped
    assert "2 participant(s) at risk" in out.getvalue()


@pytest.mark.django_db
def test_command_sends_nothing_when_no_one_is_at_risk(school_staff, program):
    running_cohort(program)
    out = io.StringIO()
    call_command("send_at_risk_summary", stdout=out)
    assert mail.outbox == []
    assert "nothing" in out.getvalue()
