"""Public verification of a certificate (no sign-in) and the published signing keys.

- `/verify/`: one field, the verification code printed on the certificate; submitting it goes
  to `/verify/<code>/`, the address the certificate's QR code opens.
- `/verify/<code>/`: the certificate's state (valid, revoked, replaced) and the few printed
  values a reader needs to compare with the paper — full name, programme, dates, number,
  kind — read from the record's snapshot (what was printed), never from live user data, and
  never the date of birth, e-mail, phone or workplace. A code that cannot be a code gets exactly
  the answer of an unknown one (404, the same words), so the page gives no hint about codes.
- `/verify/tep/` (POST): a certificate PDF or its credential file, checked the way the offline
  verifier checks it (courses.certificate_verifier): the PDF's digital signature, nothing
  changed after signing, the attached credential's signature, the printed data against the
  credential, and the revocation list. The file is read into memory only up to
  settings.LMS_VERIFY_UPLOAD_MAX_BYTES; a larger one is refused before its body is read when it
  says its length, and while streaming when it does not. It is never stored.
- `/.well-known/lms-certificate-keys.json`: every public key that ever signed a record or a
  credential and every X.509 certificate that signed a PDF (JWKS), so anyone can check a
  certificate without us; `/verify/trang-thai/<n>/`: revocation list n (Bitstring Status List).

Lookups are limited per client address (settings.LMS_VERIFY_RATE, default 30 a minute; the
form and the code page both count); the code page is never cached or indexed and sends no
referrer, since the code is in its address.
"""

from __future__ import annotations

import io
import logging

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from courses import certificate_keys, certificate_verifier
from courses.certificate_codes import parse_code
from courses.certificate_selectors import certificate_by_code
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
        {"form": form, "file_form": VerifyFileForm()},
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


# --- Checking an uploaded file ------------------------------------------------------------------


class VerifyFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp chứng chỉ (PDF) hoặc chứng nhận số (.jwt)"),
        help_text=gettext_lazy(
            "Tệp được kiểm tra rồi bỏ đi, không lưu lại. Dung lượng tối đa %(size)s MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jwt,application/pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "size": _upload_limit() // (1024 * 1024)
        }


def _upload_limit() -> int:
    return getattr(settings, "LMS_VERIFY_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)


class _TooLarge(Exception):
    pass


class LimitedMemoryUploadHandler(FileUploadHandler):
    """Keeps an uploaded file in memory up to `limit` bytes and stops reading beyond it (a
    request with no Content-Length, or one that lied about it)."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.too_large = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer, self.field_name, self.file_name, self.content_type, file_size, None
        )


def _file_page(request, form, *, report=None, error="", status=200):
    checks = [{"ok": check.ok, "text": check.text(_)} for check in report.checks] if report else []
    return _private(
        render(
            request,
            "courses/certificates/verify.html",
            {
                "form": VerifyForm(),
                "file_form": form,
                "report": report,
                "checks": checks,
                "file_error": error,
            },
            status=status,
        )
    )


@csrf_exempt  # the upload handlers must be set before anything reads the body; CSRF below
@require_POST
def verify_file(request):
    if _limited(request):
        return _too_many(request)
    limit = _upload_limit()
    too_large = _("Tệp quá lớn: tối đa %(size)s MB (một chứng chỉ PDF chỉ khoảng 100 KB).") % {
        "size": limit // (1024 * 1024)
    }
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit + 64 * 1024:  # room for the form's fields
        return _file_page(request, VerifyFileForm(), error=too_large, status=413)
    handler = LimitedMemoryUploadHandler(request, limit)
    request.upload_handlers = [handler]
    return _check_uploaded_file(request, handler, too_large)


verify_file.reads_its_own_upload = True  # lms.middleware.NormalizeFormInputMiddleware


@csrf_protect
def _check_uploaded_file(request, handler, too_large):
    form = VerifyFileForm(request.POST, request.FILES)
    if handler.too_large:
        return _file_page(request, VerifyFileForm(), error=too_large, status=413)
    if not form.is_valid():
        return _file_page(request, form, status=400)
    data = form.cleaned_data["file"].read()
    keys = certificate_verifier.KeySet.from_jwks(certificate_keys.published_key_set())
    report = certificate_verifier.verify(data, keys, fetch=certificate_keys.local_status_fetch)
    logger.info(
        "Certificate file checked from %s: %s (%s).",
        client_ip(request),
        "valid" if report.valid else "invalid",
        report.kind,
    )
    return _file_page(request, VerifyFileForm(), report=report)


# --- The published keys and revocation lists ---------------------------------------------------


@require_safe
def signing_keys(request):
    """A JSON Web Key Set (RFC 7517 / RFC 8037) of every key that ever signed a record or a
    credential, every school certificate that signed a PDF, and the current ones."""
    response = JsonResponse(certificate_keys.published_key_set())
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={KEYS_MAX_AGE}"
    return response


@require_safe
def status_list(request, number: int):
    """Revocation list `number` as a signed BitstringStatusListCredential (JWT). Not cached
    for long: a revocation must show within minutes."""
    response = HttpResponse(
        certificate_keys.status_list_token(number), content_type="application/vc+jwt"
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


urlpatterns = [
    path("verify/", verify_form, name="verify"),
    path("verify/tep/", verify_file, name="verify_file"),
    path("verify/trang-thai/<int:number>/", status_list, name="status_list"),
    path("verify/<str:code>/", verify_code, name="verify_code"),
    path(".well-known/lms-certificate-keys.json", signing_keys, name="signing_keys"),
]
