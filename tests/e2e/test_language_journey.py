"""The language switch, in a real browser: every visible string of the home page turns English,
and switching back restores exactly the Vietnamese page. Text written in the admin (the course's
and the school's names) stays Vietnamese and is marked ``lang="vi"`` so screen readers say it in
the right voice."""

import re

import pytest
from playwright.sync_api import expect

from content.models import SiteIdentity
from tests.content.conftest import make_program

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Letters only Vietnamese uses among the two languages (ă â đ ê ô ơ ư and the tone marks).
VIETNAMESE = re.compile(
    "[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ]"
)

# Each visible text of the page with the language it is declared in (the nearest lang).
VISIBLE_TEXTS = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    const element = node.parentElement;
    if (!text || !element || !element.checkVisibility({visibilityProperty: true})) continue;
    texts.push([element.closest("[lang]").getAttribute("lang"), text]);
  }
  return texts;
}"""


def test_the_home_page_turns_english_and_back(page, live_server, csp_watch, audit):
    identity = SiteIdentity.load()
    identity.course_name = "Bồi dưỡng Giám đốc Sở Thông tin và Truyền thông"
    identity.school_name = "Trường Đào tạo, bồi dưỡng cán bộ"
    identity.save()
    make_program(2)
    page.set_viewport_size({"width": 1280, "height": 900})  # the whole menu in view

    page.goto(live_server.url + "/")
    audit.check(page)
    vietnamese = page.evaluate(VISIBLE_TEXTS)
    assert ["vi", "Đăng nhập để học"] in vietnamese

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    audit.check(page, shot="trang-chu-tieng-anh")
    english = page.evaluate(VISIBLE_TEXTS)

    interface = [text for lang, text in english if lang == "en"]
    assert [text for text in interface if VIETNAMESE.search(text)] == []
    assert {"Online learning", "Home", "Sign in", "Sign up", "English"} <= set(interface)
    # What the school wrote stays as written, declared Vietnamese; the "Tiếng Việt" button too.
    admin_written = {text for lang, text in english if lang == "vi"}
    assert identity.course_name in admin_written
    assert "Tiếng Việt" in admin_written
    assert page.get_by_role("button", name="English").get_attribute("aria-pressed") == "true"

    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    audit.check(page)
    assert page.evaluate(VISIBLE_TEXTS) == vietnamese
    assert csp_watch() == []
