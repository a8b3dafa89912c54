"""Reads of attendance, each in a fixed number of queries: the roll call list, check-ins as they
arrive, one participant's records and log, and THE attendance figures certificates use.

(Kept beside courses/selectors.py rather than inside it while several features grow at once;
fold it in when convenient.)

The rate's denominator — a decision, and the reason for it
----------------------------------------------------------
The rate is attended periods / the cohort's *scheduled* periods: every session of its
timetable (normally the programme's 160), past and future, whether or not anyone recorded
attendance for it. Not "sessions held so far" and not "sessions with a record":
- the certificate rule of curriculum.md is "80 % of the programme's periods (128 of 160)";
- counting only recorded sessions gives 100 % to someone present at the one session that was
  recorded (Canvas Roll Call's flaw), and counting only sessions held so far tells people they
  are fine until the last week (Moodle's), so the threshold warning would come too late.
A session without a record for a participant credits nothing. Before the end of the course the
rate is therefore low by design; `held` and `risk` tell how things stand so far (progress bars
and warnings should show both). Credits: present = the session's periods; late = periods ×
cohort.late_credit_percent / 100 (default 100); excused and absent = 0 (curriculum.md: excused
absences are recorded with a reason but not credited).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from courses import policies
from courses.models import (
    AttendanceChange,
    AttendanceMethod,
    AttendanceRecord,
    Category,
    CheckInWindow,
    ClassSession,
    Cohort,
    Enrollment,
    Role,
    Status,
)
from courses.selectors import members_of
from courses.services.attendance import check_in_period

# --- Figures for certificates, progress and warnings -----------------------------------------


@dataclass(frozen=True)
class CategoryAttendance:
    category: str
    attended: Decimal  # credited periods
    scheduled: int  # periods in the timetable
    held: int  # periods of sessions that have started

    @property
    def label(self) -> str:
        return str(Category(self.category).label)

    @property
    def rate(self) -> Decimal:
        return policies.attendance_rate(self.attended, self.scheduled)


@dataclass(frozen=True)
class AttendanceSummary:
    enrollment_id: int
    categories: dict[str, CategoryAttendance]  # every category, in Category order
    attended: Decimal
    scheduled: int
    held: int
    attended_held: Decimal  # credited periods of the sessions held so far
    threshold: Decimal
    rate: Decimal  # percent of `scheduled`, rounded down to 0.01
    passes: bool  # attended ≥ threshold of the whole timetable (exact comparison)
    can_still_reach: bool
    risk: policies.Risk

    @property
    def rate_display(self) -> str:
        return policies.format_rate(self.rate)

    @property
    def remaining(self) -> int:
        return self.scheduled - self.held

    @property
    def missed(self) -> Decimal:
        """Periods of sessions held so far that were not credited."""
        return Decimal(self.held) - self.attended_held

    @property
    def allowed_to_miss(self) -> Decimal:
        return policies.periods_still_allowed_to_miss(
            self.attended, self.held, self.remaining, self.threshold
        )


@dataclass(frozen=True)
class _Session:
    pk: int
    category: str
    periods: int
    started: bool


def _timetable(cohort_id: int, moment) -> list[_Session]:
    return [
        _Session(pk, category, periods, starts_at <= moment)
        for pk, category, periods, starts_at in ClassSession.objects.filter(
            cohort_id=cohort_id
        ).values_list("pk", "category", "periods", "starts_at")
    ]


def _summarise(
    enrollment_id: int, cohort: Cohort, sessions: list[_Session], statuses: dict[int, str]
) -> AttendanceSummary:
    attended = dict.fromkeys(Category.values, Decimal(0))
    scheduled = dict.fromkeys(Category.values, 0)
    held = dict.fromkeys(Category.values, 0)
    attended_held = Decimal(0)
    for session in sessions:
        scheduled[session.category] += session.periods
        credit = policies.credited_periods(
            statuses.get(session.pk, ""), session.periods, cohort.late_credit_percent
        )
        attended[session.category] += credit
        if session.started:
            held[session.category] += session.periods
            attended_held += credit
    return summary_from_totals(enrollment_id, cohort, attended, scheduled, held, attended_held)


def summary_from_totals(
    enrollment_id: int,
    cohort: Cohort,
    attended: dict[str, Decimal],
    scheduled: dict[str, int],
    held: dict[str, int],
    attended_held: Decimal,
) -> AttendanceSummary:
    """THE figures from per-category totals (every category a key of each dict): credited
    periods, scheduled periods, periods of sessions started, credited periods of those. For
    pages that add the totals up in SQL over many cohorts (courses.cohort_figures)."""
    total_attended = sum(attended.values(), Decimal(0))
    total_scheduled = sum(scheduled.values())
    total_held = sum(held.values())
    threshold = cohort.attendance_threshold
    return AttendanceSummary(
        enrollment_id=enrollment_id,
        categories={
            key: CategoryAttendance(key, attended[key], scheduled[key], held[key])
            for key in Category.values
        },
        attended=total_attended,
        scheduled=total_scheduled,
        held=total_held,
        attended_held=attended_held,
        threshold=threshold,
        rate=policies.attendance_rate(total_attended, total_scheduled),
        passes=policies.reaches(total_attended, total_scheduled, threshold),
        can_still_reach=policies.can_still_reach(
            total_attended, total_held, total_scheduled - total_held, threshold
        ),
        risk=policies.attendance_risk(
            total_attended, total_held, total_scheduled - total_held, threshold
        ),
    )


def attended_periods(enrollment: Enrollment, moment=None) -> AttendanceSummary:
    """THE attendance figures of one enrollment (three queries at most: cohort, timetable,
    records). The certificate rule, progress bars and warnings all read this."""
    moment = moment or timezone.now()
    cohort = enrollment.cohort
    sessions = _timetable(cohort.pk, moment)
    statuses = dict(
        AttendanceRecord.objects.filter(
            enrollment_id=enrollment.pk, session__cohort_id=cohort.pk
        ).values_list("session_id", "status")
    )
    return _summarise(enrollment.pk, cohort, sessions, statuses)


def attendance_for_cohort(
    cohort: Cohort, moment=None, statuses=(Status.APPROVED, Status.COMPLETED)
) -> dict[int, AttendanceSummary]:
    """attended_periods for every participant of a cohort (by default approved or completed),
    keyed by enrollment id, in three queries whatever the class size."""
    moment = moment or timezone.now()
    sessions = _timetable(cohort.pk, moment)
    enrollment_ids = list(
        Enrollment.objects.filter(
            cohort=cohort, role=Role.PARTICIPANT, status__in=statuses
        ).values_list("pk", flat=True)
    )
    by_enrollment: dict[int, dict[int, str]] = defaultdict(dict)
    for enrollment_id, session_id, status in AttendanceRecord.objects.filter(
        session__cohort_id=cohort.pk, enrollment__in=enrollment_ids
    ).values_list("enrollment_id", "session_id", "status"):
        by_enrollment[enrollment_id][session_id] = status
    return {
        pk: _summarise(pk, cohort, sessions, by_enrollment.get(pk, {})) for pk in enrollment_ids
    }


# --- The cohort matrix (school staff, instructors) --------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    status: str  # "" when nothing was recorded
    reason: str


@dataclass
class MatrixRow:
    enrollment: Enrollment
    cells: list[MatrixCell]  # in the order of AttendanceMatrix.sessions
    summary: AttendanceSummary


@dataclass
class AttendanceMatrix:
    cohort: Cohort
    sessions: list[ClassSession]  # the whole timetable, in time order
    rows: list[MatrixRow]  # participants in Vietnamese name order

    @property
    def needing_attention(self) -> list[MatrixRow]:
        """Below the threshold so far or already out of reach, worst first."""
        watched = (policies.Risk.AT_RISK, policies.Risk.OUT_OF_REACH)
        rows = [row for row in self.rows if row.summary.risk in watched]
        return sorted(rows, key=lambda row: (row.summary.allowed_to_miss, row.summary.rate))


def attendance_matrix(cohort: Cohort, moment=None) -> AttendanceMatrix:
    """Every approved participant × every session, with the same figures as attended_periods
    (four queries whatever the size: members, timetable, records; no query per cell)."""
    moment = moment or timezone.now()
    sessions = list(
        ClassSession.objects.filter(cohort=cohort)
        .select_related("module")
        .order_by("starts_at", "pk")
    )
    timetable = [_Session(s.pk, s.category, s.periods, s.starts_at <= moment) for s in sessions]
    participants = members_of(cohort, Role.PARTICIPANT)
    marks: dict[int, dict[int, MatrixCell]] = defaultdict(dict)
    for enrollment_id, session_id, status, reason in AttendanceRecord.objects.filter(
        session__cohort_id=cohort.pk, enrollment__cohort_id=cohort.pk
    ).values_list("enrollment_id", "session_id", "status", "reason"):
        marks[enrollment_id][session_id] = MatrixCell(status, reason)
    empty = MatrixCell("", "")
    rows = []
    for enrollment in participants:
        mine = marks.get(enrollment.pk, {})
        statuses = {pk: cell.status for pk, cell in mine.items()}
        rows.append(
            MatrixRow(
                enrollment,
                [mine.get(session.pk, empty) for session in sessions],
                _summarise(enrollment.pk, cohort, timetable, statuses),
            )
        )
    return AttendanceMatrix(cohort, sessions, rows)


# --- Roll call -------------------------------------------------------------------------------


@dataclass
class RollCallRow:
    enrollment: Enrollment
    record: AttendanceRecord | None

    @property
    def version(self) -> int:
        return self.record.version if self.record else 0


def roll_call_rows(session: ClassSession) -> list[RollCallRow]:
    """The session's class list in Vietnamese name order, each with its record (two queries)."""
    participants = members_of(session.cohort, Role.PARTICIPANT)
    records = {
        record.enrollment_id: record
        for record in AttendanceRecord.objects.filter(session=session).select_related("recorded_by")
    }
    return [RollCallRow(member, records.get(member.pk)) for member in participants]


def check_ins_of(session: ClassSession, limit: int = 200) -> list[AttendanceRecord]:
    """Self check-ins of a session, latest first, with the names (one query)."""
    return list(
        AttendanceRecord.objects.filter(session=session, method=AttendanceMethod.SELF_CHECK_IN)
        .select_related("enrollment__user")
        .order_by("-recorded_at", "-pk")[:limit]
    )


def open_window_of(session: ClassSession) -> CheckInWindow | None:
    return CheckInWindow.objects.filter(session=session, closed_at__isnull=True).first()


def sessions_open_for_check_in(user, moment=None) -> list[ClassSession]:
    """The user's sessions (as an approved participant) with check-in open right now."""
    moment = moment or timezone.now()
    matching = ClassSession.objects.filter(
        cohort__enrollments__user=user,
        cohort__enrollments__role=Role.PARTICIPANT,
        cohort__enrollments__status=Status.APPROVED,
        # Both on the same window row: one that exists and is still open (closed_at
        # IS NULL alone also matches a session that never had a window).
        check_in_windows__isnull=False,
        check_in_windows__closed_at__isnull=True,
        starts_at__gte=moment - dt.timedelta(days=1),
        starts_at__lte=moment + dt.timedelta(days=1),
    ).values("pk")
    # The joins above can repeat a session; `pk IN (…)` removes the repeats where DISTINCT over
    # the session, cohort and module page columns cost PostgreSQL ~3 ms of planning on every
    # check-in request (half of this function; measured for the load test's spike).
    candidates = (
        ClassSession.objects.filter(pk__in=matching)
        .select_related("cohort", "module")
        .order_by("starts_at")
    )
    result = []
    for session in candidates:
        opens, closes = check_in_period(session)
        if opens <= moment <= closes:
            result.append(session)
    return result


# --- One participant (staff page) ------------------------------------------------------------


@dataclass
class SessionAttendance:
    session: ClassSession
    record: AttendanceRecord | None

    @property
    def version(self) -> int:
        return self.record.version if self.record else 0


def participant_sessions(enrollment: Enrollment) -> list[SessionAttendance]:
    """Every session of the enrollment's cohort with this participant's record (two queries)."""
    records = {
        record.session_id: record
        for record in AttendanceRecord.objects.filter(enrollment=enrollment).select_related(
            "recorded_by"
        )
    }
    sessions = (
        ClassSession.objects.filter(cohort_id=enrollment.cohort_id)
        .select_related("module")
        .order_by("starts_at", "pk")
    )
    return [SessionAttendance(session, records.get(session.pk)) for session in sessions]


def attendance_log(enrollment: Enrollment) -> list[AttendanceChange]:
    """The full history of one participant's attendance in their cohort, oldest first (one
    query)."""
    return list(
        AttendanceChange.objects.filter(
            record__enrollment=enrollment, record__session__cohort_id=enrollment.cohort_id
        )
        .select_related("record__session__module", "changed_by")
        .order_by("changed_at", "pk")
    )


__all__ = [
    "AttendanceMatrix",
    "AttendanceSummary",
    "CategoryAttendance",
    "RollCallRow",
    "SessionAttendance",
    "attendance_for_cohort",
    "attendance_log",
    "attendance_matrix",
    "attended_periods",
    "check_ins_of",
    "open_window_of",
    "participant_sessions",
    "roll_call_rows",
    "sessions_open_for_check_in",
    "summary_from_totals",
]
