"""Request/response plumbing that every page shares. Each class says why it exists."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, connection
from django.http import HttpResponseRedirect, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lms.accounts.roles import is_school_staff
from lms.text import normalize

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    """Answers GET /healthz: 200 when the database answers, 503 otherwise.

    It runs before host validation and the HTTPS redirect because a load balancer probes each
    process by its IP address over plain HTTP.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != HEALTH_PATH:
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
        return JsonResponse({"status": "ok", "database": "ok"})


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the person chose English with the language switch.

    Django's own middleware follows the browser's Accept-Language, and many phones and office
    computers here run an English system: directors would get an English site they never asked
    for. The choice is the language cookie, set by the switch on every page.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        translation.activate(chosen if chosen in supported else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


class AdminContentSecurityPolicyMiddleware:
    """Gives the Wagtail admin its looser policy (settings.LMS_ADMIN_CSP).

    The admin uses inline styles and scripts and shows previews in an iframe of itself; the
    public site keeps the strict SECURE_CSP. Listed after Django's CSP middleware so that this
    response hook runs first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/") and not hasattr(response, "_csp_config"):
            response._csp_config = settings.LMS_ADMIN_CSP
        return response


class NormalizeFormInputMiddleware:
    """Every text posted in a form reaches the views in NFC with Ð/ð mapped to Đ/đ.

    Vietnamese typed with Unikey's combining mode, or pasted from a PDF, arrives decomposed;
    stored as is, the same name would not match itself. Normalising here covers every form at
    once: our own, allauth's and Wagtail's (passwords too, as NIST SP 800-63B recommends).
    It works once the view is known (process_view), so that a view marked
    ``reads_its_own_upload = True`` (one that sets its own upload handlers, which must happen
    before anything reads the body) is left to read it itself.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "reads_its_own_upload", False):
            return None
        if request.method in ("POST", "PUT", "PATCH") and request.content_type in self.FORM_TYPES:
            posted = request.POST
            if any(not value.isascii() for _key, values in posted.lists() for value in values):
                clean = posted.copy()
                for key, values in posted.lists():
                    clean.setlist(key, [normalize(value) for value in values])
                clean._mutable = False
                request.POST = clean
        return None


class RequireStaffTwoFactorMiddleware:
    """With LMS_REQUIRE_MFA_FOR_STAFF on, school staff must set up an authenticator app first.

    They hold personal data and issue certificates, so a stolen password alone must not be
    enough. Account pages (where the authenticator is set up), sign-out and static files stay
    reachable.
    """

    EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", HEALTH_PATH)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.LMS_REQUIRE_MFA_FOR_STAFF
            and request.user.is_authenticated
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and is_school_staff(request.user)
            and not _has_authenticator(request.user)
        ):
            messages.warning(
                request,
                _(
                    "Tài khoản nhà trường phải bật xác thực hai bước trước khi tiếp tục. "
                    "Hãy quét mã bằng ứng dụng xác thực trên điện thoại."
                ),
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def _has_authenticator(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
