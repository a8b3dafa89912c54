"""PDF rendering: the one place in the project that calls WeasyPrint.

A certificate is an HTML document built from data that participants typed themselves (their names,
their workplaces). WeasyPrint is a browser-like engine that fetches whatever the document points
to, so every rule here keeps a participant's text from becoming anything but text:

- No network. The fetcher has no HTTP/FTP/data handler at all and refuses every scheme but our
  own pseudo-scheme: a document that pointed to ``http://`` could make the server call any host
  (including ones inside the network, or a metadata service) while it renders, or leak that a
  certificate is being printed. Nothing network means nothing to redirect, so no redirect is ever
  followed either.
- No arbitrary local file. Only regular files inside ``static/certificates/`` (our fonts and
  stylesheet) can be read, checked after ``Path.resolve()`` so that neither ``..`` nor a symlink
  leads out of it: otherwise ``file:///etc/passwd`` or the settings file could be embedded in a PDF
  (as an image, a font or an attachment) and handed to whoever downloads it.
- Escaped data. Templates put participant data only into auto-escaped text, never into markup,
  attributes or CSS (see ``courses.certificate_document``); the fetcher is the second wall if that
  ever fails.
- No presentational hints. HTML attributes such as ``width``, ``bgcolor`` or ``<font>`` would then
  style the page; with them off only our stylesheet decides the layout, so markup cannot resize or
  hide anything.
- No forms, and no attachment the document asks for: the only file a PDF may carry is one our
  code passes in (a certificate's signed credential), never one named in the HTML.

Whatever a resource refusal costs (an image, an @import in a school's extra CSS), WeasyPrint logs it
and goes on; those records are forwarded to the ``courses.pdf`` logger at WARNING rather than
printed as WeasyPrint's own errors.

The fonts come only from ``@font-face`` rules in our CSS (bundled under ``static/certificates/``),
so a fresh machine renders the same glyphs whatever fonts it has installed. One
``FontConfiguration`` is shared, so the fonts are registered once per process rather than once per
document; as Fontconfig and Pango state are not safe to change from two threads at once, renders
are serialised by a lock.
"""

from __future__ import annotations

import logging
import mimetypes
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from urllib.request import OpenerDirector, url2pathname

from django.conf import settings
from weasyprint import HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

ASSET_SCHEME = "lms-asset"
#: The base of every document: relative URLs (``certificate.css``, ``fonts/Tinos-Regular.ttf``)
#: resolve to this pseudo-scheme, which only `safe_url_fetcher` understands.
BASE_URL = f"{ASSET_SCHEME}:///"

# urljoin() resolves relative references only for the schemes it knows; without these two lines
# "certificate.css" against "lms-asset:///" would stay "certificate.css".
for _schemes in (urllib.parse.uses_relative, urllib.parse.uses_netloc):
    if ASSET_SCHEME not in _schemes:
        _schemes.append(ASSET_SCHEME)

_MIME_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


def asset_dir() -> Path:
    """The only directory a document may read from: ``static/certificates/``, resolved."""
    return (Path(settings.BASE_DIR) / "static" / "certificates").resolve()


class RefusedURL(ValueError):
    """A document pointed to something other than one of our certificate assets."""


class SafeURLFetcher(URLFetcher):
    """A WeasyPrint 70 URL fetcher that serves files from `asset_dir()` and nothing else.

    WeasyPrint 70 calls the fetcher (``__call__`` -> ``fetch``), reads ``_fail_on_errors`` from it
    when a fetch raises, and requires a ``URLFetcherResponse`` back, so this subclasses
    ``URLFetcher``. It deliberately skips ``URLFetcher.__init__``, which would install urllib's
    HTTP, HTTPS, FTP, file and data handlers (and the redirect handler): this opener has none, so
    even a call that bypassed ``fetch`` could not reach the network.
    """

    def __init__(self) -> None:
        OpenerDirector.__init__(self)  # no handlers at all
        self._fail_on_errors = False  # a refused resource is skipped, the document still renders
        self._request = None

    def resolve(self, url: str) -> Path:
        """The asset file that `url` names, or RefusedURL."""
        try:
            parts = urllib.parse.urlsplit(url)
        except ValueError as error:
            raise RefusedURL(f"Malformed URL refused: {url!r}") from error
        scheme = parts.scheme.lower()
        if scheme == ASSET_SCHEME:
            if parts.netloc:
                raise RefusedURL(f"Asset URL with a host refused: {url!r}")
            relative = urllib.parse.unquote(parts.path).lstrip("/")
            candidate = asset_dir() / relative
        elif scheme == "file":
            if parts.netloc not in ("", "localhost"):
                raise RefusedURL(f"Remote file URL refused: {url!r}")
            candidate = Path(url2pathname(parts.path))
        else:
            raise RefusedURL(f"Only certificate assets may be loaded; refused {url!r}")
        if "\x00" in str(candidate):
            raise RefusedURL(f"NUL in URL refused: {url!r}")
        root = asset_dir()
        # resolve() follows every symlink and removes "..", so the check is on the real file.
        path = candidate.resolve()
        if not path.is_relative_to(root) or path == root:
            raise RefusedURL(f"Outside the certificate assets, refused: {url!r}")
        if not path.is_file():
            raise RefusedURL(f"No such certificate asset: {url!r}")
        return path

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        path = self.resolve(url)
        mime_type = _MIME_TYPES.get(path.suffix.lower()) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        # Answered under our own scheme, so that URLs in a stylesheet resolve against it too and
        # no filesystem path appears anywhere in the document.
        asset_url = f"{BASE_URL}{path.relative_to(asset_dir()).as_posix()}"
        response = URLFetcherResponse(
            asset_url, path.read_bytes(), headers={"Content-Type": mime_type}
        )
        if mime_type == "text/css":
            response.headers.set_param("charset", "utf-8")
        return response

    def open(self, url, data=None, timeout=None):  # urllib's entry point: never used to fetch
        raise RefusedURL("The certificate fetcher does not open URLs through urllib.")


#: The fetcher every document uses; callable as ``safe_url_fetcher(url)``.
safe_url_fetcher = SafeURLFetcher()


class _ForwardToOurLogger(logging.Handler):
    """WeasyPrint's complaints (a refused resource, an unknown CSS property) as our warnings."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record must not stop a render
            message = str(record.msg)
        logger.warning("WeasyPrint: %s", message)


_weasyprint_logger = logging.getLogger("weasyprint")
if not any(isinstance(h, _ForwardToOurLogger) for h in _weasyprint_logger.handlers):
    _weasyprint_logger.addHandler(_ForwardToOurLogger(level=logging.WARNING))
_weasyprint_logger.propagate = False

_font_config: FontConfiguration | None = None
_lock = threading.Lock()


def _shared_font_config() -> FontConfiguration:
    global _font_config  # one per process, created on first use
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


def render_pdf(html: str) -> bytes:
    """Render a complete HTML document to PDF bytes, loading only certificate assets."""
    return render_pdf_document(html).pdf


#: CSS pixels (what WeasyPrint measures in) to PDF points.
PT_PER_PX = 0.75


@dataclass(frozen=True)
class AttachedFile:
    name: str
    content: str
    description: str = ""


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    #: Each element with an id on the first page: (left, bottom, right, top) in PDF points,
    #: for the ids asked for in `render_pdf_document(locate=...)`.
    boxes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)


def render_pdf_document(
    html: str,
    *,
    attachments: tuple[AttachedFile, ...] = (),
    pdf_variant: str | None = None,
    locate: tuple[str, ...] = (),
    producer: str | None = None,
) -> RenderedPdf:
    """Render `html`; attach our own files; report where elements landed.

    For each element id in `locate`, its box on the first page comes back in PDF coordinates
    (points, origin bottom left), which is what a signature field needs. `producer` replaces
    the Info dictionary's /Producer (see courses.certificate_document: a file that will be
    signed must name its last writer there, as its XMP will).
    """
    with _lock:
        font_config = _shared_font_config()
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=safe_url_fetcher).render(
            font_config=font_config, presentational_hints=False
        )
        files = [
            Attachment(
                string=item.content,
                name=item.name,
                description=item.description,
                relationship="Data",  # PDF/A-3: data the printed page was made from
            )
            for item in attachments
        ]

        def set_producer(_document, pdf_object):
            import pydyf

            pdf_object.info["Producer"] = pydyf.String(producer)

        pdf = document.write_pdf(
            finisher=set_producer if producer else None,
            uncompressed_pdf=False,
            attachments=files or None,
            pdf_forms=False,
            pdf_variant=pdf_variant,
        )
    boxes = {}
    if locate and document.pages:
        first = document.pages[0]
        for element_id in locate:
            if element_id in first.anchors:
                # WeasyPrint's anchor: the element's box, CSS px from the page's top left.
                left, top, right, bottom = first.anchors[element_id][:4]
                boxes[element_id] = (
                    left * PT_PER_PX,
                    (first.height - bottom) * PT_PER_PX,
                    right * PT_PER_PX,
                    (first.height - top) * PT_PER_PX,
                )
    return RenderedPdf(pdf=pdf, boxes=boxes)
