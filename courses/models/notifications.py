"""What the course tells a person: in-app notifications and, per kind, how they want them mailed.

Every notification is kept in the person's list (the header's unread count reads it). Whether it is
also mailed — at once, in the daily digest or not at all — is the person's NotificationPreference
for its kind, decided when the notification is created and recorded on it (`delivery`), so a later
change of preference does not re-send or drop what was already decided. `emailed_at` is set once
the mail (immediate or digest) has gone, which makes sending idempotent: a worker that dies after
sending and before committing may re-send at most one digest, never silently skip one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.fields import NormalizedCharField, NormalizedTextField


class NotificationKind(models.TextChoices):
    ENROLLMENT = "enrollment", _("Kết quả xét đơn và ghi danh")
    REPLY = "reply", _("Bài mới trong chủ đề đang theo dõi")
    ANSWER = "answer", _("Câu hỏi của tôi được trả lời")
    GRADE = "grade", _("Điểm báo cáo thu hoạch được công bố")
    CERTIFICATE = "certificate", _("Chứng chỉ được cấp")
    SESSION = "session", _("Buổi học đổi lịch hoặc bị hủy")
    AT_RISK = "at_risk", _("Tổng hợp học viên có nguy cơ (nhà trường)")


class Delivery(models.TextChoices):
    OFF = "off", _("Không gửi email")
    IMMEDIATE = "immediate", _("Gửi email ngay")
    DIGEST = "digest", _("Gộp vào email tổng hợp hằng ngày")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("người nhận"),
    )
    kind = models.CharField(_("loại"), max_length=20, choices=NotificationKind.choices)
    title = NormalizedCharField(_("tiêu đề"), max_length=300)
    body = NormalizedTextField(_("nội dung"), blank=True)
    # A path on this site ("/thao-luan/bai/12/"), never an outside address.
    url = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("lúc tạo"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    delivery = models.CharField(
        _("cách gửi email"), max_length=10, choices=Delivery.choices, default=Delivery.OFF
    )
    emailed_at = models.DateTimeField(_("đã gửi email lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                name="courses_notif_unread",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at"], name="courses_notif_list"),
            models.Index(
                fields=["delivery", "created_at"],
                name="courses_notif_mail_due",
                condition=Q(emailed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.title}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """One row per (person, kind) they changed; a kind without a row uses DEFAULT_DELIVERY."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("loại"), max_length=20, choices=NotificationKind.choices)
    delivery = models.CharField(_("cách gửi email"), max_length=10, choices=Delivery.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tùy chọn thông báo")
        verbose_name_plural = _("tùy chọn thông báo")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="courses_notif_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"


# What a person gets before they choose: decisions about them at once; discussion traffic, which
# can be heavy in a class of 200, in the daily digest.
DEFAULT_DELIVERY = {
    NotificationKind.ENROLLMENT: Delivery.IMMEDIATE,
    NotificationKind.REPLY: Delivery.DIGEST,
    NotificationKind.ANSWER: Delivery.IMMEDIATE,
    NotificationKind.GRADE: Delivery.IMMEDIATE,
    NotificationKind.CERTIFICATE: Delivery.IMMEDIATE,
    NotificationKind.SESSION: Delivery.IMMEDIATE,
    NotificationKind.AT_RISK: Delivery.IMMEDIATE,
}
