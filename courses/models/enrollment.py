"""Who belongs to which cohort, in which role, and how that changed over time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models.cohorts import Cohort
from courses.models.reference import Organisation, Province
from lms.fields import NormalizedCharField, NormalizedTextField


class Role(models.TextChoices):
    PARTICIPANT = "participant", _("Học viên")
    INSTRUCTOR = "instructor", _("Giảng viên")


class Status(models.TextChoices):
    APPLIED = "applied", _("Đã nộp đơn")
    APPROVED = "approved", _("Đã ghi danh")
    REJECTED = "rejected", _("Không được duyệt")
    WITHDRAWN = "withdrawn", _("Đã rút khỏi lớp")
    COMPLETED = "completed", _("Đã hoàn thành")


class ParticipantProfile(models.Model):
    """Where a person works today. Each enrollment copies it, as it was on that day."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participant_profile"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan, đơn vị (theo danh mục)"),
    )
    organisation_name = NormalizedCharField(_("cơ quan, đơn vị"), max_length=255)
    position = NormalizedCharField(
        _("chức vụ"), max_length=120, help_text=_("Ví dụ: Giám đốc, Phó Giám đốc")
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tỉnh, thành phố"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ học viên")

    def __str__(self):
        return f"{self.position}, {self.organisation_name}"


class EnrollmentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Status.APPROVED)

    def participants(self):
        return self.filter(role=Role.PARTICIPANT)

    def instructors(self):
        return self.filter(role=Role.INSTRUCTOR)


class Enrollment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("người học"),
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("lớp")
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role, default=Role.PARTICIPANT)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status)
    # The workplace as it was on the day of enrolment (never updated from the profile later).
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollments",
        verbose_name=_("cơ quan, đơn vị (theo danh mục)"),
    )
    organisation_name = NormalizedCharField(_("cơ quan, đơn vị"), max_length=255, blank=True)
    position = NormalizedCharField(_("chức vụ"), max_length=120, blank=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollments",
        verbose_name=_("tỉnh, thành phố"),
    )
    motivation = NormalizedTextField(
        _("mong muốn khi tham gia"),
        blank=True,
        max_length=2000,
        help_text=_("Vấn đề của Sở mà anh/chị muốn mang đến lớp để thảo luận (không bắt buộc)."),
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("ngày đổi trạng thái"), default=timezone.now)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("ghi danh")
        verbose_name_plural = _("ghi danh")
        constraints = [
            models.UniqueConstraint(fields=["user", "cohort"], name="courses_one_enrollment_each")
        ]
        indexes = [models.Index(fields=["cohort", "role", "status"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.cohort.code}"


class EnrollmentChange(models.Model):
    """Append-only history of an enrollment's status: who, when, from, to, why."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="changes")
    old_status = models.CharField(max_length=20, choices=Status, blank=True)
    new_status = models.CharField(max_length=20, choices=Status)
    reason = NormalizedTextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(default=timezone.now)
    how = models.CharField(max_length=20, default="web")

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.enrollment_id}: {self.old_status} → {self.new_status}"


class CalendarFeed(models.Model):
    """A secret address for a person's calendar app. Revoking it makes a new one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="courses_one_active_calendar_feed",
            )
        ]

    def __str__(self):
        return f"{self.user_id}: {'revoked' if self.revoked_at else 'active'}"
