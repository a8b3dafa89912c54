"""Request/response plumbing that every page shares. Each class says why it exists."""

from __future__ import annotations

import contextlib
import logging
import re
import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponseRedirect, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lms.accounts.roles import is_school_staff
from lms.logging_config import request_id_var, user_id_var
from lms.text import normalize

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
REQUEST_ID_HEADER = "X-Request-ID"
# What an incoming id may look like: enough for a proxy's own id (nginx's $request_id is 32 hex
# digits, a UUID has dashes), nothing that could forge a log line or an HTML tag.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
SLOW_REQUEST_SECONDS = 1.0


class RequestIdMiddleware:
    """Gives each request an id: in every log line written for it, in the X-Request-ID header
    of the response and on the error page (request.request_id).

    An incoming X-Request-ID is kept when it looks safe, so the reverse proxy's access log and
    ours share one id; otherwise a new one is made. Listed first, so that the health check,
    host validation and every other middleware log with the id, and the clock below measures
    the whole request.

    No access line per request: the proxy and gunicorn's access log already write one (with
    this id: docs/operations/observability.md), and a third copy would add volume, not facts.
    Only requests slower than SLOW_REQUEST_SECONDS are logged, at WARNING, because those are
    what someone has to look at.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        id_token = request_id_var.set(request_id)
        user_token = user_id_var.set(None)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            elapsed = time.monotonic() - started
            if elapsed >= SLOW_REQUEST_SECONDS:
                _log_slow(request, response, elapsed)
            return response
        finally:
            # A worker thread serves the next request with the same context: leave nothing.
            user_id_var.reset(user_token)
            request_id_var.reset(id_token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # By now the authentication middleware has run; the user is read here (once per
        # request, cached on it, and read anyway by the pages and the two-factor check).
        user = getattr(request, "user", None)
        # A database outage is left to the view, which answers it with the error page.
        with contextlib.suppress(DatabaseError):
            if user is not None and user.is_authenticated:
                user_id_var.set(user.pk)
        return None


def _log_slow(request, response, elapsed: float) -> None:
    duration_ms = round(elapsed * 1000)
    # The path without its query string, which can carry search terms and tokens.
    logger.warning(
        "Slow request: %s %s answered %s in %s ms.",
        request.method,
        request.path,
        response.status_code,
        duration_ms,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
        },
    )


# Caches private to one process: nothing to probe, and nothing shared that could be down.
LOCAL_CACHE_BACKENDS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


class HealthCheckMiddleware:
    """Answers GET /healthz with the state of the database and, when configured, the cache.

    {"status": "ok" | "degraded" | "unavailable", "database": "ok" | "unreachable",
     "cache": "ok" | "unreachable" | "not configured"}

    503 only when the database is down: no page can be served without it, so the load balancer
    should take the process out. A dead cache (Redis) gives 200 with status "degraded": the site
    keeps serving pages without it (sessions are stored in the database too), and since every
    process shares the one Redis, answering 503 would take all of them out of the load
    balancer at once, turning a slower site into no site. The cache is probed with a set and
    get of a short-lived key of its own; any error counts as unreachable (the cache's socket
    timeouts keep the probe from hanging: docs/operations/observability.md).

    It runs before host validation and the HTTPS redirect because a load balancer probes each
    process by its IP address over plain HTTP.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != HEALTH_PATH:
            return self.get_response(request)
        database = _database_state()
        cache_state = _cache_state()
        if database != "ok":
            status, code = "unavailable", 503
        elif cache_state == "unreachable":
            status, code = "degraded", 200
        else:
            status, code = "ok", 200
        return JsonResponse(
            {"status": status, "database": database, "cache": cache_state}, status=code
        )


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: the database is unreachable (%s).", error)
        return "unreachable"
    return "ok"


def _cache_state() -> str:
    if settings.CACHES["default"]["BACKEND"] in LOCAL_CACHE_BACKENDS:
        return "not configured"
    # A key per probe: probes of several processes at once must not read each other's value.
    key = f"lms:healthz:{uuid.uuid4().hex}"
    try:
        probe = getattr(cache, "probe", None)
        if probe is not None:
            # lms.cache.FailSoftRedisCache: Redis itself, past its breaker and local fallback.
            answered = probe()
        else:
            cache.set(key, "ok", timeout=10)
            answered = cache.get(key) == "ok"
    except Exception as error:  # any client error (connection, timeout, protocol) means down
        logger.warning("Health check: the cache is unreachable (%r).", error)
        return "unreachable"
    if not answered:
        # A backend that swallows its errors answers None instead of raising.
        logger.warning("Health check: the cache did not return what was just stored.")
        return "unreachable"
    return "ok"


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
