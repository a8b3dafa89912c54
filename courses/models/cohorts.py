"""A cohort (khóa/lớp) of a programme, its rules, and its timetable of class sessions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.fields import NormalizedCharField, NormalizedTextField


class Mode(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    IN_PERSON = "in_person", _("Trực tiếp")
    MIXED = "mixed", _("Kết hợp trực tiếp và trực tuyến")


class Category(models.TextChoices):
    """The four kinds of periods of curriculum.md (same keys as content.syllabus.CATEGORIES)."""

    THEORY = "theory", _("Lý thuyết")
    DISCUSSION = "discussion", _("Thảo luận, thực hành")
    FIELD = "field", _("Nghiên cứu thực tế")
    REPORT = "report", _("Viết báo cáo thu hoạch")


# Fields whose value decides who gets a certificate. Once a cohort has started, changing one
# needs a reason; every change of these (and of the certificate settings) is kept in
# CohortChange with who, when, the old and the new value.
CERTIFICATE_RULE_FIELDS = (
    "attendance_threshold",
    "late_credit_percent",
    "report_pass_mark",
    "field_study_required",
)
CERTIFICATE_SETTING_FIELDS = (
    "issuer_parent_name",
    "issuer_name",
    "signatory_title",
    "signatory_name",
    "issue_place",
    "document_type",
    "certificate_number_pattern",
    "register_number_pattern",
    "legal_basis",
)


class CohortQuerySet(models.QuerySet):
    def open_for_applications(self, day=None):
        day = day or timezone.localdate()
        return self.filter(
            applications_open_on__lte=day,
            applications_close_on__gte=day,
        )


class Cohort(models.Model):
    program = models.ForeignKey(
        "content.ProgramPage",
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("chương trình"),
    )
    name = NormalizedCharField(
        _("tên lớp"), max_length=200, help_text=_("Ví dụ: Lớp bồi dưỡng Giám đốc Sở khóa 5")
    )
    code = models.CharField(
        _("mã lớp"),
        max_length=30,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9-]*$",
                _("Mã lớp chỉ gồm chữ không dấu, chữ số và dấu gạch ngang, ví dụ GDS-2026-1."),
            )
        ],
        help_text=_("Dùng trong đường dẫn và số hiệu chứng chỉ, ví dụ GDS-2026-1."),
    )
    start_date = models.DateField(_("ngày khai giảng"))
    end_date = models.DateField(_("ngày bế giảng"))
    mode = models.CharField(_("hình thức"), max_length=20, choices=Mode, default=Mode.ONLINE)
    place = NormalizedCharField(_("địa điểm"), max_length=255, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("sĩ số tối đa"), default=40, validators=[MinValueValidator(1)]
    )
    applications_open_on = models.DateField(_("nhận đơn từ ngày"), null=True, blank=True)
    applications_close_on = models.DateField(_("nhận đơn đến ngày"), null=True, blank=True)

    # Rules that decide certificates (curriculum.md defaults).
    attendance_threshold = models.DecimalField(
        _("tỷ lệ dự học tối thiểu (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    late_credit_percent = models.PositiveSmallIntegerField(
        _("tỷ lệ số tiết tính cho người đến muộn (%)"),
        default=100,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("100: đến muộn vẫn được tính đủ số tiết của buổi; 50: tính một nửa."),
    )
    report_pass_mark = models.DecimalField(
        _("điểm đạt báo cáo thu hoạch (thang 10)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("5.0"),
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    field_study_required = models.BooleanField(_("bắt buộc đi nghiên cứu thực tế"), default=True)

    # Certificate settings: names as of the day (a later rename is a new value, logged).
    issuer_parent_name = NormalizedCharField(
        _("cơ quan chủ quản"), max_length=255, default="Bộ Khoa học và Công nghệ"
    )
    issuer_name = NormalizedCharField(
        _("cơ sở đào tạo cấp chứng chỉ"),
        max_length=255,
        default="Trường Đào tạo, Bồi dưỡng cán bộ quản lý thông tin và truyền thông",
    )
    signatory_title = NormalizedCharField(
        _("chức danh người ký"), max_length=120, default="Hiệu trưởng"
    )
    signatory_name = NormalizedCharField(_("họ tên người ký"), max_length=120, blank=True)
    issue_place = NormalizedCharField(_("nơi cấp"), max_length=100, default="Hà Nội")
    document_type = NormalizedCharField(_("loại văn bằng"), max_length=60, default="Chứng chỉ")
    certificate_number_pattern = models.CharField(
        _("mẫu số hiệu chứng chỉ"),
        max_length=60,
        default="{code}/{year}/{seq:04d}",
        help_text=_("Dùng {code} (mã lớp), {year} (năm cấp), {seq} (số thứ tự), ví dụ {seq:04d}."),
    )
    register_number_pattern = models.CharField(
        _("mẫu số vào sổ"),
        max_length=60,
        default="{seq:04d}/{year}",
        help_text=_("Dùng {code}, {year}, {seq}."),
    )
    legal_basis = NormalizedTextField(
        _("căn cứ pháp lý"),
        blank=True,
        default=(
            "Căn cứ Thông tư số 03/2023/TT-BNV ngày 30 tháng 4 năm 2023 của Bộ trưởng Bộ Nội vụ"
        ),
    )

    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("lớp")
        verbose_name_plural = _("lớp")
        ordering = ["-start_date", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")), name="courses_cohort_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(applications_open_on__isnull=True)
                | Q(applications_close_on__isnull=True)
                | Q(applications_open_on__lte=F("applications_close_on")),
                name="courses_cohort_application_window_in_order",
            ),
            models.CheckConstraint(
                condition=Q(attendance_threshold__gte=0, attendance_threshold__lte=100),
                name="courses_cohort_threshold_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(late_credit_percent__lte=100),
                name="courses_cohort_late_credit_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(report_pass_mark__gte=0, report_pass_mark__lte=10),
                name="courses_cohort_pass_mark_on_ten_point_scale",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="courses_cohort_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def has_started(self, day=None) -> bool:
        return (day or timezone.localdate()) >= self.start_date

    def is_open_for_applications(self, day=None) -> bool:
        day = day or timezone.localdate()
        return bool(
            self.applications_open_on
            and self.applications_close_on
            and self.applications_open_on <= day <= self.applications_close_on
        )


class CohortChange(models.Model):
    """One changed setting of a cohort: append-only history (who, when, old, new, why)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="changes")
    field = models.CharField(max_length=60)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = NormalizedTextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("thay đổi thiết lập lớp")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.cohort.code}: {self.field}"

    @property
    def field_label(self) -> str:
        return str(Cohort._meta.get_field(self.field).verbose_name)


class ClassSession(models.Model):
    """One slot of a cohort's timetable (buổi học)."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("lớp")
    )
    category = models.CharField(_("loại"), max_length=20, choices=Category)
    module = models.ForeignKey(
        "content.ModulePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="class_sessions",
        verbose_name=_("chuyên đề"),
    )
    title = NormalizedCharField(
        _("tên buổi học"), max_length=255, blank=True, help_text=_("Để trống: dùng tên chuyên đề.")
    )
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"))
    periods = models.PositiveSmallIntegerField(_("số tiết"), validators=[MinValueValidator(1)])
    place = NormalizedCharField(_("địa điểm"), max_length=255, blank=True)
    meeting_url = models.URLField(_("đường dẫn phòng họp trực tuyến"), blank=True)
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="taught_sessions",
        verbose_name=_("giảng viên"),
    )

    class Meta:
        verbose_name = _("buổi học")
        verbose_name_plural = _("thời khóa biểu")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["cohort", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="courses_session_start_before_end"
            ),
            models.CheckConstraint(condition=Q(periods__gte=1), name="courses_session_periods"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        if self.module_id:
            return self.module.title
        return self.get_category_display()
