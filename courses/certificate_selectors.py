"""Reads of certificates, each in a fixed number of queries: who is eligible and why, a
certificate's state (valid, revoked, replaced), the register, one person's certificates and the
public verification lookup.

Eligibility reads THE figures of attendance (`attendance_for_cohort` / `attended_periods`) and
of the final report (`report_results_for_cohort` / `report_result`) — never a copy of them — and
applies the pure rule `policies.certificate_refusals`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from courses import policies
from courses.attendance_selectors import (
    AttendanceSummary,
    attendance_for_cohort,
    attended_periods,
)
from courses.models import Category, Cohort, Enrollment, Role, Status
from courses.models.certificates import Certificate, CertificateEvent, EventKind
from courses.report_selectors import ReportResult, report_result, report_results_for_cohort
from courses.selectors import by_vietnamese_name

# Participants who appear on the eligibility list: everyone admitted, including those who left
# (they are listed as not eligible, with the reason).
LISTED_STATUSES = (Status.APPROVED, Status.COMPLETED, Status.WITHDRAWN)
ELIGIBLE_STATUSES = (Status.APPROVED, Status.COMPLETED)


# --- A certificate's state ---------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateState:
    certificate: Certificate
    revocation: CertificateEvent | None
    replacement: Certificate | None

    @property
    def status(self) -> str:
        if self.revocation is not None:
            return "revoked"
        if self.replacement is not None:
            return "replaced"
        return "valid"

    @property
    def is_valid(self) -> bool:
        return self.status == "valid"

    @property
    def status_label(self) -> str:
        return {
            "valid": _("Còn hiệu lực"),
            "revoked": _("Đã thu hồi"),
            "replaced": _("Đã được cấp lại"),
        }[self.status]


def _with_history(queryset):
    return queryset.select_related("replaced_by", "replaces", "cohort").prefetch_related(
        Prefetch(
            "events",
            queryset=CertificateEvent.objects.filter(kind=EventKind.REVOKED).select_related(
                "actor"
            ),
            to_attr="revocations",
        )
    )


def _replacement_of(certificate: Certificate) -> Certificate | None:
    try:
        return certificate.replaced_by
    except Certificate.DoesNotExist:
        return None


def state_of(certificate: Certificate) -> CertificateState:
    """The state of a certificate loaded through `_with_history` (no query)."""
    revocations = getattr(certificate, "revocations", None)
    if revocations is None:
        revocations = list(certificate.events.filter(kind=EventKind.REVOKED))
    return CertificateState(
        certificate, revocations[0] if revocations else None, _replacement_of(certificate)
    )


def certificate_by_code(code: str | None) -> CertificateState | None:
    """The public lookup (two queries). `code` is already in stored form (certificate_codes)."""
    if not code:
        return None
    certificate = _with_history(Certificate.objects.filter(verification_code=code)).first()
    return state_of(certificate) if certificate else None


def certificate_state(pk: int) -> CertificateState | None:
    certificate = (
        _with_history(Certificate.objects.filter(pk=pk)).select_related("enrollment__user").first()
    )
    return state_of(certificate) if certificate else None


def certificates_of_enrollment(enrollment: Enrollment) -> list[CertificateState]:
    """Every certificate of one participant in one cohort, the current one last."""
    return [
        state_of(c)
        for c in _with_history(Certificate.objects.filter(enrollment=enrollment)).order_by(
            "issued_at", "pk"
        )
    ]


def certificates_of_user(user) -> list[CertificateState]:
    """A participant's own certificates across cohorts, newest first (their page)."""
    rows = _with_history(Certificate.objects.filter(enrollment__user=user)).order_by(
        "-issued_at", "-pk"
    )
    return [state_of(c) for c in rows]


def history_of(certificate: Certificate) -> list[CertificateEvent]:
    return list(certificate.events.select_related("actor", "related").order_by("at", "pk"))


# --- Eligibility -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    enrollment: Enrollment
    attendance: AttendanceSummary
    report: ReportResult
    reasons: list[str]
    certificates: list[CertificateState] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def current(self) -> CertificateState | None:
        """The certificate in force (the newest one of the chain), if any."""
        return self.certificates[-1] if self.certificates else None

    @property
    def has_certificate(self) -> bool:
        return bool(self.certificates)

    @property
    def can_be_issued(self) -> bool:
        return self.eligible and not self.certificates

    @property
    def summary(self) -> str:
        if self.eligible:
            return _("Đủ điều kiện")
        return "; ".join(self.reasons)


def _enrollment_problem(status: str) -> str:
    return {
        Status.WITHDRAWN: _("đã rút khỏi lớp"),
        Status.APPLIED: _("chưa được duyệt vào lớp"),
        Status.REJECTED: _("không được duyệt vào lớp"),
    }.get(status, _("không phải học viên của lớp"))


def _judge(
    enrollment: Enrollment, cohort: Cohort, attendance: AttendanceSummary, report: ReportResult
) -> list[str]:
    field_study = attendance.categories[Category.FIELD]
    return policies.certificate_refusals(
        enrollment_ok=enrollment.role == Role.PARTICIPANT
        and enrollment.status in ELIGIBLE_STATUSES,
        enrollment_problem=_enrollment_problem(enrollment.status),
        attended=attendance.attended,
        held=attendance.held,
        scheduled=attendance.scheduled,
        threshold=cohort.attendance_threshold,
        report_submitted=report.submitted,
        report_graded=report.graded,
        report_score=report.score,
        pass_mark=report.pass_mark,
        field_required=cohort.field_study_required,
        field_attended=field_study.attended,
        field_scheduled=field_study.scheduled,
    )


def eligibility_of(enrollment: Enrollment, moment: dt.datetime | None = None) -> Eligibility:
    """Eligibility of one participant, from the same sources and rule as the cohort list."""
    attendance = attended_periods(enrollment, moment)
    report = report_result(enrollment)
    return Eligibility(
        enrollment,
        attendance,
        report,
        _judge(enrollment, enrollment.cohort, attendance, report),
        certificates_of_enrollment(enrollment),
    )


def eligibility_for_cohort(cohort: Cohort, moment: dt.datetime | None = None) -> list[Eligibility]:
    """Every admitted participant of a cohort, in class-list order, with the verdict and its
    reasons and any certificate they hold. A fixed number of queries whatever the size."""
    enrollments = by_vietnamese_name(
        Enrollment.objects.filter(
            cohort=cohort, role=Role.PARTICIPANT, status__in=LISTED_STATUSES
        ).select_related("user", "province", "organisation")
    )
    attendance = attendance_for_cohort(cohort, moment, statuses=LISTED_STATUSES)
    reports = report_results_for_cohort(cohort, statuses=LISTED_STATUSES)
    certificates: dict[int, list[CertificateState]] = {}
    for certificate in _with_history(Certificate.objects.filter(cohort=cohort)).order_by(
        "issued_at", "pk"
    ):
        certificates.setdefault(certificate.enrollment_id, []).append(state_of(certificate))
    rows = []
    for enrollment in enrollments:
        enrollment.cohort = cohort
        summary, report = attendance[enrollment.pk], reports[enrollment.pk]
        rows.append(
            Eligibility(
                enrollment,
                summary,
                report,
                _judge(enrollment, cohort, summary, report),
                certificates.get(enrollment.pk, []),
            )
        )
    return rows


# --- The register (sổ cấp chứng chỉ) ----------------------------------------------------------


def register(cohort: Cohort | None = None, year: int | None = None) -> list[CertificateState]:
    """Everything issued — originals and replacements, valid, revoked or replaced — in issue
    order (issuer, year, sequence), optionally for one cohort and/or one year."""
    rows = Certificate.objects.all()
    if cohort is not None:
        rows = rows.filter(cohort=cohort)
    if year is not None:
        rows = rows.filter(year=year)
    return [state_of(c) for c in _with_history(rows).order_by("issuer", "year", "sequence")]


def register_years() -> list[int]:
    return sorted(set(Certificate.objects.values_list("year", flat=True).distinct()), reverse=True)
