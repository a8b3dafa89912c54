"""Demo certificates for `make run`: a cohort that finished three months ago (GDS-2026-3) whose
eligible directors received their certificates, as the school would have issued them:

- twelve directors, every session recorded; one missed two whole days (not eligible: too many
  absences), one failed the final report (4,0), the others passed;
- nine of the ten eligible ones received certificates in one batch (decision 215/QĐ-TĐT);
  the tenth is left for whoever tries the demo to issue;
- one certificate was revoked later (a decision with its reason) and one was re-issued as a
  "giấy chứng nhận" after the director reported losing the original.

Everything goes through the services (roll calls, hand-ins, grades, issuance, revocation,
re-issue), so the records carry their history like real ones. Idempotent: nothing is done when
the cohort exists.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from content.models import ProgramPage
from courses.demo_cohorts import _person, _timetable
from courses.demo_reports import TOPICS, demo_pdf
from courses.models import Certificate, ClassSession, Cohort, Mode, Role, Status, Submission
from courses.services import attendance as attendance_service
from courses.services import certificates as certificate_service
from courses.services import cohorts as cohort_service
from courses.services import enrollment as enrollment_service
from courses.services import reports as report_service

FINISHED_CODE = "GDS-2026-3"
DECISION = "215/QĐ-TĐT"
REVOKE_DECISION = "231/QĐ-TĐT"
REPLACE_DECISION = "240/QĐ-TĐT"

GRADUATES = [
    ("Nguyễn Thị Thu", "Hằng", "Lào Cai", "Giám đốc"),
    ("Phạm Ngọc", "Ỷ", "Tuyên Quang", "Phó Giám đốc"),
    ("Đặng Quốc", "Vượng", "Hà Tĩnh", "Giám đốc"),
    ("Lữ Thị Ngọc", "Ẩn", "Lâm Đồng", "Phó Giám đốc"),
    ("Hoàng Thị Kiều", "Ngữ", "Quảng Ninh", "Giám đốc"),
    ("Trịnh Xuân", "Trường", "Thanh Hóa", "Giám đốc"),
    ("Âu Dương", "Phương", "Cần Thơ", "Phó Giám đốc"),
    ("Vương Thị", "Ngọc", "Bắc Ninh", "Giám đốc"),
    ("Ông Văn", "Dũng", "Huế", "Phó Giám đốc"),
    ("Ưng Thị", "Hoà", "Lạng Sơn", "Giám đốc"),
    ("Khổng Minh", "Khải", "Hưng Yên", "Phó Giám đốc"),
    ("Đinh Thị", "Ước", "Gia Lai", "Giám đốc"),
]
ABSENT_TWO_DAYS = "khoa3-11@lms.test"  # not eligible: absent from sessions 3-10
FAILED_REPORT = "khoa3-12@lms.test"  # graded 4,0
REVOKED = "khoa3-10@lms.test"
REPLACED = "khoa3-02@lms.test"
# Eligible, but their file reached the school after the decision: left for a demo user to issue.
NOT_YET_ISSUED = "khoa3-08@lms.test"


def _score(index: int) -> str:
    return ["8,5", "7,0", "9,0", "6,5", "8,0", "7,5"][index % 6]


def _attendance(cohort, participants, instructors) -> None:
    sessions = list(
        ClassSession.objects.filter(cohort=cohort)
        .prefetch_related("instructors")
        .order_by("starts_at", "pk")
    )
    for teacher in instructors:
        enrollment_service.enroll(None, cohort, teacher, role=Role.INSTRUCTOR, how="seed")
    # Sessions 3-10 (index 2-9): four module days, more than the 20 % one may miss.
    missed = set(range(2, 10))
    for index, session in enumerate(sessions):
        instructor = next(iter(session.instructors.all()), None) or instructors[0]
        marks = {
            enrollment.pk: (
                ("absent", "")
                if enrollment.user.email == ABSENT_TWO_DAYS and index in missed
                else ("present", "")
            )
            for enrollment in participants
        }
        attendance_service.save_roll_call(instructor, session, marks)


def _reports(cohort, participants, grader) -> None:
    assignment = report_service.ensure_assignment(cohort)
    moment = assignment.deadline - dt.timedelta(days=1)
    with mock.patch.object(report_service, "now", return_value=moment):
        for index, enrollment in enumerate(participants):
            user = enrollment.user
            enrollment.cohort = cohort
            title = TOPICS[index % len(TOPICS)]
            pdf = demo_pdf(["BAO CAO THU HOACH", title, f"Hoc vien: {user.email}"])
            report_service.submit_report(
                user,
                cohort,
                title=title,
                upload=SimpleUploadedFile(
                    f"Báo cáo thu hoạch - {user.full_name}.pdf", pdf, content_type="application/pdf"
                ),
                notify=False,
            )
            submission = Submission.objects.select_related("assignment").get(
                assignment=assignment, enrollment=enrollment
            )
            submission.assignment.cohort = cohort
            report_service.grade_submission(
                grader,
                submission,
                score="4,0" if user.email == FAILED_REPORT else _score(index),
                comments="Báo cáo đạt yêu cầu, giải pháp khả thi trong thẩm quyền của Sở.",
            )
    report_service.release_grades(grader, assignment)


@transaction.atomic
def seed_certificates() -> int:
    """Returns how many certificates were issued (0 on a second run)."""
    if Cohort.objects.filter(code=FINISHED_CODE).exists():
        return 0
    program = ProgramPage.objects.live().first()
    User = get_user_model()
    instructors = list(
        User.objects.filter(email__in=["giangvien@lms.test", "giangvien2@lms.test"]).order_by(
            "email"
        )
    )
    staff = User.objects.filter(email="nhatruong@lms.test").first()
    if program is None or not instructors or staff is None:
        return 0
    today = timezone.localdate()
    end = today - dt.timedelta(days=90)
    cohort = cohort_service.create_cohort(
        None,
        program=program,
        name="Lớp bồi dưỡng Giám đốc Sở khóa 3, năm 2026",
        code=FINISHED_CODE,
        start_date=end - dt.timedelta(days=30),
        end_date=end,
        mode=Mode.ONLINE,
        capacity=30,
        signatory_name="Nguyễn Văn Thành",
    )
    _timetable(cohort, program, instructors)
    participants = []
    for index, spec in enumerate(GRADUATES, start=1):
        user = _person(index, spec, prefix="khoa3-")
        participants.append(enrollment_service.enroll(None, cohort, user, how="seed")[0])
    for enrollment in participants:
        enrollment.cohort = cohort
    _attendance(cohort, participants, instructors)
    _reports(cohort, participants, instructors[0])

    decision_date = end + dt.timedelta(days=3)
    batch = certificate_service.start_issuance(
        cohort,
        actor=staff,
        enrollment_ids=[e.pk for e in participants if e.user.email != NOT_YET_ISSUED],
        decision_number=DECISION,
        decision_date=decision_date,
        issued_on=end + dt.timedelta(days=5),
    )
    # The task runs on commit in production; the demo runs it here, inside the seed.
    certificate_service.run_batch(batch.pk)
    certificates = {
        c.enrollment.user.email: c
        for c in Certificate.objects.filter(cohort=cohort).select_related("enrollment__user")
    }
    if REVOKED in certificates:
        certificate_service.revoke_certificate(
            certificates[REVOKED],
            actor=staff,
            decision_number=REVOKE_DECISION,
            decision_date=end + dt.timedelta(days=40),
            reason="Hồ sơ cử đi học không đúng đối tượng (Sở đã có văn bản đề nghị).",
        )
    if REPLACED in certificates:
        certificate_service.replace_certificate(
            certificates[REPLACED],
            actor=staff,
            decision_number=REPLACE_DECISION,
            decision_date=end + dt.timedelta(days=60),
            issued_on=end + dt.timedelta(days=62),
            reason="Học viên báo mất chứng chỉ (đơn đề nghị cấp lại).",
        )
    for enrollment in participants:
        if enrollment.status == Status.APPROVED:
            enrollment_service.complete(None, enrollment, reason="Lớp đã bế giảng.")
    return len(certificates)


__all__ = ["FINISHED_CODE", "seed_certificates"]
