"""Template tags of study pages."""

from django import template
from wagtail import hooks

register = template.Library()

CASE_QUESTION_HOOK = "content_case_question_url"
MODULE_BOARD_HOOK = "content_module_board"


@register.simple_tag(takes_context=True)
def case_thread_url(context, value):
    """Where a case question's button leads: the new-thread form of the module's board.

    content knows nothing of discussions; the app that owns them registers the Wagtail hook
    "content_case_question_url": a function (request, page, block_value) -> str | None.
    Without one the button is not shown.
    """
    request = context.get("request")
    page = context.get("page")
    for url_for in hooks.get_hooks(CASE_QUESTION_HOOK):
        url = url_for(request, page, value)
        if url:
            return url
    return ""


@register.simple_tag(takes_context=True)
def module_board(context):
    """The module's discussion board for the viewer, as HTML from whoever owns discussions.

    The app registers the Wagtail hook "content_module_board": a function (request, page) ->
    safe HTML (rendered from its own template) | None. Without one, nothing is shown.
    """
    request = context.get("request")
    page = context.get("page")
    for render in hooks.get_hooks(MODULE_BOARD_HOOK):
        html = render(request, page)
        if html:
            return html
    return ""


@register.simple_tag(takes_context=True)
def study_mark(context):
    """The "mark as studied" form of a module or lesson page, as HTML from whoever owns study
    marks (Wagtail hook "content_study_mark": (request, page) -> safe HTML | None; see
    content/study_hooks.py). Without one, nothing is shown."""
    from content.study_hooks import MARK_HOOK

    request = context.get("request")
    page = context.get("page")
    for render in hooks.get_hooks(MARK_HOOK):
        html = render(request, page)
        if html:
            return html
    return ""
