"""Attendance records, their log, roll call, self check-in and the figures certificates use."""

import datetime as dt
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.attendance_selectors import (
    attendance_for_cohort,
    attendance_log,
    attended_periods,
)
from courses.exceptions import Conflict, InvalidInput, InvalidTransition, NotAllowed
from courses.models import AttendanceChange, AttendanceRecord, CheckInWindow
from courses.services import attendance as service
from tests import factories
from tests.courses.attendance_helpers import freeze, participants, session, teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(cohort):
    """A session that started five minutes ago, taught by one instructor of the cohort."""
    return session(cohort, instructors=[teacher(cohort)])


def the_teacher(lesson):
    return lesson.instructors.get()


# --- Records and their log ---------------------------------------------------------------------


def test_one_record_per_session_and_participant(cohort, lesson):
    member = factories.enrollment(cohort)
    AttendanceRecord.objects.create(
        session=lesson, enrollment=member, status="present", method="roll_call"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceRecord.objects.create(
            session=lesson, enrollment=member, status="absent", method="roll_call"
        )


def test_excused_without_reason_is_refused_by_the_database_too(cohort, lesson):
    member = factories.enrollment(cohort)
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceRecord.objects.create(
            session=lesson, enrollment=member, status="excused", method="roll_call"
        )


def test_the_log_is_append_only(cohort, lesson):
    member = factories.enrollment(cohort)
    service.save_roll_call(the_teacher(lesson), lesson, {member.pk: ("present", "")}, {})
    change = AttendanceChange.objects.get()
    change.reason = "sửa lén"
    with pytest.raises(TypeError):
        change.save()
    with pytest.raises(TypeError):
        change.delete()
    with pytest.raises(TypeError):
        AttendanceChange.objects.update(reason="sửa lén")
    with pytest.raises(TypeError):
        AttendanceChange.objects.all().delete()


def test_every_create_and_change_is_logged_and_a_repeat_logs_nothing(cohort, lesson):
    actor = the_teacher(lesson)
    an, binh = participants(cohort, 2)
    first = service.save_roll_call(
        actor, lesson, {an.pk: ("present", ""), binh.pk: ("absent", "")}, {}, "10.0.0.7"
    )
    assert (first.created, first.changed) == (2, 0)
    assert AttendanceChange.objects.count() == 2

    again = service.save_roll_call(
        actor, lesson, {an.pk: ("present", ""), binh.pk: ("absent", "")}, {an.pk: 1, binh.pk: 1}
    )
    assert again.written == 0
    assert AttendanceChange.objects.count() == 2

    service.save_roll_call(
        actor, lesson, {binh.pk: ("excused", "Họp Ủy ban tỉnh")}, {binh.pk: 1}, "10.0.0.8"
    )
    record = AttendanceRecord.objects.get(enrollment=binh)
    assert (record.status, record.reason, record.version) == ("excused", "Họp Ủy ban tỉnh", 2)
    change = AttendanceChange.objects.filter(record=record).last()
    assert (change.old_status, change.new_status, change.reason) == (
        "absent",
        "excused",
        "Họp Ủy ban tỉnh",
    )
    assert (change.changed_by, change.method, change.ip_address, change.version) == (
        actor,
        "roll_call",
        "10.0.0.8",
        2,
    )
    assert [c.new_status for c in attendance_log(binh)] == ["absent", "excused"]


def test_excused_needs_a_reason(cohort, lesson):
    member = factories.enrollment(cohort)
    with pytest.raises(InvalidInput, match="lý do vắng có phép"):
        service.save_roll_call(the_teacher(lesson), lesson, {member.pk: ("excused", " ")}, {})
    assert not AttendanceRecord.objects.exists()


def test_a_change_after_the_sessions_day_needs_a_reason(cohort, lesson, monkeypatch):
    actor = the_teacher(lesson)
    member = factories.enrollment(cohort)
    service.save_roll_call(actor, lesson, {member.pk: ("absent", "")}, {})
    freeze(monkeypatch, lesson.starts_at + dt.timedelta(days=2))

    with pytest.raises(InvalidInput, match="đã qua ngày"):
        service.save_roll_call(actor, lesson, {member.pk: ("present", "")}, {member.pk: 1})
    assert AttendanceRecord.objects.get().status == "absent"

    service.save_roll_call(
        actor, lesson, {member.pk: ("present", "")}, {member.pk: 1}, reason="Nhầm tên khi gọi"
    )
    record = AttendanceRecord.objects.get()
    assert record.status == "present"
    assert record.changes.last().reason == "Nhầm tên khi gọi"


def test_a_stale_version_is_refused_with_the_current_value_and_who_set_it(
    cohort, lesson, school_staff
):
    actor = the_teacher(lesson)
    member = factories.enrollment(cohort)
    service.save_roll_call(actor, lesson, {member.pk: ("absent", "")}, {})
    # The school corrects it while the instructor's form (version 1) is still open.
    service.save_roll_call(
        school_staff, lesson, {member.pk: ("excused", "Đi công tác")}, {member.pk: 1}
    )
    with pytest.raises(Conflict) as refusal:
        service.save_roll_call(actor, lesson, {member.pk: ("late", "")}, {member.pk: 1})
    message = refusal.value.message
    assert "Vắng có phép" in message
    assert school_staff.full_name in message
    assert member.user.full_name in message
    assert refusal.value.rows == [member.pk]
    assert AttendanceRecord.objects.get().status == "excused"
    assert AttendanceChange.objects.count() == 2


def test_a_stale_row_refuses_the_whole_save(cohort, lesson, school_staff):
    actor = the_teacher(lesson)
    an, binh = participants(cohort, 2)
    service.save_roll_call(actor, lesson, {an.pk: ("absent", "")}, {})
    service.save_roll_call(school_staff, lesson, {an.pk: ("present", "")}, {an.pk: 1})
    with pytest.raises(Conflict):
        service.save_roll_call(
            actor, lesson, {an.pk: ("late", ""), binh.pk: ("present", "")}, {an.pk: 1}
        )
    assert not AttendanceRecord.objects.filter(enrollment=binh).exists()


def test_only_the_sessions_instructors_and_staff_take_the_roll(cohort, lesson, participant):
    member = factories.enrollment(cohort, participant)
    other_teacher = teacher(cohort)  # teaches in this cohort, not this session
    elsewhere = teacher(factories.cohort(cohort.program))
    for actor in (participant, other_teacher, elsewhere):
        with pytest.raises(NotAllowed):
            service.save_roll_call(actor, lesson, {member.pk: ("present", "")}, {})
    assert not AttendanceRecord.objects.exists()


def test_an_id_from_another_cohort_refuses_everything_and_is_logged(cohort, lesson, caplog):
    mine = factories.enrollment(cohort)
    theirs = factories.enrollment(factories.cohort(cohort.program))
    applicant = factories.enrollment(cohort, status="applied")
    for intruder in (theirs, applicant):
        with (
            caplog.at_level(logging.WARNING, logger="courses.services.attendance"),
            pytest.raises(NotAllowed, match="không thuộc lớp"),
        ):
            service.save_roll_call(
                the_teacher(lesson),
                lesson,
                {mine.pk: ("present", ""), intruder.pk: ("present", "")},
                {},
                "203.0.113.9",
            )
        assert str(intruder.pk) in caplog.text
    assert not AttendanceRecord.objects.exists()
    assert not AttendanceChange.objects.exists()
    assert any(r.levelno == logging.WARNING for r in caplog.records)


def _roll_call_queries(program, size):
    """Queries of a first save (all new) and a second one (two rows changed) of `size` people."""
    cohort = factories.cohort(program, capacity=150)
    lesson = session(cohort, instructors=[teacher(cohort)])
    members = participants(cohort, size)
    actor = factories.school_staff()
    marks = {m.pk: ("present", "") for m in members}
    marks[members[0].pk] = ("excused", "Ốm")
    with CaptureQueriesContext(connection) as first:
        service.save_roll_call(actor, lesson, marks, {})
    changed = marks | {members[1].pk: ("late", ""), members[2].pk: ("absent", "")}
    with CaptureQueriesContext(connection) as second:
        result = service.save_roll_call(actor, lesson, changed, dict.fromkeys(marks, 1))
    assert (result.created, result.changed) == (0, 2)
    assert AttendanceRecord.objects.filter(session=lesson).count() == size
    assert AttendanceChange.objects.filter(record__session=lesson).count() == size + 2
    return len(first.captured_queries), len(second.captured_queries)


def test_roll_call_runs_the_same_queries_for_10_and_120_people(program):
    assert _roll_call_queries(program, 10) == _roll_call_queries(program, 120)


# --- Self check-in -------------------------------------------------------------------------


@pytest.fixture
def open_lesson(lesson):
    service.open_check_in(the_teacher(lesson), lesson)
    return lesson


def code_at(session_, moment, steps_back=0):
    window = CheckInWindow.objects.get(session=session_, closed_at__isnull=True)
    return service.code_for(window, service.time_step(moment) - steps_back)


def test_check_in_with_the_current_code_marks_present(
    cohort, open_lesson, participant, monkeypatch
):
    member = factories.enrollment(cohort, participant)
    moment = freeze(monkeypatch, open_lesson.starts_at + dt.timedelta(minutes=3))
    outcome = service.check_in(participant, open_lesson, code_at(open_lesson, moment), "10.1.1.1")
    assert outcome.created
    record = AttendanceRecord.objects.get(enrollment=member)
    assert (record.status, record.method, record.recorded_by) == (
        "present",
        "self_check_in",
        participant,
    )
    change = record.changes.get()
    assert (change.new_status, change.ip_address) == ("present", "10.1.1.1")


def test_check_in_accepts_the_previous_steps_code(cohort, open_lesson, participant, monkeypatch):
    factories.enrollment(cohort, participant)
    moment = freeze(monkeypatch, open_lesson.starts_at + dt.timedelta(minutes=3))
    code = code_at(open_lesson, moment, steps_back=1)
    assert service.check_in(participant, open_lesson, code).created


def test_check_in_rejects_expired_code(cohort, open_lesson, participant, monkeypatch):
    factories.enrollment(cohort, participant)
    moment = freeze(monkeypatch, open_lesson.starts_at + dt.timedelta(minutes=3))
    read_earlier = code_at(open_lesson, moment - dt.timedelta(seconds=2 * service.code_seconds()))
    assert read_earlier != code_at(open_lesson, moment)
    with pytest.raises(service.WrongCode, match="không đúng hoặc đã hết hạn"):
        service.check_in(participant, open_lesson, read_earlier)
    with pytest.raises(service.WrongCode):
        service.check_in(participant, open_lesson, "12345")
    assert not AttendanceRecord.objects.exists()


def test_check_in_after_the_late_mark_is_late(cohort, open_lesson, participant, monkeypatch):
    factories.enrollment(cohort, participant)
    moment = freeze(monkeypatch, open_lesson.starts_at + dt.timedelta(minutes=20))
    outcome = service.check_in(participant, open_lesson, code_at(open_lesson, moment))
    assert outcome.record.status == "late"


@pytest.mark.parametrize(("minutes", "message"), [(-40, "Chưa đến giờ"), (45, "Đã hết giờ")])
def test_check_in_outside_the_window_is_refused(
    cohort, open_lesson, participant, monkeypatch, minutes, message
):
    factories.enrollment(cohort, participant)
    moment = freeze(monkeypatch, open_lesson.starts_at + dt.timedelta(minutes=minutes))
    with pytest.raises(InvalidTransition, match=message):
        service.check_in(participant, open_lesson, code_at(open_lesson, moment))
    assert not AttendanceRecord.objects.exists()


def test_check_in_needs_check_in_open(cohort, lesson, participant, monkeypatch):
    factories.enrollment(cohort, participant)
    service.open_check_in(the_teacher(lesson), lesson)
    moment = freeze(monkeypatch, lesson.starts_at + dt.timedelta(minutes=2))
    code = code_at(lesson, moment)
    service.close_check_in(the_teacher(lesson), lesson)
    with pytest.raises(InvalidTransition, match="chưa mở điểm danh"):
        service.check_in(participant, lesson, code)


def test_check_in_by_a_non_member_is_refused(cohort, open_lesson, participant, monkeypatch):
    factories.enrollment(cohort, participant, status="applied")
    moment = freeze(monkeypatch, open_lesson.starts_at + dt.timedelta(minutes=2))
    with pytest.raises(NotAllowed, match="không phải học viên"):
        service.check_in(participant, open_lesson, code_at(open_lesson, moment))
    assert not AttendanceRecord.objects.exists()


def test_checking_in_twice_keeps_one_record(cohort, open_lesson, participant, monkeypatch):
    factories.enrollment(cohort, participant)
    moment = freeze(monkeypatch, open_lesson.starts_at + dt.timedelta(minutes=2))
    service.check_in(participant, open_lesson, code_at(open_lesson, moment))
    later = freeze(monkeypatch, moment + dt.timedelta(minutes=1))
    again = service.check_in(participant, open_lesson, code_at(open_lesson, later))
    assert not again.created
    local = timezone.localtime(moment).strftime("%H:%M")
    assert again.message.startswith(f"Bạn đã điểm danh lúc {local}")
    assert AttendanceRecord.objects.count() == 1
    assert AttendanceChange.objects.count() == 1


def test_check_in_never_overwrites_the_instructors_mark(
    cohort, open_lesson, participant, monkeypatch
):
    member = factories.enrollment(cohort, participant)
    service.save_roll_call(
        the_teacher(open_lesson), open_lesson, {member.pk: ("excused", "Đi công tác")}, {}
    )
    moment = freeze(monkeypatch, open_lesson.starts_at + dt.timedelta(minutes=2))
    with pytest.raises(InvalidTransition, match="Vắng có phép"):
        service.check_in(participant, open_lesson, code_at(open_lesson, moment))
    assert AttendanceRecord.objects.get().status == "excused"
    assert AttendanceChange.objects.count() == 1


def test_codes_differ_between_sessions_and_windows(cohort, lesson):
    other = session(cohort, instructors=[the_teacher(lesson)])
    service.open_check_in(None, lesson)
    service.open_check_in(None, other)
    moment = timezone.now()
    assert code_at(lesson, moment) != code_at(other, moment)
    first = code_at(lesson, moment)
    service.close_check_in(None, lesson)
    service.open_check_in(None, lesson)
    assert code_at(lesson, moment) != first, "reopening gives new codes"
    assert len(first) == 6
    assert first.isdigit()


def test_only_instructors_of_the_session_open_check_in(cohort, lesson, participant):
    factories.enrollment(cohort, participant)
    with pytest.raises(NotAllowed):
        service.open_check_in(participant, lesson)
    assert service.open_check_in(the_teacher(lesson), lesson).is_open


# --- Figures for certificates ---------------------------------------------------------------


def timetable_of_160(cohort):
    """40 sessions of 4 periods, one a day; the first 21 have started."""
    start = timezone.now() - dt.timedelta(days=20)
    return [session(cohort, starts_at=start + dt.timedelta(days=i), periods=4) for i in range(40)]


def mark(sessions, member, absent: int, status="absent"):
    for index, item in enumerate(sessions):
        value = status if index < absent else "present"
        reason = "Lý do" if value == "excused" else ""
        service.save_roll_call(None, item, {member.pk: (value, reason)}, {})


@pytest.mark.parametrize(
    ("missed", "rate", "display", "passes"),
    [(28, Decimal("82.50"), "82,5 %", True), (36, Decimal("77.50"), "77,5 %", False)],
)
def test_attended_periods_counts_the_whole_timetable(cohort, missed, rate, display, passes):
    sessions = timetable_of_160(cohort)
    member = factories.enrollment(cohort)
    mark(sessions, member, absent=missed // 4)
    summary = attended_periods(member)
    assert summary.scheduled == 160
    assert summary.attended == 160 - missed
    assert (summary.rate, summary.rate_display, summary.passes) == (rate, display, passes)
    assert summary.threshold == Decimal("80")
    assert summary.categories["theory"].attended == 160 - missed


def test_excused_is_recorded_but_not_credited(cohort):
    sessions = timetable_of_160(cohort)[:2]
    member = factories.enrollment(cohort)
    mark(sessions, member, absent=1, status="excused")
    assert attended_periods(member).attended == 4


def test_late_credit_follows_the_cohort_rule(cohort):
    cohort.late_credit_percent = 50
    cohort.save()
    item = session(cohort, periods=5)
    member = factories.enrollment(cohort)
    service.save_roll_call(None, item, {member.pk: ("late", "")}, {})
    member.cohort.refresh_from_db()
    assert attended_periods(member).attended == Decimal("2.5")


def test_unrecorded_sessions_count_as_not_attended(cohort):
    sessions = timetable_of_160(cohort)
    member = factories.enrollment(cohort)
    service.save_roll_call(None, sessions[0], {member.pk: ("present", "")}, {})
    summary = attended_periods(member)
    assert summary.rate == Decimal("2.50")
    assert not summary.passes
    assert summary.held == 84  # 21 sessions have started (the last one a moment ago)
    assert summary.can_still_reach is False  # 4 + 76 remaining < 128


@pytest.mark.parametrize("size", [3, 25])
def test_attendance_for_cohort_runs_three_queries(cohort, size, django_assert_num_queries):
    sessions = timetable_of_160(cohort)[:5]
    members = participants(cohort, size)
    for item in sessions:
        service.save_roll_call(None, item, {m.pk: ("present", "") for m in members}, {})
    with django_assert_num_queries(3):
        figures = attendance_for_cohort(cohort)
    assert len(figures) == size
    assert {summary.attended for summary in figures.values()} == {Decimal(20)}
    assert figures[members[0].pk] == attended_periods(members[0])


# --- Concurrency (PostgreSQL) -----------------------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)


def _in_thread(barrier, work):
    from django.db import connections

    try:
        barrier.wait()
        return work()
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@postgres_only
def test_two_concurrent_roll_calls_lose_no_log_row(program):
    cohort = factories.cohort(program)
    lesson = session(cohort, instructors=[teacher(cohort)])
    actor = lesson.instructors.get()
    members = participants(cohort, 15)
    barrier = threading.Barrier(2)
    outcomes = []

    def save(status):
        def work():
            try:
                service.save_roll_call(actor, lesson, {m.pk: (status, "") for m in members}, {})
                outcomes.append("ok")
            except Conflict:
                outcomes.append("conflict")

        return work

    threads = [
        threading.Thread(target=_in_thread, args=(barrier, save(s))) for s in ("present", "absent")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert "ok" in outcomes
    records = AttendanceRecord.objects.filter(session=lesson)
    assert records.count() == 15
    assert len(set(records.values_list("status", flat=True))) == 1, "one save won whole"
    changes = AttendanceChange.objects.filter(record__session=lesson)
    # Every record's log replays to its current state, with no gap in versions.
    for record in records:
        log = list(changes.filter(record=record).order_by("version"))
        assert [c.version for c in log] == list(range(1, record.version + 1))
        assert log[-1].new_status == record.status


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@postgres_only
def test_twenty_simultaneous_check_ins_of_one_person_make_one_record(program, monkeypatch):
    cohort = factories.cohort(program)
    lesson = session(cohort, instructors=[teacher(cohort)])
    user = factories.UserFactory()
    factories.enrollment(cohort, user)
    service.open_check_in(None, lesson)
    moment = freeze(monkeypatch, lesson.starts_at + dt.timedelta(minutes=2))
    code = code_at(lesson, moment)
    barrier = threading.Barrier(20)
    errors = []

    def work():
        try:
            service.check_in(user, lesson, code)
        except Exception as error:  # noqa: BLE001 - any error is the failure being tested
            errors.append(error)

    threads = [threading.Thread(target=_in_thread, args=(barrier, work)) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AttendanceRecord.objects.filter(session=lesson).count() == 1
    assert AttendanceChange.objects.filter(record__session=lesson).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@postgres_only
def test_a_whole_class_checks_in_at_once(program, monkeypatch):
    """120 participants at once. 20 threads with a connection each (PostgreSQL's default
    max_connections is 100, shared with other test runs), each checking in 6 people."""
    cohort = factories.cohort(program, capacity=150)
    lesson = session(cohort, instructors=[teacher(cohort)])
    members = participants(cohort, 120)
    users = [m.user for m in members]
    service.open_check_in(None, lesson)
    moment = freeze(monkeypatch, lesson.starts_at + dt.timedelta(minutes=2))
    code = code_at(lesson, moment)
    barrier = threading.Barrier(20)
    errors = []

    def batch(people):
        def work():
            for person in people:
                try:
                    service.check_in(person, lesson, code, "10.0.0.1")
                except Exception as error:  # noqa: BLE001
                    errors.append(error)

        return work

    with ThreadPoolExecutor(max_workers=20) as pool:
        futures = [pool.submit(_in_thread, barrier, batch(users[i::20])) for i in range(20)]
        for future in futures:
            future.result()
    assert errors == []
    assert AttendanceRecord.objects.filter(session=lesson).count() == 120
    assert AttendanceChange.objects.filter(record__session=lesson).count() == 120
