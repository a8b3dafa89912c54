"""Issuing, revoking and re-issuing certificates (issue 8).

What each service refuses, and why:
- `start_issuance`: anyone but school staff; a decision without number or date, dates in the
  wrong order; no participant selected; a participant of another cohort. It records a batch
  and hands the work to a task, so the web request returns at once.
- `issue_certificate`: anyone but school staff; a participant who is not eligible now (the
  rule is checked again at the moment of issuing, whatever the form said); a participant who
  already holds a certificate of this cohort (the database refuses a second one too).
- `revoke_certificate`: a missing decision number or reason; a certificate already revoked.
- `replace_certificate`: a missing reason; a certificate already replaced; a revoked
  certificate of someone who is no longer eligible.

One certificate is one transaction: the next number of the issuer's sequence for the year
(an UPDATE that locks its row — PostgreSQL — or the database — SQLite — until commit, so
concurrent issuers from any number of processes wait their turn), the snapshot of every
printed value, the PDF, its SHA-256 and the Ed25519 signature, the record and its "issued"
event. If anything fails the number is rolled back with the rest: no gap, no duplicate.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses import (
    certificate_codes,
    certificate_credential,
    certificate_pades,
    certificate_signing,
)
from courses.certificate_selectors import eligibility_of
from courses.exceptions import Conflict, InvalidInput, InvalidTransition, NotAllowed
from courses.models import Cohort, Enrollment, Mode, Role
from courses.models.certificates import (
    BatchStatus,
    Certificate,
    CertificateEvent,
    CertificateKind,
    EventKind,
    IssuanceBatch,
    NumberSequence,
    SchoolCertificate,
    SigningKey,
)
from courses.permissions import user_can_issue_certificates
from courses.services import notifications as notification_service
from lms.text import format_decimal, normalize

logger = logging.getLogger(__name__)

#: The NumberSequence row that hands out each certificate's position in the revocation list
#: (the "#" keeps it apart from every issuer's name).
STATUS_LIST_SEQUENCE = "#status-list"

TITLES = {
    CertificateKind.ORIGINAL: "CHỨNG CHỈ",
    CertificateKind.REPLACEMENT: "GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC",
}


# --- Checks shared by the services -------------------------------------------------------------


def _require_staff(actor) -> None:
    if actor is not None and not user_can_issue_certificates(actor):
        raise NotAllowed(_("Chỉ nhà trường mới được cấp, thu hồi hoặc cấp lại chứng chỉ."))


def _clean_decision(decision_number: str | None, decision_date) -> str:
    number = normalize(decision_number or "").strip()
    if not number:
        raise InvalidInput(_("Hãy nhập số quyết định."), field="decision_number")
    if len(number) > 60:
        raise InvalidInput(_("Số quyết định dài quá 60 ký tự."), field="decision_number")
    if not isinstance(decision_date, dt.date):
        raise InvalidInput(_("Hãy nhập ngày quyết định."), field="decision_date")
    return number


def _check_issue_dates(decision_date: dt.date, issued_on) -> None:
    if not isinstance(issued_on, dt.date):
        raise InvalidInput(_("Hãy nhập ngày cấp."), field="issued_on")
    if issued_on < decision_date:
        raise InvalidInput(_("Ngày cấp không thể trước ngày quyết định."), field="issued_on")
    if issued_on > timezone.localdate() + dt.timedelta(days=366):
        raise InvalidInput(_("Ngày cấp quá xa trong tương lai."), field="issued_on")


# --- Numbers ---------------------------------------------------------------------------------


def _next_sequence(issuer: str, year: int) -> int:
    """The next number of `issuer` in `year`, inside the caller's transaction.

    The UPDATE takes the row's lock (PostgreSQL) or the database's write lock (SQLite) and
    holds it until the transaction ends, so a second issuer in any process waits here; a
    rollback gives the number back. The row is created once per issuer and year; two
    processes creating it at once meet the unique constraint and one re-reads the other's.
    """
    NumberSequence.objects.get_or_create(issuer=issuer, year=year)
    NumberSequence.objects.filter(issuer=issuer, year=year).update(last_number=F("last_number") + 1)
    return NumberSequence.objects.get(issuer=issuer, year=year).last_number


def _format_number(pattern: str, cohort: Cohort, year: int, sequence: int) -> str:
    try:
        return pattern.format(code=cohort.code, year=year, seq=sequence)
    except (KeyError, IndexError, ValueError) as error:
        raise InvalidInput(
            _("Mẫu số hiệu của lớp không hợp lệ (%(pattern)s): %(error)s")
            % {"pattern": pattern, "error": error}
        ) from error


def check_number_pattern(pattern: str) -> None:
    """Refuse a pattern that cannot be formatted or does not contain the sequence."""
    if "{seq" not in pattern:
        raise InvalidInput(_("Mẫu số phải có {seq} (số thứ tự)."))
    try:
        pattern.format(code="GDS-2026-1", year=2026, seq=1)
    except (KeyError, IndexError, ValueError) as error:
        raise InvalidInput(_("Mẫu số không hợp lệ: %(error)s") % {"error": error}) from error


# --- The snapshot ------------------------------------------------------------------------------


def verification_url(code: str) -> str:
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return base + reverse("courses:verify_code", args=[code])


def _result_text(report) -> str:
    if report.score is None:
        return ""
    score = format_decimal(report.score, 1)
    return f"{report.classification} ({score})" if report.classification else ""


def build_snapshot(
    enrollment: Enrollment,
    *,
    kind: str,
    certificate_number: str,
    register_number: str,
    verification_code: str,
    decision_number: str,
    decision_date: dt.date,
    issued_on: dt.date,
    result: str,
    replaces: Certificate | None = None,
) -> dict:
    """Every value the certificate prints, as of now. Later edits to the person, their
    organisation, the programme or the cohort never reach an issued certificate."""
    cohort = enrollment.cohort
    user = enrollment.user
    program = cohort.program
    targets = program.target_periods
    with translation.override("vi"):
        mode_label = str(Mode(cohort.mode).label)
    organisation = (
        enrollment.organisation.name if enrollment.organisation_id else enrollment.organisation_name
    )
    return {
        "version": 1,
        "kind": str(kind),
        "title": TITLES[kind],
        "issuer_parent_name": cohort.issuer_parent_name,
        "issuer_name": cohort.issuer_name,
        "participant": {
            "family_and_middle_name": user.last_name,
            "given_name": user.first_name,
            "full_name": user.full_name,
            "date_of_birth": user.date_of_birth.isoformat() if user.date_of_birth else "",
            "organisation": organisation or "",
            "position": enrollment.position or "",
            "province": enrollment.province.name if enrollment.province_id else "",
        },
        "programme": {
            "title": program.title,
            "periods": targets.total,
            "periods_by_category": {
                "theory": targets.theory,
                "discussion": targets.discussion,
                "field": targets.field,
                "report": targets.report,
            },
        },
        "cohort": {
            "code": cohort.code,
            "name": cohort.name,
            "start_date": cohort.start_date.isoformat(),
            "end_date": cohort.end_date.isoformat(),
            "mode": cohort.mode,
            "mode_label": mode_label,
        },
        "result": result,
        "issue_place": cohort.issue_place,
        "issued_on": issued_on.isoformat(),
        "signatory_title": cohort.signatory_title,
        "signatory_name": cohort.signatory_name,
        "certificate_number": certificate_number,
        "register_number": register_number,
        "decision_number": decision_number,
        "decision_date": decision_date.isoformat(),
        "legal_basis": cohort.legal_basis,
        "verification_code": certificate_codes.display_code(verification_code),
        "verification_url": verification_url(verification_code),
        "replaces": (
            {
                "certificate_number": replaces.certificate_number,
                "issued_on": replaces.issued_on.isoformat(),
            }
            if replaces
            else None
        ),
    }


# --- Issuing one -------------------------------------------------------------------------------


def _signing_key_row(key_id: str, public: bytes) -> SigningKey:
    row = SigningKey.objects.filter(key_id=key_id).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return SigningKey.objects.create(
                key_id=key_id, public_key=certificate_signing.b64url(public)
            )
    except IntegrityError:
        return SigningKey.objects.get(key_id=key_id)


def _school_certificate_row(school: certificate_pades.SchoolIdentity) -> SchoolCertificate:
    row = SchoolCertificate.objects.filter(fingerprint=school.fingerprint).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return SchoolCertificate.objects.create(
                fingerprint=school.fingerprint,
                subject=school.subject[:500],
                issuer=school.issuer[:500],
                not_before=school.certificate.not_valid_before_utc,
                not_after=school.certificate.not_valid_after_utc,
                der=base64.b64encode(school.der).decode("ascii"),
            )
    except IntegrityError:
        return SchoolCertificate.objects.get(fingerprint=school.fingerprint)


def _signer_name(school: certificate_pades.SchoolIdentity) -> str:
    """Who the "signed digitally" block names: the organisation of the school's certificate."""
    from cryptography.x509.oid import NameOID

    for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME):
        values = school.certificate.subject.get_attributes_for_oid(oid)
        if values:
            return str(values[0].value)
    return school.subject


def _school_css() -> str:
    """The school's extra CSS from the Wagtail settings (content.CertificateDesign)."""
    from content.models import CertificateDesign

    return CertificateDesign.load().extra_css


def _create(
    enrollment: Enrollment,
    *,
    actor,
    kind: str,
    decision_number: str,
    decision_date: dt.date,
    issued_on: dt.date,
    result: str,
    replaces: Certificate | None = None,
    batch: IssuanceBatch | None = None,
) -> Certificate:
    """Number, snapshot, credential, render, sign (PAdES), hash, sign the record and store one
    certificate. Call inside atomic()."""
    from courses.certificate_document import SIGNATURE_BLOCK_ID, render_certificate_document

    cohort = enrollment.cohort
    issuer, year = cohort.issuer_name, issued_on.year
    sequence = _next_sequence(issuer, year)
    code = certificate_codes.new_code()
    snapshot = build_snapshot(
        enrollment,
        kind=kind,
        certificate_number=_format_number(
            cohort.certificate_number_pattern, cohort, year, sequence
        ),
        register_number=_format_number(cohort.register_number_pattern, cohort, year, sequence),
        verification_code=code,
        decision_number=decision_number,
        decision_date=decision_date,
        issued_on=issued_on,
        result=result,
        replaces=replaces,
    )
    # The look is frozen with the values, so the PDF can be rendered again identically.
    snapshot["layout"] = {
        "template": settings.LMS_CERTIFICATE_TEMPLATE,
        "extra_css": _school_css(),
    }
    school = certificate_pades.identity()
    snapshot["digital_signature"] = {
        "signer": _signer_name(school),
        "certificate_sha256": school.fingerprint,
    }
    status_index = _next_sequence(STATUS_LIST_SEQUENCE, 0)
    credential = certificate_credential.sign_credential(
        certificate_credential.build_credential(snapshot, status_index=status_index),
        issued_at=timezone.now(),
    )
    rendered = render_certificate_document(
        snapshot, extra_css=snapshot["layout"]["extra_css"], credential=credential
    )
    pdf = certificate_pades.sign_pdf(
        rendered.pdf,
        box=rendered.boxes.get(SIGNATURE_BLOCK_ID),
        location=snapshot.get("issue_place", ""),
        school=school,
    )
    digest = hashlib.sha256(pdf).hexdigest()
    key_id, public, signature = certificate_signing.sign(
        certificate_signing.signed_payload(snapshot, digest)
    )
    storage = storages["private"]
    pdf_name = storage.save(f"certificates/{year}/{code}.pdf", ContentFile(pdf))
    # The file is written before the record: if creating the record fails, remove it. (An
    # outer transaction rolled back later would leave an orphan file, never a record without
    # its file.)
    try:
        certificate = Certificate.objects.create(
            enrollment=enrollment,
            cohort=cohort,
            kind=kind,
            replaces=replaces,
            issuer=issuer,
            year=year,
            sequence=sequence,
            certificate_number=snapshot["certificate_number"],
            register_number=snapshot["register_number"],
            verification_code=code,
            decision_number=decision_number,
            decision_date=decision_date,
            issued_on=issued_on,
            snapshot=snapshot,
            pdf_name=pdf_name,
            pdf_sha256=digest,
            signing_key=_signing_key_row(key_id, public),
            signature=signature,
            school_certificate=_school_certificate_row(school),
            credential=credential,
            status_index=status_index,
            issued_by=actor,
            batch=batch,
        )
        CertificateEvent.objects.create(
            certificate=certificate,
            kind=EventKind.ISSUED,
            decision_number=decision_number,
            decision_date=decision_date,
            related=replaces,
            actor=actor,
        )
    except BaseException:
        storage.delete(pdf_name)
        raise
    return certificate


def issue_certificate(
    enrollment: Enrollment,
    *,
    actor,
    decision_number: str,
    decision_date: dt.date,
    issued_on: dt.date,
    batch: IssuanceBatch | None = None,
    notify: bool = True,
) -> Certificate:
    """Issue the certificate of one participant (their first: originals only)."""
    _require_staff(actor)
    decision_number = _clean_decision(decision_number, decision_date)
    _check_issue_dates(decision_date, issued_on)
    enrollment = Enrollment.objects.select_related(
        "user", "cohort__program", "organisation", "province"
    ).get(pk=enrollment.pk)
    if enrollment.role != Role.PARTICIPANT:
        raise InvalidTransition(_("Chỉ học viên mới được cấp chứng chỉ."))
    eligibility = eligibility_of(enrollment)
    if eligibility.has_certificate:
        raise Conflict(
            _("%(name)s đã được cấp chứng chỉ của lớp này (số hiệu %(number)s).")
            % {
                "name": enrollment.user.full_name,
                "number": eligibility.certificates[0].certificate.certificate_number,
            }
        )
    if not eligibility.eligible:
        raise InvalidTransition(
            _("%(name)s chưa đủ điều kiện cấp chứng chỉ: %(reasons)s.")
            % {"name": enrollment.user.full_name, "reasons": "; ".join(eligibility.reasons)}
        )
    try:
        with transaction.atomic():
            certificate = _create(
                enrollment,
                actor=actor,
                kind=CertificateKind.ORIGINAL,
                decision_number=decision_number,
                decision_date=decision_date,
                issued_on=issued_on,
                result=_result_text(eligibility.report),
                batch=batch,
            )
            if notify:
                _notify_issued(certificate)
    except IntegrityError as clash:
        # Someone else issued this person's certificate a moment ago, from another process.
        raise Conflict(
            _("%(name)s vừa được cấp chứng chỉ của lớp này.") % {"name": enrollment.user.full_name}
        ) from clash
    logger.info(
        "Certificate %s issued to enrollment %s by user %s.",
        certificate.certificate_number,
        enrollment.pk,
        getattr(actor, "pk", None),
    )
    return certificate


def _notify_issued(certificate: Certificate) -> None:
    # Mailed (or not) as the person's preference for certificates says.
    notification_service.notify_certificate_issued(certificate)


# --- Issuing many: a batch run by a task ------------------------------------------------------


def start_issuance(
    cohort: Cohort,
    *,
    actor,
    enrollment_ids: list[int] | None,
    decision_number: str,
    decision_date: dt.date,
    issued_on: dt.date,
) -> IssuanceBatch:
    """Record a batch for the selected participants (None: every eligible one without a
    certificate yet) and enqueue its task once the batch is committed."""
    from courses.certificate_selectors import eligibility_for_cohort
    from courses.tasks import run_issuance_batch

    _require_staff(actor)
    decision_number = _clean_decision(decision_number, decision_date)
    _check_issue_dates(decision_date, issued_on)
    rows = eligibility_for_cohort(cohort)
    by_id = {row.enrollment.pk: row for row in rows}
    if enrollment_ids is None:
        chosen = [row.enrollment.pk for row in rows if row.can_be_issued]
    else:
        unknown = [pk for pk in enrollment_ids if pk not in by_id]
        if unknown:
            raise InvalidInput(_("Có học viên được chọn không thuộc lớp này."))
        # Class-list order, which is also the order of the numbers.
        wanted = set(enrollment_ids)
        chosen = [row.enrollment.pk for row in rows if row.enrollment.pk in wanted]
    if not chosen:
        raise InvalidInput(_("Không có học viên nào đủ điều kiện và chưa được cấp chứng chỉ."))
    with transaction.atomic():
        batch = IssuanceBatch.objects.create(
            cohort=cohort,
            enrollment_ids=chosen,
            decision_number=decision_number,
            decision_date=decision_date,
            issued_on=issued_on,
            total=len(chosen),
            requested_by=actor,
        )
        transaction.on_commit(lambda: run_issuance_batch.enqueue(batch.pk))
    logger.info(
        "Issuance batch %s for cohort %s: %s participants, requested by user %s.",
        batch.pk,
        cohort.code,
        len(chosen),
        getattr(actor, "pk", None),
    )
    return batch


def stale_batch_limit() -> dt.timedelta:
    """A running batch whose worker has not reported for this long (LMS_BATCH_STALE_SECONDS,
    read at each call) is taken to have died with it (one certificate takes well under a
    second): another run may take it over, and resume_stalled_batches enqueues one."""
    return dt.timedelta(seconds=settings.LMS_BATCH_STALE_SECONDS)


def _claim(batch_id: int) -> bool:
    """Mark the batch running for this run, atomically: a queued batch, or a running one whose
    worker went silent. Two runs of one batch at once would race over its progress."""
    now = timezone.now()
    return bool(
        IssuanceBatch.objects.filter(pk=batch_id)
        .filter(
            Q(status=BatchStatus.QUEUED)
            | Q(status=BatchStatus.RUNNING, heartbeat_at__isnull=True)
            | Q(status=BatchStatus.RUNNING, heartbeat_at__lt=now - stale_batch_limit())
        )
        .update(status=BatchStatus.RUNNING, heartbeat_at=now)
    )


def run_batch(batch_id: int) -> IssuanceBatch:
    """Issue every certificate of a batch that is not issued yet. Safe to run again after a
    crash: a participant who already holds one is skipped, never issued twice."""
    batch = IssuanceBatch.objects.select_related("cohort", "requested_by").get(pk=batch_id)
    if not _claim(batch_id):
        return batch  # finished, or another worker is running it right now
    done_ids = set(Certificate.objects.filter(batch=batch).values_list("enrollment_id", flat=True))
    skipped_ids = {row["enrollment_id"] for row in batch.skipped}
    skipped = list(batch.skipped)
    enrollments = Enrollment.objects.select_related("user").in_bulk(batch.enrollment_ids)
    try:
        for enrollment_id in batch.enrollment_ids:
            if enrollment_id in done_ids or enrollment_id in skipped_ids:
                continue
            enrollment = enrollments.get(enrollment_id)
            if enrollment is None:
                continue
            try:
                issue_certificate(
                    enrollment,
                    actor=batch.requested_by,
                    decision_number=batch.decision_number,
                    decision_date=batch.decision_date,
                    issued_on=batch.issued_on,
                    batch=batch,
                )
            except (Conflict, InvalidTransition, InvalidInput, NotAllowed) as refusal:
                if Certificate.objects.filter(batch=batch, enrollment_id=enrollment_id).exists():
                    continue  # issued by a run of this batch that was taken for dead meanwhile
                skipped.append(
                    {
                        "enrollment_id": enrollment_id,
                        "name": enrollment.user.full_name,
                        "reason": refusal.message,
                    }
                )
                IssuanceBatch.objects.filter(pk=batch.pk).update(
                    skipped=skipped, heartbeat_at=timezone.now()
                )
            else:
                IssuanceBatch.objects.filter(pk=batch.pk).update(
                    issued_count=F("issued_count") + 1, heartbeat_at=timezone.now()
                )
    except Exception as error:
        logger.exception("Issuance batch %s failed.", batch.pk)
        IssuanceBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    IssuanceBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE,
        issued_count=Certificate.objects.filter(batch=batch).count(),
        finished_at=timezone.now(),
    )
    batch.refresh_from_db()
    logger.info(
        "Issuance batch %s done: %s issued, %s skipped.",
        batch.pk,
        batch.issued_count,
        len(batch.skipped),
    )
    return batch


class BatchWorkerLost(RuntimeError):
    """Recorded on a task row whose worker process died while it ran an issuance batch."""


def _batch_task_rows(status: str) -> dict[int, list]:
    """Task rows of django-tasks-db for run_issuance_batch in `status`, by batch id (empty when
    the app is not installed). Few rows: the filter on the argument is done here, which works
    the same on every database."""
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return {}
    from django_tasks_db.models import DBTaskResult

    from courses.tasks import run_issuance_batch

    rows: dict[int, list] = {}
    for row in DBTaskResult.objects.filter(
        status=status, task_path=run_issuance_batch.module_path
    ).only("id", "status", "args_kwargs"):
        args = (row.args_kwargs or {}).get("args") or []
        if args and isinstance(args[0], int):
            rows.setdefault(args[0], []).append(row)
    return rows


def resume_stalled_batches() -> list[int]:
    """Enqueue again every batch whose run died with its worker, and return their ids.

    django-tasks-db never runs a task twice: a worker killed mid-task (kill -9, OOM, a lost
    machine) leaves its task row RUNNING and the batch RUNNING, its heartbeat frozen. Such a
    batch — RUNNING with a heartbeat older than stale_batch_limit(), or still QUEUED that long
    after it was requested (the process died between its commit and the enqueue, or the worker
    between taking the task and claiming the batch) — gets a new run_issuance_batch task, unless
    one is already waiting for a worker. The new run claims the batch (_claim) and issues only
    those not issued yet. The dead run's task row is marked FAILED (BatchWorkerLost), so the
    task list does not show it running for ever. An extra task is harmless: a run that cannot
    claim its batch (done, or running with a fresh heartbeat) returns at once."""
    from django.tasks import TaskResultStatus

    from courses.tasks import run_issuance_batch

    cutoff = timezone.now() - stale_batch_limit()
    stalled = list(
        IssuanceBatch.objects.filter(
            Q(status=BatchStatus.RUNNING, heartbeat_at__isnull=True)
            | Q(status=BatchStatus.RUNNING, heartbeat_at__lt=cutoff)
            | Q(status=BatchStatus.QUEUED, requested_at__lt=cutoff)
        )
        .order_by("pk")
        .values_list("pk", "status", "heartbeat_at")
    )
    if not stalled:
        return []
    waiting = _batch_task_rows(TaskResultStatus.READY)
    orphans = _batch_task_rows(TaskResultStatus.RUNNING)
    resumed = []
    for batch_id, status, heartbeat_at in stalled:
        for row in orphans.get(batch_id, []):
            row.set_failed(
                BatchWorkerLost(
                    f"Issuance batch {batch_id} silent since {heartbeat_at}: its worker is "
                    "taken to have died; the batch was enqueued again."
                )
            )
        if batch_id in waiting:
            continue  # a task is already waiting for a worker
        with transaction.atomic():
            transaction.on_commit(lambda batch_id=batch_id: run_issuance_batch.enqueue(batch_id))
        logger.warning(
            "Issuance batch %s stalled (%s, last heartbeat %s): enqueued again.",
            batch_id,
            status,
            heartbeat_at,
        )
        resumed.append(batch_id)
    return resumed


# --- Revocation and replacement ----------------------------------------------------------------


def _lock(certificate: Certificate) -> Certificate:
    """Re-read the certificate holding a lock on it, so two staff members acting on it at once
    are served one after the other (the second then sees the first one's event)."""
    locked = list(Certificate.objects.select_for_update().filter(pk=certificate.pk))
    return locked[0]


def revoke_certificate(
    certificate: Certificate,
    *,
    actor,
    decision_number: str,
    decision_date: dt.date,
    reason: str,
) -> CertificateEvent:
    _require_staff(actor)
    decision_number = _clean_decision(decision_number, decision_date)
    reason = normalize(reason or "").strip()
    if not reason:
        raise InvalidInput(_("Hãy ghi lý do thu hồi."), field="reason")
    try:
        with transaction.atomic():
            certificate = _lock(certificate)
            if certificate.events.filter(kind=EventKind.REVOKED).exists():
                raise InvalidTransition(
                    _("Chứng chỉ %(number)s đã bị thu hồi trước đó.")
                    % {"number": certificate.certificate_number}
                )
            event = CertificateEvent.objects.create(
                certificate=certificate,
                kind=EventKind.REVOKED,
                decision_number=decision_number,
                decision_date=decision_date,
                reason=reason,
                actor=actor,
            )
    except IntegrityError as clash:
        raise InvalidTransition(
            _("Chứng chỉ %(number)s đã bị thu hồi trước đó.")
            % {"number": certificate.certificate_number}
        ) from clash
    logger.info(
        "Certificate %s revoked by user %s (decision %s).",
        certificate.certificate_number,
        getattr(actor, "pk", None),
        decision_number,
    )
    return event


def replace_certificate(
    certificate: Certificate,
    *,
    actor,
    decision_number: str,
    decision_date: dt.date,
    issued_on: dt.date,
    reason: str,
) -> Certificate:
    """Issue a "giấy chứng nhận hoàn thành khóa học" replacing `certificate` (lost, damaged,
    or revoked for an error): a new record with new numbers and code, linked to it, printing
    the data as of the day of re-issue (so a name corrected after a revocation for an error is
    printed right) and the original's result. The original stays, marked as replaced."""
    _require_staff(actor)
    decision_number = _clean_decision(decision_number, decision_date)
    _check_issue_dates(decision_date, issued_on)
    reason = normalize(reason or "").strip()
    if not reason:
        raise InvalidInput(_("Hãy ghi lý do cấp lại."), field="reason")
    enrollment = Enrollment.objects.select_related(
        "user", "cohort__program", "organisation", "province"
    ).get(pk=certificate.enrollment_id)
    revoked = certificate.events.filter(kind=EventKind.REVOKED).exists()
    if revoked:
        eligibility = eligibility_of(enrollment)
        if not eligibility.eligible:
            raise InvalidTransition(
                _(
                    "Chứng chỉ này đã bị thu hồi và %(name)s hiện chưa đủ điều kiện: "
                    "%(reasons)s. Không thể cấp lại."
                )
                % {"name": enrollment.user.full_name, "reasons": "; ".join(eligibility.reasons)}
            )
    try:
        with transaction.atomic():
            certificate = _lock(certificate)
            if Certificate.objects.filter(replaces=certificate).exists():
                raise InvalidTransition(
                    _("Chứng chỉ %(number)s đã được cấp lại trước đó; hãy cấp lại từ bản mới nhất.")
                    % {"number": certificate.certificate_number}
                )
            replacement = _create(
                enrollment,
                actor=actor,
                kind=CertificateKind.REPLACEMENT,
                decision_number=decision_number,
                decision_date=decision_date,
                issued_on=issued_on,
                result=certificate.snapshot.get("result", ""),
                replaces=certificate,
            )
            CertificateEvent.objects.create(
                certificate=certificate,
                kind=EventKind.REPLACED,
                decision_number=decision_number,
                decision_date=decision_date,
                reason=reason,
                related=replacement,
                actor=actor,
            )
            _notify_issued(replacement)
    except IntegrityError as clash:
        raise InvalidTransition(
            _("Chứng chỉ %(number)s vừa được cấp lại.") % {"number": certificate.certificate_number}
        ) from clash
    logger.info(
        "Certificate %s replaced by %s by user %s.",
        certificate.certificate_number,
        replacement.certificate_number,
        getattr(actor, "pk", None),
    )
    return replacement
