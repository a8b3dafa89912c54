"""The register of issued certificates (sổ cấp chứng chỉ) and its XLSX export: school staff only,
everything issued in issue order with its state, the printed values, access logged, and a fixed
number of queries whatever its size."""

import datetime as dt
import io
import logging

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.services.certificates import replace_certificate, revoke_certificate
from tests import factories
from tests.courses.attendance_helpers import teacher
from tests.courses.certificate_helpers import (
    eligible_participant,
    issue_for,
    use_fake_renderer,
    use_signing_key,
)

pytestmark = pytest.mark.django_db

REGISTER = "courses:certificate_register"
EXPORT = "courses:certificate_register_export"
HEADERS = [
    "STT",
    "Số vào sổ",
    "Số hiệu",
    "Họ và tên",
    "Ngày sinh",
    "Chương trình",
    "Từ ngày",
    "Đến ngày",
    "Kết quả",
    "Số quyết định",
    "Ngày cấp",
    "Trạng thái",
    "Ghi chú",
]


@pytest.fixture(autouse=True)
def _issuing(monkeypatch, settings, tmp_path):
    use_fake_renderer(monkeypatch)
    use_signing_key(settings, tmp_path)


def small(cohort):
    cohort.field_study_required = False
    cohort.save()
    return cohort


@pytest.fixture
def book(cohort, school_staff):
    """Four certificates of one cohort: An's valid, Bình's revoked, Cường's replaced by a fourth
    (a replacement, valid). Returns (An, Bình, Cường, replacement, revocation)."""
    small(cohort)
    today = timezone.localdate()
    an = issue_for(
        eligible_participant(cohort, "Nguyễn Văn", "An", date_of_birth=dt.date(1975, 2, 5)),
        school_staff,
    )
    binh = issue_for(eligible_participant(cohort, "Lê Thị", "Bình"), school_staff)
    cuong = issue_for(eligible_participant(cohort, "Trần Văn", "Cường"), school_staff)
    revocation = revoke_certificate(
        binh,
        actor=school_staff,
        decision_number="45/QĐ-TĐT",
        decision_date=today,
        reason="Cấp nhầm người",
    )
    newer = replace_certificate(
        cuong,
        actor=school_staff,
        decision_number="46/QĐ-TĐT",
        decision_date=today,
        issued_on=today,
        reason="Mất bản gốc",
    )
    return an, binh, cuong, newer, revocation


def vn(value) -> str:
    return value.strftime("%d/%m/%Y")


# --- Who may see it ----------------------------------------------------------------------------


def test_only_school_staff_see_the_register(client, cohort, participant, instructor):
    factories.enrollment(cohort, participant)
    teacher(cohort, instructor)
    for url in (reverse(REGISTER), reverse(EXPORT)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
        for user in (participant, instructor):
            client.force_login(user)
            assert client.get(url).status_code == 403
            client.logout()


# --- The page ----------------------------------------------------------------------------------


def test_the_register_lists_everything_issued_in_issue_order_with_its_state(vi, school_staff, book):
    an, binh, cuong, newer, revocation = book
    vi.force_login(school_staff)
    response = vi.get(reverse(REGISTER))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    links = [
        f'{reverse("courses:staff_certificate", args=[c.pk])}">{c.certificate_number}</a>'
        for c in (an, binh, cuong, newer)
    ]
    positions = [html.index(link) for link in links]
    assert positions == sorted(positions)
    assert "Nguyễn Văn An" in html
    assert "05/02/1975" in html
    assert an.register_number in html
    assert "123/QĐ-TĐT" in html
    assert f"Đã thu hồi ngày {vn(revocation.decision_date)}" in html
    assert f"Đã cấp lại → {newer.certificate_number}" in html
    assert f"Giấy chứng nhận cấp lại (thay thế {cuong.certificate_number})" in html
    assert html.count("Còn hiệu lực") == 2  # An's and the replacement
    assert reverse("courses:staff_certificate", args=[binh.pk]) in html
    assert "4 chứng chỉ" in html


def test_the_register_shows_the_printed_values_not_todays(vi, school_staff, book):
    an = book[0]
    an.enrollment.user.last_name = "Phạm Văn"
    an.enrollment.user.save()
    vi.force_login(school_staff)
    html = vi.get(reverse(REGISTER)).content.decode()
    assert "Nguyễn Văn An" in html
    assert "Phạm Văn An" not in html


def test_the_register_filters_by_cohort_and_year(vi, school_staff, book, program):
    other = small(factories.cohort(program))
    elsewhere = issue_for(eligible_participant(other, "Vũ Thị", "Hà"), school_staff)
    vi.force_login(school_staff)

    everything = vi.get(reverse(REGISTER)).content.decode()
    assert elsewhere.certificate_number in everything
    assert book[0].certificate_number in everything
    assert f'<option value="{other.code}">' in everything

    one_cohort = vi.get(reverse(REGISTER), {"lop": other.code}).content.decode()
    assert elsewhere.certificate_number in one_cohort
    assert book[0].certificate_number not in one_cohort
    assert "1 chứng chỉ" in one_cohort
    assert f"?lop={other.code}" in one_cohort  # the export keeps the filter

    year = timezone.localdate().year
    this_year = vi.get(reverse(REGISTER), {"nam": year}).content.decode()
    assert "5 chứng chỉ" in this_year
    assert vi.get(reverse(REGISTER), {"nam": year - 5}).status_code == 400
    assert vi.get(reverse(REGISTER), {"lop": "KHONG-CO"}).status_code == 400


def test_viewing_and_exporting_the_register_is_logged(vi, school_staff, book, caplog, cohort):
    vi.force_login(school_staff)
    year = timezone.localdate().year
    with caplog.at_level(logging.INFO, logger="courses.certificates"):
        vi.get(reverse(REGISTER), {"lop": cohort.code})
        vi.get(reverse(EXPORT), {"nam": year})
    messages = [r.getMessage() for r in caplog.records if r.name == "courses.certificates"]
    assert any(
        "viewed" in m and f"user {school_staff.pk}" in m and f"cohort={cohort.code}" in m
        for m in messages
    )
    assert any(
        "exported" in m and f"user {school_staff.pk}" in m and f"year={year}" in m for m in messages
    )


def _register_queries(client, staff, cohort, size) -> int:
    for index in range(size):
        issue_for(eligible_participant(cohort, "Nguyễn Văn", f"Người{index}"), staff)
    client.force_login(staff)
    client.get(reverse(REGISTER))  # warm-up (sessions, content types, site settings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(REGISTER))
    assert response.status_code == 200
    assert f"{size} chứng chỉ" in response.content.decode()
    return len(queries)


def test_the_register_runs_the_same_queries_for_2_and_8_certificates(client, school_staff, program):
    two = _register_queries(client, school_staff, small(factories.cohort(program)), 2)
    # A fresh set of eight in a second cohort; the register then holds 10, the filter 8.
    eight_cohort = small(factories.cohort(program))
    for index in range(8):
        issue_for(eligible_participant(eight_cohort, "Lê Thị", f"Người{index}"), school_staff)
    client.get(reverse(REGISTER), {"lop": eight_cohort.code})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(REGISTER), {"lop": eight_cohort.code})
    assert "8 chứng chỉ" in response.content.decode()
    with CaptureQueriesContext(connection) as all_queries:
        everything = client.get(reverse(REGISTER))
    assert "10 chứng chỉ" in everything.content.decode()
    assert len(all_queries) == two
    assert len(queries) == two


# --- The export --------------------------------------------------------------------------------


def _sheet(response):
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return workbook.active


def test_the_export_has_the_registers_columns_rows_and_dates(vi, school_staff, book):
    an, binh, cuong, newer, revocation = book
    vi.force_login(school_staff)
    response = vi.get(reverse(EXPORT))
    assert response["Cache-Control"] == "private, no-store"
    assert "so-cap-chung-chi" in response["Content-Disposition"]
    sheet = _sheet(response)
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert sheet.freeze_panes == "A2"
    body = rows[1:]
    assert [row[0] for row in body] == [1, 2, 3, 4]
    assert [row[2] for row in body] == [c.certificate_number for c in (an, binh, cuong, newer)]
    assert body[0][3] == "Nguyễn Văn An"
    # Dates are real dates shown dd/mm/yyyy.
    assert isinstance(body[0][4], dt.datetime)
    assert body[0][4].date() == dt.date(1975, 2, 5)
    assert isinstance(body[0][6], dt.datetime)
    assert isinstance(body[0][10], dt.datetime)
    assert body[0][10].date() == an.issued_on
    assert sheet["E2"].number_format == "DD/MM/YYYY"
    assert sheet["K2"].number_format == "DD/MM/YYYY"
    assert body[1][4] is None  # Bình has no date of birth
    assert [row[11] for row in body] == [
        "Còn hiệu lực",
        "Đã thu hồi",
        "Đã được cấp lại",
        "Còn hiệu lực",
    ]
    assert body[1][12] == (
        f"Thu hồi theo QĐ 45/QĐ-TĐT ngày {vn(revocation.decision_date)}: Cấp nhầm người"
    )
    assert body[2][12] == f"Đã cấp lại bằng số {newer.certificate_number}"
    assert body[3][12] == f"Cấp lại thay thế số {cuong.certificate_number}"
    assert sheet.column_dimensions["F"].width > sheet.column_dimensions["A"].width


def test_the_export_keeps_a_formula_looking_name_as_text(vi, cohort, school_staff):
    small(cohort)
    issue_for(eligible_participant(cohort, '=HYPERLINK("http://xau.example")', "An"), school_staff)
    vi.force_login(school_staff)
    sheet = _sheet(vi.get(reverse(EXPORT)))
    cell = sheet["D2"]
    assert cell.data_type == "s"
    assert cell.value.lstrip("'").startswith("=HYPERLINK(")


def test_the_export_follows_the_filters_and_names_the_file_after_them(
    vi, school_staff, book, program, cohort
):
    other = small(factories.cohort(program))
    issue_for(eligible_participant(other, "Vũ Thị", "Hà"), school_staff)
    vi.force_login(school_staff)
    year = timezone.localdate().year
    response = vi.get(reverse(EXPORT), {"lop": cohort.code, "nam": year})
    assert f"so-cap-chung-chi-{cohort.code}-{year}-" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
    rows = list(_sheet(response).iter_rows(values_only=True))
    assert len(rows) == 1 + 4
    assert vi.get(reverse(EXPORT), {"nam": "abc"}).status_code == 400
