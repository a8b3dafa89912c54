"""Self-paced study on the content pages, asked through Wagtail hooks (content never imports
courses, which owns study marks and visits; see content/access.py for the same pattern):

- "content_study_visit": (request, module_page) -> None. Called when someone who may study
  opens a module or one of its lessons (never for anonymous viewers nor previews), so their
  home page can say what is new since.
- "content_study_progress": (request, program_page) -> {module_pk: text} | None. The viewer's
  progress per module shown in the programme's syllabus ("Đã học 3/5 bài"); asked only for
  signed-in viewers, so the public page costs no extra query.
- "content_study_mark": (request, page) -> safe HTML | None. The "mark as studied" form shown
  on module and lesson pages (content/templatetags/content_tags.study_mark).

Without hooks nothing is recorded or shown.
"""

from __future__ import annotations

from wagtail import hooks

VISIT_HOOK = "content_study_visit"
PROGRESS_HOOK = "content_study_progress"
MARK_HOOK = "content_study_mark"


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


def record_visit(request, module) -> None:
    if request is None or getattr(request, "is_preview", False) or not _signed_in(request):
        return
    for hook in hooks.get_hooks(VISIT_HOOK):
        hook(request, module)


def study_progress(request, program) -> dict[int, str]:
    if request is None or not _signed_in(request):
        return {}
    for hook in hooks.get_hooks(PROGRESS_HOOK):
        progress = hook(request, program)
        if progress is not None:
            return progress
    return {}
