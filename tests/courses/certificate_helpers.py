"""Certificate snapshots for tests: the dict that the certificate services freeze at issue."""

from __future__ import annotations

import copy

_SAMPLE = {
    "version": 1,
    "kind": "original",
    "title": "CHỨNG CHỈ",
    "issuer_parent_name": "Bộ Khoa học và Công nghệ",
    "issuer_name": "Trường Đào tạo, Bồi dưỡng cán bộ quản lý thông tin và truyền thông",
    "participant": {
        "family_and_middle_name": "Nguyễn Thị Thu",
        "given_name": "Hằng",
        "full_name": "Nguyễn Thị Thu Hằng",
        "date_of_birth": "1975-02-05",
        "organisation": "Sở Khoa học và Công nghệ tỉnh Lào Cai",
        "position": "Giám đốc",
        "province": "Lào Cai",
    },
    "programme": {
        "title": "Bồi dưỡng kiến thức quản lý nhà nước đối với Giám đốc Sở Khoa học và Công nghệ",
        "periods": 160,
        "periods_by_category": {"theory": 72, "discussion": 72, "field": 8, "report": 8},
    },
    "cohort": {
        "code": "GDS-2026-5",
        "name": "Lớp Giám đốc Sở khóa 5 năm 2026",
        "start_date": "2026-09-07",
        "end_date": "2026-12-18",
        "mode": "online",
        "mode_label": "Trực tuyến",
    },
    "result": "Giỏi (8,5)",
    "issue_place": "Hà Nội",
    "issued_on": "2026-12-18",
    "signatory_title": "Hiệu trưởng",
    "signatory_name": "Trần Văn A",
    "certificate_number": "GDS-2026-5/2026/0001",
    "register_number": "0001/2026",
    "decision_number": "123/QĐ-TĐT",
    "decision_date": "2026-12-16",
    "legal_basis": "Căn cứ Thông tư số 03/2023/TT-BNV ngày 19 tháng 5 năm 2023 của Bộ Nội vụ",
    "verification_code": "ABCD-EFGH-JKMN-PQRS-TVWX-YZ",
    "verification_url": "http://127.0.0.1:8000/verify/ABCDEFGHJKMNPQRSTVWXYZ0123/",
    "replaces": None,
}


def sample_snapshot(**overrides) -> dict:
    """A complete snapshot; keyword arguments replace top-level keys.

    ``participant=`` and ``cohort=``/``programme=`` dicts are merged into the sample's, so
    ``sample_snapshot(participant={"full_name": "Phạm Ngọc Ỷ"})`` changes only the name.
    """
    snapshot = copy.deepcopy(_SAMPLE)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(snapshot.get(key), dict):
            snapshot[key] = {**snapshot[key], **value}
        else:
            snapshot[key] = value
    return snapshot


# --- Issuing: a finished class of eligible people, a fake renderer, a throwaway key -------------
# (Shared by the service, eligibility and concurrency tests and by bench_certificates.py.
# Imports are local so that the snapshot helpers above stay importable without Django.)

CLASS_PERIODS = 160  # 10 theory sessions of 4 periods, one of 112, 2 field-study sessions of 4


def fake_pdf(snapshot: dict, extra_css: str = "", credential: str = "") -> bytes:
    """A tiny stand-in for the certificate PDF: a real one-page PDF (so the school can sign
    it), distinct per certificate, identical for the same input, fast to make."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=842, height=595)
    writer.add_metadata({"/Title": snapshot["certificate_number"]})
    if credential:
        from courses.certificate_credential import ATTACHMENT_NAME

        writer.add_attachment(ATTACHMENT_NAME, credential.encode("ascii"))
    writer._ID = None  # no random file identifier: the same input gives the same bytes
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def fake_pdf_document(snapshot: dict, extra_css: str = "", credential: str = ""):
    from courses.pdf import RenderedPdf

    return RenderedPdf(pdf=fake_pdf(snapshot, extra_css, credential))


def use_fake_renderer(monkeypatch) -> None:
    """Make issuance render `fake_pdf` instead of WeasyPrint (the services import the renderer
    at call time, so patching the module attribute is enough). Signing stays real."""
    monkeypatch.setattr(
        "courses.certificate_document.render_certificate_document", fake_pdf_document
    )


def write_signing_key(directory) -> str:
    """A fresh Ed25519 private key (PEM, PKCS#8) in `directory`; returns its path."""
    from pathlib import Path

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(directory) / "certificate-signing.pem"
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(path)


def use_signing_key(settings, directory) -> str:
    """Sign with a key written into `directory` (a tmp_path), never into the repository's var/:
    with `LMS_SIGNING_KEY_FILE` unset, certificate_signing would generate one under BASE_DIR."""
    settings.LMS_SIGNING_KEY_FILE = write_signing_key(directory)
    return settings.LMS_SIGNING_KEY_FILE


def finished_timetable(cohort, *, theory=38, field=2, periods=4):
    """A timetable of (theory + field) × periods periods — 160 by default — every session of
    which is over (one a day, the last one yesterday): theory sessions first, field study last.

    Past the tenth, the theory sessions are merged into one long session of the same periods:
    tests mark attendance session by session among the first ten (9 absences = 36 periods),
    and every roll call costs time, so 13 sessions stand in for 40."""
    import datetime as dt

    from django.utils import timezone

    from tests.courses.attendance_helpers import session

    lengths = [periods] * theory
    if theory > 10:
        lengths = [periods] * 10 + [periods * (theory - 10)]
    plan = [(length, "theory") for length in lengths] + [(periods, "field")] * field
    first = timezone.now() - dt.timedelta(days=len(plan))
    return [
        session(
            cohort,
            starts_at=first + dt.timedelta(days=i),
            periods=length,
            category=category,
        )
        for i, (length, category) in enumerate(plan)
    ]


def roll_call(sessions, members, status="present", reason="") -> None:
    """Everyone in `members` marked `status` at every session of `sessions` (one save each)."""
    from courses.services import attendance

    for item in sessions:
        attendance.save_roll_call(None, item, {m.pk: (status, reason) for m in members}, {})


def eligible_class(cohort, names, *, score="8", sessions=None):
    """Participants named by (family and middle name, given name) pairs, present at every
    session of the cohort's finished 160-period timetable (made when `sessions` is None) and
    with their final report graded `score`: all eligible. Returns their enrollments in order."""
    from tests.courses.attendance_helpers import teacher
    from tests.courses.report_helpers import graded, person

    members = [person(cohort, last, first) for last, first in names]
    if sessions is None:
        sessions = finished_timetable(cohort)
    roll_call(sessions, members)
    grader = teacher(cohort)
    for member in members:
        graded(member, score, grader)
    return members


# --- One eligible participant (verification and register tests) ------------------------------


def eligible_participant(cohort, last="Nguyễn Thị Thu", first="Hằng", *, score="8", **user_values):
    """An approved participant of `cohort` who meets every condition: present at every session
    of the cohort (one 4-period theory session that ended yesterday is made when the cohort has
    none) and a final report graded `score`. Field study is not attended: call it on a cohort
    with `field_study_required = False`. `user_values` (date_of_birth, email…) go on the user."""
    import datetime as dt

    from django.utils import timezone

    from courses.models import ClassSession
    from tests.courses.attendance_helpers import session
    from tests.courses.report_helpers import graded, person

    member = person(cohort, last, first)
    if user_values:
        for key, value in user_values.items():
            setattr(member.user, key, value)
        member.user.save()
    sessions = list(ClassSession.objects.filter(cohort=cohort))
    if not sessions:
        sessions = [session(cohort, starts_at=timezone.now() - dt.timedelta(days=1))]
    roll_call(sessions, [member])
    graded(member, score)
    return member


def issue_for(member, actor, *, decision_number="123/QĐ-TĐT", issued_on=None):
    """Issue `member`'s certificate through the service, decided and dated today by default."""
    from django.utils import timezone

    from courses.services.certificates import issue_certificate

    issued_on = issued_on or timezone.localdate()
    return issue_certificate(
        member,
        actor=actor,
        decision_number=decision_number,
        decision_date=issued_on,
        issued_on=issued_on,
    )
