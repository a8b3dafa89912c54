"""The certificate as a document: HTML from a frozen snapshot, then PDF through `courses.pdf`.

Everything printed comes from the snapshot taken when the certificate was issued (names of the
issuing body as they were that day, the participant's legal name exactly as entered), never from
live records, so a certificate re-rendered years later reads the same.

Participant data reaches the page only as auto-escaped template text: a name such as
``<img src="file:///etc/passwd">`` prints as those characters. The only markup inserted unescaped
is the QR code, which we generate from the verification URL, and a school's extra CSS, which
staff (not participants) write and which is neutralised so that it cannot close its <style>.
"""

from __future__ import annotations

import datetime as dt

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from weasyprint import __version__ as weasyprint_version

from lms.text import format_date_short, format_date_words

from .pdf import AttachedFile, RenderedPdf, render_pdf_document

DEFAULT_TEMPLATE = "courses/certificates/document.html"
#: The id of the "signed digitally" block: the PDF's signature field is placed over it.
SIGNATURE_BLOCK_ID = "chu-ky-so"
#: PDF/A-3b: the archival form (fonts embedded, no external dependency) that also allows the
#: attached credential.
PDF_VARIANT = "pdf/a-3b"

# Font size steps for long texts (classes defined in static/certificates/certificate.css): a
# 120-character name or a 255-character organisation must still fit on the one page.
_NAME_STEPS = ((70, "size-s"), (40, "size-m"))
_ISSUER_STEPS = ((160, "size-s"), (80, "size-m"))
_PROGRAMME_STEPS = ((200, "size-s"), (110, "size-m"))
# Above this many characters of long texts together, spacing tightens too.
_DENSE_TOTAL = 600


def _size_class(text: str, steps: tuple[tuple[int, str], ...]) -> str:
    for limit, css_class in steps:
        if len(text) > limit:
            return css_class
    return "size-l"


def _short(value: str | None) -> str:
    """An ISO date of the snapshot as dd/mm/yyyy; "" when absent."""
    return format_date_short(dt.date.fromisoformat(value)) if value else ""


def qr_svg(url: str) -> SafeString:
    """The QR code of `url` as inline SVG markup (vector, sized by the stylesheet).

    The QR encodes exactly `url`. Marked safe because we generate it: its only input is the
    verification URL, which the code builds, and qrcode writes nothing but numbers into the path.
    """
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    # Drop the fixed size in mm so the stylesheet decides it; keep the viewBox.
    head, _, tail = svg.partition(">")
    head = " ".join(part for part in head.split(" ") if not part.startswith(("width=", "height=")))
    return mark_safe(f'{head} class="qr" role="img">{tail}')  # noqa: S308 - our own markup


def extra_css_text(css: str) -> SafeString:
    """A school's extra CSS, safe to place inside <style>.

    Only ``</style`` can end a <style> element, so every ``<`` is written as the CSS escape
    ``\\3c `` (the same character to CSS, in a string; nowhere else in CSS is ``<`` meaningful).
    URLs in it still go through the certificate URL fetcher, which loads only our assets.
    """
    return mark_safe((css or "").replace("<", "\\3c "))  # noqa: S308 - no "<" remains


def certificate_context(snapshot: dict, extra_css: str = "") -> dict:
    """The template context, built from the snapshot alone."""
    participant = snapshot.get("participant") or {}
    programme = snapshot.get("programme") or {}
    cohort = snapshot.get("cohort") or {}
    replaces = snapshot.get("replaces") or None
    full_name = participant.get("full_name", "")
    issuer_name = snapshot.get("issuer_name", "")
    issuer_parent_name = snapshot.get("issuer_parent_name", "")
    issued_on = snapshot.get("issued_on", "")
    long_texts = (
        full_name,
        issuer_name,
        issuer_parent_name,
        programme.get("title", ""),
        snapshot.get("legal_basis", ""),
    )
    return {
        "dense": sum(len(text or "") for text in long_texts) > _DENSE_TOTAL,
        "kind": snapshot.get("kind", "original"),
        "title": snapshot.get("title", ""),
        "issuer_parent_name": issuer_parent_name,
        "issuer_name": issuer_name,
        "issuer_size": _size_class(max(issuer_name, issuer_parent_name, key=len), _ISSUER_STEPS),
        "full_name": full_name,
        "name_size": _size_class(full_name, _NAME_STEPS),
        "date_of_birth": _short(participant.get("date_of_birth")),
        "programme_title": programme.get("title", ""),
        "programme_size": _size_class(programme.get("title", ""), _PROGRAMME_STEPS),
        "periods": programme.get("periods") or "",
        "cohort_name": cohort.get("name", ""),
        "cohort_code": cohort.get("code", ""),
        "start_date": _short(cohort.get("start_date")),
        "end_date": _short(cohort.get("end_date")),
        "mode_label": cohort.get("mode_label", ""),
        "result": snapshot.get("result", ""),
        "legal_basis": snapshot.get("legal_basis", ""),
        "place_and_date": (
            format_date_words(dt.date.fromisoformat(issued_on), snapshot.get("issue_place"))
            if issued_on
            else ""
        ),
        "signatory_title": snapshot.get("signatory_title", ""),
        "signatory_name": snapshot.get("signatory_name", ""),
        "certificate_number": snapshot.get("certificate_number", ""),
        "register_number": snapshot.get("register_number", ""),
        "decision_number": snapshot.get("decision_number", ""),
        "decision_date": _short(snapshot.get("decision_date")),
        "verification_code": snapshot.get("verification_code", ""),
        "verification_url": snapshot.get("verification_url", ""),
        "qr_svg": qr_svg(snapshot["verification_url"]) if snapshot.get("verification_url") else "",
        "replaces_number": replaces.get("certificate_number", "") if replaces else "",
        "replaces_issued_on": _short(replaces.get("issued_on")) if replaces else "",
        "extra_css": extra_css_text(extra_css),
        "digitally_signed_by": (snapshot.get("digital_signature") or {}).get("signer", ""),
        "signature_block_id": SIGNATURE_BLOCK_ID,
        "generator": f"LMS (WeasyPrint {weasyprint_version})",
    }


def certificate_html(snapshot: dict, extra_css: str = "") -> str:
    """The certificate as a complete HTML document, always in Vietnamese.

    The template is the one frozen in the snapshot's "layout", else
    ``settings.LMS_CERTIFICATE_TEMPLATE`` (default ``courses/certificates/document.html``), so a
    school can supply its own file. Extra CSS is `extra_css` when given, else the snapshot's,
    else ``settings.LMS_CERTIFICATE_EXTRA_CSS``.
    """
    layout = snapshot.get("layout") or {}  # frozen at issue (courses.services.certificates)
    template_name = layout.get("template") or getattr(
        settings, "LMS_CERTIFICATE_TEMPLATE", DEFAULT_TEMPLATE
    )
    css = extra_css or layout.get("extra_css") or getattr(settings, "LMS_CERTIFICATE_EXTRA_CSS", "")
    # An official Vietnamese document, whatever the language of the staff member printing it.
    with translation.override("vi"):
        return render_to_string(template_name, certificate_context(snapshot, css))


def render_certificate(snapshot: dict, extra_css: str = "") -> bytes:
    """The certificate as PDF bytes (unsigned, nothing attached: previews and tests)."""
    return render_certificate_document(snapshot, extra_css).pdf


def render_certificate_document(
    snapshot: dict, extra_css: str = "", credential: str = ""
) -> RenderedPdf:
    """The certificate as PDF/A-3b with its signed credential attached, and where the "signed
    digitally" block landed (for the signature field)."""
    from courses.certificate_credential import ATTACHMENT_NAME

    attachments = (
        (
            AttachedFile(
                name=ATTACHMENT_NAME,
                content=credential,
                description="Chứng nhận số (Open Badges 3.0, W3C Verifiable Credential, JWT)",
            ),
        )
        if credential
        else ()
    )
    return render_pdf_document(
        certificate_html(snapshot, extra_css),
        attachments=attachments,
        pdf_variant=PDF_VARIANT,
        locate=(SIGNATURE_BLOCK_ID,),
        # PDF/A wants the Info /Producer equal to the XMP's pdf:Producer. Signing (pyHanko, an
        # incremental update) rewrites the XMP's to "pyHanko x.y" but appends to the Info's
        # unless it already names pyHanko: naming the signer's writer here keeps them equal.
        # WeasyPrint stays named as the creator (<meta name="generator">).
        producer=signing_producer() if credential else None,
    )


def signing_producer() -> str:
    from pyhanko.pdf_utils.metadata.model import VENDOR

    return VENDOR
