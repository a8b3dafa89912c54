"""Self-paced study: mark a module or lesson as studied, or undo it (POST only, CSRF-protected
like every form of the site); back to the page with a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from courses.exceptions import DomainError
from courses.services import progress as service


def _back(request, page):
    """?next= (or the form's next) when it is a path on this site; else the page itself."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(page.get_url(request) or "courses:my_courses")


@login_required
@require_POST
def mark(request, page_id: int):
    page = get_object_or_404(Page, pk=page_id).specific
    try:
        service.mark_studied(request.user, page)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Đã đánh dấu “%(title)s” là đã học.") % {"title": page.title})
    return _back(request, page)


@login_required
@require_POST
def unmark(request, page_id: int):
    page = get_object_or_404(Page, pk=page_id).specific
    try:
        service.unmark_studied(request.user, page)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.info(request, _("Đã bỏ đánh dấu đã học “%(title)s”.") % {"title": page.title})
    return _back(request, page)


urlpatterns = [
    path("hoc-tap/da-hoc/<int:page_id>/", mark, name="study_mark"),
    path("hoc-tap/da-hoc/<int:page_id>/bo/", unmark, name="study_unmark"),
]
