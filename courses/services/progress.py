"""Self-paced study: marking a module or lesson as studied, and remembering a module's last visit.

Rules owned here:
- only people who may study the programme (courses.permissions.user_can_study_program) mark its
  pages, and only module and lesson pages can be marked (field study and the final report are
  measured by attendance and grading, not by a reader's bookmark);
- marking and unmarking are idempotent: marking twice keeps one row, unmarking what was never
  marked is not an error (a double click or a stale page must not show a failure);
- a visit is one upsert per page view, so reading material costs one cheap write.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from content.models import LessonPage, ModulePage
from courses.exceptions import InvalidInput, NotAllowed
from courses.models import ModuleVisit, StudyMark
from courses.permissions import user_can_study_program

logger = logging.getLogger(__name__)


def now():
    return timezone.now()


def _module_of(page) -> ModulePage:
    """The module a page belongs to (the page itself for a module); refuses other pages."""
    page = getattr(page, "specific", page)
    if isinstance(page, ModulePage):
        return page
    if isinstance(page, LessonPage):
        parent = page.get_parent()
        if parent is not None and isinstance(parent.specific, ModulePage):
            return parent.specific
    raise InvalidInput(_("Chỉ đánh dấu đã học được cho chuyên đề hoặc bài học."))


def _check(user, page) -> ModulePage:
    module = _module_of(page)
    if not page.live:
        raise InvalidInput(_("Trang này chưa được đăng nên không đánh dấu được."))
    program = module.program
    if program is None or not user_can_study_program(user, program):
        raise NotAllowed(
            _("Chỉ học viên của một lớp thuộc chương trình này mới đánh dấu đã học được.")
        )
    return module


def mark_studied(user, page) -> StudyMark:
    """Mark `page` (a module or one of its lessons) as studied by `user`; returns the mark."""
    module = _check(user, page)
    existing = StudyMark.objects.filter(user=user, page_id=page.pk).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            mark = StudyMark.objects.create(
                user=user, page_id=page.pk, module=module, studied_at=now()
            )
    except IntegrityError:
        # Two clicks at once: the other request made the row; that is the answer.
        return StudyMark.objects.get(user=user, page_id=page.pk)
    logger.info("Page %s marked studied by user %s.", page.pk, user.pk)
    return mark


def unmark_studied(user, page) -> bool:
    """Undo the mark; True when a mark was removed (False when there was none)."""
    _check(user, page)
    deleted, _rows = StudyMark.objects.filter(user=user, page_id=page.pk).delete()
    if deleted:
        logger.info("Page %s unmarked studied by user %s.", page.pk, user.pk)
    return bool(deleted)


def record_visit(user, module) -> None:
    """Move the user's last visit of `module` to now (one INSERT … ON CONFLICT UPDATE).

    The caller has already decided the viewer may study the page; anonymous viewers are
    ignored here too so that no caller can write a row without a person."""
    # Not logged: one per page view would bury the actions in noise.
    if not (user and user.is_authenticated):
        return
    ModuleVisit.objects.bulk_create(
        [ModuleVisit(user_id=user.pk, module_id=module.pk, visited_at=now())],
        update_conflicts=True,
        unique_fields=["user", "module"],
        update_fields=["visited_at"],
    )


__all__ = ["mark_studied", "record_visit", "unmark_studied"]
