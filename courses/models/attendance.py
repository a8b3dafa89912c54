"""Attendance: one record per (session, participant), its append-only log, and check-in windows.

Only courses.services.attendance writes these models. A record carries a `version` that every
change increments, so a save based on a form loaded before someone else's change is refused
(optimistic locking); every create and change appends one AttendanceChange in the same
transaction.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.fields import NormalizedTextField


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Có mặt")
    LATE = "late", _("Muộn")
    EXCUSED = "excused", _("Vắng có phép")
    ABSENT = "absent", _("Vắng")


class AttendanceMethod(models.TextChoices):
    ROLL_CALL = "roll_call", _("Điểm danh của giảng viên")
    SELF_CHECK_IN = "self_check_in", _("Học viên tự điểm danh")
    IMPORT = "import", _("Nhập từ tệp")
    CORRECTION = "correction", _("Sửa điểm danh")


class AttendanceRecord(models.Model):
    """The attendance of one participant (an enrollment) at one session."""

    session = models.ForeignKey(
        "courses.ClassSession",
        on_delete=models.PROTECT,
        related_name="attendance_records",
        verbose_name=_("buổi học"),
    )
    enrollment = models.ForeignKey(
        "courses.Enrollment",
        on_delete=models.PROTECT,
        related_name="attendance_records",
        verbose_name=_("học viên"),
    )
    status = models.CharField(_("tình trạng"), max_length=20, choices=AttendanceStatus)
    reason = NormalizedTextField(_("lý do"), blank=True, max_length=500)
    method = models.CharField(_("cách ghi nhận"), max_length=20, choices=AttendanceMethod)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi nhận"),
    )
    recorded_at = models.DateTimeField(_("thời điểm ghi nhận"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        ordering = ["session__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrollment"], name="courses_one_attendance_record_each"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values),
                name="courses_attendance_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=AttendanceStatus.EXCUSED) | ~Q(reason=""),
                name="courses_attendance_excused_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["enrollment", "session"], name="courses_attendance_by_person")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} @ {self.session_id}: {self.status}"


class AppendOnlyQuerySet(models.QuerySet):
    """History is never rewritten: bulk update and delete are refused like save() and delete()."""

    def update(self, **kwargs):
        raise TypeError("AttendanceChange is append-only.")

    def delete(self):
        raise TypeError("AttendanceChange is append-only.")


class AttendanceChange(models.Model):
    """One create or change of an attendance record (append-only)."""

    record = models.ForeignKey(AttendanceRecord, on_delete=models.PROTECT, related_name="changes")
    old_status = models.CharField(
        _("tình trạng cũ"), max_length=20, choices=AttendanceStatus, blank=True
    )
    new_status = models.CharField(_("tình trạng mới"), max_length=20, choices=AttendanceStatus)
    reason = NormalizedTextField(_("lý do"), blank=True)
    method = models.CharField(_("cách ghi nhận"), max_length=20, choices=AttendanceMethod)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thay đổi"),
    )
    changed_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản sau thay đổi"), default=1)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("lịch sử điểm danh")
        verbose_name_plural = _("lịch sử điểm danh")
        ordering = ["changed_at", "pk"]
        constraints = [
            # Two writers can never both log "version n" of the same record.
            models.UniqueConstraint(
                fields=["record", "version"], name="courses_attendance_change_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.version}: {self.old_status} -> {self.new_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise TypeError("AttendanceChange is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("AttendanceChange is append-only.")


def new_window_secret() -> str:
    return secrets.token_hex(16)


class CheckInWindow(models.Model):
    """Self check-in opened on a session by an instructor or the school, until closed.

    The rotating code is derived from `secret` (see courses.services.attendance), never stored.
    """

    session = models.ForeignKey(
        "courses.ClassSession",
        on_delete=models.PROTECT,
        related_name="check_in_windows",
        verbose_name=_("buổi học"),
    )
    secret = models.CharField(max_length=64, default=new_window_secret, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("người mở"),
    )
    opened_at = models.DateTimeField(_("mở lúc"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người đóng"),
    )
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiên tự điểm danh")
        verbose_name_plural = _("phiên tự điểm danh")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(closed_at__isnull=True),
                name="courses_one_open_check_in_per_session",
            )
        ]

    def __str__(self) -> str:
        return f"check-in {self.session_id} ({self.opened_at:%Y-%m-%d %H:%M})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
