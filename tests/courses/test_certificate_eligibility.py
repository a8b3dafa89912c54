"""Who may receive the certificate, and why not: the pure rule (policies.certificate_refusals)
on hand-computed numbers, then the selectors (eligibility_of / eligibility_for_cohort) on real
timetables, roll calls and graded reports. Every figure below is worked out by hand against a
160-period timetable (40 sessions × 4 periods) and the defaults of curriculum.md: 80 % of the
periods (128, at most 32 missed), report at least 5,0 on 10."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import policies
from courses.certificate_selectors import eligibility_for_cohort, eligibility_of
from courses.services import attendance
from courses.services.enrollment import withdraw
from tests.courses.attendance_helpers import participants, session, teacher
from tests.courses.certificate_helpers import eligible_class, finished_timetable, roll_call
from tests.courses.report_helpers import graded, hand_in, person

pytestmark = pytest.mark.django_db

# --- The rule itself, on numbers ---------------------------------------------------------------


def refusals(**changes):
    """certificate_refusals of someone who meets every condition, with `changes` applied."""
    values = {
        "enrollment_ok": True,
        "enrollment_problem": "",
        "attended": 160,
        "held": 160,
        "scheduled": 160,
        "threshold": Decimal(80),
        "report_submitted": True,
        "report_graded": True,
        "report_score": Decimal("8.0"),
        "pass_mark": Decimal("5.0"),
        "field_required": False,
        "field_attended": 0,
        "field_scheduled": 0,
    }
    return policies.certificate_refusals(**(values | changes))


def test_someone_who_meets_every_condition_has_no_refusal():
    assert refusals() == []


def test_36_periods_missed_of_160_is_over_the_limit():
    # 36 / 160 = 22,5 % missed; the limit is 100 % − 80 % = 20 %.
    assert refusals(attended=124) == ["vắng 36/160 tiết (22,5 %) — vượt mức 20 %"]


def test_exactly_32_missed_reaches_80_percent_exactly():
    assert refusals(attended=128) == []


def test_a_fraction_of_a_period_below_the_threshold_is_refused_and_not_rounded_away():
    # 127,5 credited (a late arrival at half credit): 32,5 / 160 = 20,3125 % missed.
    assert refusals(attended=Decimal("127.5")) == ["vắng 32,5/160 tiết (20,3 %) — vượt mức 20 %"]


def test_the_threshold_is_the_cohorts_own():
    # At 75 % the limit is 40 missed periods: 36 is fine, 41 is not.
    assert refusals(attended=124, threshold=Decimal(75)) == []
    assert refusals(attended=119, threshold=Decimal(75)) == [
        "vắng 41/160 tiết (25,6 %) — vượt mức 25 %"
    ]


def test_a_course_still_running_says_what_is_left():
    # Half the timetable held, all of it attended: 80 of 160 so far, 80 still to come.
    assert refusals(attended=80, held=80) == [
        "mới dự 80/160 tiết (50 %), còn 80 tiết chưa diễn ra — cần 80 %"
    ]


def test_a_course_still_running_but_out_of_reach_says_so():
    # 40 of the 80 held attended: even all 80 remaining give 120 < 128.
    assert refusals(attended=40, held=80) == [
        "đã vắng 40/80 tiết đã học — dù dự đủ 80 tiết còn lại cũng không đạt 80 %"
    ]


def test_no_timetable_is_not_a_pass():
    assert refusals(attended=0, held=0, scheduled=0) == ["lớp chưa có thời khóa biểu"]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"report_submitted": False, "report_graded": False, "report_score": None},
         "chưa nộp báo cáo thu hoạch"),
        ({"report_graded": False, "report_score": None}, "báo cáo thu hoạch chưa được chấm"),
        ({"report_score": Decimal("4.5")}, "báo cáo thu hoạch đạt 4,5 điểm — dưới mức 5,0"),
    ],
)  # fmt: skip
def test_the_final_report(changes, reason):
    assert refusals(**changes) == [reason]


def test_a_score_exactly_at_the_pass_mark_passes():
    assert refusals(report_score=Decimal("5.0")) == []


def test_field_study_when_required():
    assert refusals(field_required=True, field_attended=4, field_scheduled=8) == [
        "chưa tham gia đủ nghiên cứu thực tế (4/8 tiết)"
    ]
    assert refusals(field_required=True, field_attended=8, field_scheduled=8) == []
    assert refusals(field_required=True, field_attended=0, field_scheduled=0) == [
        "lớp chưa xếp lịch nghiên cứu thực tế"
    ]
    assert refusals(field_required=False, field_attended=4, field_scheduled=8) == []


def test_an_enrollment_problem_comes_first_and_every_reason_is_given():
    assert refusals(
        enrollment_ok=False,
        enrollment_problem="đã rút khỏi lớp",
        attended=124,
        report_score=Decimal("4.5"),
    ) == [
        "đã rút khỏi lớp",
        "vắng 36/160 tiết (22,5 %) — vượt mức 20 %",
        "báo cáo thu hoạch đạt 4,5 điểm — dưới mức 5,0",
    ]


# --- The selectors, on real records ------------------------------------------------------------


def marks(sessions, member, pattern: dict[int, str]):
    """Roll calls of `member`: session index → status, present elsewhere."""
    for index, item in enumerate(sessions):
        status = pattern.get(index, "present")
        reason = "Ốm, có giấy của cơ quan" if status == "excused" else ""
        attendance.save_roll_call(None, item, {member.pk: (status, reason)}, {})


@pytest.fixture
def timetable(cohort):
    """A 160-period timetable, all over: theory, then 2 sessions of field study (8 periods)."""
    return finished_timetable(cohort)


@pytest.fixture
def grader(cohort):
    return teacher(cohort)


def member_with(cohort, timetable, grader, pattern, *, score="8", name=("Nguyễn Văn", "An")):
    member = person(cohort, *name)
    marks(timetable, member, pattern)
    if score is not None:
        graded(member, score, grader)
    return member


def verdict(member):
    """(reasons of eligibility_of, reasons of the cohort list's row): they must agree."""
    single = eligibility_of(member).reasons
    rows = {row.enrollment.pk: row for row in eligibility_for_cohort(member.cohort)}
    assert rows[member.pk].reasons == single
    return single


def test_absent_36_periods_of_a_160_period_timetable(cohort, timetable, grader):
    member = member_with(cohort, timetable, grader, dict.fromkeys(range(9), "absent"))
    summary = eligibility_of(member).attendance
    assert (summary.scheduled, summary.attended) == (160, 124)
    assert verdict(member) == ["vắng 36/160 tiết (22,5 %) — vượt mức 20 %"]


def test_absent_exactly_32_periods_is_eligible(cohort, timetable, grader):
    member = member_with(cohort, timetable, grader, dict.fromkeys(range(8), "absent"))
    assert eligibility_of(member).attendance.attended == 128
    assert verdict(member) == []
    assert eligibility_of(member).eligible
    assert eligibility_of(member).can_be_issued


def test_an_excused_absence_is_not_credited(cohort, timetable, grader):
    # 8 absent + 1 excused = 36 periods without credit, exactly as 9 absences.
    pattern = dict.fromkeys(range(8), "absent") | {8: "excused"}
    member = member_with(cohort, timetable, grader, pattern)
    assert verdict(member) == ["vắng 36/160 tiết (22,5 %) — vượt mức 20 %"]


@pytest.mark.parametrize(
    ("credit", "expected"),
    [
        (100, []),  # 8 absent, 1 late credited 4: 128
        (50, ["vắng 34/160 tiết (21,3 %) — vượt mức 20 %"]),  # late credited 2: 126
        (0, ["vắng 36/160 tiết (22,5 %) — vượt mức 20 %"]),  # late credited nothing: 124
    ],
)
def test_late_is_credited_as_the_cohort_says(cohort, timetable, grader, credit, expected):
    cohort.late_credit_percent = credit
    cohort.save()
    pattern = dict.fromkeys(range(8), "absent") | {8: "late"}
    member = member_with(cohort, timetable, grader, pattern)
    member.cohort.refresh_from_db()
    assert verdict(member) == expected


def test_the_final_report_missing_ungraded_or_under_the_pass_mark(cohort, timetable, grader):
    missing = member_with(cohort, timetable, grader, {}, score=None, name=("Lê Văn", "Bình"))
    ungraded = member_with(cohort, timetable, grader, {}, score=None, name=("Trần Thị", "Cúc"))
    hand_in(ungraded)
    failed = member_with(cohort, timetable, grader, {}, score="4,5", name=("Phạm Văn", "Dũng"))
    passed = member_with(cohort, timetable, grader, {}, score="5,0", name=("Vũ Thị", "Hà"))
    assert verdict(missing) == ["chưa nộp báo cáo thu hoạch"]
    assert verdict(ungraded) == ["báo cáo thu hoạch chưa được chấm"]
    assert verdict(failed) == ["báo cáo thu hoạch đạt 4,5 điểm — dưới mức 5,0"]
    assert verdict(passed) == []


def test_missed_field_study_when_required(cohort, timetable, grader):
    assert cohort.field_study_required
    last = len(timetable) - 1
    member = member_with(cohort, timetable, grader, {last: "absent"})  # the last field session
    # 156 of 160 attended — attendance alone would pass.
    assert verdict(member) == ["chưa tham gia đủ nghiên cứu thực tế (4/8 tiết)"]


def test_field_study_not_required_is_ignored(cohort, timetable, grader):
    cohort.field_study_required = False
    cohort.save()
    last = len(timetable) - 1
    member = member_with(cohort, timetable, grader, {last - 1: "absent", last: "absent"})
    member.cohort.refresh_from_db()
    assert verdict(member) == []


def test_a_withdrawn_participant_is_listed_as_not_eligible(cohort, timetable, grader):
    member = member_with(cohort, timetable, grader, {})
    withdraw(None, member, "Chuyển công tác")
    rows = {row.enrollment.pk: row for row in eligibility_for_cohort(cohort)}
    assert rows[member.pk].reasons == ["đã rút khỏi lớp"]
    assert not rows[member.pk].eligible
    member.refresh_from_db()
    assert eligibility_of(member).reasons == ["đã rút khỏi lớp"]


def test_a_course_still_running(cohort, grader):
    # 20 sessions over, 20 to come (4 periods each); present at every one held so far.
    start = timezone.now() - dt.timedelta(days=20) + dt.timedelta(hours=1)
    sessions = [
        session(cohort, starts_at=start + dt.timedelta(days=i), periods=4) for i in range(40)
    ]
    cohort.field_study_required = False
    cohort.save()
    member = person(cohort, "Nguyễn Văn", "An")
    roll_call(sessions[:20], [member])
    graded(member, "8", grader)
    member.cohort.refresh_from_db()
    assert verdict(member) == ["mới dự 80/160 tiết (50 %), còn 80 tiết chưa diễn ra — cần 80 %"]


def test_the_class_list_gives_every_admitted_participant_in_name_order(cohort, timetable):
    eligible = eligible_class(
        cohort, [("Vũ Thị", "Hà"), ("Trần Văn", "An"), ("Lê Minh", "Đức")], sessions=timetable
    )
    late_comer = person(cohort, "Nguyễn Thị", "Bình")  # no attendance, no report
    rows = eligibility_for_cohort(cohort)
    assert [row.enrollment.user.first_name for row in rows] == ["An", "Bình", "Đức", "Hà"]
    assert [row.eligible for row in rows] == [True, False, True, True]
    assert {row.enrollment.pk for row in rows if row.eligible} == {m.pk for m in eligible}
    assert rows[1].enrollment.pk == late_comer.pk
    assert rows[1].reasons == [
        "vắng 160/160 tiết (100 %) — vượt mức 20 %",
        "chưa nộp báo cáo thu hoạch",
        "chưa tham gia đủ nghiên cứu thực tế (0/8 tiết)",
    ]


def _cohort_queries(program, size):
    from tests import factories

    cohort = factories.cohort(program)
    sessions = finished_timetable(cohort, theory=3, field=1)
    members = participants(cohort, size)
    roll_call(sessions, members)
    grader = teacher(cohort)
    for member in members[::2]:
        graded(member, "7", grader)
    eligibility_for_cohort(cohort)  # warm-up (content types, caches)
    with CaptureQueriesContext(connection) as queries:
        rows = eligibility_for_cohort(cohort)
    assert len(rows) == size
    assert sum(row.eligible for row in rows) == len(members[::2])
    return len(queries)


def test_eligibility_for_cohort_runs_the_same_queries_for_3_and_12_people(program):
    assert _cohort_queries(program, 3) == _cohort_queries(program, 12)
