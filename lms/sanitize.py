"""The one place that cleans untrusted HTML (posts, replies, anything a user writes as rich text).

Two layers, the same policy:
1. bleach, the project's sanitiser, which also turns bare URLs and e-mail addresses into links in
   the same pass. Its 6.4 release is its last, with no further security fixes, so
2. nh3 (Rust ammonia, maintained) cleans bleach's output again as a second line.

Before either: a size cap, NFC normalisation, and removal of NUL, control, zero-width and bidi
characters (they hide link schemes and reorder text in other people's screens).

Callers store three things: the raw text, the clean HTML and `current_stamp()`, so that the
`resanitize` command can re-clean old rows when this policy or a library changes. Nothing else
in the code imports bleach or nh3; only `templates/includes/user_html.html` prints the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from importlib.metadata import version

import bleach
import nh3
from bleach.html5lib_shim import Filter
from bleach.linkifier import LinkifyFilter
from django.utils.translation import gettext as _

from lms.text import normalize

# Bump when the policy below changes, so stored HTML is re-cleaned by `manage.py resanitize`.
POLICY_VERSION = "posts-1"

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "u", "s", "blockquote", "code", "pre",
     "ul", "ol", "li", "a", "h3", "h4"}
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow ugc"
# Removed together with everything inside them (the text of a script is not the author's words).
DROP_WITH_CONTENT = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math",
     "title", "textarea", "select", "xmp", "noembed", "noframes", "frameset", "head"}
)  # fmt: skip
MAX_INPUT_CHARS = 100_000

# NUL and other C0/C1 controls (tab, newline, carriage return kept), zero-width characters,
# the byte-order mark, and bidirectional controls (the "Trojan Source" set).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


class HTMLTooLong(ValueError):
    """The text is longer than a post may be; nothing was cleaned or stored."""

    def __init__(self, length: int, limit: int):
        self.length, self.limit = length, limit
        super().__init__(
            _("Nội dung dài %(length)s ký tự, vượt mức tối đa %(limit)s ký tự. Hãy rút gọn.")
            % {"length": f"{length:,}".replace(",", "."), "limit": f"{limit:,}".replace(",", ".")}
        )


@dataclass(frozen=True)
class CleanHTML:
    html: str
    stamp: str


def current_stamp() -> str:
    """Which policy and library versions produced a stored HTML (compared by `resanitize`)."""
    return f"{POLICY_VERSION};bleach={version('bleach')};nh3={version('nh3')}"


def prepare(text: str, *, limit: int = MAX_INPUT_CHARS) -> str:
    """Cap, normalise to NFC and strip invisible characters: the input both layers receive."""
    if len(text) > limit:
        raise HTMLTooLong(len(text), limit)
    return _INVISIBLE.sub("", normalize(text) or "")


def clean_html(raw: str, *, limit: int = MAX_INPUT_CHARS) -> CleanHTML:
    """Sanitise user-written HTML for display. Raises HTMLTooLong over `limit` characters."""
    return CleanHTML(
        html=_nh3_layer(_bleach_layer(prepare(raw, limit=limit))), stamp=current_stamp()
    )


# --- Layer 1: bleach ------------------------------------------------------------------------


def _href_is_safe(href: str) -> bool:
    """A link target is kept only without hidden characters and with an allowed scheme."""
    if _INVISIBLE.search(href):
        return False
    scheme, colon, _rest = href.strip(" \t\n\r\f").partition(":")
    if not colon or "/" in scheme or "?" in scheme or "#" in scheme:
        return True  # a relative link
    return scheme.lower() in ALLOWED_SCHEMES


class _DropDangerousContent(Filter):
    """Drops DROP_WITH_CONTENT elements with their content, and unsafe hrefs that slipped by.

    bleach's strip mode removes a disallowed tag but keeps its text, which would print the body
    of a <script> as prose; so those tags are let through bleach's sanitiser and removed here
    with everything nested inside them.
    """

    def __iter__(self):
        depth = 0
        for token in super().__iter__():
            kind = token["type"]
            name = token.get("name")
            if depth:
                if kind == "StartTag":
                    depth += 1
                elif kind == "EndTag":
                    depth -= 1
                continue
            if name in DROP_WITH_CONTENT:
                if kind == "StartTag":
                    depth = 1
                continue
            if kind in ("StartTag", "EmptyTag") and name == "a":
                attrs = token.get("data") or {}
                href_key = (None, "href")
                if href_key in attrs and not _href_is_safe(attrs[href_key]):
                    attrs = {k: v for k, v in attrs.items() if k != href_key}
                    token = {**token, "data": attrs}
            yield token


def _set_rel(attrs: dict, new: bool = False) -> dict:
    href = attrs.get((None, "href"), "")
    if href and not _href_is_safe(href):
        return None  # bleach: returning None drops the link and keeps its text
    attrs[(None, "rel")] = LINK_REL
    return attrs


_BLEACH = bleach.sanitizer.Cleaner(
    tags=ALLOWED_TAGS | DROP_WITH_CONTENT,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_SCHEMES,
    strip=True,
    strip_comments=True,
    filters=[
        _DropDangerousContent,
        partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"}, parse_email=True),
    ],
)


def _bleach_layer(text: str) -> str:
    return _BLEACH.clean(text)


# --- Layer 2: nh3 ---------------------------------------------------------------------------


def _nh3_attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """nh3 keeps a link whose scheme is hidden by a zero-width character as "relative"; drop it."""
    if attribute == "href" and not _href_is_safe(value):
        return None
    return value


def _nh3_layer(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
        attribute_filter=_nh3_attribute_filter,
    )
