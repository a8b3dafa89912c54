"""Self-paced study: a participant marks a module or one of its lessons as studied.

This is the reader's own bookmark of their reading, separate from attendance (the periods attended
stay the certificate's measure). Undoing a mark deletes its row: it is the participant's private
note, not a record anyone else relies on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StudyMark(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_marks"
    )
    # The page studied: the module page itself or a LessonPage under it.
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("trang")
    )
    # The module the page belongs to (the page itself for a module), so per-module counts are
    # one GROUP BY without walking the page tree.
    module = models.ForeignKey(
        "content.ModulePage",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("chuyên đề"),
    )
    studied_at = models.DateTimeField(_("đánh dấu lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("đánh dấu đã học")
        verbose_name_plural = _("đánh dấu đã học")
        constraints = [
            models.UniqueConstraint(fields=["user", "page"], name="courses_studymark_unique")
        ]
        indexes = [models.Index(fields=["module", "user"], name="courses_studymark_module")]

    def __str__(self) -> str:
        return f"{self.user_id} studied {self.page_id}"


class ModuleVisit(models.Model):
    """When a person last opened a module (or one of its lessons), so their home page can say
    what is new since then. One row per (person, module), moved forward on each visit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_visits"
    )
    module = models.ForeignKey(
        "content.ModulePage",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("chuyên đề"),
    )
    visited_at = models.DateTimeField(_("lần mở gần nhất"), default=timezone.now)

    class Meta:
        verbose_name = _("lần mở chuyên đề")
        verbose_name_plural = _("lần mở chuyên đề")
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="courses_modulevisit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} visited {self.module_id}"
