"""Certificates anyone can verify without us: the PAdES signature on the PDF, the Open Badges 3.0
credential attached to it, the revocation list, the offline verifier, the command and the page.

The certificates here are rendered for real (WeasyPrint, PDF/A-3b) and signed for real (pyHanko),
with a school certificate and an Ed25519 key made for each test in tmp_path.
"""

import datetime as dt
import io
import json
import subprocess
import sys

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter

from courses import bitstring_status, certificate_pades, certificate_verifier
from courses.certificate_credential import ATTACHMENT_NAME
from courses.certificate_keys import published_key_set
from courses.models import Certificate
from courses.services.certificates import replace_certificate, revoke_certificate
from tests.courses.certificate_helpers import eligible_participant, issue_for, use_signing_key

pytestmark = pytest.mark.django_db

BIRTHDAY = dt.date(1975, 2, 5)


@pytest.fixture(autouse=True)
def _school(settings, tmp_path):
    use_signing_key(settings, tmp_path)
    use_school_certificate(settings, tmp_path / "school.p12")


def use_school_certificate(settings, path, **options):
    path.write_bytes(certificate_pades.development_pkcs12(password=b"mat-khau", **options))
    settings.LMS_SCHOOL_PKCS12_FILE = str(path)
    settings.LMS_SCHOOL_PKCS12_PASSWORD = "mat-khau"


@pytest.fixture
def certificate(small_cohort, school_staff):
    holder = eligible_participant(small_cohort, "Nguyễn Thị Thu", "Hằng", date_of_birth=BIRTHDAY)
    return issue_for(holder, school_staff)


def stored(certificate) -> bytes:
    with storages["private"].open(certificate.pdf_name, "rb") as handle:
        return handle.read()


def keys() -> certificate_verifier.KeySet:
    return certificate_verifier.KeySet.from_jwks(published_key_set())


def revoke(certificate, staff):
    return revoke_certificate(
        certificate,
        actor=staff,
        decision_number="9/QĐ-TĐT",
        decision_date=timezone.localdate(),
        reason="Cấp nhầm người",
    )


def verdicts(report) -> dict:
    return {check.key: (check.ok, check.text()) for check in report.checks}


# --- The signed PDF ------------------------------------------------------------------------------


def test_the_pdf_carries_the_schools_pades_signature_and_pyhanko_validates_it(certificate):
    data = stored(certificate)
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    school = certificate_pades.identity()
    root = certificate_pades.asn1_certificate(school.der)

    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))

    assert status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE"
    assert signature.sig_object["/Reason"] == "Cấp chứng chỉ"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert signature.field_name == certificate_pades.FIELD_NAME
    assert "Cơ sở đào tạo (môi trường phát triển)" in status.signing_cert.subject.human_friendly
    # A visible field: its rectangle lies over the "Đã ký số" block the page prints.
    rect = [float(v) for v in signature.sig_field["/Rect"]]
    assert rect[2] - rect[0] > 150
    assert rect[3] - rect[1] > 30
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "ĐÃ KÝ SỐ" in text
    assert certificate.snapshot["digital_signature"]["signer"] in " ".join(text.split())


def test_the_pdf_is_pdf_a_3b_and_attaches_the_credential(certificate):
    reader = PdfReader(io.BytesIO(stored(certificate)))
    assert reader.xmp_metadata.pdfaid_part == "3"
    assert reader.xmp_metadata.pdfaid_conformance == "B"
    assert reader.attachments[ATTACHMENT_NAME] == [certificate.credential.encode("ascii")]


def test_the_record_hashes_and_signs_the_signed_pdf(certificate):
    import hashlib

    assert hashlib.sha256(stored(certificate)).hexdigest() == certificate.pdf_sha256
    assert certificate.school_certificate.fingerprint == certificate_pades.identity().fingerprint


# --- The credential ------------------------------------------------------------------------------


def test_the_credential_is_an_open_badge_signed_with_a_published_key(certificate):
    header = jwt.get_unverified_header(certificate.credential)
    published = {key["kid"]: key for key in published_key_set()["keys"]}
    assert header["alg"] == "EdDSA"
    public = jwt.PyJWK(published[header["kid"]]).key
    claims = jwt.decode(certificate.credential, public, algorithms=["EdDSA"])
    vc = claims["vc"]
    snapshot = certificate.snapshot

    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" in vc["@context"]
    assert vc["issuer"]["name"] == snapshot["issuer_name"]
    subject = vc["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == "Nguyễn Thị Thu Hằng"
    assert subject["licenseNumber"] == certificate.certificate_number
    assert subject["activityStartDate"].startswith(snapshot["cohort"]["start_date"])
    assert subject["achievement"]["name"] == snapshot["programme"]["title"]
    assert subject["achievement"]["creditsAvailable"] == snapshot["programme"]["periods"]
    assert "tiết lý thuyết" in subject["achievement"]["description"]
    expected = [{"type": ["Result"], "value": snapshot["result"]}] if snapshot["result"] else None
    assert subject.get("result") == expected
    assert vc["credentialStatus"]["statusListIndex"] == str(certificate.status_index)
    assert claims["jti"] == snapshot["verification_url"]


def test_the_participant_downloads_the_credential(client, certificate):
    client.force_login(certificate.enrollment.user)
    response = client.get(reverse("courses:certificate_credential", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert response.content.decode() == certificate.credential
    assert ".jwt" in response["Content-Disposition"]


def test_another_person_cannot_download_the_credential(client, certificate, participant):
    client.force_login(participant)
    response = client.get(reverse("courses:certificate_credential", args=[certificate.pk]))
    assert response.status_code == 404


# --- The revocation list -------------------------------------------------------------------------


def status_bit(client, certificate) -> bool:
    number = bitstring_status.list_number(certificate.status_index)
    response = client.get(reverse("courses:status_list", args=[number]))
    assert response["Content-Type"] == "application/vc+jwt"
    claims, failure = certificate_verifier.decode_signed(response.content.decode(), keys())
    assert failure is None
    encoded = claims["vc"]["credentialSubject"]["encodedList"]
    return bitstring_status.is_set(encoded, certificate.status_index % bitstring_status.LIST_SIZE)


def test_the_status_bit_flips_when_the_certificate_is_revoked(client, certificate, school_staff):
    assert status_bit(client, certificate) is False
    revoke(certificate, school_staff)
    assert status_bit(client, certificate) is True


def test_a_replaced_certificate_is_listed_revoked_and_its_replacement_is_not(
    client, certificate, school_staff
):
    newer = replace_certificate(
        certificate,
        actor=school_staff,
        decision_number="10/QĐ-TĐT",
        decision_date=timezone.localdate(),
        issued_on=timezone.localdate(),
        reason="Sai ngày sinh",
    )
    assert status_bit(client, certificate) is True
    assert status_bit(client, newer) is False


def test_the_bitstring_round_trip():
    encoded = bitstring_status.encode([0, 7, 8, 131_071])
    assert [bitstring_status.is_set(encoded, p) for p in (0, 1, 7, 8, 9, 131_071)] == [
        True,
        False,
        True,
        True,
        False,
        True,
    ]


# --- The verifier: a good certificate, then every kind of bad input ------------------------------


def test_a_genuine_pdf_passes_every_check(certificate):
    report = certificate_verifier.verify(stored(certificate), keys(), fetch=lambda url: _local(url))
    assert report.valid, verdicts(report)
    assert set(verdicts(report)) == {
        "pdf_signature",
        "unmodified",
        "credential_signature",
        "data_match",
        "status",
    }
    assert all(ok for ok, _ in verdicts(report).values())


def _local(url):
    from courses.certificate_keys import local_status_fetch

    return local_status_fetch(url)


def test_text_edited_after_signing_is_caught(certificate):
    data = bytearray(stored(certificate))
    # Change one byte inside the signed range (the page's content stream is compressed, so
    # flipping a byte there changes what the page draws).
    position = data.index(b"stream", 2000) + 20
    data[position] ^= 0x01
    report = certificate_verifier.verify(bytes(data), keys())
    ok, text = verdicts(report)["pdf_signature"]
    assert ok is False
    assert "đã bị sửa sau khi ký" in text
    assert not report.valid


def test_a_pdf_saved_again_by_a_viewer_is_caught(certificate):
    """A viewer's "save" appends an incremental update after the signature."""
    data = stored(certificate)
    writer = PdfWriter(io.BytesIO(data), incremental=True)
    writer.add_metadata({"/Title": "Đã sửa"})
    buffer = io.BytesIO()
    writer.write(buffer)
    report = certificate_verifier.verify(buffer.getvalue(), keys())
    ok, text = verdicts(report)["unmodified"]
    assert ok is False
    assert "sau khi ký" in text
    assert verdicts(report)["pdf_signature"][0] is True  # the signed revision itself is intact
    assert not report.valid


def one_character_changed(token: str) -> str:
    header, payload, signature = token.split(".")
    middle = len(payload) // 2
    changed = payload[:middle] + ("A" if payload[middle] != "A" else "B") + payload[middle + 1 :]
    return f"{header}.{changed}.{signature}"


def test_a_credential_with_one_character_changed_is_caught(certificate):
    report = certificate_verifier.verify(
        one_character_changed(certificate.credential).encode(), keys()
    )
    ok, text = verdicts(report)["credential_signature"]
    assert ok is False
    assert "không khớp" in text


def test_a_credential_signed_by_another_key_is_caught(certificate):
    claims = jwt.decode(certificate.credential, options={"verify_signature": False})
    header = jwt.get_unverified_header(certificate.credential)
    forged = jwt.encode(
        claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": header["kid"]}
    )
    stranger = jwt.encode(
        claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": "ngoai-le"}
    )
    assert (
        "không khớp"
        in verdicts(certificate_verifier.verify(forged.encode(), keys()))["credential_signature"][1]
    )
    assert (
        "không có trong danh sách khóa"
        in verdicts(certificate_verifier.verify(stranger.encode(), keys()))["credential_signature"][
            1
        ]
    )


def test_a_pdf_signed_with_an_expired_school_certificate_is_caught(
    settings, tmp_path, small_cohort, school_staff
):
    use_school_certificate(
        settings,
        tmp_path / "expired.p12",
        not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=400),
        days=365,
    )
    holder = eligible_participant(small_cohort, "Trần Văn", "Bình")
    report = certificate_verifier.verify(stored(issue_for(holder, school_staff)), keys())
    ok, text = verdicts(report)["pdf_signature"]
    assert ok is False
    assert "không còn hiệu lực" in text


def test_a_pdf_signed_by_someone_else_is_caught(certificate, tmp_path):
    from courses.certificate_document import render_certificate

    outsider = tmp_path / "outsider.p12"
    outsider.write_bytes(
        certificate_pades.development_pkcs12(organization="Công ty giả mạo", password=b"x")
    )
    identity = certificate_pades._load(str(outsider), 0, "x")
    forged = certificate_pades.sign_pdf(render_certificate(certificate.snapshot), school=identity)

    ok, text = verdicts(certificate_verifier.verify(forged, keys()))["pdf_signature"]
    assert ok is False
    assert "Công ty giả mạo" in text
    assert "không phải bằng chứng thư số của nhà trường" in text


def test_a_revoked_certificate_fails_online_and_says_so(certificate, school_staff):
    revoke(certificate, school_staff)
    report = certificate_verifier.verify(stored(certificate), keys(), fetch=_local)
    assert verdicts(report)["status"] == (False, "Chứng chỉ đã bị nhà trường thu hồi.")
    assert not report.valid
    # Offline, the revocation cannot be known: said, not guessed.
    offline = certificate_verifier.verify(stored(certificate), keys())
    assert verdicts(offline)["status"][0] is None


def test_a_file_that_is_neither_is_caught():
    report = certificate_verifier.verify(b"PK\x03\x04 a zip file", keys())
    assert verdicts(report)["format"] == (
        False,
        "Tệp không phải là chứng chỉ PDF cũng không phải là chứng nhận số (JWT).",
    )
    broken = certificate_verifier.verify(b"%PDF-1.7\n garbage", keys())
    assert broken.valid is False


def test_printed_data_differing_from_the_credential_is_caught(certificate):
    claims = jwt.decode(certificate.credential, options={"verify_signature": False})
    vc = claims["vc"]
    vc["credentialSubject"]["identifier"][0]["identityHash"] = "Nguyễn Văn Khác"
    report = certificate_verifier.Report("pdf")
    certificate_verifier.check_printed_matches(vc, stored(certificate), report)
    assert verdicts(report)["data_match"] == (
        False,
        "Nội dung in trên PDF khác chứng nhận số ở: họ và tên.",
    )


# --- Key rotation --------------------------------------------------------------------------------


def test_rotating_both_keys_keeps_old_certificates_valid(
    certificate, settings, tmp_path, small_cohort, school_staff
):
    rotated = tmp_path / "rotated"
    rotated.mkdir()
    use_signing_key(settings, rotated)
    use_school_certificate(settings, rotated / "school-2027.p12")
    newer = issue_for(eligible_participant(small_cohort, "Lê Văn", "Cường"), school_staff)
    assert newer.school_certificate_id != certificate.school_certificate_id
    assert newer.signing_key_id != certificate.signing_key_id

    for issued in (certificate, newer):
        report = certificate_verifier.verify(stored(issued), keys(), fetch=_local)
        assert report.valid, verdicts(report)


# --- The command and the offline entry point ------------------------------------------------------


def test_the_command_says_valid_and_exits_0_then_invalid_and_exits_1(certificate, tmp_path):
    good = tmp_path / "chung-chi.pdf"
    good.write_bytes(stored(certificate))
    out = io.StringIO()
    call_command("verify_certificate", str(good), stdout=out)
    assert out.getvalue().splitlines()[-1] == "valid"

    bad = tmp_path / "sua.pdf"
    data = bytearray(stored(certificate))
    data[data.index(b"stream", 2000) + 20] ^= 0x01
    bad.write_bytes(bytes(data))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_certificate", str(bad), stdout=out, lang="en")
    assert exit_info.value.code == 1
    assert out.getvalue().splitlines()[-1].startswith("invalid: The PDF's content was changed")


def test_the_offline_verifier_needs_only_the_key_file(certificate, tmp_path):
    """Run as its own process with no Django settings and no database: what a personnel
    office does with the file and the published keys."""
    keys_file = tmp_path / "keys.json"
    keys_file.write_text(json.dumps(published_key_set()), encoding="utf-8")
    pdf = tmp_path / "chung-chi.pdf"
    pdf.write_bytes(stored(certificate))
    credential = tmp_path / "chung-nhan.jwt"
    credential.write_text(certificate.credential, encoding="ascii")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(__import__("pathlib").Path.cwd())}

    def run(path):
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "courses.certificate_verifier",
                str(path),
                "--keys",
                str(keys_file),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

    for path in (pdf, credential):
        result = run(path)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.splitlines()[-1] == "valid"

    credential.write_text(one_character_changed(certificate.credential), encoding="ascii")
    result = run(credential)
    assert result.returncode == 1
    assert "invalid: Chữ ký của chứng nhận số không khớp" in result.stdout


# --- The verification page ----------------------------------------------------------------------


def test_the_page_checks_an_uploaded_pdf(client, certificate):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("chung-chi.pdf", stored(certificate), "application/pdf")
    response = client.post(reverse("courses:verify_file"), {"file": upload})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Hợp lệ" in text
    assert "Chữ ký số hợp lệ của" in text
    assert "Chứng chỉ chưa bị thu hồi" in text
    assert response["Cache-Control"] == "no-store"


def test_the_page_rejects_a_tampered_credential_with_the_reason(client, certificate):
    from django.core.files.uploadedfile import SimpleUploadedFile

    token = one_character_changed(certificate.credential)
    upload = SimpleUploadedFile("x.jwt", token.encode(), "application/octet-stream")
    response = client.post(reverse("courses:verify_file"), {"file": upload})
    text = response.content.decode()
    assert "Không hợp lệ" in text
    assert "nội dung đã bị thay đổi sau khi ký" in text


def test_a_100_mb_upload_is_refused_before_it_is_read(client):
    response = client.generic(
        "POST",
        reverse("courses:verify_file"),
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(100 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "Tệp quá lớn: tối đa 5 MB" in response.content.decode()


def test_an_oversized_upload_without_a_true_length_is_stopped_while_streaming(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.LMS_VERIFY_UPLOAD_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("to.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024), "application/pdf")
    response = client.post(reverse("courses:verify_file"), {"file": upload})
    assert response.status_code == 413
    assert "Tệp quá lớn: tối đa 1 MB" in response.content.decode()


def test_the_page_never_fetches_an_address_a_credential_names(certificate, monkeypatch):
    from courses.certificate_keys import local_status_fetch

    with pytest.raises(ValueError, match="không phải danh sách thu hồi"):
        local_status_fetch("http://169.254.169.254/latest/meta-data/")


def test_the_published_keys_include_the_school_certificate(client, certificate):
    keys_ = client.get(reverse("courses:signing_keys")).json()["keys"]
    x509_keys = [key for key in keys_ if "x5c" in key]
    assert len(x509_keys) == 1
    assert x509_keys[0]["kty"] == "EC"
    assert Certificate.objects.filter(school_certificate__isnull=False).count() == 1


def test_the_signed_file_names_one_producer_in_its_info_and_its_xmp(certificate):
    """PDF/A: the Info dictionary and the XMP metadata must agree after signing too."""
    reader = PdfReader(io.BytesIO(stored(certificate)))
    assert reader.metadata["/Producer"] == reader.xmp_metadata.pdf_producer
    assert reader.metadata["/Producer"].startswith("pyHanko")
    assert reader.metadata["/Creator"].startswith("LMS (WeasyPrint")


def test_with_a_timestamp_authority_the_signature_carries_a_trusted_time(
    certificate, monkeypatch, small_cohort, school_staff
):
    """PAdES B-T: LMS_TSA_URL names an RFC 3161 service; here pyHanko's in-process stand-in,
    with a TSA certificate the verifier is told to trust."""
    from asn1crypto import keys as asn1_keys
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign.timestamps import DummyTimeStamper

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # the stand-in wants RSA
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA thử nghiệm")])
    now = dt.datetime.now(dt.UTC)
    tsa = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    tsa_der = tsa.public_bytes(serialization.Encoding.DER)
    stamper = DummyTimeStamper(
        tsa_cert=certificate_pades.asn1_certificate(tsa_der),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )
    monkeypatch.setattr(certificate_pades, "_timestamper", lambda: stamper)
    holder = eligible_participant(small_cohort, "Đỗ Thị", "Mai")
    issued = issue_for(holder, school_staff)

    report = certificate_verifier.verify(
        stored(issued), keys(), trust_roots=[certificate_pades.asn1_certificate(tsa_der)]
    )
    ok, text = verdicts(report)["pdf_signature"]
    assert ok is True
    assert text.endswith("(có dấu thời gian).")
