"""Builders for the dashboard tests and bench_dashboards.py: a running class of any size made with
bulk_create (hundreds of people and sessions, thousands of attendance records, in a second)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import (
    AttendanceMethod,
    AttendanceRecord,
    ClassSession,
    Enrollment,
    Submission,
    SubmissionVersion,
)
from tests import factories

_serial = itertools.count(1)


def running_cohort(program, **values):
    """A cohort that started 20 days ago and ends in 40 days (capacity 300)."""
    today = timezone.localdate()
    defaults = {
        "start_date": today - dt.timedelta(days=20),
        "end_date": today + dt.timedelta(days=40),
        "capacity": 300,
        "applications_open_on": None,
        "applications_close_on": None,
    }
    return factories.cohort(program, **(defaults | values))


def bulk_participants(cohort, n: int) -> list[Enrollment]:
    batch = next(_serial)
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            email=f"hv{batch}-{i}@lms.test", last_name="Nguyễn Văn", first_name=f"Học viên {i}"
        )
        for i in range(n)
    )
    province = factories.province()
    return Enrollment.objects.bulk_create(
        Enrollment(
            user=user,
            cohort=cohort,
            role="participant",
            status="approved",
            organisation_name="Sở Khoa học và Công nghệ",
            position="Giám đốc",
            province=province,
        )
        for user in users
    )


def bulk_sessions(cohort, n: int, *, instructors=(), held: int | None = None) -> list[ClassSession]:
    """`n` four-period sessions a day apart; the first `held` (default half) are over, the
    next one is today at noon, the rest follow."""
    held = n // 2 if held is None else held
    today = timezone.localdate()
    noon = timezone.make_aware(dt.datetime.combine(today, dt.time(12, 0)))
    sessions = ClassSession.objects.bulk_create(
        ClassSession(
            cohort=cohort,
            category="theory",
            starts_at=noon + dt.timedelta(days=i - held),
            ends_at=noon + dt.timedelta(days=i - held, hours=3),
            periods=4,
        )
        for i in range(n)
    )
    through = ClassSession.instructors.through
    through.objects.bulk_create(
        through(classsession_id=s.pk, user_id=person.pk) for s in sessions for person in instructors
    )
    return sessions


def bulk_attendance(sessions, enrollments, *, absent_every: int = 5) -> None:
    """Everyone present at every session that has started, except each `absent_every`-th
    person, who is absent."""
    moment = timezone.now()
    rows = [
        AttendanceRecord(
            session=session,
            enrollment=enrollment,
            status="absent" if i % absent_every == 0 else "present",
            method=AttendanceMethod.ROLL_CALL,
        )
        for session in sessions
        if session.starts_at <= moment
        for i, enrollment in enumerate(enrollments)
    ]
    AttendanceRecord.objects.bulk_create(rows, batch_size=2000)


def bulk_submissions(assignment, enrollments) -> None:
    """Each of `enrollments` hands in one version (not graded)."""
    submissions = Submission.objects.bulk_create(
        Submission(assignment=assignment, enrollment=e) for e in enrollments
    )
    by_enrollment = {e.pk: e for e in enrollments}
    SubmissionVersion.objects.bulk_create(
        SubmissionVersion(
            submission=s,
            number=1,
            title="Báo cáo",
            text="Nội dung",
            submitted_by_id=by_enrollment[s.enrollment_id].user_id,
        )
        for s in submissions
    )


# --- A small class whose every figure is known --------------------------------------------------


def known_class(program, *, code="GDS-K"):
    """Four participants, two applications waiting, 20 periods: two 4-period sessions held
    (yesterday and the day before) and one of 12 to come; 80 % needed, so 4 periods may be
    missed in all. The report is due in 3 days.

    - An (Lê Văn An): present twice, report graded 4 (fails) — clear of absences;
    - Bình (Trần Thị Bình): present, then absent: 4 missed, 0 left to miss — NEAR; no report;
    - Cường (Phạm Văn Cường): absent twice: 8 missed — PAST; no report;
    - Dung (Đỗ Thị Dung): present twice, report graded 8, holds a certificate.
    Session rates: 3/4 = 75 %, then 2/4 = 50 %."""
    from courses.models import Certificate, SigningKey
    from tests.courses.attendance_helpers import session, teacher
    from tests.courses.certificate_helpers import roll_call
    from tests.courses.report_helpers import assignment, graded, person

    cohort = running_cohort(program, code=code, capacity=30)
    an = person(cohort, "Lê Văn", "An")
    binh = person(cohort, "Trần Thị", "Bình")
    cuong = person(cohort, "Phạm Văn", "Cường")
    dung = person(cohort, "Đỗ Thị", "Dung")
    for _ in range(2):
        factories.enrollment(cohort, status="applied")
    now = timezone.now()
    first = session(cohort, starts_at=now - dt.timedelta(days=2), periods=4)
    second = session(cohort, starts_at=now - dt.timedelta(days=1), periods=4)
    session(cohort, starts_at=now + dt.timedelta(days=5), periods=12)
    roll_call([first], [an, binh, dung])
    roll_call([first], [cuong], "absent")
    roll_call([second], [an, dung])
    roll_call([second], [binh, cuong], "absent")
    assignment(cohort, deadline=now + dt.timedelta(days=3))
    grader = teacher(cohort)
    graded(an, "4", grader)
    graded(dung, "8", grader)
    key = SigningKey.objects.create(key_id=f"k-{code}", public_key="x")
    today = timezone.localdate()
    Certificate.objects.create(
        enrollment=dung,
        cohort=cohort,
        issuer=f"Trường thử {code}",
        year=today.year,
        sequence=1,
        certificate_number=f"{code}/1",
        register_number=f"{code}-1",
        verification_code=f"V{code}"[:26],
        decision_number="1/QĐ",
        decision_date=today,
        issued_on=today,
        snapshot={},
        pdf_name="x.pdf",
        pdf_sha256="0" * 64,
        signing_key=key,
        signature="s",
    )
    return cohort, {"an": an, "binh": binh, "cuong": cuong, "dung": dung}


def queries_of(action) -> int:
    """How many SQL statements `action()` runs (counted as they execute: unlike
    CaptureQueriesContext, not fooled by the query log's 9,000-entry cap)."""
    from django.db import connection

    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        action()
    return count
