"""Demo attendance for `make run`, in cohort GDS-2026-5: every session that has ended has a roll
call taken by its instructor, mostly present, with the cases the school meets in real life: a
few absences, a late arrival, one excused absence, one director at risk and one who can no longer
reach the threshold. Idempotent: a session that already has records is left as it is.

Written through courses.services.attendance, so each record has its log row like any other.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from courses.demo_cohorts import RUNNING_CODE
from courses.models import AttendanceRecord, ClassSession, Cohort, Enrollment, Role, Status
from courses.services import attendance as service
from courses.services import enrollment as enrollment_service

# Who misses what, by the demo e-mail address, counted over the sessions that have ended
# (index 0 = the first session of the course).
OUT_OF_REACH = "giamdoc09@lms.test"  # absent from the fifth session on: below the threshold
AT_RISK = "giamdoc12@lms.test"  # absent from sessions 3, 4, 7, 8 and 9: 28 of 32 periods
EXCUSED = ("giamdoc05@lms.test", 2, "Dự họp Ủy ban nhân dân tỉnh về chuyển đổi số")
LATE = [("giamdoc14@lms.test", 1), ("hocvien@lms.test", 3)]
ABSENT_ONCE = [("giamdoc20@lms.test", 5), ("giamdoc02@lms.test", 0)]


def _mark(email: str, index: int) -> tuple[str, str]:
    if email == OUT_OF_REACH and index >= 4:
        return "absent", ""
    if email == AT_RISK and index in (2, 3, 6, 7, 8):
        return "absent", ""
    if (email, index) == EXCUSED[:2]:
        return "excused", EXCUSED[2]
    if (email, index) in LATE:
        return "late", ""
    if (email, index) in ABSENT_ONCE:
        return "absent", ""
    return "present", ""


@transaction.atomic
def seed_attendance() -> int:
    """Returns how many sessions got a roll call (0 on a second run)."""
    cohort = Cohort.objects.filter(code=RUNNING_CODE).first()
    if cohort is None:
        return 0
    participants = {
        email: pk
        for pk, email in Enrollment.objects.filter(
            cohort=cohort, role=Role.PARTICIPANT, status=Status.APPROVED
        ).values_list("pk", "user__email")
    }
    ended = (
        ClassSession.objects.filter(cohort=cohort, ends_at__lte=timezone.now())
        .select_related("cohort")
        .prefetch_related("instructors")
        .order_by("starts_at", "pk")
    )
    recorded = set(
        AttendanceRecord.objects.filter(session__cohort=cohort).values_list("session_id", flat=True)
    )
    # The timetable names the instructors; they take part through an instructor enrollment.
    teachers = {user.pk: user for session in ended for user in session.instructors.all()}
    for teacher in teachers.values():
        enrollment_service.enroll(None, cohort, teacher, role=Role.INSTRUCTOR, how="seed")
    taken = 0
    for index, session in enumerate(ended):
        if session.pk in recorded:
            continue
        instructor = next(iter(session.instructors.all()), None)
        marks = {pk: _mark(email, index) for email, pk in participants.items()}
        service.save_roll_call(instructor, session, marks)
        taken += 1
    return taken


__all__ = ["seed_attendance"]
