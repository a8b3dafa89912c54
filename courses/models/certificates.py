"""Certificates (chứng chỉ) and their register: append-only records.

An issued certificate is never edited or deleted (curriculum.md, "Completion and certificates"):
it is born complete — numbers, a snapshot of every printed value, the PDF's SHA-256 and an
Ed25519 signature — in one transaction, and afterwards only events are added to it (revoked,
replaced). `Certificate.save()` refuses an update, `delete()` refuses always, and the queryset
refuses bulk update and delete, so no code path of ours can change one by accident; the admin
shows them read-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.fields import NormalizedCharField, NormalizedTextField


class ImmutableRecord(Exception):
    """Raised when code tries to change or delete an append-only record."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecord(f"{self.model.__name__} records are never updated.")

    def delete(self):
        raise ImmutableRecord(f"{self.model.__name__} records are never deleted.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecord(f"{type(self).__name__} {self.pk} is never edited.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(f"{type(self).__name__} {self.pk} is never deleted.")


class CertificateKind(models.TextChoices):
    ORIGINAL = "original", _("Chứng chỉ")
    REPLACEMENT = "replacement", _("Giấy chứng nhận hoàn thành khóa học (cấp lại)")


class NumberSequence(models.Model):
    """The last number used by one issuer in one year. Issuing a certificate increments it in
    the transaction that creates the certificate, so the row lock (PostgreSQL) or the database
    write lock (SQLite) orders concurrent issuers across processes, and a failed issuance rolls
    its number back: numbers are sequential without gaps or duplicates."""

    issuer = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("dãy số chứng chỉ")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year"], name="courses_numbers_per_year")
        ]

    def __str__(self):
        return f"{self.issuer} {self.year}: {self.last_number}"


class SigningKey(AppendOnlyModel):
    """Every public key that ever signed a certificate record, so that the published key set
    keeps old keys after a rotation and old records still verify."""

    key_id = models.CharField(max_length=32, unique=True)
    algorithm = models.CharField(max_length=20, default="Ed25519")
    public_key = models.CharField(max_length=100, help_text="raw public key, base64url")
    first_used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("khóa ký chứng chỉ")
        ordering = ["first_used_at", "pk"]

    def __str__(self):
        return self.key_id


class SchoolCertificate(AppendOnlyModel):
    """Every X.509 certificate of the school that ever signed a certificate PDF (PAdES), kept so
    the published key set still lists it after the school installs a new one."""

    fingerprint = models.CharField(_("SHA-256 của chứng thư"), max_length=64, unique=True)
    subject = models.CharField(_("chủ thể"), max_length=500)
    issuer = models.CharField(_("tổ chức cấp chứng thư"), max_length=500)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    der = models.TextField(_("chứng thư (DER, base64)"))
    first_used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("chứng thư ký số của nhà trường")
        ordering = ["first_used_at", "pk"]

    def __str__(self):
        return self.subject


class Certificate(AppendOnlyModel):
    enrollment = models.ForeignKey(
        "courses.Enrollment",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("học viên"),
    )
    cohort = models.ForeignKey(
        "courses.Cohort",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("lớp"),
    )
    kind = models.CharField(
        _("loại"), max_length=20, choices=CertificateKind, default=CertificateKind.ORIGINAL
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("thay thế chứng chỉ"),
    )
    issuer = models.CharField(_("cơ sở cấp"), max_length=255)
    year = models.PositiveSmallIntegerField(_("năm cấp"))
    sequence = models.PositiveIntegerField(_("số thứ tự trong năm"))
    certificate_number = models.CharField(_("số hiệu"), max_length=100)
    register_number = models.CharField(_("số vào sổ"), max_length=100)
    verification_code = models.CharField(_("mã xác minh"), max_length=26, unique=True)
    decision_number = NormalizedCharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    issued_on = models.DateField(_("ngày cấp"))
    snapshot = models.JSONField(_("nội dung in trên chứng chỉ"))
    pdf_name = models.CharField(max_length=255)
    pdf_sha256 = models.CharField(_("SHA-256 của tệp PDF"), max_length=64)
    signing_key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="+")
    signature = models.CharField(_("chữ ký Ed25519"), max_length=100)
    # Issued since PAdES signing (certificates issued before carry none of these three): the
    # school certificate that signed the PDF, the portable credential (a JWT, also attached to
    # the PDF) and the certificate's bit in the published revocation list.
    school_certificate = models.ForeignKey(
        SchoolCertificate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    credential = models.TextField(_("chứng nhận số (Open Badges 3.0, JWT)"), blank=True)
    status_index = models.PositiveIntegerField(
        _("vị trí trong danh sách thu hồi"), null=True, blank=True, unique=True
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("người cấp"),
    )
    issued_at = models.DateTimeField(_("thời điểm cấp"), default=timezone.now)
    batch = models.ForeignKey(
        "courses.IssuanceBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )

    class Meta:
        verbose_name = _("chứng chỉ")
        verbose_name_plural = _("chứng chỉ")
        ordering = ["issuer", "year", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "sequence"], name="courses_certificate_sequence"
            ),
            models.UniqueConstraint(
                fields=["issuer", "certificate_number"], name="courses_certificate_number"
            ),
            models.UniqueConstraint(
                fields=["issuer", "register_number"], name="courses_certificate_register_number"
            ),
            # One certificate per person and cohort; replacements chain from it.
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(kind="original"),
                name="courses_one_certificate_per_enrollment",
            ),
            models.CheckConstraint(
                condition=Q(kind="original", replaces__isnull=True)
                | Q(kind="replacement", replaces__isnull=False),
                name="courses_certificate_replacement_links",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "issued_on"])]

    def __str__(self):
        return self.certificate_number

    @property
    def full_name(self) -> str:
        return self.snapshot["participant"]["full_name"]

    @property
    def display_code(self) -> str:
        from courses.certificate_codes import display_code

        return display_code(self.verification_code)


class EventKind(models.TextChoices):
    ISSUED = "issued", _("Cấp")
    REVOKED = "revoked", _("Thu hồi")
    REPLACED = "replaced", _("Cấp lại (thay thế)")


class CertificateEvent(AppendOnlyModel):
    """What happened to a certificate: issued, revoked (with the decision and the reason),
    replaced by a newer one. Append-only; a certificate is revoked at most once."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind)
    decision_number = NormalizedCharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    reason = NormalizedTextField(_("lý do"), blank=True)
    related = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sự kiện chứng chỉ")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate"],
                condition=Q(kind="revoked"),
                name="courses_certificate_revoked_once",
            ),
            models.UniqueConstraint(
                fields=["certificate"],
                condition=Q(kind="replaced"),
                name="courses_certificate_replaced_once",
            ),
        ]

    def __str__(self):
        return f"{self.certificate_id} {self.kind}"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang cấp")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Gặp lỗi")


class IssuanceBatch(models.Model):
    """One request of school staff to issue certificates to several participants. The work runs
    as a task; this row is its progress (an operation, not a record: it is updated)."""

    cohort = models.ForeignKey(
        "courses.Cohort", on_delete=models.PROTECT, related_name="issuance_batches"
    )
    enrollment_ids = models.JSONField(default=list)
    decision_number = NormalizedCharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    issued_on = models.DateField(_("ngày cấp"))
    status = models.CharField(max_length=20, choices=BatchStatus, default=BatchStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    issued_count = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=list, help_text="[{enrollment_id, name, reason}]")
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written by the running task after each participant; a stale one means the worker died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đợt cấp chứng chỉ")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.cohort_id} {self.decision_number}"

    @property
    def processed(self) -> int:
        return self.issued_count + len(self.skipped)

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.processed / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED)
