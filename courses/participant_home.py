"""What "Học tập của tôi" shows a participant, gathered in a fixed number of queries however
many sessions, modules, lessons or classmates there are (pinned by
tests/courses/test_participant_home.py).

For each cohort the person studies in as a participant (approved, or completed): the next
sessions (with check-in open or not), THE attendance figures (attendance_selectors.attended_periods,
never a copy) drawn per category against the programme's targets, the modules with their study
progress and what was published since the last visit, the final report's result, and the
certificate once issued. Across cohorts: their questions that got an answer.

Queries: a fixed number for the page (upcoming sessions, open check-ins, modules, lessons, marks,
visits, certificates, answered questions) plus four per participant enrollment (timetable and
records for attendance, assignment and submission for the report) — never per session, module
or classmate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import policies
from courses.attendance_selectors import (
    AttendanceSummary,
    attended_periods,
    sessions_open_for_check_in,
)
from courses.certificate_selectors import CertificateState, certificates_of_user
from courses.models import ClassSession, Enrollment, Role, Status, Thread, ThreadKind
from courses.progress_selectors import (
    ModuleProgress,
    ModuleRef,
    marks_of,
    progress_from_marks,
    study_structure,
    visits_of,
)
from courses.report_selectors import ReportResult, report_result, status_label, verdict
from lms.charts import Bar, Chart, bar_chart
from lms.text import format_decimal

SESSIONS_PER_COHORT = 3
ANSWERED_QUESTIONS = 5
HOME_STATUSES = (Status.APPROVED, Status.COMPLETED)


@dataclass(frozen=True)
class UpcomingSession:
    session: ClassSession
    check_in_open: bool

    @property
    def place(self) -> str:
        return self.session.place or self.session.cohort.place


@dataclass(frozen=True)
class CategoryLine:
    """One category's periods: credited, in the timetable, the programme's target."""

    category: str
    label: str
    attended: Decimal
    scheduled: int
    target: int


@dataclass(frozen=True)
class ModuleStatus:
    module: ModuleRef
    url: str
    progress: ModuleProgress
    visited_at: dt.datetime | None
    new_pages: tuple[tuple[str, str], ...]  # (title, url) published since the last visit

    @property
    def never_visited(self) -> bool:
        return self.visited_at is None


@dataclass(frozen=True)
class CohortHome:
    enrollment: Enrollment
    sessions: tuple[UpcomingSession, ...]
    attendance: AttendanceSummary
    categories: tuple[CategoryLine, ...]
    chart: Chart
    modules: tuple[ModuleStatus, ...]
    report: ReportResult
    certificate: CertificateState | None

    @property
    def cohort(self):
        return self.enrollment.cohort

    @property
    def at_risk(self) -> bool:
        return self.attendance.risk in (policies.Risk.AT_RISK, policies.Risk.OUT_OF_REACH)

    @property
    def modules_complete(self) -> int:
        return sum(1 for row in self.modules if row.progress.complete)

    @property
    def modules_with_news(self) -> int:
        return sum(1 for row in self.modules if row.new_pages)

    @property
    def report_status(self) -> str:
        return status_label(self.report.status)

    @property
    def grade_released(self) -> bool:
        return self.report.released and self.report.graded

    @property
    def grade_text(self) -> str:
        """ "8,5 — Giỏi — Đạt" once released; "" before (the grade is the graders' until then)."""
        if not self.grade_released:
            return ""
        parts = [format_decimal(self.report.score, 1)]
        if self.report.classification:
            parts.append(self.report.classification)
        parts.append(verdict(self.report))
        return " — ".join(parts)


@dataclass(frozen=True)
class ParticipantHome:
    cohorts: tuple[CohortHome, ...]
    answered_questions: tuple[Thread, ...]
    open_check_in: tuple[ClassSession, ...]


def _upcoming(enrollments: list[Enrollment], moment) -> dict[int, list[ClassSession]]:
    """The next SESSIONS_PER_COHORT sessions (not yet over) of each cohort: one query."""
    cohort_ids = [e.cohort_id for e in enrollments if e.status == Status.APPROVED]
    if not cohort_ids:
        return {}
    rows = (
        ClassSession.objects.filter(cohort_id__in=cohort_ids, ends_at__gte=moment)
        .select_related("module", "cohort")
        .annotate(
            rank=Window(
                RowNumber(), partition_by=F("cohort_id"), order_by=[F("starts_at"), F("pk")]
            )
        )
        .filter(rank__lte=SESSIONS_PER_COHORT)
        .order_by("starts_at", "pk")
    )
    by_cohort: dict[int, list[ClassSession]] = {}
    for session in rows:
        by_cohort.setdefault(session.cohort_id, []).append(session)
    return by_cohort


def _fmt(value) -> str:
    return format_decimal(value, 1).removesuffix(",0")


def _categories(summary: AttendanceSummary, targets) -> tuple[CategoryLine, ...]:
    return tuple(
        CategoryLine(
            category=key,
            label=item.label,
            attended=item.attended,
            scheduled=item.scheduled,
            target=targets.get(key) if targets else 0,
        )
        for key, item in summary.categories.items()
    )


def _chart(cohort, summary: AttendanceSummary, lines: tuple[CategoryLine, ...]) -> Chart:
    """Per category: periods attended (dark) over periods in the timetable (light), against the
    programme's target (the whole track)."""
    warn = summary.risk in (policies.Risk.AT_RISK, policies.Risk.OUT_OF_REACH)
    bars = [
        Bar(
            label=line.label,
            value=float(line.attended),
            maximum=max(line.target, line.scheduled, 1),
            secondary=float(line.scheduled),
            value_text=_("%(attended)s/%(target)s tiết")
            % {
                "attended": _fmt(line.attended),
                "target": line.target or line.scheduled,
            },
            warn=warn,
        )
        for line in lines
    ]
    return bar_chart(
        _("Số tiết đã dự theo loại — %(cohort)s") % {"cohort": cohort.code},
        bars,
        summary=_(
            "Đã dự %(attended)s/%(scheduled)s tiết của thời khóa biểu (%(rate)s); "
            "yêu cầu tối thiểu %(threshold)s."
        )
        % {
            "attended": _fmt(summary.attended),
            "scheduled": summary.scheduled,
            "rate": summary.rate_display,
            "threshold": policies.format_rate(summary.threshold),
        },
    )


def _module_rows(
    modules: list[ModuleRef], marks: dict[int, set[int]], visits: dict, request
) -> tuple[ModuleStatus, ...]:
    rows = []
    for module in modules:
        visited = visits.get(module.pk)
        new_pages: list[tuple[str, str]] = []
        if visited is not None:
            pages = [module.page, *(lesson.page for lesson in module.lessons)]
            new_pages = [
                (page.title, page.get_url(request))
                for page in pages
                if page.last_published_at and page.last_published_at > visited
            ]
        rows.append(
            ModuleStatus(
                module=module,
                url=module.page.get_url(request),
                progress=progress_from_marks(module, marks.get(module.pk, set())),
                visited_at=visited,
                new_pages=tuple(new_pages),
            )
        )
    return tuple(rows)


def _answered_questions(user, cohort_ids: list[int]) -> tuple[Thread, ...]:
    if not cohort_ids:
        return ()
    return tuple(
        Thread.objects.filter(
            author=user,
            kind=ThreadKind.QUESTION,
            answer__isnull=False,
            hidden=False,
            board__cohort_id__in=cohort_ids,
        )
        .select_related("board__cohort", "board__module")
        .order_by("-last_activity_at", "-pk")[:ANSWERED_QUESTIONS]
    )


def participant_home(
    user, enrollments: list[Enrollment], request=None, moment=None
) -> ParticipantHome:
    """The participant's home from their enrollments (enrollments_of_user: cohort and programme
    already loaded)."""
    moment = moment or timezone.now()
    mine = [e for e in enrollments if e.role == Role.PARTICIPANT and e.status in HOME_STATUSES]
    if not mine:
        return ParticipantHome((), (), ())
    open_sessions = sessions_open_for_check_in(user, moment)
    open_ids = {session.pk for session in open_sessions}
    upcoming = _upcoming(mine, moment)
    programs = {e.cohort.program_id: e.cohort.program for e in mine}
    structure = study_structure(list(programs.values()))
    all_modules = [module for modules in structure.values() for module in modules]
    marks = marks_of(user, all_modules)
    visits = visits_of(user, all_modules)
    certificates: dict[int, CertificateState] = {}
    for state in certificates_of_user(user):  # newest first: keep the newest valid one
        if state.is_valid:
            certificates.setdefault(state.certificate.enrollment_id, state)
    cohorts = []
    for enrollment in mine:
        summary = attended_periods(enrollment, moment)
        program = enrollment.cohort.program
        lines = _categories(summary, program.target_periods if program else None)
        cohorts.append(
            CohortHome(
                enrollment=enrollment,
                sessions=tuple(
                    UpcomingSession(session, session.pk in open_ids)
                    for session in upcoming.get(enrollment.cohort_id, [])
                ),
                attendance=summary,
                categories=lines,
                chart=_chart(enrollment.cohort, summary, lines),
                modules=_module_rows(
                    structure.get(enrollment.cohort.program_id, []), marks, visits, request
                ),
                report=report_result(enrollment),
                certificate=certificates.get(enrollment.pk),
            )
        )
    return ParticipantHome(
        cohorts=tuple(cohorts),
        answered_questions=_answered_questions(user, [e.cohort_id for e in mine]),
        open_check_in=tuple(open_sessions),
    )


__all__ = [
    "CategoryLine",
    "CohortHome",
    "ModuleStatus",
    "ParticipantHome",
    "UpcomingSession",
    "participant_home",
]
