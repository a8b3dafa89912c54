"""The page audit itself: it must catch what it promises to catch, or every green journey would
mean nothing. Pages come from a tiny static server, not from the site."""

import functools
import http.server
import threading

import pytest

from tests.e2e.audit import PageAudit

pytestmark = pytest.mark.e2e

GOOD = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Trang tốt</title></head>
<body><main><h1>Xin chào</h1><p>Nội dung.</p><a href="bad.html">Trang lỗi</a></main></body></html>
"""
# An image with no text alternative (axe: image-alt, critical), a list holding a div and a
# stray end tag (vnu errors).
BAD = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Trang lỗi</title></head>
<body><main><h1>Lỗi</h1><img src="x.png"><ul><div>sai</div></ul></p></main></body></html>
"""


@pytest.fixture
def static_site(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "good.html").write_text(GOOD, encoding="utf-8")
    (root / "bad.html").write_text(BAD, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_a_valid_accessible_page_passes(page, static_site, tmp_path):
    audit = PageAudit(workdir=tmp_path)
    audit.watch(page)
    page.goto(f"{static_site}/good.html")
    audit.check(page)
    assert audit.problems() == []


def test_inaccessible_invalid_and_unchecked_pages_are_all_reported(page, static_site, tmp_path):
    audit = PageAudit(workdir=tmp_path)
    audit.watch(page)
    page.goto(f"{static_site}/good.html")  # shown, never checked
    page.goto(f"{static_site}/bad.html")
    audit.check(page)

    problems = "\n".join(audit.problems())

    assert "/bad.html: image-alt (critical)" in problems
    assert "/good.html: shown but never checked" in problems
    assert f"{static_site}/bad.html line 3: HTML Element “div” not allowed" in problems
    assert "No “p” element in scope but a “p” end tag seen" in problems
