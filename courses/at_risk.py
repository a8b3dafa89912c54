"""Participants at risk of not getting the certificate (issue item 7): near or past the absence
limit, or without a report as its deadline comes. For the school's screen /nha-truong/nguy-co/,
the count on its home page and the daily summary mailed by `send_at_risk_summary`.

Reads THE figures (courses.cohort_figures, the same AttendanceSummary and ReportResult the
certificates use) and the pure rule `policies.absence_level`; a fixed number of queries for any
number of cohorts and participants.

Which cohorts: a cohort is "running" from its first day until REPORT_GRACE_DAYS after its report
deadline (whichever of that and its end date is later): a report still missing a week after the
deadline is worth one more reminder, after that the gradebook says it and the daily mail should
not repeat it for ever.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses import policies
from courses.attendance_selectors import AttendanceSummary
from courses.cohort_figures import CohortFigures, cohort_figures
from courses.models import Cohort, Enrollment, Status
from courses.selectors import by_vietnamese_name
from lms.text import format_date_short, format_decimal, format_time

# A missing report is flagged once the deadline is this close (or passed).
REPORT_WARNING_DAYS = 7
REPORT_GRACE_DAYS = 7
# Before the SQL knows a cohort's deadline: cohorts that ended longer ago than this are not even
# read (a default deadline is at most a few weeks after the last session).
_ENDED_LONG_AGO_DAYS = 120


def _periods(value) -> str:
    return format_decimal(Decimal(value), 1).removesuffix(",0")


@dataclass(frozen=True)
class AtRiskPerson:
    enrollment: Enrollment  # with its user and cohort
    attendance: AttendanceSummary
    level: policies.AbsenceLevel
    limit: Decimal  # periods one may miss over the whole timetable
    report_missing: bool  # no report while the deadline is near or passed
    deadline: dt.datetime
    moment: dt.datetime

    @property
    def cohort(self) -> Cohort:
        return self.enrollment.cohort

    @property
    def name(self) -> str:
        user = self.enrollment.user
        return user.full_name or user.email

    @property
    def absence_text(self) -> str:
        summary = self.attendance
        values = {
            "missed": _periods(summary.missed),
            "held": _periods(summary.held),
            "limit": _periods(self.limit),
            "left": _periods(max(summary.allowed_to_miss, Decimal(0))),
            "threshold": policies.format_rate(summary.threshold),
        }
        if self.level == policies.AbsenceLevel.PAST:
            return (
                _(
                    "đã vắng %(missed)s/%(held)s tiết đã học, quá giới hạn %(limit)s tiết được "
                    "vắng — không còn đạt %(threshold)s dù dự đủ các buổi còn lại"
                )
                % values
            )
        if self.level == policies.AbsenceLevel.NEAR:
            return (
                _(
                    "đã vắng %(missed)s/%(held)s tiết đã học, chỉ còn được vắng %(left)s tiết "
                    "nữa (giới hạn %(limit)s tiết để đạt %(threshold)s)"
                )
                % values
            )
        return ""

    @property
    def report_text(self) -> str:
        if not self.report_missing:
            return ""
        local = timezone.localtime(self.deadline)
        when = {"time": format_time(local), "date": format_date_short(local.date())}
        if self.deadline < self.moment:
            return _("chưa nộp báo cáo thu hoạch — đã quá hạn %(time)s ngày %(date)s") % when
        days = math.ceil((self.deadline - self.moment).total_seconds() / 86400)
        return ngettext(
            "chưa nộp báo cáo thu hoạch — hạn nộp %(time)s ngày %(date)s, còn %(n)s ngày",
            "chưa nộp báo cáo thu hoạch — hạn nộp %(time)s ngày %(date)s, còn %(n)s ngày",
            days,
        ) % (when | {"n": days})

    @property
    def reasons(self) -> list[str]:
        return [text for text in (self.absence_text, self.report_text) if text]

    @property
    def summary(self) -> str:
        text = "; ".join(self.reasons)
        return text[:1].upper() + text[1:]


@dataclass
class CohortRisk:
    cohort: Cohort
    deadline: dt.datetime
    people: list[AtRiskPerson] = field(default_factory=list)  # Vietnamese name order

    @property
    def past(self) -> int:
        return sum(1 for p in self.people if p.level == policies.AbsenceLevel.PAST)

    @property
    def near(self) -> int:
        return sum(1 for p in self.people if p.level == policies.AbsenceLevel.NEAR)

    @property
    def reports_missing(self) -> int:
        return sum(1 for p in self.people if p.report_missing)


def report_deadline_near(deadline: dt.datetime, moment: dt.datetime) -> bool:
    """The deadline is within REPORT_WARNING_DAYS, or has passed."""
    return deadline - moment <= dt.timedelta(days=REPORT_WARNING_DAYS)


def people_at_risk(figures: CohortFigures, moment: dt.datetime) -> CohortRisk:
    """The approved participants of one cohort who are near or past the absence limit or
    without a report near the deadline, in Vietnamese name order (no query)."""
    near_deadline = report_deadline_near(figures.deadline, moment)
    risk = CohortRisk(figures.cohort, figures.deadline)
    for participant in figures.participants:
        if participant.enrollment.status != Status.APPROVED:
            continue
        summary = participant.attendance
        limit = policies.absence_limit(summary.scheduled, summary.threshold)
        level = policies.absence_level(
            allowed_to_miss=summary.allowed_to_miss,
            limit=limit,
            missed=summary.missed,
            risk=summary.risk,
        )
        missing = near_deadline and not participant.report.submitted
        if level != policies.AbsenceLevel.CLEAR or missing:
            risk.people.append(
                AtRiskPerson(
                    participant.enrollment, summary, level, limit, missing, figures.deadline, moment
                )
            )
    order = {e.pk: i for i, e in enumerate(by_vietnamese_name(p.enrollment for p in risk.people))}
    risk.people.sort(key=lambda person: order[person.enrollment.pk])
    return risk


def candidate_cohorts(moment: dt.datetime):
    """Cohorts that may be running (one query): begun, and not ended long ago unless their
    assignment's deadline is recent. `is_running` decides exactly."""
    today = timezone.localdate(moment)
    return (
        Cohort.objects.select_related("program")
        .filter(start_date__lte=today)
        .filter(
            Q(end_date__gte=today - dt.timedelta(days=_ENDED_LONG_AGO_DAYS))
            | Q(report_assignment__deadline__gte=moment - dt.timedelta(days=REPORT_GRACE_DAYS))
        )
        .order_by("start_date", "code")
    )


def is_running(figures: CohortFigures, moment: dt.datetime) -> bool:
    cohort = figures.cohort
    if cohort.end_date >= timezone.localdate(moment):
        return True
    return figures.deadline >= moment - dt.timedelta(days=REPORT_GRACE_DAYS)


def at_risk(cohort: Cohort | None = None, moment: dt.datetime | None = None) -> list[CohortRisk]:
    """For one cohort (whatever its dates) or every running cohort: each cohort with its people
    at risk (possibly none), in start-date order. Seven queries whatever the sizes."""
    moment = moment or timezone.now()
    cohorts = [cohort] if cohort is not None else list(candidate_cohorts(moment))
    figures = cohort_figures(cohorts, moment)
    result = []
    for item in cohorts:
        figure = figures[item.pk]
        if cohort is None and not is_running(figure, moment):
            continue
        result.append(people_at_risk(figure, moment))
    return result


def summary_notice(cohorts: list[CohortRisk]) -> tuple[str, str] | None:
    """(title, body) of the daily summary's notification for `cohorts` (from at_risk()), in
    the active language; None when no one is at risk."""
    total = sum(len(item.people) for item in cohorts)
    if not total:
        return None
    title = ngettext(
        "%(n)s học viên có nguy cơ không đủ điều kiện",
        "%(n)s học viên có nguy cơ không đủ điều kiện",
        total,
    ) % {"n": total}
    body = _("Ở %(cohorts)s lớp; xem danh sách và lý do của từng người.") % {
        "cohorts": sum(1 for item in cohorts if item.people)
    }
    return title, body


__all__ = [
    "REPORT_WARNING_DAYS",
    "AtRiskPerson",
    "CohortRisk",
    "at_risk",
    "candidate_cohorts",
    "is_running",
    "people_at_risk",
    "report_deadline_near",
    "summary_notice",
]
