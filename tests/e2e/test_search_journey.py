"""Search from the header on a phone: the menu opens, the words go in without tones, the results
page shows the module first with the match highlighted, and it is accessible and valid."""

import pytest
from playwright.sync_api import expect

from content.models import ModulePage
from tests import factories
from tests.content.conftest import make_program
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_search_from_the_header_without_tones(page, live_server, csp_watch, audit):
    program = make_program(3, with_extras=False)
    module = ModulePage.objects.child_of(program).get(number=2)
    module.title = "Chuyển đổi số"
    module.body = [{"type": "paragraph", "value": "<p>Đô thị thông minh cần dữ liệu mở.</p>"}]
    module.save_revision().publish()
    member = factories.enrollment(factories.cohort(program), factories.UserFactory()).user

    sign_in(page, live_server.url, member.email, PASSWORD, audit=audit)
    page.get_by_role("button", name="Danh mục").click()
    box = page.get_by_role("searchbox", name="Tìm kiếm")
    box.fill("do thi thong minh")
    box.press("Enter")

    expect(page.get_by_role("heading", name="1 kết quả")).to_be_visible()
    result = page.locator(".search-result").first
    expect(result.get_by_role("link", name="Chuyển đổi số")).to_be_visible()
    expect(result.locator("mark")).to_have_text("Đô thị thông minh")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    audit.check(page, shot="tim-kiem")
    assert csp_watch() == []
