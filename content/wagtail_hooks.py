"""Wagtail hooks of the content app: private documents, and the syllabus check on publish."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Page, ReferenceIndex

from content.access import user_can_view_material
from content.models import (
    FieldStudyPage,
    FinalReportPage,
    HomePage,
    LessonPage,
    ModulePage,
    ProgramPage,
    StudyPage,
)
from content.roles import grant_instructors_on_program
from lms.accounts.roles import can_access_admin

PUBLIC_PAGE_TYPES = (HomePage, ProgramPage)


@hooks.register("before_serve_document")
def check_document_access(document, request):
    """A document may be read by whoever may read a page that uses it.

    Documents on the public pages (home, programme) are public; those in module material follow
    the material rule; a document no page uses is for editors only.
    """
    if can_access_admin(request.user):
        return None
    pages = _pages_using(document)
    if any(isinstance(page, PUBLIC_PAGE_TYPES) for page in pages):
        return None
    if any(
        isinstance(page, StudyPage) and user_can_view_material(request.user, page.program)
        for page in pages
    ):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(_("Tài liệu này chỉ dành cho học viên của khóa học."))


def _pages_using(document) -> list[Page]:
    references = ReferenceIndex.get_references_to(document).group_by_source_object()
    return [
        source.specific for source, _refs in references if isinstance(source, Page) and source.live
    ]


@hooks.register("after_publish_page")
def warn_when_syllabus_does_not_add_up(request, page):
    """Publishing a programme or one of its modules says if the totals no longer match."""
    specific = page.specific
    if isinstance(specific, ProgramPage):
        program = specific
    elif isinstance(specific, ModulePage | FieldStudyPage | FinalReportPage | LessonPage):
        program = specific.program
    else:
        return
    if program is None:
        return
    mismatches = program.build_syllabus(request).mismatches
    if mismatches:
        messages.warning(
            request,
            _("Chương trình “%(program)s” chưa khớp số tiết mục tiêu: %(details)s.")
            % {
                "program": program.title,
                "details": "; ".join(mismatch.describe() for mismatch in mismatches),
            },
        )


@hooks.register("after_create_page")
def let_instructors_work_on_a_new_programme(request, page):
    if isinstance(page.specific, ProgramPage):
        grant_instructors_on_program(page)
