"""What self-paced study tells the content pages, through the hooks content/study_hooks.py
defines (content never imports courses): record a module visit, the reader's progress per module
in the syllabus, and the "mark as studied" form. Imported by courses/wagtail_hooks.py so that
Wagtail registers them."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from wagtail import hooks

from content.models import LessonPage, ModulePage
from content.study_hooks import MARK_HOOK, PROGRESS_HOOK, VISIT_HOOK
from courses import progress_selectors
from courses.permissions import user_can_study_program
from courses.services import progress as service


@hooks.register(VISIT_HOOK)
def record_module_visit(request, module) -> None:
    # The page has already decided the viewer may study it (content's one access rule).
    service.record_visit(request.user, module)


@hooks.register(PROGRESS_HOOK)
def syllabus_progress(request, program) -> dict[int, str] | None:
    if not user_can_study_program(request.user, program):
        return None
    progress = progress_selectors.program_progress(request.user, program)
    # Modules without lessons and not yet marked say nothing (a column of "not yet" is noise).
    return {pk: row.text for pk, row in progress.items() if row.started or row.lessons_total}


@hooks.register(MARK_HOOK)
def mark_form(request, page) -> str | None:
    if request is None or not isinstance(page, (ModulePage, LessonPage)):
        return None
    user = request.user
    program = page.program
    if program is None or not user_can_study_program(user, program):
        return None
    marked = progress_selectors.is_marked(user, page)
    action = "courses:study_unmark" if marked else "courses:study_mark"
    return render_to_string(
        "courses/progress/mark_form.html",
        {
            "marked": marked,
            "action": reverse(action, args=[page.pk]),
            "next": request.get_full_path(),
            "is_module": isinstance(page, ModulePage),
        },
        request=request,
    )
