"""Reads of the final report, each in a fixed number of queries: THE result certificates use
(`report_result`, `report_results_for_cohort`), a participant's own report, the graders' list
and the school's gradebook, one submission with its versions and grade history.

(Kept beside courses/selectors.py, like attendance_selectors.py, while features grow at once.)

What "passed" means — the single source of truth
------------------------------------------------
A participant has passed the final report when their submission has a grade and the score is
at least the cohort's `report_pass_mark` (exact decimal comparison: 4,9 fails and 5,0 passes at
the default 5,0). Passing does not depend on whether grades have been released to participants;
`released` says that, and the certificate rule decides whether to ask for it. A late version
(accepted by school staff) counts like any other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from courses.models import (
    Cohort,
    Enrollment,
    Grade,
    GradeChange,
    LateAllowance,
    ReportAssignment,
    Role,
    Status,
    Submission,
    SubmissionVersion,
)
from courses.selectors import members_of
from courses.services.reports import active_allowance, classify, default_assignment, passes

# --- THE result --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportResult:
    enrollment_id: int
    submitted: bool
    submitted_at: dt.datetime | None  # of the latest version
    late: bool  # the latest version was accepted after the deadline
    versions: int
    graded: bool
    score: Decimal | None
    pass_mark: Decimal
    passed: bool  # graded and score ≥ pass_mark
    classification: str  # "" without a score or a band table
    released: bool  # participants may see their grade

    @property
    def status(self) -> str:
        """missing / submitted / late / graded (the graders' list)."""
        if not self.submitted:
            return "missing"
        if self.graded:
            return "graded"
        return "late" if self.late else "submitted"


def status_label(status: str) -> str:
    return {
        "missing": _("Chưa nộp"),
        "submitted": _("Đã nộp"),
        "late": _("Nộp muộn"),
        "graded": _("Đã chấm"),
    }[status]


def verdict(result: ReportResult) -> str:
    """Đạt / Không đạt, or why there is no verdict yet (gradebook and its export)."""
    if not result.submitted:
        return _("Chưa nộp")
    if not result.graded:
        return _("Chưa chấm")
    return _("Đạt") if result.passed else _("Không đạt")


def _assignment_or_none(cohort_id: int) -> ReportAssignment | None:
    return ReportAssignment.objects.filter(cohort_id=cohort_id).first()


def _submissions(**filters):
    latest = SubmissionVersion.objects.filter(submission=OuterRef("pk")).order_by("-number")
    return (
        Submission.objects.filter(**filters)
        .select_related("grade")
        .annotate(
            last_number=Subquery(latest.values("number")[:1]),
            last_at=Subquery(latest.values("submitted_at")[:1]),
            last_late=Subquery(latest.values("is_late")[:1]),
        )
    )


def _result(enrollment_id, cohort, assignment, submission) -> ReportResult:
    pass_mark = cohort.report_pass_mark
    released = bool(assignment and assignment.released_at)
    if submission is None or not submission.last_number:
        return ReportResult(
            enrollment_id, False, None, False, 0, False, None, pass_mark, False, "", released
        )
    grade = getattr(submission, "grade", None) if _has_grade(submission) else None
    score = grade.score if grade else None
    return ReportResult(
        enrollment_id=enrollment_id,
        submitted=True,
        submitted_at=submission.last_at,
        late=bool(submission.last_late),
        versions=submission.last_number,
        graded=grade is not None,
        score=score,
        pass_mark=pass_mark,
        passed=passes(score, pass_mark),
        classification=classify(score, assignment.band_list if assignment else []),
        released=released,
    )


def _has_grade(submission: Submission) -> bool:
    try:
        submission.grade  # noqa: B018 - select_related already fetched it (or its absence)
    except Grade.DoesNotExist:
        return False
    return True


def report_result(enrollment: Enrollment) -> ReportResult:
    """THE final-report result of one enrollment (three queries at most: cohort, assignment,
    submission with its grade and latest version). Certificates read this."""
    cohort = enrollment.cohort
    assignment = _assignment_or_none(cohort.pk)
    submission = None
    if assignment is not None:
        submission = _submissions(assignment=assignment, enrollment_id=enrollment.pk).first()
    return _result(enrollment.pk, cohort, assignment, submission)


def report_results_for_cohort(
    cohort: Cohort, statuses=(Status.APPROVED, Status.COMPLETED)
) -> dict[int, ReportResult]:
    """report_result for every participant of a cohort (by default approved or completed),
    keyed by enrollment id, in three queries whatever the class size."""
    assignment = _assignment_or_none(cohort.pk)
    enrollment_ids = list(
        Enrollment.objects.filter(
            cohort=cohort, role=Role.PARTICIPANT, status__in=statuses
        ).values_list("pk", flat=True)
    )
    submissions = {}
    if assignment is not None:
        submissions = {
            submission.enrollment_id: submission
            for submission in _submissions(assignment=assignment, enrollment_id__in=enrollment_ids)
        }
    return {pk: _result(pk, cohort, assignment, submissions.get(pk)) for pk in enrollment_ids}


# --- The assignment ----------------------------------------------------------------------------


def assignment_of(cohort: Cohort) -> ReportAssignment:
    """The cohort's assignment, or the one it would get (unsaved) before anyone submits."""
    assignment = _assignment_or_none(cohort.pk)
    if assignment is None:
        assignment = default_assignment(cohort)
    assignment.cohort = cohort
    return assignment


def final_report_page(cohort: Cohort):
    """The programme's FinalReportPage (brief and criteria as the school published them)."""
    from content.models import FinalReportPage

    return FinalReportPage.objects.child_of(cohort.program).live().first()


# --- A participant's own report ----------------------------------------------------------------


@dataclass
class ParticipantReport:
    assignment: ReportAssignment
    submission: Submission | None
    versions: list[SubmissionVersion]  # newest first
    grade: Grade | None  # whether it may be shown is the view's decision (released)
    allowance: LateAllowance | None  # a late permission that still runs
    result: ReportResult

    @property
    def latest(self) -> SubmissionVersion | None:
        return self.versions[0] if self.versions else None


def participant_report(enrollment: Enrollment) -> ParticipantReport:
    cohort = enrollment.cohort
    assignment = assignment_of(cohort)
    submission = None
    versions: list[SubmissionVersion] = []
    grade = None
    allowance = None
    if assignment.pk:
        submission = _submissions(assignment=assignment, enrollment_id=enrollment.pk).first()
        allowance = active_allowance(assignment, enrollment)
    if submission is not None:
        versions = list(
            submission.versions.select_related("late_allowance__allowed_by").order_by("-number")
        )
        grade = submission.grade if _has_grade(submission) else None
    result = _result(enrollment.pk, cohort, assignment if assignment.pk else None, submission)
    return ParticipantReport(assignment, submission, versions, grade, allowance, result)


# --- The graders' list and the school's gradebook ---------------------------------------------


@dataclass
class GradebookRow:
    enrollment: Enrollment
    submission: Submission | None
    latest: SubmissionVersion | None
    grade: Grade | None
    result: ReportResult

    @property
    def status(self) -> str:
        return self.result.status

    @property
    def status_label(self) -> str:
        return status_label(self.result.status)

    @property
    def verdict(self) -> str:
        return verdict(self.result)

    @property
    def regrade_needed(self) -> bool:
        """A newer version arrived after the grade was given."""
        return bool(self.grade and self.latest and self.grade.version_id != self.latest.pk)


@dataclass
class Gradebook:
    cohort: Cohort
    assignment: ReportAssignment
    rows: list[GradebookRow]  # participants in Vietnamese name order

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in ("missing", "submitted", "late", "graded")}

    @property
    def passed(self) -> int:
        return sum(1 for row in self.rows if row.result.passed)


def gradebook(cohort: Cohort) -> Gradebook:
    """Every approved participant with their latest version, grade and result (four queries
    whatever the class size: members, assignment, submissions with grades, latest versions)."""
    participants = members_of(cohort, Role.PARTICIPANT)
    assignment = assignment_of(cohort)
    submissions: dict[int, Submission] = {}
    latest: dict[int, SubmissionVersion] = {}
    if assignment.pk:
        submissions = {
            submission.enrollment_id: submission
            for submission in _submissions(assignment=assignment).select_related("grade__graded_by")
        }
        # The latest version of each submission, without the texts (they can be long).
        for version in (
            SubmissionVersion.objects.filter(submission__assignment=assignment)
            .only(
                "pk",
                "submission_id",
                "number",
                "title",
                "storage_name",
                "original_name",
                "size",
                "submitted_at",
                "is_late",
            )
            .order_by("submission_id", "number")
        ):
            latest[version.submission_id] = version
    saved = assignment if assignment.pk else None
    rows = []
    for enrollment in participants:
        submission = submissions.get(enrollment.pk)
        grade = submission.grade if submission is not None and _has_grade(submission) else None
        rows.append(
            GradebookRow(
                enrollment=enrollment,
                submission=submission,
                latest=latest.get(submission.pk) if submission is not None else None,
                grade=grade,
                result=_result(enrollment.pk, cohort, saved, submission),
            )
        )
    return Gradebook(cohort, assignment, rows)


# --- One submission (grading screen) -----------------------------------------------------------


@dataclass
class SubmissionDetail:
    submission: Submission
    versions: list[SubmissionVersion]  # newest first
    grade: Grade | None
    history: list[GradeChange]  # oldest first

    @property
    def latest(self) -> SubmissionVersion | None:
        return self.versions[0] if self.versions else None


def submission_detail(submission: Submission) -> SubmissionDetail:
    versions = list(
        submission.versions.select_related("submitted_by", "late_allowance__allowed_by").order_by(
            "-number"
        )
    )
    grade = Grade.objects.select_related("graded_by").filter(submission=submission).first()
    history = []
    if grade is not None:
        history = list(grade.changes.select_related("changed_by").order_by("changed_at", "pk"))
    return SubmissionDetail(submission, versions, grade, history)


def late_allowances_of(cohort: Cohort) -> list[LateAllowance]:
    """Every late permission of the cohort, newest first (one query)."""
    return list(
        LateAllowance.objects.filter(assignment__cohort=cohort)
        .select_related("enrollment__user", "allowed_by")
        .order_by("-allowed_at", "-pk")
    )


__all__ = [
    "Gradebook",
    "GradebookRow",
    "ParticipantReport",
    "ReportResult",
    "SubmissionDetail",
    "assignment_of",
    "final_report_page",
    "gradebook",
    "late_allowances_of",
    "participant_report",
    "report_result",
    "report_results_for_cohort",
    "status_label",
    "submission_detail",
    "verdict",
]
