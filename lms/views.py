"""Site-wide views that belong to no app."""

import logging
import sys

from allauth.account.views import LoginView
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.template import loader
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from lms.accounts.roles import can_access_admin
from lms.logging_config import request_id_var

logger = logging.getLogger(__name__)

_site_login = LoginView.as_view()


def admin_login(request):
    """`/admin/login/`: Wagtail's own sign-in replaced by the site's (allauth).

    One sign-in for everyone means one set of rate limits, e-mail verification and two-factor
    authentication; Wagtail's form would bypass all three.
    """
    if not request.user.is_authenticated:
        return _site_login(request)
    if not can_access_admin(request.user):
        raise PermissionDenied(_("Tài khoản của bạn không có quyền vào trang quản trị nội dung."))
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/admin/"
    return HttpResponseRedirect(target)


def csrf_failure(request, reason=""):
    """A CSRF failure in words a person understands (the default page speaks to developers)."""
    from django.shortcuts import render

    return render(request, "403_csrf.html", status=403)


# The page of last resort, should templates/500.html itself fail (e.g. a missing static file in
# the manifest): still bilingual, still with the reference.
_FALLBACK_500 = (
    '<!DOCTYPE html><html lang="vi"><meta charset="utf-8">'
    "<title>Lỗi hệ thống / Server error</title>"
    "<h1>Đã xảy ra lỗi hệ thống / Server error</h1>"
    "<p>Mã tham chiếu / Reference: {reference}</p>"
)


# Seconds a client (or a proxy) is asked to wait before trying again when the database is down.
RETRY_AFTER_SECONDS = 30


def server_error(request, template_name="500.html"):
    """handler500: the error page with the request's id as a reference a person can quote.

    Rendered without the request, so no context processor runs: they read the database, which
    may be the very thing that failed. Django's request logger has already logged the exception
    (with its traceback, and this id through the log filter); the person sees neither.

    When the error is the database being unreachable (a connection refused, dropped or timed
    out), the answer is 503 "temporarily unavailable" with Retry-After: nothing is wrong with the
    request, and the person (and any proxy) should simply try again shortly.
    """
    reference = getattr(request, "request_id", None) or request_id_var.get() or ""
    outage = isinstance(sys.exc_info()[1], (OperationalError, InterfaceError))
    if outage and template_name == "500.html":
        template_name = "503.html"
    try:
        body = loader.get_template(template_name).render({"request_id": reference})
    except Exception:
        logger.exception("The error page %s could not be rendered.", template_name)
        body = _FALLBACK_500.format(reference=escape(reference or "-"))
    if outage:
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(body)
