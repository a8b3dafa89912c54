"""THE attendance and report figures of every participant of MANY cohorts at once, in a fixed
number of queries whatever the number of cohorts, participants or sessions.

The per-cohort selectors (`attendance_for_cohort`, `report_results_for_cohort`) cost three
queries per cohort; the school's home and the daily at-risk summary read every running cohort,
so here the totals are added up in SQL across all of them (grouped by enrollment and category)
and turned into the very same AttendanceSummary and ReportResult by the same code
(`summary_from_totals`, the report selector's `_result`): one rule, two ways of fetching.

Credits: present counts a session's periods, late its periods × late_credit_percent / 100 —
summed in SQL as "periods present" and "periods late" and weighted in Python with Decimals, so
no rounding happens in the database.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Q, Sum
from django.utils import timezone

from courses.attendance_selectors import AttendanceSummary, summary_from_totals
from courses.models import (
    AttendanceRecord,
    AttendanceStatus,
    Category,
    ClassSession,
    Cohort,
    Enrollment,
    ReportAssignment,
    Role,
    Status,
)
from courses.report_selectors import ReportResult, _result, _submissions
from courses.services.reports import DEFAULT_DEADLINE_DAYS, deadline_after

HUNDRED = Decimal(100)
# Everyone admitted, as on the certificate eligibility list (those who left are listed there).
LISTED_STATUSES = (Status.APPROVED, Status.COMPLETED, Status.WITHDRAWN)


@dataclass(frozen=True)
class Participant:
    enrollment: Enrollment  # with its user
    attendance: AttendanceSummary
    report: ReportResult


@dataclass
class CohortFigures:
    cohort: Cohort
    assignment: ReportAssignment | None
    deadline: dt.datetime  # the assignment's, or the default rule's before one exists
    # (module id or None, category) -> periods scheduled: the timetable against the programme
    scheduled_by_module: dict[tuple[int | None, str], int] = field(default_factory=dict)
    participants: list[Participant] = field(default_factory=list)  # in no particular order


def _credit(present, late, late_share: Decimal) -> Decimal:
    return Decimal(present or 0) + Decimal(late or 0) * late_share


def _report_days(cohorts: list[Cohort]) -> dict[int, int]:
    """Days after the last session that each programme gives for the report (its live
    FinalReportPage; the default without one), for all programmes in one query."""
    from content.models import FinalReportPage

    programs = {cohort.program_id: cohort.program for cohort in cohorts}
    pages = FinalReportPage.objects.live().filter(
        functools.reduce(
            operator.or_, (FinalReportPage.objects.child_of_q(p) for p in programs.values())
        )
    )
    by_path = {program.path: pk for pk, program in programs.items()}
    days = {}
    for page in pages.only("path", "depth", "deadline_days_after_last_session"):
        program_id = by_path.get(page.path[: -FinalReportPage.steplen])
        if program_id is not None:
            days.setdefault(program_id, page.deadline_days_after_last_session)
    return days


def cohort_figures(
    cohorts, moment: dt.datetime | None = None, statuses=LISTED_STATUSES
) -> dict[int, CohortFigures]:
    """Figures of each cohort (fetched with its programme), keyed by cohort id: six queries
    for any number of cohorts, none without cohorts."""
    moment = moment or timezone.now()
    cohorts = list(cohorts)
    if not cohorts:
        return {}
    by_id = {cohort.pk: cohort for cohort in cohorts}
    ids = list(by_id)

    # 1. The timetable: periods per cohort, module and category; held = started by `moment`.
    scheduled = {pk: dict.fromkeys(Category.values, 0) for pk in ids}
    held = {pk: dict.fromkeys(Category.values, 0) for pk in ids}
    by_module: dict[int, dict] = defaultdict(dict)
    last_end: dict[int, dt.datetime] = {}
    for row in (
        ClassSession.objects.filter(cohort_id__in=ids)
        .order_by()  # no Meta ordering in the GROUP BY
        .values("cohort_id", "module_id", "category")
        .annotate(
            total=Sum("periods"),
            started=Sum("periods", filter=Q(starts_at__lte=moment)),
            last=Max("ends_at"),
        )
    ):
        pk, category = row["cohort_id"], row["category"]
        scheduled[pk][category] += row["total"] or 0
        held[pk][category] += row["started"] or 0
        by_module[pk][(row["module_id"], category)] = row["total"] or 0
        if row["last"] and (pk not in last_end or row["last"] > last_end[pk]):
            last_end[pk] = row["last"]

    # 2. Participants.
    enrollments = list(
        Enrollment.objects.filter(cohort_id__in=ids, role=Role.PARTICIPANT, status__in=statuses)
        .select_related("user")
        .only(
            "pk",
            "cohort_id",
            "role",
            "status",
            "organisation_name",
            "user__id",
            "user__email",
            "user__last_name",
            "user__first_name",
        )
    )

    # 3. Their credited periods per category, summed in SQL. By enrollment id rather than a
    # join on enrollments (the ids are at hand); a record whose session belongs to another
    # cohort than its enrollment (which the services never write) is left out below.
    cohort_of = {enrollment.pk: enrollment.cohort_id for enrollment in enrollments}
    periods = "session__periods"
    started = Q(session__starts_at__lte=moment)
    present, late = Q(status=AttendanceStatus.PRESENT), Q(status=AttendanceStatus.LATE)
    totals: dict[int, dict] = {}
    for row in (
        AttendanceRecord.objects.filter(enrollment_id__in=cohort_of, session__cohort_id__in=ids)
        .order_by()
        .values("enrollment_id", "session__cohort_id", "session__category")
        .annotate(
            present=Sum(periods, filter=present),
            late=Sum(periods, filter=late),
            present_held=Sum(periods, filter=present & started),
            late_held=Sum(periods, filter=late & started),
        )
    ):
        if cohort_of[row["enrollment_id"]] == row["session__cohort_id"]:
            totals.setdefault(row["enrollment_id"], {})[row["session__category"]] = row

    # 4.–6. The report: assignments, the default deadline's rule, submissions with grades.
    assignments = {a.cohort_id: a for a in ReportAssignment.objects.filter(cohort_id__in=ids)}
    days = _report_days(cohorts)
    submissions = {
        s.enrollment_id: s for s in _submissions(assignment__cohort_id__in=ids).order_by()
    }

    figures = {}
    for pk, cohort in by_id.items():
        assignment = assignments.get(pk)
        if assignment is not None:
            assignment.cohort = cohort
            deadline = assignment.deadline
        else:
            rule = days.get(cohort.program_id, DEFAULT_DEADLINE_DAYS)
            deadline = deadline_after(last_end.get(pk), cohort.end_date, rule)
        figures[pk] = CohortFigures(cohort, assignment, deadline, dict(by_module.get(pk, {})))
    for enrollment in enrollments:
        cohort = by_id[enrollment.cohort_id]
        enrollment.cohort = cohort
        late_share = Decimal(cohort.late_credit_percent) / HUNDRED
        attended = dict.fromkeys(Category.values, Decimal(0))
        attended_held = Decimal(0)
        for category, row in totals.get(enrollment.pk, {}).items():
            attended[category] = _credit(row["present"], row["late"], late_share)
            attended_held += _credit(row["present_held"], row["late_held"], late_share)
        summary = summary_from_totals(
            enrollment.pk, cohort, attended, scheduled[cohort.pk], held[cohort.pk], attended_held
        )
        report = _result(
            enrollment.pk, cohort, figures[cohort.pk].assignment, submissions.get(enrollment.pk)
        )
        figures[cohort.pk].participants.append(Participant(enrollment, summary, report))
    return figures


__all__ = ["CohortFigures", "LISTED_STATUSES", "Participant", "cohort_figures"]
