"""The sanitiser against hostile input: each layer alone and both together must be safe."""

import html
import re
import unicodedata
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms import sanitize
from lms.sanitize import ALLOWED_TAGS, HTMLTooLong, clean_html, current_stamp

HOSTILE = [
    # script and event handlers
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<p onclick=alert(1)>chạm vào đây</p>",
    "<body onload=alert(1)>",
    "<a href='https://ok.example' onmouseover='alert(1)'>di chuột</a>",
    '<div style="x:expression(alert(1))">css</div>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>",
    # link schemes, plain and disguised
    "<a href='javascript:alert(1)'>x</a>",
    "<a href='JaVaScRiPt:alert(1)'>x</a>",
    "<a href=' javascript:alert(1)'>x</a>",
    "<a href='java&#115;cript:alert(1)'>x</a>",
    "<a href='&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)'>x</a>",
    "<a href='&#x6A;avascript:alert(1)'>x</a>",
    "<a href='jav&#x09;ascript:alert(1)'>x</a>",
    "<a href='jav\tascript:alert(1)'>x</a>",
    "<a href='java\u200bscript:alert(1)'>x</a>",
    "<a href='java&#8203;script:alert(1)'>x</a>",
    "<a href='java&#x200b;script:alert(1)'>x</a>",
    "<a href='\u202ejavascript:alert(1)'>x</a>",
    "<a href='data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='>x</a>",
    "<a href='DATA:text/html,<script>alert(1)</script>'>x</a>",
    "<a href='vbscript:msgbox(1)'>x</a>",
    "<a href='livescript:alert(1)'>x</a>",
    "<a href='file:///etc/passwd'>x</a>",
    # svg and math mutation payloads
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<svg><a xlink:href='javascript:alert(1)'><text>x</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "<svg></p><style><a id='</style><img src=1 onerror=alert(1)>'>",
    "<noscript><p title='</noscript><img src=x onerror=alert(1)>'>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    # forms, frames, metadata
    "<form action='https://evil.example'>"
    "<button formaction='javascript:alert(1)'>Gửi</button></form>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<iframe src='https://evil.example'></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<object data='javascript:alert(1)'></object>",
    "<embed src='javascript:alert(1)'>",
    "<base href='https://evil.example/'>",
    "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>",
    "<link rel=stylesheet href='https://evil.example/x.css'>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<template><script>alert(1)</script></template>",
    "<textarea><script>alert(1)</script></textarea>",
    "<title><script>alert(1)</script></title>",
    # comments and conditional comments
    "<!--<img src=x onerror=alert(1)>-->",
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    # attributes that are not allowed even on allowed tags
    "<a href='https://ok.example' target=_blank style='color:red' id=x class=y>ok</a>",
    "<p style='position:fixed;top:0'>che màn hình</p>",
    "<h3 id='login'>giả mạo neo</h3>",
    # NUL and control characters
    "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "<a href='java\x00script:alert(1)'>x</a>",
]

ALLOWED_SCHEMES = {"http", "https", "mailto"}
_URL_STRIP = re.compile("[\x00-\x20\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


class _Audit(HTMLParser):
    """An independent reading of the output, as a browser would tokenise it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name == "rel" and tag == "a":
                continue
            if tag != "a" or name not in ("href", "title"):
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and value is not None:
                target = _URL_STRIP.sub("", html.unescape(value)).lower()
                scheme = target.split(":", 1)[0] if ":" in target else ""
                if scheme and "/" not in scheme and scheme not in ALLOWED_SCHEMES:
                    self.problems.append(f"href scheme {scheme!r}")

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.problems.append("comment")


def problems_in(output: str) -> list[str]:
    audit = _Audit()
    audit.feed(output)
    audit.close()
    return audit.problems


LAYERS = {
    "bleach": lambda s: sanitize._bleach_layer(sanitize.prepare(s)),
    "nh3": lambda s: sanitize._nh3_layer(sanitize.prepare(s)),
    "both": lambda s: clean_html(s).html,
}


def test_there_are_at_least_forty_hostile_inputs_and_the_audit_sees_them():
    assert len(HOSTILE) >= 40
    # The audit must be able to fail: unsanitised, (nearly) every payload is flagged.
    unflagged = [payload for payload in HOSTILE if not problems_in(payload)]
    assert len(unflagged) <= 2, unflagged


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("payload", HOSTILE)
def test_nothing_hostile_survives(layer, payload):
    output = LAYERS[layer](payload)
    assert problems_in(output) == [], output


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>sau",
        "<style>p{color:red}</style>sau",
        "<svg><script>alert(1)</script></svg>sau",
        "<template><p>mẫu</p></template>sau",
    ],
)
def test_script_and_style_are_dropped_with_their_content(layer, payload):
    output = LAYERS[layer](payload)
    assert "alert" not in output
    assert "color" not in output
    assert "mẫu" not in output
    assert output.endswith("sau")


def test_vietnamese_post_keeps_its_text_exactly_in_nfc():
    decomposed = unicodedata.normalize(
        "NFD",
        "<p>Sở Thông tin và Truyền thông tỉnh Đắk Lắk: <strong>chuyển đổi số</strong> cấp xã.</p>",
    )
    cleaned = clean_html(decomposed).html
    assert cleaned == (
        "<p>Sở Thông tin và Truyền thông tỉnh Đắk Lắk: <strong>chuyển đổi số</strong> cấp xã.</p>"
    )
    assert unicodedata.is_normalized("NFC", cleaned)


def test_allowed_formatting_survives():
    source = (
        "<h3>Tình huống</h3><p><em>Bối cảnh</em> <b>in đậm</b> <i>nghiêng</i> "
        "<u>gạch</u> <s>bỏ</s></p>"
        "<blockquote>trích</blockquote><ul><li>một</li></ul><ol><li>hai</li></ol>"
        "<pre><code>x = 1</code></pre><h4>Kết luận</h4><p>dòng<br>mới</p>"
    )
    assert clean_html(source).html == source


def test_links_get_safe_rel_and_keep_only_href_and_title():
    out = clean_html('<a href="https://mic.gov.vn/" title="Bộ" target="_blank" id="x">Bộ</a>').html
    assert out == (
        '<a href="https://mic.gov.vn/" title="Bộ" rel="noopener noreferrer nofollow ugc">Bộ</a>'
    )


def test_bare_urls_and_emails_become_links():
    out = clean_html("<p>Xem https://example.vn/tai-lieu và gửi về hoc.vien@example.vn</p>").html
    assert '<a href="https://example.vn/tai-lieu" rel="noopener noreferrer nofollow ugc">' in out
    assert '<a href="mailto:hoc.vien@example.vn" rel="noopener noreferrer nofollow ugc">' in out


def test_urls_in_code_are_not_linkified():
    out = clean_html("<pre><code>curl https://example.vn/api</code></pre>").html
    assert "<a " not in out


def test_zero_width_and_bidi_characters_are_removed():
    out = clean_html("<p>Hà\u200b Nội\u202e\u2066 \ufeffxin chào\x00</p>").html
    assert out == "<p>Hà Nội xin chào</p>"


@pytest.mark.parametrize("payload", HOSTILE + ["<p>Bình thường</p>", "a < b & c > d"])
def test_sanitiser_is_idempotent(payload):
    once = clean_html(payload).html
    assert clean_html(once).html == once


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("<>/=\"' ajvscriptonerrorhfbpu:&#;()Đđá\u200b\n")),
        max_size=80,
    )
)
def test_random_markup_is_safe_and_idempotent(source):
    once = clean_html(source).html
    assert problems_in(once) == []
    assert clean_html(once).html == once


def test_over_the_size_cap_is_refused_with_a_message():
    with pytest.raises(HTMLTooLong) as excinfo:
        clean_html("x" * 11, limit=10)
    assert "11" in str(excinfo.value)
    assert "10" in str(excinfo.value)


def test_stamp_names_policy_and_library_versions():
    stamp = current_stamp()
    assert stamp.startswith(f"{sanitize.POLICY_VERSION};")
    assert "bleach=" in stamp
    assert "nh3=" in stamp
    assert clean_html("<p>x</p>").stamp == stamp


def test_nothing_else_imports_bleach_or_nh3():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for package in ("lms", "content", "courses")
        for path in (root / package).rglob("*.py")
        if re.search(r"^\s*(import|from)\s+(bleach|nh3)\b", path.read_text(), re.M)
        and path.name != "sanitize.py"
    ]
    assert offenders == []
