"""The Wagtail admin works under the site's Content-Security-Policy, in a real browser."""

import pytest
from playwright.sync_api import expect

from content.models import HomePage
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, school_staff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_admin_dashboard_and_page_editor_work_without_csp_violations(page, live_server, csp_watch):
    staff = school_staff()
    home = HomePage.objects.get()
    page.set_viewport_size({"width": 1280, "height": 900})

    sign_in(page, live_server.url, staff.email, PASSWORD, next_url="/admin/")
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.locator("body")).to_contain_text("Trang")

    page.goto(f"{live_server.url}/admin/pages/{home.pk}/edit/")
    title = page.locator("#id_title")
    expect(title).to_be_visible()
    title.fill("Trang chủ khóa học")
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator(".messages")).to_contain_text("Trang chủ khóa học")
    home.refresh_from_db()
    assert home.draft_title == "Trang chủ khóa học"

    page.goto(f"{live_server.url}/admin/images/")
    page.goto(f"{live_server.url}/admin/pages/")
    expect(page.locator("body")).to_contain_text("Trang chủ")
    assert csp_watch() == []


def test_public_home_page_has_no_csp_violations(page, live_server, csp_watch, audit):
    page.goto(live_server.url + "/")
    audit.check(page, shot="trang-chu")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # On a 360 px phone the menu collapses behind a button that opens it.
    toggle = page.get_by_role("button", name="Danh mục")
    expect(toggle).to_be_visible()
    expect(page.get_by_role("link", name="Đăng nhập", exact=True)).to_be_hidden()
    toggle.click()
    expect(page.get_by_role("link", name="Đăng nhập", exact=True)).to_be_visible()
    assert csp_watch() == []
