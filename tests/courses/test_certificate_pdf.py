"""The certificate PDF: what a participant, a verifier and an attacker would see in it.

No database: a certificate is rendered from its snapshot alone.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from pathlib import Path

import pytest
import qrcode
from django.conf import settings
from django.template import TemplateDoesNotExist
from django.utils import translation
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from courses import pdf as pdf_module
from courses.certificate_document import certificate_html, qr_svg, render_certificate
from courses.pdf import RefusedURL, SafeURLFetcher, render_pdf, safe_url_fetcher
from tests.courses.certificate_helpers import sample_snapshot

ASSETS = Path(settings.BASE_DIR) / "static" / "certificates"
FONTS = sorted((ASSETS / "fonts").glob("*.ttf"))


def _reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def _text(pdf: bytes) -> str:
    """All the text of the PDF, NFC, with runs of whitespace (line breaks) made one space."""
    reader = _reader(pdf)
    raw = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", raw).split())


@pytest.fixture
def fetched(monkeypatch):
    """Every URL WeasyPrint asked for during the test, allowed or not."""
    urls: list[str] = []
    original = SafeURLFetcher.fetch

    def spy(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(SafeURLFetcher, "fetch", spy)
    return urls


def _only_assets(urls: list[str]) -> bool:
    allowed = {"lms-asset:///certificate.css"} | {
        f"lms-asset:///fonts/{font.name}" for font in FONTS
    }
    return set(urls) <= allowed


# --- What the participant reads ------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Thị Thu Hằng",
        "Phạm Ngọc Ỷ",
        "Đặng Quốc Vượng",
        "Lữ Thị Ngọc Ẩn",
        "Hoàng Thị Kiều Ngữ",
        "Ưng Thị Ơn Ẵm Ễ Ỗ Ỡ Ữ Ỹ",
    ],
)
def test_the_name_is_printed_exactly_with_every_diacritic(name):
    text = _text(render_certificate(sample_snapshot(participant={"full_name": name})))
    assert f"Cấp cho: {name}" in text


def test_both_numbers_the_decision_and_the_dates_are_printed():
    text = _text(render_certificate(sample_snapshot()))
    assert "Số hiệu: GDS-2026-5/2026/0001" in text
    assert "Số vào sổ: 0001/2026" in text
    assert "Quyết định số 123/QĐ-TĐT ngày 16/12/2026" in text
    assert "Hà Nội, ngày 18 tháng 12 năm 2026" in text
    assert "Ngày sinh: 05/02/1975" in text
    assert "Thời gian: từ 07/09/2026 đến 18/12/2026" in text
    assert "Hình thức: Trực tuyến" in text
    assert "Kết quả: Giỏi (8,5)" in text
    assert "(160 tiết)" in text
    assert "Lớp: Lớp Giám đốc Sở khóa 5 năm 2026 (GDS-2026-5)" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "CHỨNG CHỈ" in text
    assert "TRƯỜNG ĐÀO TẠO, BỒI DƯỠNG" in text  # the issuing body, upper case
    assert "HIỆU TRƯỞNG" in text
    assert "Trần Văn A" in text
    assert "Mã xác minh: ABCD-EFGH-JKMN-PQRS-TVWX-YZ" in text
    # The caption may wrap inside the URL; the URL itself is whole.
    assert "http://127.0.0.1:8000/verify/ABCDEFGHJKMNPQRSTVWXYZ0123/" in text.replace(" ", "")


def test_a_january_date_takes_leading_zeros_in_words():
    snapshot = sample_snapshot(issued_on="2027-01-05", issue_place="Đà Nẵng")
    assert "Đà Nẵng, ngày 05 tháng 01 năm 2027" in _text(render_certificate(snapshot))


def test_missing_birth_date_and_result_leave_no_empty_line():
    snapshot = sample_snapshot(participant={"date_of_birth": ""}, result="", legal_basis="")
    text = _text(render_certificate(snapshot))
    assert "Ngày sinh" not in text
    assert "Kết quả" not in text
    assert "Căn cứ" not in text


def test_a_replacement_says_which_certificate_it_replaces():
    snapshot = sample_snapshot(
        kind="replacement",
        title="GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC",
        certificate_number="GDS-2026-5/2027/0042",
        replaces={"certificate_number": "GDS-2026-5/2026/0001", "issued_on": "2026-12-18"},
    )
    pdf = render_certificate(snapshot)
    text = _text(pdf)
    assert "GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC" in text
    assert "Cấp lại thay thế chứng chỉ số hiệu GDS-2026-5/2026/0001 cấp ngày 18/12/2026" in text
    assert _reader(pdf).metadata.title == "Giấy chứng nhận GDS-2026-5/2027/0042"


def test_the_pdf_title_names_the_certificate():
    reader = _reader(render_certificate(sample_snapshot()))
    assert reader.metadata.title == "Chứng chỉ GDS-2026-5/2026/0001"


def test_the_document_stays_vietnamese_whatever_the_staff_language():
    with translation.override("en"):
        html = certificate_html(sample_snapshot())
    assert '<html lang="vi">' in html
    assert "Cấp cho:" in html
    assert "Đã hoàn thành chương trình:" in html


# --- One page, never clipped ---------------------------------------------------------------


def test_a_long_name_and_a_long_issuer_still_fit_on_one_page():
    name = "Công Tằng Tôn Nữ Thị Hoàng Phương Thảo Nguyễn Đặng Lê Minh"  # 60 characters
    name = (name + " Khuê" * 12)[:60].strip()
    issuer = ("Trường Đào tạo, Bồi dưỡng cán bộ quản lý thông tin và truyền thông " * 4)[:255]
    assert len(name) >= 59
    assert len(issuer) == 255
    pdf = render_certificate(
        sample_snapshot(participant={"full_name": name}, issuer_name=issuer.strip())
    )
    reader = _reader(pdf)
    assert len(reader.pages) == 1
    text = _text(pdf)
    assert name in text
    assert " ".join(issuer.upper().split()[:12]) in text
    assert "Trần Văn A" in text  # the signature block is still on the page
    assert "Số hiệu: GDS-2026-5/2026/0001" in text


def _layout(html: str) -> dict[str, tuple[float, float]]:
    """Top and bottom (CSS px) of the frame, the body text and the footer, as laid out."""
    import weasyprint

    document = weasyprint.HTML(
        string=html, base_url=pdf_module.BASE_URL, url_fetcher=safe_url_fetcher
    ).render()
    found = {}
    for box in document.pages[0]._page_box.descendants():
        element = getattr(box, "element", None)
        if element is None or not hasattr(box, "margin_height"):
            continue
        for name in ("certificate", "content", "foot"):
            if name in (element.get("class") or "").split() and name not in found:
                found[name] = (box.position_y, box.position_y + box.margin_height())
    return found


def test_the_longest_allowed_texts_still_fit_on_one_page():
    name = ("Tôn Nữ Thị Hoàng Phương " * 6)[:120].strip()
    long_org = ("Bộ Khoa học và Công nghệ và Sở Thông tin và Truyền thông " * 5)[:255].strip()
    snapshot = sample_snapshot(
        participant={"full_name": name},
        issuer_parent_name=long_org,
        issuer_name=long_org,
        programme={"title": ("Bồi dưỡng kiến thức quản lý nhà nước " * 7)[:255].strip()},
        legal_basis=("Căn cứ Thông tư số 03/2023/TT-BNV ngày 19 tháng 5 năm 2023 " * 3).strip(),
        kind="replacement",
        title="GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC",
        replaces={"certificate_number": "GDS-2026-5/2026/0001", "issued_on": "2026-12-18"},
    )
    pdf = render_certificate(snapshot)
    assert len(_reader(pdf).pages) == 1
    text = _text(pdf)
    assert name in text
    assert "Cấp lại thay thế chứng chỉ số hiệu GDS-2026-5/2026/0001" in text
    assert "Trần Văn A" in text
    # Nothing runs into the signature block, and nothing is cut off at the frame.
    boxes = _layout(certificate_html(snapshot))
    assert boxes["content"][1] <= boxes["foot"][0]
    assert boxes["foot"][1] <= boxes["certificate"][1]


# --- The QR code -----------------------------------------------------------------------------


def _svg_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules drawn by qrcode's SVG path: each "M{x},{y}H..V..H..z" is one square."""
    return {(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)H", svg)}


def test_the_qr_code_encodes_exactly_the_verification_url():
    url = sample_snapshot()["verification_url"]
    html = certificate_html(sample_snapshot())
    svg = qr_svg(url)
    assert svg in html

    expected = qrcode.QRCode(border=2)
    expected.add_data(url)
    expected.make(fit=True)
    matrix = expected.get_matrix()
    dark = {(x, y) for y, row in enumerate(matrix) for x, cell in enumerate(row) if cell}
    assert _svg_modules(svg) == dark

    other = qr_svg(url.replace("ABCD", "ABCE"))
    assert _svg_modules(other) != dark


# --- Hostile text stays text ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        '<img src="file:///etc/passwd">',
        "<style>*{display:none}</style>",
        "Nguyễn Văn http://evil.test/x.png",
        '<link rel="attachment" href="file:///etc/passwd">',
    ],
)
def test_markup_in_a_name_prints_as_text_and_fetches_nothing(name, fetched):
    html = certificate_html(sample_snapshot(participant={"full_name": name}))
    pdf = render_pdf(html)
    assert name in _text(pdf)
    assert _only_assets(fetched)
    assert _reader(pdf).attachments == {}


def test_extra_css_cannot_close_its_style_element_nor_fetch_from_outside(fetched, caplog):
    extra = (
        ".title { color: #003; background: url(http://evil.test/x.png) }"
        "</style><p>INJECTED</p><style>"
        "@import url(file:///etc/passwd);"
    )
    with caplog.at_level(logging.WARNING, logger="courses.pdf"):
        pdf = render_certificate(sample_snapshot(), extra_css=extra)
    text = _text(pdf)
    assert "INJECTED" not in text
    assert "Cấp cho: Nguyễn Thị Thu Hằng" in text
    assert "http://evil.test/x.png" in fetched  # asked for, and refused
    assert _only_assets(u for u in fetched if "evil" not in u and "passwd" not in u)
    assert any("evil.test" in record.getMessage() for record in caplog.records)


def test_extra_css_from_settings_is_applied(settings):
    settings.LMS_CERTIFICATE_EXTRA_CSS = ".title { letter-spacing: 3pt }"
    html = certificate_html(sample_snapshot())
    assert "<style>.title { letter-spacing: 3pt }</style>" in html


def test_the_template_can_be_chosen_in_settings(settings):
    settings.LMS_CERTIFICATE_TEMPLATE = "courses/certificates/no-such-template.html"
    with pytest.raises(TemplateDoesNotExist):
        certificate_html(sample_snapshot())


def test_the_pdf_has_no_attachments():
    assert _reader(render_certificate(sample_snapshot())).attachments == {}


# --- The URL fetcher -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/static/css/site.css",
        "https://example.com/font.ttf",
        "ftp://example.com/x.css",
        "file:///etc/passwd",
        f"file://{ASSETS.parent / 'css' / 'site.css'}",
        "lms-asset:///../../lms/settings/base.py",
        "lms-asset:///fonts/../../../pyproject.toml",
        "lms-asset:///%2e%2e/%2e%2e/pyproject.toml",
        "lms-asset://evil.test/certificate.css",
        "lms-asset:///no-such-file.css",
        "lms-asset:///",
        "data:text/css,body{display:none}",
        "javascript:alert(1)",
        "/etc/passwd",
    ],
)
def test_the_fetcher_refuses_anything_but_certificate_assets(url):
    with pytest.raises(RefusedURL):
        safe_url_fetcher(url)


def test_the_fetcher_refuses_a_symlink_out_of_the_assets(settings, tmp_path):
    assets = tmp_path / "static" / "certificates"
    assets.mkdir(parents=True)
    (assets / "passwd.css").symlink_to("/etc/passwd")
    settings.BASE_DIR = tmp_path
    with pytest.raises(RefusedURL):
        safe_url_fetcher("lms-asset:///passwd.css")


def test_the_fetcher_serves_the_bundled_font_and_stylesheet():
    font = safe_url_fetcher("lms-asset:///fonts/Tinos-Regular.ttf")
    assert font.read(4) == b"\x00\x01\x00\x00"  # TrueType
    css = safe_url_fetcher("lms-asset:///certificate.css")
    assert css.content_type == "text/css"
    assert b"@font-face" in css.read()


def test_the_fetcher_has_no_way_to_the_network():
    assert not pdf_module.safe_url_fetcher.handlers  # no urllib handler: no HTTP, FTP, redirect


# --- Fonts -----------------------------------------------------------------------------------

VIETNAMESE_LETTERS = "ĂÂĐÊÔƠƯăâđêôơư"
VOWELS = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # none, huyền, hỏi, ngã, sắc, nặng


def _every_vietnamese_letter() -> str:
    letters = set(VIETNAMESE_LETTERS)
    for vowel in VOWELS:
        for tone in TONES:
            for case in (vowel, vowel.upper()):
                letters.add(unicodedata.normalize("NFC", case + tone))
    assert all(len(letter) == 1 for letter in letters)  # each has a precomposed code point
    return "".join(sorted(letters))


@pytest.mark.parametrize("font_path", FONTS, ids=lambda path: path.name)
def test_the_bundled_fonts_carry_every_vietnamese_letter_and_tone(font_path):
    cmap = TTFont(font_path).getBestCmap()
    letters = _every_vietnamese_letter()
    assert {"ặ", "ự", "ẫ", "ỹ", "Ỷ", "ờ", "ẳ"} <= set(letters)
    missing = [letter for letter in letters if ord(letter) not in cmap]
    assert missing == []


def test_the_fonts_are_committed_with_their_licence():
    assert {path.name for path in FONTS} >= {
        "Tinos-Regular.ttf",
        "Tinos-Bold.ttf",
        "Tinos-Italic.ttf",
    }
    assert "SIL Open Font License" in (ASSETS / "fonts" / "OFL.txt").read_text()
    assert sum(path.stat().st_size for path in FONTS) < 1_500_000


def test_every_glyph_on_the_page_comes_from_the_bundled_font():
    """No fallback to whatever fonts the machine has: all text is set in our bundled Tinos."""
    reader = _reader(render_certificate(sample_snapshot()))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert names
    # WeasyPrint names an @font-face font after its family; a system font would show its own name.
    assert all("Certificate-Serif" in name for name in names), names
