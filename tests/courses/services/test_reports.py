"""Final report: the assignment, hand-ins with every version kept, the deadline and late
permissions, grading with its history, score parsing, release."""

import datetime as dt
import hashlib
import re
from decimal import Decimal

import pytest
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.exceptions import Conflict, InvalidInput, InvalidTransition, NotAllowed
from courses.models import (
    Grade,
    GradeChange,
    LateAllowance,
    ReportAssignment,
    Submission,
    SubmissionVersion,
)
from courses.services import reports as service
from tests import factories
from tests.courses.attendance_helpers import session, teacher
from tests.courses.report_helpers import (
    CRITERIA,
    assignment,
    docx,
    freeze,
    graded,
    hand_in,
    submission_of,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(cohort):
    return factories.enrollment(cohort)


@pytest.fixture
def due(cohort):
    """The cohort's assignment, due in 7 days."""
    return assignment(cohort)


def _local(day: dt.date, hour=23, minute=59, second=59):
    return dt.datetime.combine(
        day, dt.time(hour, minute, second), tzinfo=timezone.get_current_timezone()
    )


# --- The assignment ----------------------------------------------------------------------------


def test_default_assignment_takes_its_title_criteria_and_deadline_rule_from_the_programme(cohort):
    from content.models import FinalReportPage

    page = FinalReportPage.objects.child_of(cohort.program).get()
    page.grading_criteria = (
        "<ul><li>Tính thực tiễn của vấn đề: tối đa 2 điểm.</li>"
        "<li>Căn cứ pháp lý: tối đa 2 điểm.</li><li>Phân tích nguyên nhân: tối đa 2 điểm.</li>"
        "<li>Tính khả thi của giải pháp: tối đa 3 điểm.</li>"
        "<li>Bố cục, văn phong: tối đa 1 điểm.</li>"
        "<li>Chấm theo thang điểm 10, lấy đến một chữ số thập phân.</li></ul>"
    )
    page.deadline_days_after_last_session = 10
    page.save()
    last = session(cohort, starts_at=_local(cohort.start_date, 7, 30, 0))
    made = service.ensure_assignment(cohort)
    assert made.title == "Báo cáo thu hoạch"
    assert [name for name, _points in made.criteria_points] == [
        "Tính thực tiễn của vấn đề",
        "Căn cứ pháp lý",
        "Phân tích nguyên nhân",
        "Tính khả thi của giải pháp",
        "Bố cục, văn phong",
    ]
    assert sum(points for _name, points in made.criteria_points) == 10
    last_day = timezone.localdate(last.ends_at)
    assert made.deadline == _local(last_day + dt.timedelta(days=10))
    assert service.ensure_assignment(cohort).pk == made.pk  # one per cohort


def test_default_deadline_is_never_after_the_closing_day(cohort):
    session(cohort, starts_at=_local(cohort.end_date - dt.timedelta(days=3), 7, 30, 0))
    assert service.ensure_assignment(cohort).deadline == _local(cohort.end_date)


def test_only_school_staff_change_the_assignment(cohort, due):
    data = service.AssignmentData(title="Báo cáo", deadline=due.deadline)
    with pytest.raises(NotAllowed):
        service.save_assignment(teacher(cohort), cohort, data)
    staff = factories.school_staff()
    changed = service.save_assignment(
        staff,
        cohort,
        service.AssignmentData(
            title="Báo cáo cuối khóa",
            deadline=due.deadline + dt.timedelta(days=2),
            criteria=service.parse_criteria_lines(
                "Tính thực tiễn: 2\nCăn cứ: 2\nNguyên nhân: 2\nGiải pháp: tối đa 3 điểm\nBố cục: 1"
            ),
            bands=service.parse_band_lines("9: Xuất sắc\n8: Giỏi\n6,5: Khá\n5: Trung bình"),
        ),
    )
    assert changed.title == "Báo cáo cuối khóa"
    assert changed.updated_by == staff
    assert changed.criteria[3] == {"name": "Giải pháp", "max_points": "3"}
    assert changed.band_list[2] == (Decimal("6.5"), "Khá")
    assert ReportAssignment.objects.count() == 1


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        ("Tính thực tiễn: 2\nGiải pháp: 3", "phải bằng 10 (hiện là 5,0)"),
        ("Tính thực tiễn hai điểm", "Dòng 1"),
        ("A: 0\nB: 10", "phải lớn hơn 0"),
    ],
)
def test_criteria_are_refused_unless_they_total_ten(lines, says):
    with pytest.raises(InvalidInput, match=re.escape(says)) as refusal:
        service.parse_criteria_lines(lines)
    assert refusal.value.field == "criteria"


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        ("5: Trung bình\n8: Giỏi", "từ cao xuống thấp"),
        ("11: Siêu", "Điểm tối đa là 10"),
        ("Giỏi", "Dòng 1"),
    ],
)
def test_bands_are_refused_unless_highest_first_on_the_scale(lines, says):
    with pytest.raises(InvalidInput, match=re.escape(says)):
        service.parse_band_lines(lines)


def test_criteria_cannot_change_once_a_report_is_graded_by_them(cohort, member):
    due = assignment(cohort, criteria=CRITERIA)
    graded(member, "", criterion_scores=["2", "2", "1,5", "2,5", "1"])
    with pytest.raises(InvalidTransition, match="không đổi tiêu chí"):
        service.save_assignment(
            None,
            cohort,
            service.AssignmentData(
                title=due.title,
                deadline=due.deadline,
                criteria=[{"name": "Cả bài", "max_points": "10"}],
            ),
        )


# --- Hand-in and versions ------------------------------------------------------------------------


def test_each_hand_in_adds_a_version_and_keeps_every_earlier_one(cohort, member, due):
    first = hand_in(member, title="Bản nháp", data=b"%PDF-1.4\n" + b"1" * 50, name="nhap.pdf")
    second = hand_in(member, title="Bản hoàn chỉnh", name="Báo cáo – Nguyễn Văn An.pdf")
    versions = list(SubmissionVersion.objects.filter(submission__enrollment=member))
    assert [(v.number, v.title) for v in versions] == [(1, "Bản nháp"), (2, "Bản hoàn chỉnh")]
    assert Submission.objects.filter(enrollment=member).count() == 1
    private = storages["private"]
    for version in (first, second):
        with private.open(version.storage_name, "rb") as stored:
            content = stored.read()
        assert hashlib.sha256(content).hexdigest() == version.sha256
        assert version.size == len(content)
        assert version.content_type == "application/pdf"
        assert not version.is_late
        assert version.submitted_by == member.user
    # Random names in the private storage; the participant's name is data only.
    assert second.original_name == "Báo cáo – Nguyễn Văn An.pdf"
    assert "Nguy" not in second.storage_name
    assert second.storage_name.startswith(f"reports/{cohort.pk}/")
    assert first.storage_name != second.storage_name


def test_a_docx_and_an_online_text_are_accepted_too(cohort, member, due):
    word = hand_in(member, data=docx(), name="bao-cao.docx")
    assert word.content_type.endswith("wordprocessingml.document")
    assert word.original_name == "bao-cao.docx"
    written = hand_in(member, text="Đoạn một.\n\nĐoạn hai.")
    assert written.storage_name == ""
    assert written.text == "Đoạn một.\n\nĐoạn hai."
    assert written.number == 2


def test_the_receipt_is_mailed_after_commit(
    cohort, member, due, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = hand_in(member, title="Kho dữ liệu dùng chung")
    (mail,) = mailoutbox
    assert mail.to == [member.user.email]
    assert "Đã nhận báo cáo thu hoạch (lần nộp 1)" in mail.subject
    assert "Kho dữ liệu dùng chung" in mail.body
    assert version.sha256 in mail.body
    assert f"/lop/{cohort.code}/bao-cao/" in mail.body


@pytest.mark.parametrize(
    ("kwargs", "field", "says"),
    [
        ({"title": "  "}, "title", "Hãy ghi tên báo cáo"),
        ({"title": "Tên", "upload": None}, "file", "Hãy tải tệp báo cáo lên"),
        ({"title": "Tên", "text": "Nội dung"}, "file", "không cả hai"),
        ({"title": "x" * 301}, "title", "dài quá 300"),
    ],
)
def test_refuses_a_hand_in_without_title_or_with_neither_or_both_file_and_text(
    cohort, member, due, kwargs, field, says
):
    values = {"upload": upload(), **kwargs}
    with pytest.raises(InvalidInput, match=re.escape(says)) as refusal:
        service.submit_report(member.user, cohort, **values)
    assert refusal.value.field == field
    assert not SubmissionVersion.objects.exists()


def _stored_files(cohort) -> list[str]:
    private, folder = storages["private"], f"reports/{cohort.pk}"
    return private.listdir(folder)[1] if private.exists(folder) else []


def test_a_renamed_program_is_refused_and_nothing_is_stored(cohort, member, due):
    before = _stored_files(cohort)
    with pytest.raises(InvalidInput, match="chương trình") as refusal:
        hand_in(member, data=b"MZ\x90\x00" + b"\x00" * 200, name="bao-cao.pdf")
    assert refusal.value.field == "file"
    assert not Submission.objects.exists()
    assert _stored_files(cohort) == before


def test_only_approved_participants_of_the_cohort_hand_in(cohort, due):
    applicant = factories.enrollment(cohort, status="applied")
    outsider = factories.enrollment(factories.cohort(cohort.program))
    instructor = teacher(cohort)
    for user in (applicant.user, outsider.user, instructor):
        with pytest.raises(NotAllowed, match="Chỉ học viên của lớp"):
            service.submit_report(user, cohort, title="Tên", upload=upload())
    assert not Submission.objects.exists()


def test_after_the_deadline_a_hand_in_is_refused(cohort, member, monkeypatch):
    due = assignment(cohort, deadline=timezone.now() + dt.timedelta(hours=1))
    freeze(monkeypatch, due.deadline + dt.timedelta(seconds=1))
    with pytest.raises(InvalidTransition, match="Đã hết hạn nộp báo cáo") as refusal:
        hand_in(member)
    assert "chỉ nhà trường mới cho phép nộp muộn" in refusal.value.message
    assert not Submission.objects.exists()


def test_a_late_hand_in_accepted_by_staff_is_recorded_as_late_with_who_allowed_it(
    cohort, member, monkeypatch
):
    due = assignment(cohort, deadline=timezone.now() + dt.timedelta(hours=1))
    on_time = hand_in(member, title="Bản đúng hạn")
    staff = factories.school_staff(last_name="Phạm Minh", first_name="Tuấn")
    freeze(monkeypatch, due.deadline + dt.timedelta(days=1))
    allowance = service.allow_late(
        staff, member, until=due.deadline + dt.timedelta(days=3), reason="Đi công tác nước ngoài"
    )
    late = hand_in(member, title="Bản bổ sung")
    assert (on_time.is_late, late.is_late) == (False, True)
    assert late.late_allowance == allowance
    assert late.late_allowed_by == staff
    assert LateAllowance.objects.get().reason == "Đi công tác nước ngoài"
    # Once the permission has run out, the door is shut again.
    freeze(monkeypatch, due.deadline + dt.timedelta(days=3, seconds=1))
    with pytest.raises(InvalidTransition):
        hand_in(member)


def test_the_database_refuses_a_late_version_without_a_permission(cohort, member, due):
    version = hand_in(member)
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmissionVersion.objects.create(
            submission=version.submission,
            number=2,
            title="Muộn",
            text="x",
            submitted_by=member.user,
            is_late=True,
        )


@pytest.mark.parametrize(
    ("who", "until_days", "reason", "error", "says"),
    [
        ("instructor", 3, "Ốm", NotAllowed, "Chỉ nhà trường"),
        ("staff", 3, "  ", InvalidInput, "Hãy ghi lý do"),
        ("staff", -1, "Ốm", InvalidInput, "phải sau hạn chung"),
    ],
)
def test_late_permission_refusals(cohort, member, due, who, until_days, reason, error, says):
    actor = teacher(cohort) if who == "instructor" else factories.school_staff()
    with pytest.raises(error, match=re.escape(says)):
        service.allow_late(
            actor, member, until=due.deadline + dt.timedelta(days=until_days), reason=reason
        )
    assert not LateAllowance.objects.exists()


def test_a_late_permission_is_only_for_an_approved_participant(cohort, due):
    instructor_enrollment = factories.enrollment(cohort, role="instructor")
    with pytest.raises(NotAllowed):
        service.allow_late(
            factories.school_staff(),
            instructor_enrollment,
            until=due.deadline + dt.timedelta(days=1),
            reason="Thử",
        )


def test_one_submission_per_participant_in_the_database(cohort, member, due):
    hand_in(member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(assignment=due, enrollment=member)


def test_versions_are_append_only(cohort, member, due):
    version = hand_in(member)
    with pytest.raises(TypeError):
        version.save()
    with pytest.raises(TypeError):
        SubmissionVersion.objects.filter(pk=version.pk).update(title="Sửa lén")
    with pytest.raises(TypeError):
        version.delete()


# --- Scores ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("8,5", "8.5"),
        ("8.5", "8.5"),
        (" 7 ", "7.0"),
        ("10", "10.0"),
        ("0", "0.0"),
        ("4,9", "4.9"),
        ("8,50", "8.5"),
        (Decimal("9.0"), "9.0"),
    ],
)
def test_scores_are_read_with_a_decimal_comma_or_point(typed, value):
    assert service.parse_score(typed) == Decimal(value)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("10,5", "Điểm tối đa là 10: “10,5” vượt thang điểm."),
        ("-1", "Điểm không được âm"),
        ("\u22121", "Điểm không được âm"),
        ("abc", "“abc” không phải là điểm"),
        ("8,55", "Điểm chỉ lấy đến một chữ số thập phân (ví dụ 8,5), không phải “8,55”."),
        ("8,5,1", "không phải là điểm"),
        ("", "Hãy nhập điểm"),
    ],
)
def test_scores_off_the_scale_or_not_numbers_are_refused_with_a_clear_message(typed, says):
    with pytest.raises(InvalidInput) as refusal:
        service.parse_score(typed)
    assert says in refusal.value.message
    assert refusal.value.field == "score"


# --- Grading and its history -------------------------------------------------------------------


def test_a_grade_change_keeps_history_and_needs_a_reason(cohort, member, due):
    instructor = teacher(cohort)
    graded(member, "7,0", grader=instructor, comments="Thiếu số liệu.")
    submission = submission_of(member)
    with pytest.raises(InvalidInput, match="hãy ghi lý do sửa điểm") as refusal:
        service.grade_submission(instructor, submission, score="8,0")
    assert refusal.value.field == "reason"
    staff = factories.school_staff()
    service.grade_submission(
        staff, submission, score="8,0", comments="Đã bổ sung.", reason="Phúc khảo"
    )
    grade = Grade.objects.get()
    assert (grade.score, grade.comments, grade.graded_by, grade.revision) == (
        Decimal("8.0"),
        "Đã bổ sung.",
        staff,
        2,
    )
    history = list(GradeChange.objects.order_by("revision"))
    assert [(c.old_score, c.new_score, c.changed_by, c.reason) for c in history] == [
        (None, Decimal("7.0"), instructor, ""),
        (Decimal("7.0"), Decimal("8.0"), staff, "Phúc khảo"),
    ]
    with pytest.raises(TypeError):
        history[0].save()
    with pytest.raises(TypeError):
        GradeChange.objects.all().delete()


def test_saving_the_same_grade_again_logs_nothing(cohort, member, due):
    instructor = teacher(cohort)
    graded(member, "8,5", grader=instructor)
    service.grade_submission(instructor, submission_of(member), score="8.5")
    assert GradeChange.objects.count() == 1


def test_changing_only_the_comments_needs_no_reason_but_is_logged(cohort, member, due):
    instructor = teacher(cohort)
    graded(member, "8,5", grader=instructor)
    service.grade_submission(instructor, submission_of(member), score="8,5", comments="Tốt.")
    assert GradeChange.objects.count() == 2
    assert Grade.objects.get().comments == "Tốt."


def test_an_instructor_of_another_cohort_cannot_grade(cohort, member, due):
    hand_in(member)
    other = teacher(factories.cohort(cohort.program))
    for actor in (other, factories.enrollment(cohort).user):
        with pytest.raises(NotAllowed, match="Chỉ giảng viên của lớp"):
            service.grade_submission(actor, submission_of(member), score="9")
    assert not Grade.objects.exists()


def test_a_grade_saved_from_a_stale_form_is_refused(cohort, member, due):
    first, second = teacher(cohort), teacher(cohort)
    graded(member, "7,0", grader=first)
    submission = submission_of(member)
    service.grade_submission(first, submission, score="7,5", reason="Cộng điểm", revision=1)
    with pytest.raises(Conflict, match="vừa chấm bài này 7,5 điểm"):
        service.grade_submission(second, submission, score="6,0", reason="Trừ", revision=1)
    assert Grade.objects.get().score == Decimal("7.5")


def test_criterion_scores_stay_within_their_maximum_and_add_up_to_the_score(cohort, member):
    assignment(cohort, criteria=CRITERIA)
    grade = graded(member, "", criterion_scores=["2", "1,5", "2", "2,5", "0,5"])
    assert grade.score == Decimal("8.5")
    assert [item["score"] for item in grade.criterion_scores] == ["2.0", "1.5", "2.0", "2.5", "0.5"]
    with pytest.raises(
        InvalidInput, match="Tiêu chí “Tính khả thi của giải pháp”: Điểm tối đa là 3"
    ):
        service.grade_submission(
            None, submission_of(member), score="9", criterion_scores=["", "", "", "3,5", ""]
        )
    with pytest.raises(InvalidInput, match="chấm đủ mọi tiêu chí"):
        service.grade_submission(None, submission_of(member), score="", criterion_scores=["2"])


def test_the_database_keeps_scores_on_the_ten_point_scale(cohort, member, due):
    version = hand_in(member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Grade.objects.create(submission=version.submission, version=version, score=Decimal("10.5"))


def test_a_new_version_after_grading_is_graded_on_the_latest(cohort, member, due):
    instructor = teacher(cohort)
    graded(member, "6,0", grader=instructor)
    newer = hand_in(member, title="Bản sửa")
    grade = service.grade_submission(
        instructor, submission_of(member), score="7,0", reason="Chấm bản sửa"
    )
    assert grade.version == newer
    assert GradeChange.objects.order_by("-revision").first().version_number == 2


# --- Release -----------------------------------------------------------------------------------


def test_releasing_grades_mails_each_graded_participant_once(
    cohort, due, mailoutbox, django_capture_on_commit_callbacks
):
    graded_one = factories.enrollment(cohort)
    waiting = factories.enrollment(cohort)
    graded(graded_one, "8")
    hand_in(waiting)
    instructor = teacher(cohort)
    with django_capture_on_commit_callbacks(execute=True):
        assert service.release_grades(instructor, service.ensure_assignment(cohort)) == 1
        assert service.release_grades(instructor, service.ensure_assignment(cohort)) == 0
    assert [mail.to for mail in mailoutbox] == [[graded_one.user.email]]
    assert "Đã có điểm báo cáo thu hoạch" in mailoutbox[0].subject
    released = ReportAssignment.objects.get()
    assert released.released_by == instructor
    service.withhold_grades(instructor, released)
    assert ReportAssignment.objects.get().released_at is None
    with pytest.raises(NotAllowed):
        service.release_grades(waiting.user, released)
