"""Issuing, revoking and re-issuing certificates (courses.services.certificates): one complete
append-only record per eligible participant, gap-free numbers per issuer and year, a frozen
snapshot signed with Ed25519, batches run by a task, revocation and replacement as events.

The PDF renderer is faked (tests.courses.certificate_helpers.fake_pdf) except in one test, and
every test signs with a throwaway key in its tmp_path."""

import copy
import datetime as dt
import hashlib
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.storage import storages
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from courses import certificate_signing
from courses.certificate_document import (
    render_certificate_document as real_render_certificate,
)
from courses.certificate_selectors import (
    certificate_state,
    eligibility_for_cohort,
    eligibility_of,
    register,
    state_of,
)
from courses.exceptions import Conflict, InvalidInput, InvalidTransition, NotAllowed
from courses.models import AttendanceRecord, Organisation
from courses.models.certificates import (
    BatchStatus,
    Certificate,
    CertificateEvent,
    ImmutableRecord,
    IssuanceBatch,
    NumberSequence,
)
from courses.services import attendance
from courses.services import certificates as service
from tests import factories
from tests.courses.attendance_helpers import teacher
from tests.courses.certificate_helpers import (
    eligible_class,
    fake_pdf,
    fake_pdf_document,
    finished_timetable,
    use_fake_renderer,
    use_signing_key,
)
from tests.courses.report_helpers import person

pytestmark = pytest.mark.django_db

TITLE_REPLACEMENT = "GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC"
ABSENT_36 = "vắng 36/160 tiết (22,5 %) — vượt mức 20 %"


@pytest.fixture(autouse=True)
def _fast_and_isolated(monkeypatch, settings, tmp_path):
    use_fake_renderer(monkeypatch)
    use_signing_key(settings, tmp_path)


@pytest.fixture
def staff(school_staff):
    return school_staff


@pytest.fixture
def timetable(cohort):
    return finished_timetable(cohort)


@pytest.fixture
def four(cohort, timetable):
    """Four eligible participants, created out of name order."""
    return eligible_class(
        cohort,
        [("Vũ Thị", "Hà"), ("Trần Văn", "An"), ("Lê Minh", "Đức"), ("Nguyễn Thị", "Bình")],
        sessions=timetable,
    )


def today():
    return timezone.localdate()


def decision(**changes):
    day = today()
    return {"decision_number": "123/QĐ-TĐT", "decision_date": day, "issued_on": day} | changes


def issue(member, actor, **changes):
    return service.issue_certificate(member, actor=actor, **decision(**changes))


def absent_at(sessions, member, count):
    """Correct `member`'s first `count` roll calls to absent (a correction, with its reason)."""
    for item in sessions[:count]:
        version = AttendanceRecord.objects.get(session=item, enrollment=member).version
        attendance.save_roll_call(
            None,
            item,
            {member.pk: ("absent", "")},
            {member.pk: version},
            reason="Đối chiếu lại sổ điểm danh",
        )


def not_eligible(cohort, timetable, name=("Đỗ Văn", "Cường")):
    """A participant who missed 9 sessions (36 periods) and passed the report."""
    (member,) = eligible_class(cohort, [name], sessions=timetable)
    absent_at(timetable, member, 9)
    return member


def stored_pdfs() -> set[Path]:
    return set((Path(settings.PRIVATE_MEDIA_ROOT) / "certificates").rglob("*.pdf"))


def sequence_row(cohort, year=None):
    return NumberSequence.objects.filter(issuer=cohort.issuer_name, year=year or today().year)


def last_number(cohort, year=None):
    row = sequence_row(cohort, year).first()
    return row.last_number if row else 0


# --- Issuing one ---------------------------------------------------------------------------------


def test_issuing_makes_one_complete_certificate(
    cohort, timetable, staff, django_capture_on_commit_callbacks
):
    nfd = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731
    (member,) = eligible_class(cohort, [(nfd("Nguyễn Thị Thu"), nfd("Hằng"))], sessions=timetable)
    with django_capture_on_commit_callbacks(execute=True):
        issue(member, staff)
        assert mail.outbox == [], "mail waits for the commit"

    certificate = Certificate.objects.get()
    year = today().year
    assert certificate.enrollment == member
    assert certificate.cohort == cohort
    assert certificate.kind == "original"
    assert certificate.replaces is None
    assert (certificate.issuer, certificate.year, certificate.sequence) == (
        cohort.issuer_name,
        year,
        1,
    )
    # The cohort's patterns, here the defaults "{code}/{year}/{seq:04d}" and "{seq:04d}/{year}".
    assert certificate.certificate_number == f"{cohort.code}/{year}/0001"
    assert certificate.register_number == f"0001/{year}"
    assert certificate.issued_by == staff
    assert certificate.decision_number == "123/QĐ-TĐT"
    assert last_number(cohort) == 1

    snapshot = certificate.snapshot
    name = snapshot["participant"]["full_name"]
    assert name == "Nguyễn Thị Thu Hằng"
    assert unicodedata.is_normalized("NFC", name)
    assert snapshot["participant"]["given_name"] == "Hằng"
    assert snapshot["title"] == "CHỨNG CHỈ"
    assert snapshot["kind"] == "original"
    assert snapshot["certificate_number"] == certificate.certificate_number
    assert snapshot["register_number"] == certificate.register_number
    assert snapshot["issuer_name"] == cohort.issuer_name
    assert snapshot["issuer_parent_name"] == cohort.issuer_parent_name
    assert snapshot["cohort"]["code"] == cohort.code
    assert snapshot["programme"]["title"] == cohort.program.title
    assert snapshot["decision_number"] == "123/QĐ-TĐT"
    assert snapshot["issued_on"] == today().isoformat()
    assert snapshot["verification_code"] == certificate.display_code
    assert certificate.verification_code in snapshot["verification_url"]
    assert snapshot["replaces"] is None

    assert list(certificate.events.values_list("kind", "actor")) == [("issued", staff.pk)]

    storage = storages["private"]
    assert storage.exists(certificate.pdf_name)
    with storage.open(certificate.pdf_name, "rb") as handle:
        data = handle.read()
    # The school's signature is an incremental update: the rendered file, then the signature.
    assert data.startswith(fake_pdf(snapshot, credential=certificate.credential))
    assert len(data) > len(fake_pdf(snapshot, credential=certificate.credential))
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256

    (letter,) = mail.outbox
    assert letter.to == [member.user.email]
    assert certificate.certificate_number in letter.body
    assert snapshot["verification_url"] in letter.body

    assert state_of(certificate).status == "valid"
    assert eligibility_of(member).current.certificate == certificate
    assert not eligibility_of(member).can_be_issued


def test_issuing_twice_is_a_conflict_and_consumes_no_number(cohort, four, staff):
    an, binh = four[1], four[3]
    issue(an, staff)
    with pytest.raises(Conflict, match="đã được cấp chứng chỉ"):
        issue(an, staff)
    assert Certificate.objects.filter(enrollment=an).count() == 1
    assert CertificateEvent.objects.count() == 1
    assert last_number(cohort) == 1
    assert issue(binh, staff).sequence == 2


def test_a_participant_who_is_not_eligible_is_refused_and_nothing_is_written(
    cohort, timetable, staff
):
    # As if the form had been edited to send someone who is not on the eligible list.
    member = not_eligible(cohort, timetable)
    files = stored_pdfs()
    with pytest.raises(InvalidTransition) as refusal:
        issue(member, staff)
    assert ABSENT_36 in refusal.value.message
    assert "Đỗ Văn Cường" in refusal.value.message
    assert Certificate.objects.count() == 0
    assert CertificateEvent.objects.count() == 0
    assert not sequence_row(cohort).exists()
    assert stored_pdfs() == files


def test_only_school_staff_issue(cohort, four):
    member = four[0]
    for actor in (member.user, teacher(cohort), factories.UserFactory()):
        with pytest.raises(NotAllowed):
            issue(member, actor)
    assert Certificate.objects.count() == 0
    assert last_number(cohort) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"decision_number": "  "}, "decision_number"),
        ({"decision_date": None}, "decision_date"),
        ({"issued_on": None}, "issued_on"),
    ],
)
def test_the_decision_is_required(cohort, four, staff, changes, field):
    with pytest.raises(InvalidInput) as refusal:
        issue(four[0], staff, **changes)
    assert refusal.value.field == field
    assert Certificate.objects.count() == 0


def test_an_issue_date_before_the_decision_is_refused(cohort, four, staff):
    with pytest.raises(InvalidInput):
        issue(four[0], staff, decision_date=today(), issued_on=today() - dt.timedelta(days=1))


def test_numbers_are_gap_free_and_run_per_issuer_and_year(program, cohort, four, staff):
    year = today().year
    assert [issue(m, staff).sequence for m in four] == [1, 2, 3, 4]
    # A second cohort of the same issuer continues the same sequence, with its own code.
    other = factories.cohort(program)
    first_of_other, next_year_person = eligible_class(
        other, [("Hoàng Văn", "Nam"), ("Đặng Thị", "Mai")]
    )
    certificate = issue(first_of_other, staff)
    assert certificate.sequence == 5
    assert certificate.certificate_number == f"{other.code}/{year}/0005"
    assert certificate.register_number == f"0005/{year}"
    # A new year starts again at 1 (1 January of next year is never more than a year away).
    new_year = dt.date(year + 1, 1, 1)
    certificate = issue(next_year_person, staff, decision_date=new_year, issued_on=new_year)
    assert (certificate.year, certificate.sequence) == (year + 1, 1)
    assert certificate.certificate_number == f"{other.code}/{year + 1}/0001"
    # Another issuer has a sequence of its own.
    elsewhere = factories.cohort(program, issuer_name="Học viện Chính trị khu vực I")
    (their_person,) = eligible_class(elsewhere, [("Bùi Văn", "Long")])
    assert issue(their_person, staff).sequence == 1
    assert last_number(cohort) == 5
    assert last_number(cohort, year + 1) == 1
    # Gap-free, no duplicate.
    this_year = Certificate.objects.filter(issuer=cohort.issuer_name, year=year)
    assert sorted(this_year.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5]


def test_the_cohorts_number_patterns_are_used(cohort, four, staff):
    cohort.certificate_number_pattern = "{seq:05d}/{year}/CC-{code}"
    cohort.register_number_pattern = "VS-{year}-{seq}"
    cohort.save()
    certificate = issue(four[0], staff)
    year = today().year
    assert certificate.certificate_number == f"00001/{year}/CC-{cohort.code}"
    assert certificate.register_number == f"VS-{year}-1"


def test_a_failed_render_gives_the_number_back(cohort, four, staff, monkeypatch):
    issue(four[0], staff)
    files = stored_pdfs()

    def broken(snapshot, extra_css="", credential=""):
        raise RuntimeError("WeasyPrint crashed")

    monkeypatch.setattr("courses.certificate_document.render_certificate_document", broken)
    with pytest.raises(RuntimeError, match="crashed"):
        issue(four[1], staff)
    assert Certificate.objects.count() == 1
    assert CertificateEvent.objects.count() == 1
    assert last_number(cohort) == 1
    assert stored_pdfs() == files
    monkeypatch.setattr(
        "courses.certificate_document.render_certificate_document", fake_pdf_document
    )
    assert issue(four[1], staff).sequence == 2


def test_later_edits_never_reach_an_issued_certificate(cohort, four, staff):
    member = four[0]
    organisation = Organisation.objects.create(name="Sở Khoa học và Công nghệ tỉnh Tuyên Quang")
    member.organisation = organisation
    member.save()
    certificate = issue(member, staff)
    frozen = copy.deepcopy(certificate.snapshot)
    assert frozen["participant"]["organisation"] == "Sở Khoa học và Công nghệ tỉnh Tuyên Quang"

    user = member.user
    user.last_name, user.first_name = "Vũ Thị Thanh", "Hằng"
    user.save()
    organisation.name = "Sở Khoa học và Công nghệ tỉnh Hà Giang"
    organisation.save()
    member.organisation_name = "Một cơ quan khác"
    member.save()
    cohort.issuer_name = "Trường Bồi dưỡng cán bộ (tên mới)"
    cohort.issuer_parent_name = "Bộ mới"
    cohort.signatory_name = "Người ký khác"
    cohort.save()

    stored = Certificate.objects.get(pk=certificate.pk)
    assert stored.snapshot == frozen
    assert stored.full_name == "Vũ Thị Hà"
    assert stored.issuer != cohort.issuer_name
    assert certificate_signing.verify(
        stored.signing_key.public_key,
        certificate_signing.signed_payload(stored.snapshot, stored.pdf_sha256),
        stored.signature,
    )


def test_a_certificate_is_never_edited_or_deleted(cohort, four, staff):
    certificate = issue(four[0], staff)
    before = model_to_dict(Certificate.objects.get())
    certificate.decision_number = "999/QĐ-SỬA"
    with pytest.raises(ImmutableRecord):
        certificate.save()
    with pytest.raises(ImmutableRecord):
        certificate.delete()
    with pytest.raises(ImmutableRecord):
        Certificate.objects.filter(pk=certificate.pk).update(decision_number="999/QĐ-SỬA")
    with pytest.raises(ImmutableRecord):
        Certificate.objects.update(decision_number="999/QĐ-SỬA")
    with pytest.raises(ImmutableRecord):
        Certificate.objects.filter(pk=certificate.pk).delete()
    with pytest.raises(ImmutableRecord):
        Certificate.objects.all().delete()
    # bulk_update runs in atomic(savepoint=False): give it a savepoint of its own here.
    with pytest.raises(ImmutableRecord), transaction.atomic():
        Certificate.objects.bulk_update([certificate], ["decision_number"])
    event = certificate.events.get()
    with pytest.raises(ImmutableRecord):
        event.save()
    with pytest.raises(ImmutableRecord):
        event.delete()
    with pytest.raises(ImmutableRecord):
        CertificateEvent.objects.all().delete()
    assert model_to_dict(Certificate.objects.get()) == before
    assert CertificateEvent.objects.count() == 1


def test_the_signature_verifies_and_breaks_on_one_changed_character(cohort, four, staff):
    certificate = Certificate.objects.get(pk=issue(four[0], staff).pk)
    public = certificate.signing_key.public_key
    assert public == certificate_signing.b64url(certificate_signing.raw_public_key())
    assert certificate.signing_key.key_id == certificate_signing.key_id(
        certificate_signing.b64url_decode(public)
    )
    payload = certificate_signing.signed_payload(certificate.snapshot, certificate.pdf_sha256)
    assert certificate_signing.verify(public, payload, certificate.signature)

    forged = copy.deepcopy(certificate.snapshot)
    forged["participant"]["full_name"] = forged["participant"]["full_name"].replace("Hà", "Hạ")
    assert forged != certificate.snapshot
    assert not certificate_signing.verify(
        public,
        certificate_signing.signed_payload(forged, certificate.pdf_sha256),
        certificate.signature,
    )
    other_pdf = hashlib.sha256(b"another file").hexdigest()
    assert not certificate_signing.verify(
        public,
        certificate_signing.signed_payload(certificate.snapshot, other_pdf),
        certificate.signature,
    )


def test_the_real_renderer_stores_a_real_pdf(cohort, four, staff, monkeypatch):
    monkeypatch.setattr(
        "courses.certificate_document.render_certificate_document", real_render_certificate
    )
    certificate = issue(four[0], staff)
    with storages["private"].open(certificate.pdf_name, "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    import io

    import pypdf

    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1
    assert unicodedata.normalize("NFC", text).count("Vũ Thị Hà") >= 1
    assert certificate.certificate_number in text


# --- Batches -----------------------------------------------------------------------------------


def start(cohort, actor, ids=None, **changes):
    return service.start_issuance(cohort, actor=actor, enrollment_ids=ids, **decision(**changes))


def test_a_batch_issues_to_every_eligible_participant_in_class_list_order(
    cohort, timetable, four, staff, django_capture_on_commit_callbacks
):
    left_out = not_eligible(cohort, timetable)
    with django_capture_on_commit_callbacks(execute=True):
        batch = start(cohort, staff)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert (batch.total, batch.issued_count, batch.skipped) == (4, 4, [])
    assert batch.processed == 4
    assert batch.percent == 100
    assert batch.finished_at is not None
    assert batch.requested_by == staff

    issued = list(Certificate.objects.filter(batch=batch).order_by("sequence"))
    assert [c.enrollment.user.first_name for c in issued] == ["An", "Bình", "Đức", "Hà"]
    assert [c.sequence for c in issued] == [1, 2, 3, 4]
    assert not Certificate.objects.filter(enrollment=left_out).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.user.email for m in four)
    assert [row.status for row in register(cohort)] == ["valid"] * 4

    # Running the task again changes nothing, whether the batch is finished or was cut short
    # (its worker silent for longer than the stale limit, so this run takes it over).
    service.run_batch(batch.pk)
    silent_since = timezone.now() - service.stale_batch_limit() - dt.timedelta(seconds=1)
    IssuanceBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, heartbeat_at=silent_since
    )
    again = service.run_batch(batch.pk)
    assert (again.status, again.issued_count, again.skipped) == (BatchStatus.DONE, 4, [])
    assert Certificate.objects.count() == 4
    assert last_number(cohort) == 4
    # And nobody is left to issue to.
    with pytest.raises(InvalidInput):
        start(cohort, staff)


def test_a_batch_skips_a_selected_participant_who_is_not_eligible_with_the_reason(
    cohort, timetable, four, staff, django_capture_on_commit_callbacks
):
    left_out = not_eligible(cohort, timetable)
    with django_capture_on_commit_callbacks(execute=True):
        batch = start(cohort, staff, [left_out.pk, four[1].pk])
    batch.refresh_from_db()
    assert batch.enrollment_ids == [four[1].pk, left_out.pk]  # An before Cường
    assert (batch.status, batch.total, batch.issued_count) == (BatchStatus.DONE, 2, 1)
    (skip,) = batch.skipped
    assert skip["enrollment_id"] == left_out.pk
    assert skip["name"] == "Đỗ Văn Cường"
    assert ABSENT_36 in skip["reason"]
    assert batch.percent == 100
    assert list(Certificate.objects.values_list("enrollment", flat=True)) == [four[1].pk]


def test_a_batch_refuses_someone_of_another_cohort(program, cohort, four, staff):
    other = factories.cohort(program)
    stranger = person(other, "Ngô Văn", "Tâm")
    with pytest.raises(InvalidInput, match="không thuộc lớp này"):
        start(cohort, staff, [four[0].pk, stranger.pk])
    assert not IssuanceBatch.objects.exists()
    assert not Certificate.objects.exists()


def test_only_school_staff_start_a_batch(cohort, four):
    with pytest.raises(NotAllowed):
        start(cohort, four[0].user)
    assert not IssuanceBatch.objects.exists()


# --- Revocation --------------------------------------------------------------------------------


def revoke(certificate, actor, **changes):
    values = {
        "decision_number": "45/QĐ-TĐT",
        "decision_date": today(),
        "reason": "Hồ sơ kê khai không trung thực",
    } | changes
    return service.revoke_certificate(certificate, actor=actor, **values)


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"decision_number": ""}, "decision_number"), ({"reason": " "}, "reason")],
)
def test_revoking_needs_a_decision_and_a_reason(cohort, four, staff, changes, field):
    certificate = issue(four[0], staff)
    with pytest.raises(InvalidInput) as refusal:
        revoke(certificate, staff, **changes)
    assert refusal.value.field == field
    assert list(certificate.events.values_list("kind", flat=True)) == ["issued"]


def test_revoking_adds_an_event_and_leaves_the_record_as_it_was(cohort, four, staff):
    certificate = issue(four[0], staff)
    before = model_to_dict(Certificate.objects.get(pk=certificate.pk))
    event = revoke(certificate, staff)
    assert (event.kind, event.decision_number, event.reason, event.actor) == (
        "revoked",
        "45/QĐ-TĐT",
        "Hồ sơ kê khai không trung thực",
        staff,
    )
    assert model_to_dict(Certificate.objects.get(pk=certificate.pk)) == before
    assert state_of(Certificate.objects.get(pk=certificate.pk)).status == "revoked"
    assert certificate_state(certificate.pk).status == "revoked"
    assert certificate_state(certificate.pk).revocation == event


def test_revoking_twice_is_refused(cohort, four, staff):
    certificate = issue(four[0], staff)
    revoke(certificate, staff)
    with pytest.raises(InvalidTransition, match="đã bị thu hồi"):
        revoke(certificate, staff, decision_number="46/QĐ-TĐT")
    assert certificate.events.filter(kind="revoked").count() == 1


def test_only_school_staff_revoke(cohort, four, staff):
    certificate = issue(four[0], staff)
    with pytest.raises(NotAllowed):
        revoke(certificate, four[0].user)
    assert certificate.events.count() == 1


# --- Replacement -------------------------------------------------------------------------------


def replace(certificate, actor, **changes):
    values = decision(decision_number="50/QĐ-TĐT", reason="Mất bản gốc") | changes
    return service.replace_certificate(certificate, actor=actor, **values)


def test_a_replacement_is_a_new_certificate_with_the_next_number(cohort, four, staff):
    original = issue(four[0], staff)
    issue(four[1], staff)
    replacement = replace(original, staff)
    year = today().year
    assert replacement.kind == "replacement"
    assert replacement.replaces == original
    assert replacement.sequence == 3
    assert replacement.certificate_number == f"{cohort.code}/{year}/0003"
    assert replacement.enrollment == original.enrollment
    snapshot = replacement.snapshot
    assert snapshot["title"] == TITLE_REPLACEMENT
    assert snapshot["kind"] == "replacement"
    assert snapshot["replaces"] == {
        "certificate_number": original.certificate_number,
        "issued_on": original.issued_on.isoformat(),
    }
    assert snapshot["result"] == original.snapshot["result"]
    (event,) = original.events.filter(kind="replaced")
    assert (event.related, event.reason, event.decision_number) == (
        replacement,
        "Mất bản gốc",
        "50/QĐ-TĐT",
    )
    assert list(replacement.events.values_list("kind", "related")) == [("issued", original.pk)]
    assert state_of(Certificate.objects.get(pk=original.pk)).status == "replaced"
    assert state_of(Certificate.objects.get(pk=replacement.pk)).status == "valid"
    assert eligibility_of(four[0]).current.certificate == replacement
    assert [s.certificate for s in register(cohort)] == [
        original,
        Certificate.objects.get(sequence=2),
        replacement,
    ]


def test_replacing_the_same_certificate_twice_is_refused(cohort, four, staff):
    original = issue(four[0], staff)
    replace(original, staff)
    with pytest.raises(InvalidTransition, match="đã được cấp lại"):
        replace(original, staff, decision_number="51/QĐ-TĐT")
    assert Certificate.objects.count() == 2
    assert last_number(cohort) == 2
    assert original.events.filter(kind="replaced").count() == 1


def test_a_revoked_certificate_of_someone_still_eligible_is_replaced(cohort, four, staff):
    original = issue(four[0], staff)
    revoke(original, staff, reason="Sai ngày sinh")
    replacement = replace(original, staff, reason="Cấp lại sau khi sửa ngày sinh")
    assert replacement.replaces == original
    assert state_of(Certificate.objects.get(pk=original.pk)).status == "revoked"
    assert state_of(Certificate.objects.get(pk=replacement.pk)).status == "valid"


def test_a_revoked_certificate_of_someone_no_longer_eligible_is_not_replaced(
    cohort, timetable, four, staff
):
    member = four[0]
    original = issue(member, staff)
    revoke(original, staff)
    absent_at(timetable, member, 9)  # the roll calls were corrected after an inspection
    with pytest.raises(InvalidTransition) as refusal:
        replace(original, staff)
    assert ABSENT_36 in refusal.value.message
    assert Certificate.objects.count() == 1
    assert last_number(cohort) == 1


def test_the_eligibility_list_shows_who_holds_what(cohort, four, staff):
    original = issue(four[0], staff)
    revoke(original, staff)
    issue(four[1], staff)
    rows = {row.enrollment.pk: row for row in eligibility_for_cohort(cohort)}
    assert rows[four[0].pk].current.status == "revoked"
    assert rows[four[1].pk].current.status == "valid"
    assert rows[four[2].pk].can_be_issued


def test_a_batch_another_worker_is_running_is_left_to_it(cohort, timetable, four, staff):
    batch = service.start_issuance(
        cohort,
        actor=staff,
        enrollment_ids=None,
        decision_number="215/QĐ-TĐT",
        decision_date=dt.date(2026, 11, 20),
        issued_on=dt.date(2026, 11, 25),
    )  # not run: on_commit callbacks are not executed here
    IssuanceBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, heartbeat_at=timezone.now()
    )

    service.run_batch(batch.pk)

    assert not Certificate.objects.exists()
    batch.refresh_from_db()
    assert (batch.status, batch.issued_count) == (BatchStatus.RUNNING, 0)
