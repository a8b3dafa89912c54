"""The school's home (/nha-truong/tong-quan/): for each current cohort, the few numbers the
training office acts on — applications waiting, places, the timetable against the programme,
attendance per session, people at risk, reports, eligibility and certificates.

Ten queries for any number of cohorts, participants and sessions (pinned by
tests/courses/test_dashboards.py): the figures come from courses.cohort_figures (sums in SQL),
the timetable, session rates and certificate counts are each one grouped query over all cohorts.
Eligibility applies THE certificate rule (certificate_selectors) to those same figures.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from content.models import ModulePage
from content.syllabus import Periods
from courses import policies
from courses.at_risk import CohortRisk, people_at_risk
from courses.certificate_selectors import ELIGIBLE_STATUSES, _judge
from courses.cohort_figures import CohortFigures, cohort_figures
from courses.models import (
    AttendanceStatus,
    Certificate,
    CertificateKind,
    ClassSession,
    Cohort,
    Role,
    Status,
)
from courses.selectors import ModuleLine, TimetableSummary, cohorts_with_counts
from lms.charts import Chart, Column, column_chart
from lms.text import format_time

# Cohorts shown: every cohort not yet over, and those that ended within this many days (their
# reports are graded and certificates issued in the weeks after the last session).
RECENT_DAYS = 90


@dataclass
class CohortDashboard:
    cohort: Cohort  # annotated: waiting, enrolled, scheduled_periods
    timetable: TimetableSummary
    chart: Chart | None  # attendance rate per session held; None before the first session
    risk: CohortRisk
    deadline: dt.datetime
    reports_missing: int
    reports_waiting: int  # submitted, not graded yet
    reports_failing: int
    eligible: int
    certificates: int

    @property
    def full(self) -> bool:
        return self.cohort.enrolled >= self.cohort.capacity


def current_cohorts(moment: dt.datetime):
    today = timezone.localdate(moment)
    return (
        cohorts_with_counts()
        .filter(end_date__gte=today - dt.timedelta(days=RECENT_DAYS))
        .order_by("start_date", "code")
    )


def _modules_by_program(cohorts: list[Cohort]) -> dict[int, list[ModulePage]]:
    """The live modules of every programme, in number order (one query)."""
    programs = {cohort.program_id: cohort.program for cohort in cohorts}
    by_path = {program.path: pk for pk, program in programs.items()}
    modules = (
        ModulePage.objects.live()
        .filter(
            functools.reduce(
                operator.or_, (ModulePage.objects.child_of_q(p) for p in programs.values())
            )
        )
        .only(*ModulePage.ROW_FIELDS, "path", "depth")
        .order_by("number")
    )
    result: dict[int, list[ModulePage]] = defaultdict(list)
    for module in modules:
        program_id = by_path.get(module.path[: -ModulePage.steplen])
        if program_id is not None:
            result[program_id].append(module)
    return result


def _timetable(figures: CohortFigures, modules: list[ModulePage]) -> TimetableSummary:
    """selectors.timetable_summary from the grouped sums (no query)."""
    scheduled = Periods()
    by_module: dict[int, Periods] = defaultdict(Periods)
    for (module_id, category), periods in figures.scheduled_by_module.items():
        amount = Periods(**{category: periods})
        scheduled += amount
        if module_id:
            by_module[module_id] += amount
    lines = tuple(
        ModuleLine(
            number=module.number,
            title=module.title,
            planned=module.periods,
            scheduled=by_module.get(module.pk, Periods()),
        )
        for module in modules
    )
    return TimetableSummary(
        targets=figures.cohort.program.target_periods, scheduled=scheduled, modules=lines
    )


@dataclass(frozen=True)
class _Held:
    starts_at: dt.datetime
    present: int
    late: int


def _sessions_held(ids: list[int], moment: dt.datetime) -> dict[int, list[_Held]]:
    """Each session started by `moment`, with how many approved participants were credited
    present or late (one query)."""
    counted = Q(
        attendance_records__enrollment__role=Role.PARTICIPANT,
        attendance_records__enrollment__status=Status.APPROVED,
    )
    present = counted & Q(attendance_records__status=AttendanceStatus.PRESENT)
    late = counted & Q(attendance_records__status=AttendanceStatus.LATE)
    rows = (
        ClassSession.objects.filter(cohort_id__in=ids, starts_at__lte=moment)
        .annotate(
            present=Count("attendance_records", filter=present),
            late=Count("attendance_records", filter=late),
        )
        .order_by("starts_at", "pk")
        .values_list("cohort_id", "starts_at", "present", "late")
    )
    result: dict[int, list[_Held]] = defaultdict(list)
    for cohort_id, starts_at, present, late in rows:
        result[cohort_id].append(_Held(starts_at, present, late))
    return result


def session_rate(held: _Held, enrolled: int, late_credit_percent: int) -> Decimal | None:
    """Share of the enrolled participants credited at one session: present, and late when late
    arrivals earn credit. None when no one is enrolled."""
    if not enrolled:
        return None
    credited = held.present + (held.late if late_credit_percent > 0 else 0)
    return policies.attendance_rate(credited, enrolled)


def attendance_chart(cohort: Cohort, sessions: list[_Held]) -> Chart | None:
    if not sessions:
        return None
    threshold = cohort.attendance_threshold
    columns = []
    for held in sessions:
        local = timezone.localtime(held.starts_at)
        label = f"{local:%d/%m} {format_time(local)}"
        rate = session_rate(held, cohort.enrolled, cohort.late_credit_percent)
        if rate is None:
            columns.append(Column(label, None, "—"))
        else:
            columns.append(
                Column(label, float(rate), policies.format_rate(rate), warn=rate < threshold)
            )
    return column_chart(
        _("Tỷ lệ học viên dự từng buổi đã học"),
        columns,
        threshold=float(threshold),
        threshold_text=_("Ngưỡng %(rate)s") % {"rate": policies.format_rate(threshold)},
        summary=_("Số học viên có mặt (kể cả đến muộn được tính) trên %(n)s học viên của lớp.")
        % {"n": cohort.enrolled},
    )


def _certificate_counts(ids: list[int]) -> dict[int, int]:
    """People who were issued a certificate, per cohort (replacements are not new people)."""
    return dict(
        Certificate.objects.filter(cohort_id__in=ids, kind=CertificateKind.ORIGINAL)
        .order_by()
        .values("cohort_id")
        .annotate(n=Count("pk"))
        .values_list("cohort_id", "n")
    )


def staff_home(moment: dt.datetime | None = None) -> list[CohortDashboard]:
    moment = moment or timezone.now()
    cohorts = list(current_cohorts(moment))
    if not cohorts:
        return []
    ids = [cohort.pk for cohort in cohorts]
    figures = cohort_figures(cohorts, moment)
    modules = _modules_by_program(cohorts)
    held = _sessions_held(ids, moment)
    certificates = _certificate_counts(ids)
    result = []
    for cohort in cohorts:
        figure = figures[cohort.pk]
        active = [p.report for p in figure.participants if p.enrollment.status == Status.APPROVED]
        # THE rule decides; it is asked only of those who pass attendance and the report (the
        # rule refuses anyone else, and wording its reasons for hundreds of people costs time).
        eligible = sum(
            1
            for p in figure.participants
            if p.enrollment.status in ELIGIBLE_STATUSES
            and p.attendance.passes
            and p.report.passed
            and not _judge(p.enrollment, cohort, p.attendance, p.report)
        )
        result.append(
            CohortDashboard(
                cohort=cohort,
                timetable=_timetable(figure, modules.get(cohort.program_id, [])),
                chart=attendance_chart(cohort, held.get(cohort.pk, [])),
                risk=people_at_risk(figure, moment),
                deadline=figure.deadline,
                reports_missing=sum(1 for r in active if not r.submitted),
                reports_waiting=sum(1 for r in active if r.submitted and not r.graded),
                reports_failing=sum(1 for r in active if r.graded and not r.passed),
                eligible=eligible,
                certificates=certificates.get(cohort.pk, 0),
            )
        )
    return result


__all__ = ["CohortDashboard", "attendance_chart", "session_rate", "staff_home"]
