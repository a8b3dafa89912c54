"""The public verification page (no sign-in) and the published signing keys: what someone holding
a paper certificate, or a machine checking a record, sees — and what they never see."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import certificate_signing
from courses.certificate_codes import display_code
from courses.certificate_document import render_certificate_document as real_renderer
from courses.services.certificates import replace_certificate, revoke_certificate
from tests.courses.certificate_helpers import (
    eligible_participant,
    issue_for,
    use_fake_renderer,
    use_signing_key,
)

pytestmark = pytest.mark.django_db

# A code with 0s and 1s, so look-alike letters (O, I, L) can be typed for them.
CODE = "01ABCDEFGHJKMNPQRSTVWXYZ10"
BIRTHDAY = dt.date(1975, 2, 5)


@pytest.fixture(autouse=True)
def _issuing(monkeypatch, settings, tmp_path):
    use_fake_renderer(monkeypatch)
    use_signing_key(settings, tmp_path)


@pytest.fixture
def holder(small_cohort):
    return eligible_participant(
        small_cohort, "Nguyễn Thị Thu", "Hằng", date_of_birth=BIRTHDAY, phone="0912345678"
    )


@pytest.fixture
def certificate(holder, school_staff, monkeypatch):
    monkeypatch.setattr("courses.certificate_codes.new_code", lambda: CODE)
    return issue_for(holder, school_staff)


def page(client, code):
    return client.get(reverse("courses:verify_code", args=[code]))


def main_of(response) -> str:
    """The page's own content (the site's header repeats the address in its sign-in link)."""
    html = response.content.decode()
    return re.search(r"<main\b.*?</main>", html, re.S).group(0)


def vn(value) -> str:
    return value.strftime("%d/%m/%Y")


# --- A certificate found -----------------------------------------------------------------------


def test_a_valid_certificate_shows_what_is_printed_and_nothing_personal(
    vi, certificate, holder, small_cohort
):
    response = page(vi, CODE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Còn hiệu lực" in html
    assert "Nguyễn Thị Thu Hằng" in html
    assert certificate.certificate_number in html
    assert small_cohort.program.title in html
    assert f"từ {vn(small_cohort.start_date)} đến {vn(small_cohort.end_date)}" in html
    assert vn(certificate.issued_on) in html
    # Never the date of birth (either form), e-mail, phone or workplace.
    assert "05/02/1975" not in html
    assert "1975-02-05" not in html
    assert holder.user.email not in html
    assert "0912345678" not in html
    assert holder.organisation_name not in html


def test_the_page_shows_the_printed_name_not_todays(vi, certificate, holder):
    holder.user.last_name = "Trần Thị"
    holder.user.save()
    html = page(vi, CODE).content.decode()
    assert "Nguyễn Thị Thu Hằng" in html
    assert "Trần Thị Hằng" not in html


def test_the_code_page_is_not_kept_indexed_or_referred(vi, certificate):
    response = page(vi, CODE)
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    "typed",
    [
        CODE.lower(),
        display_code(CODE),
        display_code(CODE).lower().replace("-", " "),
        " ".join(CODE),
        CODE.replace("0", "O").replace("1", "I"),
        CODE.replace("0", "o").replace("1", "l"),
    ],
)
def test_the_code_is_found_however_it_is_typed(vi, certificate, typed):
    response = page(vi, typed)
    assert response.status_code == 200
    assert certificate.certificate_number in response.content.decode()


def test_a_revoked_certificate_says_so_with_the_date_and_decision(vi, certificate, school_staff):
    decided = timezone.localdate() - dt.timedelta(days=1)
    revoke_certificate(
        certificate,
        actor=school_staff,
        decision_number="45/QĐ-TĐT",
        decision_date=decided,
        reason="Cấp nhầm người",
    )
    html = page(vi, CODE).content.decode()
    assert f"Đã thu hồi ngày {vn(decided)}" in html
    assert "45/QĐ-TĐT" in html
    assert "Còn hiệu lực" not in html
    assert "Cấp nhầm người" not in html  # the reason stays with the school


def test_a_replaced_certificate_points_to_the_new_number(
    vi, certificate, school_staff, monkeypatch
):
    monkeypatch.setattr("courses.certificate_codes.new_code", lambda: "7" + CODE[1:])
    today = timezone.localdate()
    newer = replace_certificate(
        certificate,
        actor=school_staff,
        decision_number="46/QĐ-TĐT",
        decision_date=today,
        issued_on=today,
        reason="Mất bản gốc",
    )
    old_html = page(vi, CODE).content.decode()
    assert "Đã được cấp lại" in old_html
    assert newer.certificate_number in old_html
    assert "còn hiệu lực" in old_html
    assert newer.verification_code not in old_html  # the old paper does not lead to the new code
    new_html = page(vi, newer.verification_code).content.decode()
    assert "Còn hiệu lực" in new_html
    assert "Giấy chứng nhận hoàn thành khóa học (cấp lại)" in new_html
    assert f"thay thế chứng chỉ số hiệu {certificate.certificate_number}" in new_html


# --- Not found: one answer, whatever was typed ---------------------------------------------------


def test_unknown_and_malformed_codes_get_the_same_answer(vi, certificate):
    unknown = page(vi, "7ZZZZZZZZZZZZZZZZZZZZZZZZZ")
    assert unknown.status_code == 404
    assert "Không tìm thấy chứng chỉ với mã này." in unknown.content.decode()
    for typed in ["abc", "A" * 200, "<script>", "8" + CODE[1:]]:
        response = page(vi, typed)
        assert response.status_code == unknown.status_code, typed
        assert main_of(response) == main_of(unknown), typed
        assert "<script>" not in response.content.decode()
        assert response["Cache-Control"] == "no-store"


# --- The form ----------------------------------------------------------------------------------


def test_the_form_has_one_labelled_field_with_the_hint(vi):
    response = vi.get(reverse("courses:verify"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mã xác minh" in html
    assert 'name="code"' in html
    assert "chữ hoa" in html
    assert "gạch ngang" in html


def test_submitting_the_form_opens_the_code_page(vi, certificate):
    response = vi.get(reverse("courses:verify"), {"code": display_code(CODE).lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:verify_code", args=[CODE])
    assert vi.get(response["Location"]).status_code == 200


def test_a_malformed_code_from_the_form_ends_on_the_same_not_found_page(vi, certificate):
    response = vi.get(reverse("courses:verify"), {"code": "abc / def"}, follow=True)
    assert response.status_code == 404
    assert "Không tìm thấy chứng chỉ với mã này." in response.content.decode()


def test_an_empty_form_asks_for_the_code(vi):
    response = vi.get(reverse("courses:verify"), {"code": "  "})
    assert response.status_code == 400
    assert "Mã xác minh" in response.content.decode()


# --- The rate limit ------------------------------------------------------------------------------


def test_lookups_are_limited_per_address_with_a_polite_page(vi, settings, certificate):
    settings.LMS_VERIFY_RATE = "3/m"
    assert vi.get(reverse("courses:verify")).status_code == 200  # the form counts
    assert page(vi, CODE).status_code == 200
    assert page(vi, "abc").status_code == 404
    limited = page(vi, CODE)
    assert limited.status_code == 429
    html = limited.content.decode()
    assert "thử lại" in html
    assert certificate.certificate_number not in html
    assert vi.get(reverse("courses:verify")).status_code == 429
    # Another address is not affected.
    elsewhere = vi.get(reverse("courses:verify_code", args=[CODE]), REMOTE_ADDR="10.0.0.9")
    assert elsewhere.status_code == 200


# --- The published keys --------------------------------------------------------------------------


def _published(client) -> dict:
    response = client.get(reverse("courses:signing_keys"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]
    return {key["kid"]: key for key in response.json()["keys"] if key["kty"] == "OKP"}


def test_a_record_verifies_with_the_published_key_and_fails_once_changed(client, certificate):
    assert reverse("courses:signing_keys") == "/.well-known/lms-certificate-keys.json"
    keys = _published(client)
    key = keys[certificate.signing_key.key_id]
    assert (key["kty"], key["crv"], key["alg"]) == ("OKP", "Ed25519", "EdDSA")
    payload = certificate_signing.signed_payload(certificate.snapshot, certificate.pdf_sha256)
    assert certificate_signing.verify(key["x"], payload, certificate.signature)

    forged = {**certificate.snapshot, "participant": dict(certificate.snapshot["participant"])}
    forged["participant"]["full_name"] = "Nguyễn Thị Thu Hàng"  # one letter changed
    forged_payload = certificate_signing.signed_payload(forged, certificate.pdf_sha256)
    assert not certificate_signing.verify(key["x"], forged_payload, certificate.signature)


def test_a_real_pdf_matches_its_record_and_the_published_key(
    client, holder, school_staff, monkeypatch
):
    """With the real renderer: the stored PDF is the one hashed, and the record verifies."""
    import hashlib

    from django.core.files.storage import storages

    monkeypatch.setattr("courses.certificate_document.render_certificate_document", real_renderer)
    certificate = issue_for(holder, school_staff)
    with storages["private"].open(certificate.pdf_name, "rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == certificate.pdf_sha256
    key = _published(client)[certificate.signing_key.key_id]
    payload = certificate_signing.signed_payload(certificate.snapshot, certificate.pdf_sha256)
    assert certificate_signing.verify(key["x"], payload, certificate.signature)
    assert certificate.snapshot["verification_url"].endswith(
        reverse("courses:verify_code", args=[certificate.verification_code])
    )


def test_old_keys_stay_published_after_a_rotation(
    client, certificate, settings, tmp_path, small_cohort, school_staff, monkeypatch
):
    rotated = tmp_path / "rotated"
    rotated.mkdir()
    use_signing_key(settings, rotated)
    monkeypatch.setattr("courses.certificate_codes.new_code", lambda: "2" + CODE[1:])
    second = issue_for(eligible_participant(small_cohort, "Lê Văn", "Bình"), school_staff)
    assert second.signing_key_id != certificate.signing_key_id
    keys = _published(client)
    assert {certificate.signing_key.key_id, second.signing_key.key_id} <= set(keys)


def test_before_the_first_certificate_the_current_key_is_published(client, settings):
    public = certificate_signing.raw_public_key()
    keys = _published(client)
    assert list(keys) == [certificate_signing.key_id(public)]
    assert keys[certificate_signing.key_id(public)]["x"] == certificate_signing.b64url(public)


def test_a_new_key_is_published_before_it_signs_anything(client, certificate, settings, tmp_path):
    rotated = tmp_path / "rotated-unused"
    rotated.mkdir()
    use_signing_key(settings, rotated)
    new = certificate_signing.key_id(certificate_signing.raw_public_key())

    keys = _published(client)

    assert list(keys) == [certificate.signing_key.key_id, new]
