"""The school's certificate pages (eligibility, issuance and its progress, one certificate with
revocation and re-issue, cohort downloads, the eligibility export) and the participant's own
certificates page — what each person sees and may do."""

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.core import mail
from django.core.files.storage import storages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Certificate, CertificateEvent, IssuanceBatch
from tests import factories
from tests.courses.attendance_helpers import session, teacher
from tests.courses.certificate_helpers import (
    eligible_participant,
    roll_call,
    use_fake_renderer,
    use_signing_key,
)
from tests.courses.report_helpers import graded, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(cohort, monkeypatch, settings, tmp_path):
    """A cohort whose one session is over, field study not required, fast fake PDFs."""
    use_fake_renderer(monkeypatch)
    use_signing_key(settings, tmp_path)
    cohort.field_study_required = False
    cohort.save(update_fields=["field_study_required"])
    session(cohort, starts_at=timezone.now() - dt.timedelta(days=1))
    return cohort


@pytest.fixture
def staff(client):
    user = factories.school_staff()
    client.force_login(user)
    return user


def issue_all(client, cohort, **overrides):
    data = {
        "cap-decision_number": "215/QĐ-TĐT",
        "cap-decision_date": "2026-11-20",
        "cap-issued_on": "2026-11-25",
        "cap-scope": "all",
        **overrides,
    }
    return client.post(reverse("courses:staff_certificates", args=[cohort.code]), data)


def test_staff_list_says_who_is_eligible_and_why_not(client, finished, staff):
    eligible_participant(finished, "Nguyễn Văn", "An")
    failing = eligible_participant(finished, "Trần Thị", "Bình", score="4,5")
    absent = person(finished, "Lê Văn", "Cường")
    roll_call(list(finished.sessions.all()), [absent], status="absent")
    graded(absent, "7")

    response = client.get(reverse("courses:staff_certificates", args=[finished.code]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn Văn An" in html
    assert "Đủ điều kiện" in html
    assert "báo cáo thu hoạch đạt 4,5 điểm — dưới mức 5,0" in html
    assert "vắng 4/4 tiết (100 %) — vượt mức 20 %" in html
    # Only eligible people without a certificate can be ticked.
    assert html.count('name="cap-enrollment"') == 1
    assert failing.user.full_name in html


@pytest.mark.parametrize("who", ["participant", "instructor"])
def test_only_school_staff_open_the_certificate_pages(client, finished, who):
    member = eligible_participant(finished)
    user = member.user if who == "participant" else teacher(finished)
    client.force_login(user)
    page = client.get(reverse("courses:staff_certificates", args=[finished.code]))
    assert page.status_code == 403
    response = issue_all(client, finished)
    assert response.status_code == 403
    assert not Certificate.objects.exists()


def test_issuing_all_runs_a_batch_and_shows_its_result(
    client, finished, staff, django_capture_on_commit_callbacks
):
    an = eligible_participant(finished, "Nguyễn Văn", "An")
    binh = eligible_participant(finished, "Trần Thị", "Bình")
    eligible_participant(finished, "Lê Văn", "Cường", score="3")

    with django_capture_on_commit_callbacks(execute=True):
        response = issue_all(client, finished)

    batch = IssuanceBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "courses:staff_certificate_batch", args=[finished.code, batch.pk]
    )
    numbers = dict(Certificate.objects.values_list("enrollment_id", "certificate_number"))
    year = 2026
    assert numbers == {
        an.pk: f"{finished.code}/{year}/0001",
        binh.pk: f"{finished.code}/{year}/0002",
    }
    page = client.get(response["Location"]).content.decode()
    assert "Đã xong" in page
    assert f"{finished.code}/{year}/0002" in page
    assert "Trần Thị Bình" in page
    assert 'http-equiv="refresh"' not in page  # done: the page stops refreshing itself
    assert sorted(m.to[0] for m in mail.outbox) == sorted([an.user.email, binh.user.email])
    assert "215/QĐ-TĐT" not in mail.outbox[0].subject
    assert "/verify/" in mail.outbox[0].body


def test_a_non_eligible_id_slipped_into_the_form_is_not_issued(
    client, finished, staff, django_capture_on_commit_callbacks
):
    eligible_participant(finished, "Nguyễn Văn", "An")
    failing = eligible_participant(finished, "Trần Thị", "Bình", score="3")

    with django_capture_on_commit_callbacks(execute=True):
        response = issue_all(
            client, finished, **{"cap-scope": "selected", "cap-enrollment": [failing.pk]}
        )

    # The form only offers eligible people: an edited form is refused before any batch.
    assert response.status_code == 400
    assert not Certificate.objects.exists()
    assert not IssuanceBatch.objects.exists()


def test_missing_decision_number_is_refused_with_a_message(client, finished, staff):
    eligible_participant(finished)
    response = issue_all(client, finished, **{"cap-decision_number": "  "})
    assert response.status_code == 400
    assert "Trường này là bắt buộc." in response.content.decode()
    assert not IssuanceBatch.objects.exists()


def test_the_school_revokes_and_reissues_with_history_kept(
    client, finished, staff, django_capture_on_commit_callbacks
):
    eligible_participant(finished, "Nguyễn Văn", "An")
    with django_capture_on_commit_callbacks(execute=True):
        issue_all(client, finished)
    original = Certificate.objects.get()
    url = reverse("courses:staff_certificate", args=[original.pk])

    refused = client.post(url, {"action": "revoke", "thu-hoi-decision_number": "231/QĐ-TĐT"})
    assert refused.status_code == 400
    assert not CertificateEvent.objects.filter(kind="revoked").exists()

    revoked = client.post(
        url,
        {
            "action": "revoke",
            "thu-hoi-decision_number": "231/QĐ-TĐT",
            "thu-hoi-decision_date": "2026-11-28",
            "thu-hoi-reason": "Cấp nhầm người",
        },
    )
    assert revoked.status_code == 302
    page = client.get(url).content.decode()
    assert "Đã thu hồi" in page
    assert "231/QĐ-TĐT" in page
    assert "Cấp nhầm người" in page
    assert "Thu hồi chứng chỉ" not in page  # no second revocation offered

    reissued = client.post(
        url,
        {
            "action": "replace",
            "cap-lai-decision_number": "240/QĐ-TĐT",
            "cap-lai-decision_date": "2026-11-29",
            "cap-lai-issued_on": "2026-11-30",
            "cap-lai-reason": "Sửa tên sau khi thu hồi",
        },
    )
    replacement = Certificate.objects.get(replaces=original)
    assert reissued["Location"] == reverse("courses:staff_certificate", args=[replacement.pk])
    assert replacement.certificate_number.endswith("/0002")
    assert replacement.snapshot["title"] == "GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC"
    original.refresh_from_db()
    assert original.snapshot["title"] == "CHỨNG CHỈ"  # the original record is untouched
    kinds = list(original.events.values_list("kind", flat=True))
    assert kinds == ["issued", "revoked", "replaced"]


def test_participants_download_their_own_certificate_only(
    client, finished, staff, django_capture_on_commit_callbacks
):
    mine = eligible_participant(finished, "Nguyễn Văn", "An")
    other = eligible_participant(finished, "Trần Thị", "Bình")
    with django_capture_on_commit_callbacks(execute=True):
        issue_all(client, finished)
    certificate = Certificate.objects.get(enrollment=mine)
    theirs = Certificate.objects.get(enrollment=other)

    client.force_login(mine.user)
    page = client.get(reverse("courses:my_certificates")).content.decode()
    assert certificate.certificate_number in page
    assert certificate.snapshot["verification_url"] in page
    assert theirs.certificate_number not in page

    response = client.get(reverse("courses:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    with storages["private"].open(certificate.pdf_name, "rb") as stored:
        assert body == stored.read()
    assert client.get(reverse("courses:certificate_pdf", args=[theirs.pk])).status_code == 404
    client.logout()
    anonymous = client.get(reverse("courses:certificate_pdf", args=[certificate.pk]))
    assert anonymous.status_code == 302


def test_cohort_zip_holds_the_certificates_in_force(
    client, finished, staff, django_capture_on_commit_callbacks
):
    eligible_participant(finished, "Nguyễn Văn", "An")
    eligible_participant(finished, "Trần Thị", "Bình")
    with django_capture_on_commit_callbacks(execute=True):
        issue_all(client, finished)
    first = Certificate.objects.order_by("sequence").first()
    from courses.services import certificates as service

    service.revoke_certificate(
        first,
        actor=staff,
        decision_number="9/QĐ",
        decision_date=dt.date(2026, 11, 28),
        reason="Thu hồi",
    )
    response = client.get(reverse("courses:staff_certificates_zip", args=[finished.code]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert len(names) == 1
    assert names[0].endswith("0002.pdf")


def test_eligibility_export_reads_back(client, finished, staff):
    eligible_participant(finished, "Nguyễn Văn", "An")
    eligible_participant(finished, "=HYPERLINK(1)", "Bình", score="4")
    response = client.get(reverse("courses:staff_eligibility_xlsx", args=[finished.code]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[2]
    assert header[:2] == ("STT", "Họ và tên")
    names = [row[1] for row in rows[3:]]
    assert names == ["Nguyễn Văn An", "'=HYPERLINK(1) Bình"]  # class-list order; not a formula
    eligible = {row[1]: row[8] for row in rows[3:]}
    assert eligible["Nguyễn Văn An"] == "Có"
    reasons = [row[9] for row in rows[3:] if row[8] == "Không"]
    assert reasons == ["báo cáo thu hoạch đạt 4,0 điểm — dưới mức 5,0"]


def _count_queries(client, url) -> int:
    client.get(url)  # warm-up: sessions, site, settings
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_staff_list_query_count_does_not_grow_with_the_class(
    client, finished, staff, django_capture_on_commit_callbacks
):
    url = reverse("courses:staff_certificates", args=[finished.code])
    for i in range(2):
        eligible_participant(finished, "Nguyễn Văn", f"An{i}")
    with django_capture_on_commit_callbacks(execute=True):
        issue_all(client, finished)
    small = _count_queries(client, url)
    for i in range(8):
        eligible_participant(finished, "Trần Văn", f"Bình{i}")
    with django_capture_on_commit_callbacks(execute=True):
        issue_all(client, finished)
    assert _count_queries(client, url) == small


def test_my_certificates_and_the_batch_page_keep_a_fixed_query_count(
    client, finished, staff, django_capture_on_commit_callbacks
):
    first = eligible_participant(finished, "Nguyễn Văn", "An")
    with django_capture_on_commit_callbacks(execute=True):
        issue_all(client, finished)
    small_batch = reverse(
        "courses:staff_certificate_batch", args=[finished.code, IssuanceBatch.objects.get().pk]
    )
    batch_small = _count_queries(client, small_batch)
    for i in range(6):
        eligible_participant(finished, "Trần Văn", f"Bình{i}")
    with django_capture_on_commit_callbacks(execute=True):
        issue_all(client, finished)
    large_batch = reverse(
        "courses:staff_certificate_batch",
        args=[finished.code, IssuanceBatch.objects.order_by("-pk").first().pk],
    )
    assert _count_queries(client, large_batch) == batch_small

    # A participant with one certificate, then with three (a revocation and a re-issue).
    client.force_login(first.user)
    mine = reverse("courses:my_certificates")
    one = _count_queries(client, mine)
    from courses.services import certificates as service

    original = Certificate.objects.get(enrollment=first)
    service.revoke_certificate(
        original,
        actor=staff,
        decision_number="9/QĐ",
        decision_date=dt.date(2026, 11, 28),
        reason="Sai tên",
    )
    service.replace_certificate(
        original,
        actor=staff,
        decision_number="10/QĐ",
        decision_date=dt.date(2026, 11, 29),
        issued_on=dt.date(2026, 11, 30),
        reason="Sửa tên",
    )
    assert _count_queries(client, mine) == one
    page = client.get(mine).content.decode()
    assert "Đã thu hồi" in page
    assert "GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC" in page
