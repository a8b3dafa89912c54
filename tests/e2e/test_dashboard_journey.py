"""The homes of each role in a real browser at 360 px: a participant follows their learning, marks
a module studied with the keyboard, reads the light page and clears their notifications; an
instructor finds today's session; school staff read the attendance chart and who is at risk.
Every page is checked by axe-core and the Nu Html Checker (and photographed for the guides)."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Notification, StudyMark
from courses.services.notifications import notify_application_approved
from tests import factories
from tests.content.conftest import make_program
from tests.courses.attendance_helpers import session, teacher
from tests.courses.certificate_helpers import roll_call
from tests.courses.dashboard_helpers import known_class, running_cohort
from tests.courses.progress_helpers import module_of
from tests.courses.report_helpers import person
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fits_a_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def open_menu(page):
    """At 360 px the header's links sit behind "Danh mục" (site.js); without it, they show."""
    toggle = page.get_by_role("button", name="Danh mục")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def test_a_participant_follows_their_learning_and_clears_notifications(
    page, live_server, csp_watch, audit
):
    program = make_program(3, with_extras=False)
    cohort = running_cohort(program, code="GDS-HT")
    an = person(cohort, "Nguyễn Văn", "An")
    now = timezone.now()
    roll_call([session(cohort, starts_at=now - dt.timedelta(days=1), periods=4)], [an])
    next_session = session(cohort, starts_at=now + dt.timedelta(days=2), periods=4)
    next_session.place = "Hội trường A, 54 Nguyễn Chí Thanh"
    next_session.save()
    module = module_of(program, 1)
    notify_application_approved(an)  # what the school's approval tells the participant

    sign_in(page, live_server.url, an.user.email, PASSWORD, next_url="/hoc-tap/", audit=audit)
    expect(page.get_by_role("heading", name="Học tập của tôi", level=1)).to_be_visible()
    panel = page.locator(f"#home-{cohort.pk}").locator("xpath=..")
    expect(panel.locator(".session-list")).to_contain_text("Hội trường A, 54 Nguyễn Chí Thanh")
    chart = panel.locator("svg[role=img]")
    expect(chart.locator(":scope > title")).to_have_text(f"Số tiết đã dự theo loại — {cohort.code}")
    expect(chart).to_be_visible()
    expect(panel).to_contain_text("Đã học xong 0/3 chuyên đề.")
    assert fits_a_phone(page)
    audit.check(page, shot="hoc-tap-cua-toi")

    # The module, marked studied with the keyboard alone.
    panel.get_by_role("link", name="1. Chuyên đề số 1").click()
    audit.check(page)
    page.get_by_role("button", name="Đánh dấu đã học").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Bạn đã đánh dấu chuyên đề này là đã học.")).to_be_visible()
    expect(page.get_by_role("button", name="Bỏ đánh dấu đã học")).to_be_visible()
    audit.check(page)
    assert StudyMark.objects.filter(user=an.user, page=module).exists()

    # The light page for a slow line.
    page.get_by_role("link", name="Đọc cả chuyên đề trên một trang nhẹ").click()
    expect(page.get_by_role("heading", name="Chuyên đề số 1", level=1)).to_be_visible()
    expect(page.get_by_text("Nội dung bí mật 1")).to_be_visible()
    assert fits_a_phone(page)
    audit.check(page, shot="ban-in-chuyen-de")

    # Back home: the module counts as studied.
    open_menu(page)
    page.get_by_role("link", name="Học tập của tôi").click()
    audit.check(page)
    expect(panel).to_contain_text("Đã học xong 1/3 chuyên đề.")
    expect(panel.locator(".module-progress li").first).to_contain_text("Đã học xong chuyên đề")

    # The header says one notification is unread; read it, then clear the list.
    open_menu(page)
    assert fits_a_phone(page)
    bell = page.get_by_role("link", name=re.compile(r"^Thông báo"))
    expect(bell).to_have_text(re.compile(r"^Thông báo \(1\s*chưa đọc\)$"))
    bell.click()
    expect(page.get_by_role("heading", name="Thông báo", level=1)).to_be_visible()
    item = page.locator(".thread-row--unread")
    expect(item).to_contain_text(f"Hồ sơ của anh/chị đã được duyệt: {cohort.name}")
    expect(item).to_contain_text("Chưa đọc")
    assert fits_a_phone(page)
    audit.check(page, shot="thong-bao")
    page.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
    expect(page.get_by_text("Đã đánh dấu mọi thông báo là đã đọc.")).to_be_visible()
    expect(page.locator(".thread-row--unread")).to_have_count(0)
    open_menu(page)
    header_link = page.locator(".site-header").get_by_role("link", name="Thông báo", exact=True)
    expect(header_link).to_have_text("Thông báo")
    audit.check(page)
    assert not Notification.objects.filter(recipient=an.user, read_at__isnull=True).exists()

    page.get_by_role("link", name="Cách nhận thông báo qua email").click()
    expect(page.get_by_role("group", name="Kết quả xét đơn và ghi danh")).to_be_visible()
    audit.check(page, shot="thong-bao-tuy-chon")
    assert fits_a_phone(page)
    assert csp_watch() == []


def test_an_instructor_and_the_school_see_their_homes(page, browser, live_server, audit):
    program = make_program(3, with_extras=False)
    cohort, people = known_class(program)
    instructor = teacher(cohort, factories.instructor(last_name="Lê Thị Thu", first_name="Hương"))
    today = session(cohort, instructors=[instructor])  # began five minutes ago
    today.title = "Chuyển đổi số cấp tỉnh"
    today.save()
    roll_call([today], people.values())  # all present: Cường stays past the absence limit

    sign_in(page, live_server.url, instructor.email, PASSWORD, audit=audit)
    open_menu(page)
    assert fits_a_phone(page)  # the open menu, with "Thông báo" and "Giảng dạy"
    page.get_by_role("link", name="Giảng dạy").click()
    expect(page.get_by_role("heading", name="Giảng dạy", level=1)).to_be_visible()
    today_list = page.get_by_role("region", name="Buổi học hôm nay")
    expect(today_list).to_contain_text("Chuyển đổi số cấp tỉnh")
    expect(
        today_list.get_by_role("link", name="Mở điểm danh — Chuyển đổi số cấp tỉnh")
    ).to_be_visible()
    assert fits_a_phone(page)
    audit.check(page, shot="giang-day")

    # The school's own phone.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    staff = audit.watch(phone.new_page())
    officer = factories.school_staff(last_name="Phạm Thị", first_name="Mai")
    sign_in(staff, live_server.url, officer.email, PASSWORD, "/nha-truong/tong-quan/", audit)
    expect(staff.get_by_role("heading", name="Tổng quan các lớp")).to_be_visible()
    chart = staff.locator("svg[role=img]").first
    expect(chart.locator(":scope > title")).to_have_text("Tỷ lệ học viên dự từng buổi đã học")
    expect(chart).to_be_visible()
    assert fits_a_phone(staff)
    audit.check(staff, shot="nha-truong-tong-quan")

    staff.get_by_role("link", name="Học viên có nguy cơ", exact=True).first.click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(
        "Học viên có nguy cơ không đủ điều kiện"
    )
    name = people["cuong"].user.full_name  # absent twice: 8 periods missed, past the limit
    cuong = staff.locator(".attention-list li", has_text=name)
    expect(cuong).to_contain_text("quá giới hạn")
    expect(cuong.get_by_role("link", name=f"Xem chuyên cần — {name}")).to_be_visible()
    assert fits_a_phone(staff)
    audit.check(staff, shot="nha-truong-nguy-co")
    # The header with every staff link, open on the phone and laid out on a tablet.
    open_menu(staff)
    expect(staff.get_by_role("link", name="Thông báo", exact=True)).to_be_visible()
    assert fits_a_phone(staff)
    staff.set_viewport_size({"width": 768, "height": 1024})
    expect(staff.get_by_role("button", name="Danh mục")).to_be_hidden()
    assert staff.evaluate("document.documentElement.scrollWidth") <= 768
    phone.close()
