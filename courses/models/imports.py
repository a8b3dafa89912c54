"""An enrolment list uploaded by school staff: the file as received, and what a dry run found.

The file is kept (in the private storage, under a random name) so that applying re-reads exactly
what was checked, and so that the school can show later which list produced which accounts.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models.cohorts import Cohort


def private_storage():
    """Resolved at run time (not import time) so that test settings can point it elsewhere."""
    return storages["private"]


def import_file_path(instance, filename: str) -> str:
    """A random name: the uploader's file name may carry personal data and is never a path.

    Only the extension is kept, and the service passes one it chose from the content.
    """
    suffix = PurePosixPath(filename).suffix.lower()
    return f"imports/{uuid.uuid4().hex}{suffix}"


class ImportBatch(models.Model):
    """One uploaded list for one cohort; `report` holds the dry run's outcome per row."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="import_batches", verbose_name=_("lớp")
    )
    # Null only for trusted system calls (a management command) that act for no one.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), default=timezone.now)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, db_index=True)
    file = models.FileField(
        _("tệp"), storage=private_storage, upload_to=import_file_path, max_length=200
    )
    row_count = models.PositiveIntegerField(_("số dòng dữ liệu"), default=0)
    report = models.JSONField(_("kết quả kiểm tra"), default=dict, blank=True)
    applied_at = models.DateTimeField(_("thời điểm áp dụng"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người áp dụng"),
    )

    class Meta:
        verbose_name = _("lần nhập danh sách")
        verbose_name_plural = _("các lần nhập danh sách")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.original_name or self.pk} — {self.cohort.code}"

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None
