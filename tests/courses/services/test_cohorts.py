"""Cohorts and their timetable: who may change them, the history of certificate rules, sessions
that never overlap, and the timetable checked against the programme."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from content.models import ModulePage
from courses.exceptions import Conflict, InvalidInput, InvalidTransition, NotAllowed
from courses.models import Category, ClassSession, Cohort, CohortChange, Enrollment, Role, Status
from courses.selectors import timetable_summary
from courses.services import cohorts as service
from courses.services.cohorts import SessionData
from tests import factories
from tests.content.conftest import make_program

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.date(2026, 3, 2)


def at(hour: int, minute: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=HANOI)


def module_of(program, number: int = 1) -> ModulePage:
    return ModulePage.objects.child_of(program).get(number=number)


def theory(cohort, start=8, end=11, *, number=1, periods=4, **values) -> SessionData:
    return SessionData(
        category=Category.THEORY,
        module=module_of(cohort.program, number),
        starts_at=at(start),
        ends_at=at(end),
        periods=periods,
        **values,
    )


def cohort_values(program, **changes) -> dict:
    today = timezone.localdate()
    values = {
        "program": program,
        "name": "Lớp bồi dưỡng Giám đốc Sở khóa 5",
        "code": "GDS-2026-5",
        "start_date": today + dt.timedelta(days=30),
        "end_date": today + dt.timedelta(days=90),
    }
    return values | changes


@pytest.fixture
def started(cohort):
    """The cohort, started a week ago."""
    today = timezone.localdate()
    cohort.start_date = today - dt.timedelta(days=7)
    cohort.applications_open_on = today - dt.timedelta(days=30)
    cohort.applications_close_on = today - dt.timedelta(days=10)
    cohort.save()
    return cohort


# --- Creating and changing a cohort ----------------------------------------------------------


def test_school_staff_create_a_cohort(program, school_staff):
    cohort = service.create_cohort(school_staff, **cohort_values(program))

    stored = Cohort.objects.get(code="GDS-2026-5")
    assert stored.pk == cohort.pk
    assert stored.created_by == school_staff
    assert stored.attendance_threshold == Decimal("80"), "curriculum default"


@pytest.mark.parametrize("who", ["participant", "instructor"])
def test_only_school_staff_create_cohorts(program, who, request):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed, match="Chỉ nhà trường"):
        service.create_cohort(actor, **cohort_values(program))
    assert not Cohort.objects.exists()


@pytest.mark.parametrize(
    ("field", "pattern"),
    [
        ("certificate_number_pattern", "{ma}/{seq}"),  # unknown name
        ("certificate_number_pattern", "{code}/{year}"),  # no sequence: numbers would repeat
        ("register_number_pattern", "{seq:04d}/{year[0]}"),  # indexing a number
        ("register_number_pattern", "{code.nothing}/{seq}"),  # attribute of the code
        ("register_number_pattern", "{seq:04d}/{year"),  # unbalanced brace
    ],
)
def test_invalid_number_pattern_is_refused_naming_the_field(program, school_staff, field, pattern):
    with pytest.raises(InvalidInput) as refusal:
        service.create_cohort(school_staff, **cohort_values(program, **{field: pattern}))

    label = str(Cohort._meta.get_field(field).verbose_name)
    assert refusal.value.field == field
    assert label.casefold() in refusal.value.message.casefold(), refusal.value.message
    assert pattern in refusal.value.message
    assert not Cohort.objects.exists()


def test_a_code_taken_or_dates_reversed_are_refused(cohort, school_staff):
    with pytest.raises(InvalidInput, match="mã lớp|Mã lớp"):
        service.create_cohort(school_staff, **cohort_values(cohort.program, code=cohort.code))
    today = timezone.localdate()
    with pytest.raises(InvalidInput):
        service.create_cohort(
            school_staff,
            **cohort_values(
                cohort.program, start_date=today, end_date=today - dt.timedelta(days=1)
            ),
        )
    assert Cohort.objects.count() == 1


def test_changing_a_rule_before_the_start_is_logged(cohort, school_staff):
    history = service.update_cohort(
        school_staff, cohort, {"attendance_threshold": Decimal("85"), "name": "Lớp khóa 5 (sửa)"}
    )

    cohort.refresh_from_db()
    assert cohort.attendance_threshold == Decimal("85")
    assert cohort.name == "Lớp khóa 5 (sửa)"
    change = CohortChange.objects.get(cohort=cohort)
    assert [change] == history, "the name is not a certificate rule: not in the history"
    assert (change.field, change.changed_by) == ("attendance_threshold", school_staff)
    assert Decimal(change.old_value) == Decimal("80")
    assert Decimal(change.new_value) == Decimal("85")
    assert change.reason == ""


def test_changing_a_rule_after_the_start_needs_a_reason(started, school_staff):
    with pytest.raises(InvalidInput, match="Lớp đã khai giảng.*tỷ lệ dự học tối thiểu") as refusal:
        service.update_cohort(school_staff, started, {"attendance_threshold": Decimal("70")})
    assert refusal.value.field == "reason"
    started.refresh_from_db()
    assert started.attendance_threshold == Decimal("80")
    assert not CohortChange.objects.exists()

    service.update_cohort(
        school_staff,
        started,
        {"attendance_threshold": Decimal("70")},
        reason="  Quyết định số 12/QĐ-TĐT  ",
    )
    started.refresh_from_db()
    assert started.attendance_threshold == Decimal("70")
    change = CohortChange.objects.get(cohort=started)
    assert change.reason == "Quyết định số 12/QĐ-TĐT"
    assert change.changed_by == school_staff
    assert change.field_label == "tỷ lệ dự học tối thiểu (%)"


def test_moving_the_start_date_does_not_waive_the_reason(started, school_staff):
    """A started cohort cannot escape the rule by moving its start into the future in the
    same change."""
    later = timezone.localdate() + dt.timedelta(days=5)
    with pytest.raises(InvalidInput, match="Lớp đã khai giảng"):
        service.update_cohort(
            school_staff, started, {"start_date": later, "field_study_required": False}
        )
    started.refresh_from_db()
    assert started.field_study_required is True
    assert started.start_date < timezone.localdate()


def test_a_certificate_setting_after_the_start_needs_no_reason_but_is_logged(started, school_staff):
    service.update_cohort(school_staff, started, {"signatory_name": "Nguyễn Văn Bình"})
    change = CohortChange.objects.get(cohort=started)
    assert (change.field, change.old_value, change.new_value) == (
        "signatory_name",
        "",
        "Nguyễn Văn Bình",
    )


def test_an_update_that_changes_nothing_logs_nothing(started, school_staff):
    history = service.update_cohort(
        school_staff,
        started,
        {"attendance_threshold": Decimal("80.00"), "report_pass_mark": Decimal("5")},
    )
    assert history == []
    assert not CohortChange.objects.exists()


def test_only_school_staff_update_cohorts(cohort, instructor):
    with pytest.raises(NotAllowed):
        service.update_cohort(instructor, cohort, {"attendance_threshold": Decimal("10")})
    cohort.refresh_from_db()
    assert cohort.attendance_threshold == Decimal("80")


# --- Sessions --------------------------------------------------------------------------------


def test_add_a_theory_session_of_a_module_of_the_programme(cohort, school_staff):
    session = service.add_session(school_staff, cohort, theory(cohort, title="  Khai giảng  "))

    stored = ClassSession.objects.get(cohort=cohort)
    assert stored.pk == session.pk
    assert stored.module == module_of(cohort.program)
    assert stored.title == "Khai giảng"
    assert (stored.starts_at, stored.ends_at, stored.periods) == (at(8), at(11), 4)


def test_a_module_of_another_programme_is_refused(cohort, school_staff):
    other_program = make_program(2, with_extras=False)
    data = theory(cohort)
    data.module = module_of(other_program)

    with pytest.raises(InvalidInput, match="không thuộc chương trình của lớp") as refusal:
        service.add_session(school_staff, cohort, data)
    assert refusal.value.field == "module"
    assert not ClassSession.objects.exists()


def test_a_theory_session_needs_a_module(cohort, school_staff):
    data = theory(cohort)
    data.module = None
    with pytest.raises(InvalidInput, match="phải thuộc một chuyên đề"):
        service.add_session(school_staff, cohort, data)
    assert not ClassSession.objects.exists()


@pytest.mark.parametrize("category", [Category.FIELD, Category.REPORT])
def test_field_study_and_report_sessions_take_no_module(cohort, school_staff, category):
    data = SessionData(
        category=category,
        module=module_of(cohort.program),
        starts_at=at(8),
        ends_at=at(17),
        periods=8,
    )
    with pytest.raises(InvalidInput, match="không gắn với chuyên đề"):
        service.add_session(school_staff, cohort, data)
    assert not ClassSession.objects.exists()

    data.module = None
    session = service.add_session(school_staff, cohort, data)
    assert session.display_title == Category(category).label


def test_an_end_before_the_start_is_refused(cohort, school_staff):
    with pytest.raises(InvalidInput, match="kết thúc phải sau"):
        service.add_session(school_staff, cohort, theory(cohort, start=11, end=8))
    assert not ClassSession.objects.exists()


def test_an_overlapping_session_is_refused_naming_the_other_one(cohort, school_staff):
    service.add_session(school_staff, cohort, theory(cohort, 8, 11, title="Khai giảng"))

    with pytest.raises(Conflict) as refusal:
        service.add_session(school_staff, cohort, theory(cohort, 10, 12, number=2))
    assert "Khai giảng" in refusal.value.message
    assert "08:00 02/03/2026" in refusal.value.message
    assert "11:00 02/03/2026" in refusal.value.message
    assert ClassSession.objects.count() == 1


def test_adjacent_sessions_are_allowed(cohort, school_staff):
    service.add_session(school_staff, cohort, theory(cohort, 8, 11))
    service.add_session(school_staff, cohort, theory(cohort, 11, 12, number=2, periods=1))
    service.add_session(school_staff, cohort, theory(cohort, 7, 8, number=3, periods=1))
    assert ClassSession.objects.filter(cohort=cohort).count() == 3


def test_the_same_hours_in_another_cohort_are_allowed(cohort, school_staff):
    other = factories.cohort(cohort.program)
    service.add_session(school_staff, cohort, theory(cohort, 8, 11))
    service.add_session(school_staff, other, theory(other, 8, 11))
    assert ClassSession.objects.count() == 2


def test_updating_a_session_does_not_clash_with_itself(cohort, school_staff):
    session = service.add_session(school_staff, cohort, theory(cohort, 8, 11))
    service.add_session(school_staff, cohort, theory(cohort, 13, 16, number=2))

    service.update_session(school_staff, session, theory(cohort, 8, 12, periods=5))
    session.refresh_from_db()
    assert (session.ends_at, session.periods) == (at(12), 5)

    with pytest.raises(Conflict, match="13:00 02/03/2026"):
        service.update_session(school_staff, session, theory(cohort, 8, 14))
    session.refresh_from_db()
    assert session.ends_at == at(12)


def test_session_instructors_become_instructors_of_the_cohort(cohort, school_staff, instructor):
    service.add_session(school_staff, cohort, theory(cohort, 8, 11, instructors=[instructor]))
    service.add_session(
        school_staff, cohort, theory(cohort, 13, 16, number=2, instructors=[instructor])
    )

    enrollment = Enrollment.objects.get(user=instructor, cohort=cohort)
    assert (enrollment.role, enrollment.status) == (Role.INSTRUCTOR, Status.APPROVED)
    assert enrollment.changes.count() == 1, "added twice, enrolled once"
    assert list(
        instructor.taught_sessions.order_by("starts_at").values_list("module__number", flat=True)
    ) == [1, 2]


def test_instructors_do_not_count_against_capacity(cohort, school_staff, instructor):
    cohort.capacity = 1
    cohort.save()
    factories.enrollment(cohort)
    service.add_session(school_staff, cohort, theory(cohort, instructors=[instructor]))
    assert Enrollment.objects.get(user=instructor).status == Status.APPROVED


def test_delete_a_session(cohort, school_staff, participant):
    session = service.add_session(school_staff, cohort, theory(cohort))
    with pytest.raises(NotAllowed):
        service.delete_session(participant, session)
    assert ClassSession.objects.filter(pk=session.pk).exists()

    service.delete_session(school_staff, session)
    assert not ClassSession.objects.filter(pk=session.pk).exists()


def test_a_session_with_attendance_is_never_deleted(cohort, school_staff):
    from courses.models import AttendanceRecord
    from courses.services import attendance

    session = service.add_session(school_staff, cohort, theory(cohort))
    member = factories.enrollment(cohort)
    attendance.save_roll_call(school_staff, session, {member.pk: ("present", "")})
    with pytest.raises(InvalidTransition, match="đã có điểm danh"):
        service.delete_session(school_staff, session)
    assert ClassSession.objects.filter(pk=session.pk).exists()
    assert AttendanceRecord.objects.filter(session=session).count() == 1


def test_only_school_staff_add_sessions(cohort, instructor):
    with pytest.raises(NotAllowed):
        service.add_session(instructor, cohort, theory(cohort))
    assert not ClassSession.objects.exists()


# --- The timetable against the programme -----------------------------------------------------


def test_timetable_summary_flags_each_category_against_the_programme(cohort, school_staff):
    service.add_session(school_staff, cohort, theory(cohort, 8, 11, periods=4))
    discussion = theory(cohort, 13, 17, periods=5)
    discussion.category = Category.DISCUSSION
    service.add_session(school_staff, cohort, discussion)
    service.add_session(
        school_staff,
        cohort,
        SessionData(
            category=Category.FIELD,
            starts_at=at(7, day=MONDAY + dt.timedelta(days=1)),
            ends_at=at(17, day=MONDAY + dt.timedelta(days=1)),
            periods=8,
        ),
    )

    summary = timetable_summary(cohort)

    assert (summary.scheduled.theory, summary.scheduled.discussion) == (4, 5)
    assert (summary.scheduled.field, summary.scheduled.report) == (8, 0)
    assert summary.scheduled.total == 17
    assert summary.targets.total == 160
    by_category = {row.category: row for row in summary.mismatches}
    assert set(by_category) == {"theory", "discussion", "report", "total"}, "field study matches"
    assert by_category["theory"].difference == -68
    assert by_category["theory"].describe() == "Lý thuyết: 4 tiết, mục tiêu 72 (thiếu 68 tiết)"
    assert by_category["total"].difference == -143
    first = summary.modules[0]
    assert (first.number, first.scheduled.theory, first.scheduled.discussion) == (1, 4, 5)
    assert first.differs, "module 1 plans 6 + 6 periods"
    assert not any(line.scheduled.total for line in summary.modules[1:])


def test_timetable_summary_of_a_full_timetable_has_no_mismatch(cohort, school_staff):
    day = MONDAY
    for module in ModulePage.objects.child_of(cohort.program).order_by("number"):
        for category, amount in (
            (Category.THEORY, module.theory_periods),
            (Category.DISCUSSION, module.discussion_periods),
        ):
            ClassSession.objects.create(
                cohort=cohort,
                category=category,
                module=module,
                starts_at=at(8, day=day),
                ends_at=at(12, day=day),
                periods=amount,
            )
            day += dt.timedelta(days=1)
    for category in (Category.FIELD, Category.REPORT):
        ClassSession.objects.create(
            cohort=cohort,
            category=category,
            starts_at=at(8, day=day),
            ends_at=at(17, day=day),
            periods=8,
        )
        day += dt.timedelta(days=1)

    summary = timetable_summary(cohort)
    assert summary.mismatches == []
    assert summary.scheduled.total == 160
    assert summary.ratio == "50 : 50"
    assert not any(line.differs for line in summary.modules)
