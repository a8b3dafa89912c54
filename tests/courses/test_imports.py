"""Importing an enrolment list: what school staff see on the review page, what applying it
creates (or refuses to create), the e-mails people receive, and the files that are turned away."""

import csv
import datetime as dt
import hashlib
import io
import random
import re
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.exceptions import InvalidTransition
from courses.models import Enrollment, EnrollmentChange, ImportBatch, ParticipantProfile
from courses.services import imports as service
from tests import factories

pytestmark = pytest.mark.django_db

User = get_user_model()

HEADER = [
    "Email",
    "Họ và tên đệm",
    "Tên",
    "Ngày sinh",
    "Cơ quan",
    "Chức vụ",
    "Tỉnh/thành",
    "Điện thoại",
]


def person(n: int = 1, **changes) -> dict:
    values = {
        "email": f"hoc.vien{n}@so.gov.vn",
        "last_name": "Nguyễn Thị",
        "first_name": f"Đào {n}",
        "born": "05/02/1975",
        "organisation": "Sở Khoa học và Công nghệ tỉnh Tuyên Quang",
        "position": "Giám đốc",
        "province": "Tuyên Quang",
        "phone": "0912345678",
    }
    return values | changes


def as_cells(row: dict) -> list:
    keys = ("email", "last_name", "first_name", "born", "organisation", "position", "province")
    return [row[key] for key in (*keys, "phone")]


def csv_bytes(rows, header=HEADER, delimiter=",") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(as_cells(row) if isinstance(row, dict) else row)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(as_cells(row) if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def staff_client(client, school_staff):
    client.force_login(school_staff)
    return client


def upload(client, cohort, content: bytes, name: str = "danh-sach.csv"):
    return client.post(
        reverse("courses:staff_import", args=[cohort.code]),
        {"file": SimpleUploadedFile(name, content)},
    )


def uploaded(client, cohort, content: bytes, name: str = "danh-sach.csv") -> ImportBatch:
    """Upload a list that the checks accept as a file, and return its batch."""
    response = upload(client, cohort, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.latest("pk")
    assert response["Location"] == reverse("courses:staff_import_review", args=[batch.pk])
    return batch


def apply(client, batch, capture):
    with capture(execute=True):
        return client.post(reverse("courses:staff_import_review", args=[batch.pk]), follow=True)


def page_text(response) -> str:
    return response.content.decode()


def refusal(response) -> str:
    assert response.status_code == 400
    return page_text(response)


def rows_by_line(batch) -> dict[int, dict]:
    return {row["line"]: row for row in batch.report["rows"]}


# --- The happy paths ---------------------------------------------------------------------------


def test_csv_list_creates_accounts_enrollments_history_and_invitations(
    staff_client, cohort, school_staff, django_capture_on_commit_callbacks
):
    batch = uploaded(staff_client, cohort, csv_bytes([person(1), person(2)]))

    review = staff_client.get(reverse("courses:staff_import_review", args=[batch.pk]))
    assert review.status_code == 200
    assert "Tạo tài khoản mới và ghi danh" in page_text(review)
    assert "Áp dụng danh sách" in page_text(review)
    assert not User.objects.filter(email__startswith="hoc.vien").exists(), "a dry run only"

    response = apply(staff_client, batch, django_capture_on_commit_callbacks)
    assert "Đã áp dụng danh sách: tạo 2 tài khoản mới" in page_text(response)

    dao = User.objects.get(email="hoc.vien1@so.gov.vn")
    assert (dao.last_name, dao.first_name, dao.full_name) == (
        "Nguyễn Thị",
        "Đào 1",
        "Nguyễn Thị Đào 1",
    )
    assert dao.date_of_birth == dt.date(1975, 2, 5)
    assert not dao.has_usable_password()
    enrollment = Enrollment.objects.get(user=dao, cohort=cohort)
    assert enrollment.status == "approved"
    assert enrollment.province.name == "Tuyên Quang"
    assert enrollment.organisation is not None, "matched to the reference organisation"
    change = EnrollmentChange.objects.get(enrollment=enrollment)
    assert (change.new_status, change.changed_by, change.how) == (
        "approved",
        school_staff,
        "import",
    )
    assert change.reason == "nhập từ danh sách danh-sach.csv"
    batch.refresh_from_db()
    assert batch.applied_by == school_staff
    assert batch.applied_at is not None

    assert len(mail.outbox) == 2
    invitation = next(m for m in mail.outbox if m.to == ["hoc.vien1@so.gov.vn"])
    assert "mời đặt mật khẩu" in invitation.subject
    assert cohort.name in invitation.subject
    assert "Kính gửi Nguyễn Thị Đào 1" in invitation.body

    # The link in the letter opens allauth's set-password form for this person.
    link = re.search(r"http://testserver(/\S+)", invitation.body).group(1)
    staff_client.logout()
    opened = staff_client.get(link, follow=True)
    assert opened.status_code == 200
    assert 'name="password1"' in page_text(opened)
    set_to = "Mat-khau-moi-2026!"
    form_url = opened.redirect_chain[-1][0]
    staff_client.post(form_url, {"password1": set_to, "password2": set_to})
    dao.refresh_from_db()
    assert dao.check_password(set_to)


def test_xlsx_list_with_an_excel_date_cell_is_imported(
    staff_client, cohort, django_capture_on_commit_callbacks
):
    excel_date = as_cells(person(1))
    excel_date[3] = dt.date(1970, 12, 31)  # a date cell; openpyxl reads it back as datetime
    phone_as_number = as_cells(person(2, born="1/3/1968"))
    phone_as_number[7] = 912345678
    batch = uploaded(staff_client, cohort, xlsx_bytes([excel_date, phone_as_number]), "ds.xlsx")

    assert batch.report["kind"] == "xlsx"
    assert [row["outcome"] for row in batch.report["rows"]] == ["create", "create"]
    apply(staff_client, batch, django_capture_on_commit_callbacks)

    assert User.objects.get(email="hoc.vien1@so.gov.vn").date_of_birth == dt.date(1970, 12, 31)
    assert User.objects.get(email="hoc.vien2@so.gov.vn").date_of_birth == dt.date(1968, 3, 1)
    assert Enrollment.objects.filter(cohort=cohort, status="approved").count() == 2


def test_semicolon_separated_csv_from_vietnamese_excel_is_read(staff_client, cohort):
    batch = uploaded(staff_client, cohort, csv_bytes([person(1)], delimiter=";"))
    assert [row["outcome"] for row in batch.report["rows"]] == ["create"]


def test_decomposed_unicode_is_stored_composed(
    staff_client, cohort, django_capture_on_commit_callbacks
):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị")
    organisation = unicodedata.normalize("NFD", "Sở Khoa học và Công nghệ tỉnh Tuyên Quang")
    row = person(1, last_name=nfd, organisation=organisation, position="Phó Giám đốc")
    row["province"] = unicodedata.normalize("NFD", "Tuyên Quang")
    batch = uploaded(staff_client, cohort, csv_bytes([row]))
    apply(staff_client, batch, django_capture_on_commit_callbacks)

    user = User.objects.get(email="hoc.vien1@so.gov.vn")
    assert user.last_name == "Nguyễn Thị"
    assert unicodedata.is_normalized("NFC", user.last_name)
    profile = ParticipantProfile.objects.get(user=user)
    assert profile.organisation_name == "Sở Khoa học và Công nghệ tỉnh Tuyên Quang"
    assert unicodedata.is_normalized("NFC", Enrollment.objects.get(user=user).organisation_name)


def test_existing_account_is_enrolled_without_a_new_account_and_told_so(
    staff_client, cohort, participant, django_capture_on_commit_callbacks
):
    row = person(1, email=participant.email.upper(), last_name="Khác", first_name="Tên")
    batch = uploaded(staff_client, cohort, csv_bytes([row]))
    assert batch.report["rows"][0]["outcome"] == "enrol"
    users_before = User.objects.count()

    apply(staff_client, batch, django_capture_on_commit_callbacks)

    assert User.objects.count() == users_before
    assert Enrollment.objects.get(user=participant, cohort=cohort).status == "approved"
    participant.refresh_from_db()
    assert participant.full_name == "Trần Văn Hòa", "their own name is kept"
    assert ParticipantProfile.objects.get(user=participant).province.name == "Tuyên Quang"
    (letter,) = mail.outbox
    assert letter.to == [participant.email]
    assert letter.subject == f"Anh/chị đã được ghi danh vào {cohort.name}"
    assert "đặt mật khẩu" not in letter.body


def test_an_application_on_the_list_is_approved(
    staff_client, cohort, participant, django_capture_on_commit_callbacks
):
    factories.enrollment(cohort, participant, status="applied")
    batch = uploaded(staff_client, cohort, csv_bytes([person(1, email=participant.email)]))
    assert batch.report["rows"][0]["outcome"] == "enrol"
    apply(staff_client, batch, django_capture_on_commit_callbacks)
    enrollment = Enrollment.objects.get(user=participant, cohort=cohort)
    assert enrollment.status == "approved"
    assert enrollment.changes.get().how == "import"


# --- Every error, with its line ----------------------------------------------------------------


def test_every_row_error_is_reported_with_its_line_number(staff_client, cohort):
    rows = [
        person(1),
        person(2, email="khong-phai-email"),
        person(3, email="Hoc.Vien1@so.gov.vn"),
        person(4, province="Đà Lạt"),
        person(5, province="Hà Giang"),
        person(6, last_name="NguyÔn ThÞ", first_name="§µo"),
        person(7, first_name="", born="31/02/1975"),
        person(8, last_name="Nguyeãn Thò", first_name="Ñaøo"),
    ]
    batch = uploaded(staff_client, cohort, csv_bytes(rows))
    lines = rows_by_line(batch)

    assert lines[2]["outcome"] == "create"
    assert lines[3]["errors"] == ["Email “khong-phai-email” không hợp lệ."]
    assert lines[4]["errors"] == ["Email hoc.vien1@so.gov.vn trùng với dòng 2."]
    assert lines[5]["errors"] == ["Không có tỉnh, thành phố “Đà Lạt” trong danh mục."]
    assert lines[6]["errors"] == [
        "Tỉnh Hà Giang đã sáp nhập vào Tuyên Quang từ 01/07/2025; hãy ghi “Tuyên Quang”."
    ]
    (tcvn3,) = lines[7]["errors"]
    assert "Họ và tên đệm, Tên" in tcvn3
    assert "có vẻ được gõ bằng bảng mã cũ (TCVN3/VNI), hãy chuyển sang Unicode" in tcvn3
    assert lines[8]["errors"] == [
        "Thiếu tên.",
        "Ngày sinh “31/02/1975” không đúng dạng ngày/tháng/năm (ví dụ 05/02/1975).",
    ]
    assert "bảng mã cũ" in lines[9]["errors"][0], "VNI"
    assert batch.report["counts"] == {"create": 1, "enrol": 0, "skip": 0, "error": 7}

    review = page_text(staff_client.get(reverse("courses:staff_import_review", args=[batch.pk])))
    assert "Danh sách có 8 lỗi; chưa áp dụng được." in review
    assert '<a href="#dong-6">Dòng 6</a>: Tỉnh Hà Giang đã sáp nhập vào Tuyên Quang' in review
    assert "Áp dụng danh sách" not in review


def test_missing_columns_are_named_in_one_message(staff_client, cohort):
    header = ["Email", "Họ và tên đệm", "Tên", "Cơ quan", "Chức vụ"]
    text = refusal(upload(staff_client, cohort, csv_bytes([], header=header)))
    assert "Thiếu cột: Ngày sinh (ngay_sinh), Tỉnh, thành phố (tinh_thanh)." in text
    assert not ImportBatch.objects.exists()


def test_headings_match_without_accents_or_case(staff_client, cohort):
    header = ["EMAIL", "ho_va_ten_dem", "ten", "NGAY SINH", "co quan", "Chuc vu", "tinh_thanh"]
    batch = uploaded(staff_client, cohort, csv_bytes([as_cells(person(1))[:7]], header=header))
    assert batch.report["rows"][0]["outcome"] == "create"


def test_legacy_encoding_heuristic_leaves_real_vietnamese_alone():
    for text in (
        "Nguyễn Thị Đào",
        "Phó Giám đốc Sở Khoa học và Công nghệ",
        "Bà Rịa - Vũng Tàu",
        "Thừa Thiên Huế",
        "Lê Thị Thu Hương",
    ):
        assert not service.looks_like_legacy_encoding(text), text
    for text in ("Hµ Néi", "§µo", "NguyÔn", "ThÞ", "Haø Noäi", "Ñaøo", "Tröôøng"):
        assert service.looks_like_legacy_encoding(text), text


# --- All or nothing, once ----------------------------------------------------------------------


def test_a_list_with_errors_cannot_be_applied_and_creates_nothing(
    staff_client, cohort, django_capture_on_commit_callbacks
):
    batch = uploaded(staff_client, cohort, csv_bytes([person(1), person(2, email="sai")]))

    response = apply(staff_client, batch, django_capture_on_commit_callbacks)

    assert "Danh sách có 1 lỗi" in page_text(response)
    assert not User.objects.filter(email="hoc.vien1@so.gov.vn").exists()
    assert not Enrollment.objects.filter(cohort=cohort).exists()
    batch.refresh_from_db()
    assert batch.applied_at is None
    assert mail.outbox == []


def test_applying_the_same_list_twice_is_refused(
    staff_client, cohort, school_staff, django_capture_on_commit_callbacks
):
    batch = uploaded(staff_client, cohort, csv_bytes([person(1)]))
    apply(staff_client, batch, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    response = apply(staff_client, batch, django_capture_on_commit_callbacks)

    assert "Danh sách này đã được áp dụng lúc" in page_text(response)
    assert Enrollment.objects.filter(cohort=cohort).count() == 1
    assert EnrollmentChange.objects.count() == 1
    assert mail.outbox == []
    with pytest.raises(InvalidTransition, match="đã được áp dụng lúc"):
        service.apply_list(school_staff, batch)


def test_uploading_an_applied_list_again_changes_nothing(
    staff_client, cohort, django_capture_on_commit_callbacks
):
    content = csv_bytes([person(1), person(2)])
    apply(staff_client, uploaded(staff_client, cohort, content), django_capture_on_commit_callbacks)
    mail.outbox.clear()
    users, changes = User.objects.count(), EnrollmentChange.objects.count()

    again = uploaded(staff_client, cohort, content, "lan-2.csv")

    assert [row["outcome"] for row in again.report["rows"]] == ["skip", "skip"]
    review = page_text(staff_client.get(reverse("courses:staff_import_review", args=[again.pk])))
    assert "Đã ghi danh (bỏ qua)" in review
    assert "Tệp này giống hệt một danh sách đã áp dụng" in review
    assert "Áp dụng danh sách" not in review
    response = apply(staff_client, again, django_capture_on_commit_callbacks)
    assert "không có gì để áp dụng" in page_text(response)
    assert (User.objects.count(), EnrollmentChange.objects.count()) == (users, changes)
    assert mail.outbox == []


def test_capacity_shown_in_the_dry_run(staff_client, cohort):
    cohort.capacity = 2
    cohort.save()
    factories.enrollment(cohort)
    batch = uploaded(staff_client, cohort, csv_bytes([person(1), person(2)]))
    review = page_text(staff_client.get(reverse("courses:staff_import_review", args=[batch.pk])))
    assert "Lớp có sĩ số tối đa 2 và còn 1 chỗ, nhưng danh sách ghi danh thêm 2 người" in review
    assert "Áp dụng danh sách" not in review


def test_capacity_exceeded_at_apply_refuses_everyone(
    staff_client, cohort, django_capture_on_commit_callbacks
):
    cohort.capacity = 3
    cohort.save()
    batch = uploaded(staff_client, cohort, csv_bytes([person(1), person(2), person(3)]))
    factories.enrollment(cohort)  # someone approved between the dry run and the apply

    response = apply(staff_client, batch, django_capture_on_commit_callbacks)

    assert "còn 2 chỗ, nhưng danh sách ghi danh thêm 3 người" in page_text(response)
    assert not User.objects.filter(email__startswith="hoc.vien").exists()
    assert Enrollment.objects.filter(cohort=cohort).count() == 1
    assert mail.outbox == []


# --- Files turned away ---------------------------------------------------------------------------


def test_csv_not_in_utf8_says_how_to_save_it(staff_client, cohort):
    # Excel's plain "CSV" on Vietnamese Windows writes Windows-1258.
    text = "email,ho_va_ten_dem,ten,ngay_sinh,co_quan,chuc_vu,tinh_thanh\r\n"
    text += "a@so.gov.vn,Đào Văn,Anh,05/02/1975,So KHCN,Giam doc,Tuyen Quang\r\n"
    page = refusal(upload(staff_client, cohort, text.encode("cp1258")))
    assert "không ở bảng mã UTF-8" in page
    assert "Lưu dưới dạng CSV UTF-8" in page
    assert not ImportBatch.objects.exists()


def test_type_is_decided_by_content_not_by_name(staff_client, cohort):
    batch = uploaded(staff_client, cohort, xlsx_bytes([person(1)]), "danh-sach.csv")
    assert batch.report["kind"] == "xlsx"
    assert batch.file.name.endswith(".xlsx")

    noise = random.Random(7).randbytes(4000)
    page = refusal(upload(staff_client, cohort, noise, "danh-sach.xlsx"))
    assert "không phải bảng tính Excel (.xlsx) cũng không phải tệp CSV" in page
    assert ImportBatch.objects.count() == 1


def test_zip_bomb_is_refused_without_being_extracted(staff_client, cohort, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as entry:
            zeros = b"0" * (1024 * 1024)
            for _ in range(60):
                entry.write(zeros)
    assert len(buffer.getvalue()) < 2 * 1024 * 1024

    def must_not_open(*args, **kwargs):
        raise AssertionError("openpyxl must not open a ZIP bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", must_not_open)
    page = refusal(upload(staff_client, cohort, buffer.getvalue(), "ds.xlsx"))
    assert "Tệp nén bất thường" in page
    assert not ImportBatch.objects.exists()


def test_oversize_file_is_refused(staff_client, cohort, settings):
    settings.LMS_IMPORT_MAX_BYTES = 1024
    content = csv_bytes([person(n) for n in range(20)])
    assert len(content) > 1024
    page = refusal(upload(staff_client, cohort, content))
    assert "Tệp lớn quá" in page
    assert not ImportBatch.objects.exists()


def test_too_many_rows_are_refused(staff_client, cohort, monkeypatch):
    monkeypatch.setattr(service, "MAX_ROWS", 3)
    page = refusal(upload(staff_client, cohort, csv_bytes([person(n) for n in range(4)])))
    assert "Danh sách có hơn 3 dòng" in page


# --- Storage, access, the sample, the page's queries -------------------------------------------


def test_stored_file_is_private_and_randomly_named(staff_client, cohort):
    content = csv_bytes([person(1)])
    batch = uploaded(staff_client, cohort, content, "Danh sách Sở Tuyên Quang.csv")

    assert re.fullmatch(r"imports/[0-9a-f]{32}\.csv", batch.file.name)
    stored = Path(batch.file.path).resolve()
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert stored.read_bytes() == content
    assert batch.sha256 == hashlib.sha256(content).hexdigest()
    assert batch.original_name == "Danh sách Sở Tuyên Quang.csv"
    assert batch.row_count == 1


@pytest.mark.parametrize("who", ["participant", "instructor"])
def test_only_school_staff_reach_the_import_pages(client, cohort, school_staff, who, request):
    batch = service.check_list(
        school_staff, cohort, io.BytesIO(csv_bytes([person(1)])), name="ds.csv"
    )
    user = request.getfixturevalue(who)
    factories.enrollment(cohort, user, role=who)
    client.force_login(user)

    assert client.get(reverse("courses:staff_import", args=[cohort.code])).status_code == 403
    upload_response = upload(client, cohort, csv_bytes([person(2)]))
    assert upload_response.status_code == 403
    review_url = reverse("courses:staff_import_review", args=[batch.pk])
    assert client.get(review_url).status_code == 403
    assert client.post(review_url).status_code == 403
    assert client.get(reverse("courses:staff_import_sample")).status_code == 403
    assert ImportBatch.objects.count() == 1
    assert not User.objects.filter(email="hoc.vien1@so.gov.vn").exists()


def test_unknown_cohort_and_batch_are_404_for_staff(staff_client):
    assert staff_client.get(reverse("courses:staff_import", args=["KHONG-CO"])).status_code == 404
    assert staff_client.get(reverse("courses:staff_import_review", args=[999])).status_code == 404


def test_sample_file_opens_in_excel_and_imports_cleanly(staff_client, cohort):
    response = staff_client.get(reverse("courses:staff_import_sample"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mau-danh-sach-hoc-vien.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf"), "a BOM, so Excel reads UTF-8"
    header, example = response.content.decode("utf-8-sig").splitlines()
    assert header.startswith("Email,Họ và tên đệm,Tên,Ngày sinh")
    batch = uploaded(staff_client, cohort, response.content, "mau.csv")
    assert [row["outcome"] for row in batch.report["rows"]] == ["create"]
    assert batch.report["rows"][0]["errors"] == []


def test_upload_page_shows_the_form_and_recent_lists(staff_client, cohort):
    uploaded(staff_client, cohort, csv_bytes([person(1)]), "dot-1.csv")
    response = staff_client.get(reverse("courses:staff_import", args=[cohort.code]))
    assert response.status_code == 200
    text = page_text(response)
    assert 'enctype="multipart/form-data"' in text
    assert '<label for="id_file">' in text
    assert "dot-1.csv" in text
    assert reverse("courses:staff_import_sample") in text


def test_review_page_query_count_does_not_grow_with_the_list(
    staff_client, cohort, django_assert_num_queries
):
    small = uploaded(staff_client, cohort, csv_bytes([person(1), person(2, email="x")]))
    large = uploaded(staff_client, cohort, csv_bytes([person(n) for n in range(40)]))
    small_url = reverse("courses:staff_import_review", args=[small.pk])
    staff_client.get(small_url)  # warm the per-process caches (site, settings)
    with CaptureQueriesContext(connection) as queries:
        assert staff_client.get(small_url).status_code == 200
    with django_assert_num_queries(len(queries)):
        response = staff_client.get(reverse("courses:staff_import_review", args=[large.pk]))
    assert response.status_code == 200
    assert page_text(response).count('<tr id="dong-') == 40


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("TP HCM", "Hồ Chí Minh"),
        ("thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("tinh tuyen quang", "Tuyên Quang"),
        ("TUYÊN QUANG", "Tuyên Quang"),
    ],
)
def test_province_names_are_matched_loosely(text, name):
    found, why = service.ProvinceIndex().find(text, dt.date(2026, 1, 5))
    assert (found.name, why) == (name, "")


def test_province_list_is_the_one_valid_on_the_cohort_start_date():
    index = service.ProvinceIndex()
    found, why = index.find("Bà Rịa - Vũng Tàu", dt.date(2026, 1, 5))
    assert found is None
    assert why.startswith("Tỉnh Bà Rịa - Vũng Tàu đã sáp nhập vào Hồ Chí Minh từ 01/07/2025")
    before_merger, why = index.find("Hà Giang", dt.date(2025, 3, 1))
    assert (before_merger.name, why) == ("Hà Giang", "")
