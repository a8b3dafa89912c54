"""Final report (báo cáo thu hoạch): the assignment of a cohort, submissions with every version,
late permissions, the current grade and its append-only history.

Only courses.services.reports writes these models. Files are never stored here: a version keeps
the private storage name the upload was saved under (a random name, see courses.report_files),
the original name as data for display, and its size and SHA-256.

Invariants held by the database: one assignment per cohort, one submission per (assignment,
participant), version numbers unique per submission, a version has a title and a file or a text,
a score lies in 0–10 with one decimal, a late permission has a reason.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.fields import NormalizedCharField, NormalizedTextField


class AppendOnlyQuerySet(models.QuerySet):
    """History is never rewritten: bulk update and delete are refused like save() and delete()."""

    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} is append-only.")

    def delete(self):
        raise TypeError(f"{self.model.__name__} is append-only.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise TypeError(f"{type(self).__name__} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} is append-only.")


class ReportAssignment(models.Model):
    """The final report of one cohort: brief, criteria, deadline, classification, release.

    `criteria`: [{"name": "Tính thực tiễn …", "max_points": "2"}, …] (points as decimal strings,
    totalling 10), empty when the cohort grades with one overall score. `bands`: [["9",
    "Xuất sắc"], ["8", "Giỏi"], …], the lowest score of each classification, highest first;
    empty = no classification.
    """

    cohort = models.OneToOneField(
        "courses.Cohort",
        on_delete=models.PROTECT,
        related_name="report_assignment",
        verbose_name=_("lớp"),
    )
    title = NormalizedCharField(_("tên bài"), max_length=200, default="Báo cáo thu hoạch")
    instructions = NormalizedTextField(
        _("hướng dẫn riêng của lớp"),
        blank=True,
        max_length=5000,
        help_text=_("Thêm vào đề bài chung của chương trình (không bắt buộc)."),
    )
    criteria = models.JSONField(_("tiêu chí chấm"), default=list, blank=True)
    deadline = models.DateTimeField(_("hạn nộp"))
    bands = models.JSONField(_("bảng xếp loại"), default=list, blank=True)
    released_at = models.DateTimeField(_("công bố điểm lúc"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người công bố điểm"),
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    updated_at = models.DateTimeField(_("ngày sửa"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người sửa"),
    )

    class Meta:
        verbose_name = _("bài báo cáo thu hoạch")
        verbose_name_plural = _("bài báo cáo thu hoạch")

    def __str__(self) -> str:
        return f"{self.title} ({self.cohort_id})"

    @property
    def grades_released(self) -> bool:
        return self.released_at is not None

    @property
    def criteria_points(self) -> list[tuple[str, Decimal]]:
        return [(item["name"], Decimal(str(item["max_points"]))) for item in self.criteria or []]

    @property
    def band_list(self) -> list[tuple[Decimal, str]]:
        return [(Decimal(str(low)), label) for low, label in self.bands or []]


class LateAllowance(AppendOnlyModel):
    """School staff let one participant submit after the deadline, until `until` (append-only:
    a new permission is a new row; the latest one counts)."""

    assignment = models.ForeignKey(
        ReportAssignment, on_delete=models.PROTECT, related_name="late_allowances"
    )
    enrollment = models.ForeignKey(
        "courses.Enrollment",
        on_delete=models.PROTECT,
        related_name="report_late_allowances",
        verbose_name=_("học viên"),
    )
    until = models.DateTimeField(_("được nộp đến"))
    reason = NormalizedTextField(_("lý do"), max_length=1000)
    allowed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người cho phép"),
    )
    allowed_at = models.DateTimeField(_("cho phép lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("cho phép nộp muộn")
        verbose_name_plural = _("cho phép nộp muộn")
        ordering = ["allowed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="courses_late_allowance_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} until {self.until:%Y-%m-%d %H:%M}"


class Submission(models.Model):
    """A participant's final report: one per (assignment, participant); its versions hold the
    work."""

    assignment = models.ForeignKey(
        ReportAssignment, on_delete=models.PROTECT, related_name="submissions"
    )
    enrollment = models.ForeignKey(
        "courses.Enrollment",
        on_delete=models.PROTECT,
        related_name="report_submissions",
        verbose_name=_("học viên"),
    )
    created_at = models.DateTimeField(_("nộp lần đầu lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("báo cáo thu hoạch đã nộp")
        verbose_name_plural = _("báo cáo thu hoạch đã nộp")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "enrollment"], name="courses_one_submission_each"
            )
        ]

    def __str__(self) -> str:
        return f"submission {self.pk} of {self.enrollment_id}"


class SubmissionVersion(AppendOnlyModel):
    """One hand-in of a submission (append-only: resubmitting adds a version)."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("lần nộp"))
    title = NormalizedCharField(_("tên báo cáo"), max_length=300)
    abstract = NormalizedTextField(_("tóm tắt"), blank=True, max_length=3000)
    text = NormalizedTextField(_("nội dung viết trực tiếp"), blank=True)
    storage_name = models.CharField(_("tên lưu trữ"), max_length=255, blank=True)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    content_type = models.CharField(_("kiểu tệp"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    sha256 = models.CharField(_("mã SHA-256"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người nộp"),
    )
    is_late = models.BooleanField(_("nộp muộn"), default=False)
    late_allowance = models.ForeignKey(
        LateAllowance,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versions",
        verbose_name=_("theo phép nộp muộn"),
    )
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiên bản báo cáo")
        verbose_name_plural = _("phiên bản báo cáo")
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "number"], name="courses_submission_version_once"
            ),
            models.CheckConstraint(
                condition=~Q(title=""), name="courses_submission_version_has_title"
            ),
            models.CheckConstraint(
                condition=~Q(storage_name="") | ~Q(text=""),
                name="courses_submission_version_has_file_or_text",
            ),
            models.CheckConstraint(
                condition=Q(is_late=False) | Q(late_allowance__isnull=False),
                name="courses_late_version_has_permission",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} v{self.number}"

    @property
    def has_file(self) -> bool:
        return bool(self.storage_name)

    @property
    def late_allowed_by(self):
        return self.late_allowance.allowed_by if self.late_allowance_id else None


class Grade(models.Model):
    """The current grade of a submission. Every create and change appends one GradeChange."""

    submission = models.OneToOneField(
        Submission, on_delete=models.PROTECT, related_name="grade", verbose_name=_("bài nộp")
    )
    version = models.ForeignKey(
        SubmissionVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("phiên bản được chấm"),
    )
    score = models.DecimalField(_("điểm"), max_digits=3, decimal_places=1)
    comments = NormalizedTextField(_("nhận xét"), blank=True, max_length=5000)
    criterion_scores = models.JSONField(_("điểm từng tiêu chí"), default=list, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người chấm"),
    )
    graded_at = models.DateTimeField(_("chấm lúc"), default=timezone.now)
    revision = models.PositiveIntegerField(_("lần sửa"), default=1)

    class Meta:
        verbose_name = _("điểm báo cáo thu hoạch")
        verbose_name_plural = _("điểm báo cáo thu hoạch")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=Decimal("0")) & Q(score__lte=Decimal("10")),
                name="courses_grade_score_on_ten_point_scale",
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.score}"


class GradeChange(AppendOnlyModel):
    """One create or change of a grade: who, when, old and new score, why (append-only)."""

    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="changes")
    old_score = models.DecimalField(
        _("điểm cũ"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    new_score = models.DecimalField(_("điểm mới"), max_digits=3, decimal_places=1)
    comments = NormalizedTextField(_("nhận xét"), blank=True)
    criterion_scores = models.JSONField(_("điểm từng tiêu chí"), default=list, blank=True)
    reason = NormalizedTextField(_("lý do sửa"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người chấm"),
    )
    changed_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    revision = models.PositiveIntegerField(_("lần sửa"))
    version_number = models.PositiveIntegerField(_("phiên bản được chấm"))

    class Meta:
        verbose_name = _("lịch sử chấm điểm")
        verbose_name_plural = _("lịch sử chấm điểm")
        ordering = ["changed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["grade", "revision"], name="courses_grade_change_revision_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grade_id} r{self.revision}: {self.old_score} -> {self.new_score}"
