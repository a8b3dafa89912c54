"""From final report to a verified certificate, in a real browser at 360 px: the participant
hands in the report, the instructor grades it, school staff issue the cohort's certificates, the
participant downloads the PDF, and a stranger verifies the code printed on it."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from courses.models import Certificate
from tests import factories
from tests.content.conftest import make_program
from tests.courses.attendance_helpers import session, teacher
from tests.courses.certificate_helpers import roll_call
from tests.courses.report_helpers import assignment, pdf
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_report_grade_issue_download_and_verify(
    page, browser, live_server, csp_watch, audit, tmp_path
):
    cohort = factories.cohort(make_program(13), field_study_required=False)
    instructor = teacher(cohort, factories.instructor(last_name="Lê Thị Thu", first_name="Hương"))
    lesson = session(
        cohort, starts_at=timezone.now() - dt.timedelta(days=1), instructors=[instructor]
    )
    hang = factories.enrollment(
        cohort, factories.UserFactory(last_name="Nguyễn Thị Thu", first_name="Hằng")
    )
    roll_call([lesson], [hang])
    assignment(cohort, deadline=timezone.now() + dt.timedelta(days=3))
    staff = factories.school_staff()
    base = live_server.url

    # The participant hands in the final report from a phone.
    sign_in(page, base, hang.user.email, PASSWORD, audit=audit)
    page.goto(f"{base}/lop/{cohort.code}/bao-cao/")
    audit.check(page)
    page.get_by_label("Tên báo cáo").fill("Chuyển đổi số cấp xã")
    report = tmp_path / "bao-cao.pdf"
    report.write_bytes(pdf())
    page.get_by_label("Tệp báo cáo").set_input_files(str(report))
    page.get_by_role("button", name="Nộp báo cáo").click()
    expect(page.get_by_text("Chuyển đổi số cấp xã").first).to_be_visible()
    audit.check(page, shot="hoc-vien-nop-bao-cao")
    page.context.clear_cookies()

    # The instructor grades it.
    sign_in(page, base, instructor.email, PASSWORD, audit=audit)
    page.goto(f"{base}/lop/{cohort.code}/bao-cao/cham/")
    audit.check(page, shot="giang-vien-danh-sach-bao-cao")
    page.get_by_role("link", name="Chấm — Nguyễn Thị Thu Hằng").click()
    audit.check(page)
    page.get_by_label("Điểm (thang 10)").fill("8,5")
    page.get_by_role("button", name="Lưu điểm").click()
    expect(page.get_by_text("8,5").first).to_be_visible()
    audit.check(page)
    page.context.clear_cookies()

    # School staff see her eligible and issue the cohort's certificates.
    sign_in(page, base, staff.email, PASSWORD, audit=audit)
    page.goto(f"{base}/nha-truong/lop/{cohort.code}/chung-chi/")
    expect(page.get_by_text("Đủ điều kiện").first).to_be_visible()
    audit.check(page)
    page.get_by_label("Số quyết định").fill("215/QĐ-TĐT")
    page.get_by_role("button", name="Cấp chứng chỉ").click()
    expect(page.get_by_text("Đã xong")).to_be_visible()
    certificate = Certificate.objects.get(enrollment=hang)
    expect(page.get_by_role("link", name=certificate.certificate_number)).to_be_visible()
    audit.check(page, shot="nha-truong-cap-chung-chi")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.context.clear_cookies()

    # The participant downloads the PDF from her page.
    sign_in(page, base, hang.user.email, PASSWORD, audit=audit)
    page.goto(f"{base}/chung-chi/")
    audit.check(page, shot="hoc-vien-chung-chi")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải chứng chỉ (PDF)").click()
    downloaded = tmp_path / "chung-chi.pdf"
    download.value.save_as(downloaded)
    text = PdfReader(io.BytesIO(downloaded.read_bytes())).pages[0].extract_text()
    assert "Nguyễn Thị Thu Hằng" in text
    assert certificate.certificate_number in text
    printed_code = certificate.display_code
    # The code may wrap at one of its hyphens on the printed page; the extracted text then
    # holds a line break there.
    assert printed_code in "".join(text.split())
    assert csp_watch() == []

    # Anyone: a stranger types the printed code, carelessly, and sees the certificate is valid.
    stranger = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    visitor = audit.watch(stranger.new_page())
    visitor.goto(f"{base}/verify/")
    audit.check(visitor)
    visitor.get_by_label("Mã xác minh").fill(printed_code.lower().replace("-", " "))
    visitor.get_by_label("Mã xác minh").press("Enter")
    expect(visitor.get_by_text("Còn hiệu lực")).to_be_visible()
    expect(visitor.get_by_text("Nguyễn Thị Thu Hằng")).to_be_visible()
    audit.check(visitor, shot="xac-minh-chung-chi")

    # The personnel office received the PDF itself: it uploads the file and every check holds.
    visitor.goto(f"{base}/verify/")
    visitor.get_by_label("Tệp chứng chỉ (PDF) hoặc chứng nhận số (.jwt)").set_input_files(
        str(downloaded)
    )
    visitor.get_by_role("button", name="Kiểm tra tệp").click()
    expect(visitor.get_by_text("Hợp lệ", exact=True)).to_be_visible()
    expect(visitor.get_by_text("Tệp không bị thay đổi gì sau khi ký.")).to_be_visible()
    expect(
        visitor.get_by_text("Chứng chỉ chưa bị thu hồi (theo danh sách công bố).")
    ).to_be_visible()
    audit.check(visitor, shot="kiem-tra-tep-chung-chi")
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 360
    stranger.close()
