"""Public verification of a certificate (no sign-in) and the published signing keys.

- `/verify/`: one field, the verification code printed on the certificate; submitting it goes
  to `/verify/<code>/`, the address the certificate's QR code opens.
- `/verify/<code>/`: the certificate's state (valid, revoked, replaced) and the few printed
  values a reader needs to compare with the paper — full name, programme, dates, number,
  kind — read from the record's snapshot (what was printed), never from live user data, and
  never the date of birth, e-mail, phone or workplace. A code that cannot be a code gets exactly
  the answer of an unknown one (404, the same words), so the page gives no hint about codes.
- `/.well-known/lms-certificate-keys.json`: every public key that ever signed a record (JWKS),
  so anyone can check a record's signature without us.

Lookups are limited per client address (settings.LMS_VERIFY_RATE, default 30 a minute; the
form and the code page both count); the code page is never cached or indexed and sends no
referrer, since the code is in its address.
"""

from __future__ import annotations

import logging

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django_ratelimit.core import is_ratelimited

from courses import certificate_signing
from courses.certificate_codes import parse_code
from courses.certificate_selectors import certificate_by_code
from courses.models.certificates import SigningKey
from courses.views import client_ip

logger = logging.getLogger("courses.certificates")

VERIFY_RATE = "30/m"
RATE_GROUP = "certificate-verify"
# How long browsers and proxies may keep the key set (it changes only on a key rotation).
KEYS_MAX_AGE = 600


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã xác minh"),
        max_length=200,
        help_text=gettext_lazy(
            "Mã gồm 26 ký tự in trên chứng chỉ. Không cần phân biệt chữ hoa, chữ thường; "
            "dấu gạch ngang và khoảng trắng có hay không đều được."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XX",
            }
        ),
    )


def _client_key(group, request) -> str:
    return client_ip(request) or "unknown"


def _limited(request) -> bool:
    return is_ratelimited(
        request,
        group=RATE_GROUP,
        key=_client_key,
        rate=getattr(settings, "LMS_VERIFY_RATE", VERIFY_RATE),
        increment=True,
    )


def _private(response):
    """The code page's headers: the code is in the address, so the page is kept nowhere, is not
    indexed, and the address is not sent on to other sites."""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _too_many(request):
    logger.warning("Certificate verification rate limit reached by %s.", client_ip(request))
    response = render(request, "courses/certificates/verify.html", {"limited": True}, status=429)
    response["Retry-After"] = "60"
    return _private(response)


def _url_safe(text: str) -> str:
    """What someone typed, reduced to something that fits in the code page's address (no
    slash, no spaces): the code page then decides, so a malformed code is answered exactly as
    an unknown one."""
    return "".join(char for char in "".join(text.split()) if char not in "/\\?#%")[:64]


@require_safe
def verify_form(request):
    if _limited(request):
        return _too_many(request)
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        code = parse_code(form.cleaned_data["code"]) or _url_safe(form.cleaned_data["code"])
        if code:
            return _private(redirect("courses:verify_code", code=code))
        form.add_error("code", _("Hãy nhập mã xác minh in trên chứng chỉ."))
    response = render(
        request,
        "courses/certificates/verify.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
    if form.is_bound:
        _private(response)
    return response


@require_safe
def verify_code(request, code: str):
    if _limited(request):
        return _too_many(request)
    state = certificate_by_code(parse_code(code))
    if state is None:
        return _private(
            render(request, "courses/certificates/verify_result.html", {"state": None}, status=404)
        )
    newer = None
    if state.replacement is not None:
        # The newer certificate's own state (it may itself have been revoked or replaced since).
        newer = certificate_by_code(state.replacement.verification_code)
    certificate = state.certificate
    return _private(
        render(
            request,
            "courses/certificates/verify_result.html",
            {
                "state": state,
                "newer": newer,
                "snapshot": certificate.snapshot,
                "certificate": certificate,
            },
        )
    )


# --- The published keys ------------------------------------------------------------------------


def _current_key() -> list[dict]:
    """The key the next certificate will be signed with, for a site that has signed nothing yet."""
    try:
        public = certificate_signing.raw_public_key()
    except (OSError, ValueError):
        logger.exception("The certificate signing key cannot be read.")
        return []
    return [
        certificate_signing.jwk(
            certificate_signing.key_id(public), certificate_signing.b64url(public)
        )
    ]


@require_safe
def signing_keys(request):
    """A JSON Web Key Set (RFC 7517 / RFC 8037) of every key that ever signed a record, and the
    key that signs now."""
    keys = [
        certificate_signing.jwk(row.key_id, row.public_key)
        for row in SigningKey.objects.order_by("first_used_at", "pk")
    ]
    # The current key too, before it has signed anything (a new site, or just after rotation).
    known = {key["kid"] for key in keys}
    keys += [key for key in _current_key() if key["kid"] not in known]
    response = JsonResponse({"keys": keys})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={KEYS_MAX_AGE}"
    return response


urlpatterns = [
    path("verify/", verify_form, name="verify"),
    path("verify/<str:code>/", verify_code, name="verify_code"),
    path(".well-known/lms-certificate-keys.json", signing_keys, name="signing_keys"),
]
