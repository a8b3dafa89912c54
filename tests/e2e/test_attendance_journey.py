"""Attendance in a real browser at 360 px: the instructor opens check-in, a participant types the
code on their own phone and is marked present, the instructor marks a classmate absent in the
roll call. Both phones are Chromium contexts of their own (separate sessions and cookies)."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import AttendanceChange, AttendanceRecord
from courses.services import attendance
from tests import factories
from tests.content.conftest import make_program
from tests.courses.attendance_helpers import session, teacher
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_check_in_by_code_then_a_correction_in_the_roll_call(
    page, browser, live_server, csp_watch, audit
):
    cohort = factories.cohort(make_program(13))
    instructor = teacher(cohort, factories.instructor(last_name="Lê Thị Thu", first_name="Hương"))
    lesson = session(cohort, instructors=[instructor])
    an = factories.enrollment(
        cohort, factories.UserFactory(last_name="Nguyễn Văn", first_name="An")
    )
    binh = factories.enrollment(
        cohort, factories.UserFactory(last_name="Trần Thị", first_name="Bình")
    )

    # The instructor's phone: open self check-in and read the code off the screen.
    sign_in(page, live_server.url, instructor.email, PASSWORD, audit=audit)
    page.goto(f"{live_server.url}/diem-danh/buoi/{lesson.pk}/tu-diem-danh/")
    audit.check(page)
    page.get_by_role("button", name="Mở tự điểm danh").click()
    audit.check(page, shot="giang-vien-mo-tu-diem-danh")
    digits = page.locator("[data-code]")
    expect(digits).to_have_text(re.compile(r"^\d{3} \d{3}$"))
    code = digits.inner_text().replace(" ", "")

    # A participant's phone: a context of its own, 360 px wide.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    participant = audit.watch(phone.new_page())
    sign_in(participant, live_server.url, an.user.email, PASSWORD, audit=audit)
    participant.goto(f"{live_server.url}/diem-danh/vao-lop/")
    audit.check(participant, shot="hoc-vien-nhap-ma-diem-danh")
    participant.get_by_label("Mã điểm danh (6 chữ số trên màn hình của giảng viên)").fill(code)
    participant.get_by_role("button", name="Điểm danh", exact=True).click()
    expect(participant.get_by_text("Đã điểm danh: Có mặt")).to_be_visible()
    audit.check(participant)
    assert participant.evaluate("document.documentElement.scrollWidth") <= 360
    phone.close()

    # Back on the instructor's phone: An arrived by check-in; mark Bình absent and save.
    page.goto(f"{live_server.url}/diem-danh/buoi/{lesson.pk}/")
    audit.check(page)
    an_row = page.locator(f"#hv-{an.pk}")
    expect(an_row.get_by_label("Có mặt")).to_be_checked()
    page.locator(f"#hv-{binh.pk}").get_by_label("Vắng", exact=True).check()
    page.get_by_role("button", name="Lưu điểm danh").click()
    expect(page.get_by_text("Đã lưu điểm danh")).to_be_visible()
    audit.check(page, shot="giang-vien-diem-danh")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert csp_watch() == []

    statuses = dict(
        AttendanceRecord.objects.filter(session=lesson).values_list("enrollment_id", "status")
    )
    assert statuses == {an.pk: "present", binh.pk: "absent"}
    assert AttendanceRecord.objects.get(enrollment=an).method == "self_check_in"
    assert AttendanceChange.objects.filter(record__session=lesson).count() == 2


def test_check_in_with_the_keyboard_alone(page, live_server, audit):
    """A participant who cannot use a pointer: skip link, Tab to the code field, type, Enter."""
    cohort = factories.cohort(make_program(13))
    instructor = teacher(cohort, factories.instructor())
    lesson = session(cohort, instructors=[instructor])
    an = factories.enrollment(
        cohort, factories.UserFactory(last_name="Nguyễn Văn", first_name="An")
    )
    window = attendance.open_check_in(instructor, lesson)
    code = attendance.current_code(window).code

    sign_in(page, live_server.url, an.user.email, PASSWORD, audit=audit)
    page.goto(f"{live_server.url}/diem-danh/vao-lop/")
    audit.check(page)

    page.keyboard.press("Tab")
    assert focused(page) == "A Bỏ qua, đến nội dung chính"
    page.keyboard.press("Enter")  # the skip link: the next Tab lands inside the main content
    page.keyboard.press("Tab")
    assert focused(page) == "INPUT check-in-code"
    page.keyboard.type(code)
    page.keyboard.press("Tab")
    assert focused(page) == "BUTTON Điểm danh"
    page.keyboard.press("Enter")

    expect(page.get_by_text("Đã điểm danh: Có mặt")).to_be_visible()
    audit.check(page)
    record = AttendanceRecord.objects.get(session=lesson, enrollment=an)
    assert (record.status, record.method) == ("present", "self_check_in")


def focused(page):
    """The focused element as "TAG id-or-text", to assert where the keyboard is."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e.tagName + ' ' + (e.id || e.textContent.trim()); }"
    )
