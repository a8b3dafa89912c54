"""From visitor to enrolled participant, in a real browser at 360 px: a visitor reads the
programme and a module, signs up, confirms the address from the verification e-mail, fills in
the profile of the application form and applies to an open cohort; school staff, on a phone of
their own, approve the application; the participant then finds the class in "Học tập của tôi".

The live server runs in the test's process, so the e-mails it sends land in the same
``django.core.mail.outbox`` the test reads."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from courses.models import Enrollment, EnrollmentChange, ParticipantProfile
from tests import factories
from tests.content.conftest import make_program
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EMAIL = "dao.nguyen@so-khcn.lms.test"
NEW_PASSWORD = "Chuyen-doi-so-2026"


def test_signup_verify_apply_and_approval(page, browser, live_server, csp_watch, audit):
    program = make_program(13)
    cohort = factories.cohort(program, name="Lớp bồi dưỡng Giám đốc Sở khóa 1")
    staff = factories.school_staff(last_name="Phạm Minh", first_name="Tuấn")
    base = live_server.url
    mail.outbox.clear()

    # A visitor reads the programme and a module from the home page; the material is locked.
    page.goto(f"{base}/")
    audit.check(page)
    page.get_by_role("link", name="Xem chương trình học").click()
    expect(page.get_by_role("heading", name="Chương trình thử", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Phân bổ số tiết theo chuyên đề")).to_be_visible()
    audit.check(page, shot="chuong-trinh-hoc")
    page.get_by_role("link", name="Chuyên đề số 1", exact=True).click()
    expect(page.get_by_role("heading", name="Chuyên đề số 1", level=1)).to_be_visible()
    expect(page.get_by_text("Tài liệu học tập dành cho học viên của khóa")).to_be_visible()
    expect(page.get_by_text("Nội dung bí mật 1")).to_have_count(0)
    audit.check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Sign up with a name, an address and a password.
    page.get_by_role("link", name="Đăng ký tài khoản").click()
    audit.check(page)
    page.get_by_label("Họ và tên đệm").fill("Nguyễn Thị")
    page.get_by_label("Tên:", exact=True).fill("Đào")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Mật khẩu:", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Mật khẩu (nhập lại):", exact=True).fill(NEW_PASSWORD)
    audit.check(page, shot="dang-ky-tai-khoan")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.get_by_text(EMAIL).first).to_be_visible()
    audit.check(page)

    # The verification e-mail: open the link in it and confirm.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    assert link.startswith(base)
    page.goto(link)
    audit.check(page)
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text(f"Bạn đã xác nhận {EMAIL}.")).to_be_visible()
    expect(page.get_by_text("Đăng nhập thành công với tên Nguyễn Thị Đào.")).to_be_visible()
    expect(page.get_by_text("Xin chào Đào.")).to_be_visible()
    audit.check(page)

    # The cohorts open for applications; apply, filling in the profile.
    page.goto(f"{base}/khoa-hoc/")
    audit.check(page)
    page.get_by_role("link", name=f"Nộp đơn vào lớp {cohort.name}").click()
    expect(page.get_by_role("heading", name="Nộp đơn vào lớp")).to_be_visible()
    audit.check(page)
    expect(page.get_by_label("Họ và tên đệm")).to_have_value("Nguyễn Thị")
    expect(page.get_by_label("Tên:", exact=True)).to_have_value("Đào")
    page.get_by_label("Ngày sinh").fill("1976-09-02")
    page.get_by_label("Cơ quan, đơn vị").fill("Sở Khoa học và Công nghệ tỉnh Tuyên Quang")
    page.get_by_label("Chức vụ").fill("Giám đốc")
    page.get_by_label("Tỉnh, thành phố").select_option(label="Tuyên Quang")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Vấn đề của Sở mà anh/chị muốn mang đến lớp").fill(
        "Số hóa hồ sơ thủ tục hành chính của Sở."
    )
    audit.check(page, shot="nop-don-vao-lop")
    page.get_by_role("button", name="Nộp đơn").click()
    expect(page.get_by_text(f"Đã nộp đơn vào {cohort.name}")).to_be_visible()
    expect(page.get_by_text("Đã nộp đơn", exact=True)).to_be_visible()
    audit.check(page)

    # School staff, on a phone of their own, approve the application.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    office = audit.watch(phone.new_page())
    sign_in(office, base, staff.email, PASSWORD, audit=audit)
    office.goto(f"{base}/nha-truong/lop/{cohort.code}/ghi-danh/")
    row = office.get_by_role("row").filter(has_text="Nguyễn Thị Đào")
    expect(row).to_contain_text("Đã nộp đơn")
    expect(row).to_contain_text("Giám đốc, Sở Khoa học và Công nghệ tỉnh Tuyên Quang")
    audit.check(office)
    office.get_by_label("Chọn Nguyễn Thị Đào").check()
    office.get_by_label("Duyệt").check()
    audit.check(office, shot="nha-truong-duyet-don")
    office.get_by_role("button", name="Thực hiện").click()
    expect(office.get_by_text("Đã cập nhật 1 hồ sơ.")).to_be_visible()
    expect(row).to_contain_text("Đã ghi danh")
    audit.check(office)
    assert office.evaluate("document.documentElement.scrollWidth") <= 360
    phone.close()

    # The participant finds the class among her courses.
    page.goto(f"{base}/hoc-tap/")
    expect(page.get_by_role("link", name=cohort.name).first).to_be_visible()  # panel and card
    expect(page.get_by_text("Đã ghi danh", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Vào học các chuyên đề")).to_be_visible()
    audit.check(page, shot="hoc-vien-khoa-hoc-cua-toi")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert csp_watch() == []

    user = get_user_model().objects.get(email=EMAIL)
    assert user.full_name == "Nguyễn Thị Đào"
    assert str(user.date_of_birth) == "1976-09-02"
    assert EmailAddress.objects.get(user=user).verified
    profile = ParticipantProfile.objects.get(user=user)
    assert (profile.position, profile.province.name) == ("Giám đốc", "Tuyên Quang")
    enrollment = Enrollment.objects.get(user=user, cohort=cohort)
    assert (enrollment.status, enrollment.role) == ("approved", "participant")
    assert enrollment.organisation_name == "Sở Khoa học và Công nghệ tỉnh Tuyên Quang"
    history = list(
        EnrollmentChange.objects.filter(enrollment=enrollment).values_list(
            "old_status", "new_status", "changed_by"
        )
    )
    assert history == [("", "applied", user.pk), ("applied", "approved", staff.pk)]
    assert [m.to for m in mail.outbox[1:]] == [[EMAIL]]  # the approval notice
