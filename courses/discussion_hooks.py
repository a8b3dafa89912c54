"""What the discussions tell the content pages, through hooks that `content` defines and asks
(content never imports courses): the module's board on a module page, and where a case-question
block's button leads. Imported by courses/wagtail_hooks.py so that Wagtail registers them."""

from __future__ import annotations

from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse
from wagtail import hooks

from content.models import LessonPage, ModulePage
from content.templatetags.content_tags import CASE_QUESTION_HOOK, MODULE_BOARD_HOOK
from courses import discussion_selectors as selectors
from courses.models import Board, Cohort, Status
from courses.permissions import is_school_staff, user_can_moderate
from courses.services.discussions import plain_text


def viewer_cohort(request, program) -> Cohort | None:
    """The cohort whose board a module page shows: the viewer's latest approved cohort of the
    programme; for school staff who belong to none, the programme's latest cohort."""
    user = getattr(request, "user", None)
    if program is None or not (user and user.is_authenticated):
        return None
    cache = request.__dict__.setdefault("_discussion_cohort", {})
    if program.pk not in cache:
        cohorts = Cohort.objects.filter(program=program).order_by("-start_date", "-pk")
        cohort = cohorts.filter(enrollments__user=user, enrollments__status=Status.APPROVED).first()
        if cohort is None and is_school_staff(user):
            cohort = cohorts.first()
        cache[program.pk] = cohort
    return cache[program.pk]


def _module_of(page) -> ModulePage | None:
    if isinstance(page, ModulePage):
        return page
    if isinstance(page, LessonPage):
        return page.get_parent().specific
    return None


@hooks.register(CASE_QUESTION_HOOK)
def case_thread_url(request, page, value) -> str | None:
    """The new-thread form of the module's board, as a case, with the prompt quoted."""
    if request is None or page is None:
        return None
    module = _module_of(page)
    cohort = viewer_cohort(request, getattr(page, "program", None))
    if cohort is None or module is None:
        return None
    prompt = plain_text(str(value["prompt"]))[:1000]
    query = urlencode(
        {"loai": "case", "cau-hoi": prompt, "linh-vuc": list(value.get("tags") or [])},
        doseq=True,
    )
    return reverse("courses:discussion_new_module", args=[cohort.code, module.pk]) + "?" + query


@hooks.register(MODULE_BOARD_HOOK)
def module_board(request, page) -> str | None:
    """The module's board for the viewer's cohort: a link and its latest threads."""
    cohort = viewer_cohort(request, getattr(page, "program", None))
    if cohort is None:
        return None
    board = Board.objects.filter(cohort=cohort, module=page).first()
    moderator = user_can_moderate(request.user, cohort)
    return render_to_string(
        "courses/discussions/module_board.html",
        {
            "cohort": cohort,
            "threads": selectors.latest_threads(board, request.user, moderator=moderator),
            "board_url": reverse("courses:discussion_board_module", args=[cohort.code, page.pk]),
            "new_url": reverse("courses:discussion_new_module", args=[cohort.code, page.pk]),
        },
        request=request,
    )
