"""Demo cohorts for `make run`: one running now with a full 160-period timetable and 30 directors
from across the country, one open for applications with a few applications waiting.

Dates are relative to the day of seeding, so the demo always shows past and coming sessions.
Idempotent: cohorts are found by code; nothing that exists is changed.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from content.models import FieldStudyPage, FinalReportPage, ModulePage, ProgramPage
from courses.models import Category, Cohort, Enrollment, Mode, Province
from courses.services import cohorts as cohort_service
from courses.services import enrollment as enrollment_service
from courses.services.enrollment import Profile

RUNNING_CODE = "GDS-2026-5"
OPEN_CODE = "GDS-2027-1"
MINUTES_PER_PERIOD = 45

# (family + middle names, given name, province today, position)
DIRECTORS = [
    ("Nguyễn Văn", "An", "Tuyên Quang", "Giám đốc"),
    ("Trần Thị", "Ánh", "Lào Cai", "Phó Giám đốc"),
    ("Lê Văn", "Anh", "Thái Nguyên", "Giám đốc"),
    ("Đỗ Văn", "An", "Phú Thọ", "Phó Giám đốc"),
    ("Phạm Thị Thu", "Hà", "Bắc Ninh", "Giám đốc"),
    ("Hoàng Minh", "Đức", "Hưng Yên", "Phó Giám đốc"),
    ("Vũ Đình", "Khoa", "Hải Phòng", "Giám đốc"),
    ("Ngô Thị", "Lan", "Ninh Bình", "Phó Giám đốc"),
    ("Bùi Quang", "Huy", "Quảng Trị", "Giám đốc"),
    ("Đặng Thị", "Thủy", "Đà Nẵng", "Phó Giám đốc"),
    ("Huỳnh Văn", "Tâm", "Quảng Ngãi", "Giám đốc"),
    ("Võ Thị Kim", "Oanh", "Gia Lai", "Phó Giám đốc"),
    ("Phan Văn", "Bình", "Khánh Hòa", "Giám đốc"),
    ("Trương Công", "Định", "Lâm Đồng", "Phó Giám đốc"),
    ("Lý Thị", "Mai", "Đắk Lắk", "Giám đốc"),
    ("Nguyễn Thị", "Hoà", "Hồ Chí Minh", "Phó Giám đốc"),
    ("Dương Văn", "Long", "Đồng Nai", "Giám đốc"),
    ("Châu Thị", "Ngọc", "Tây Ninh", "Phó Giám đốc"),
    ("Lâm Quốc", "Việt", "Cần Thơ", "Giám đốc"),
    ("Thạch Thị", "Sa Ry", "Vĩnh Long", "Phó Giám đốc"),
    ("Tô Văn", "Phúc", "Đồng Tháp", "Giám đốc"),
    ("Quách Thị", "Yến", "Cà Mau", "Phó Giám đốc"),
    ("Danh", "Sơn", "An Giang", "Giám đốc"),
    ("Lò Văn", "Pấn", "Sơn La", "Phó Giám đốc"),
    ("Hà Thị", "Thúy", "Lai Châu", "Giám đốc"),
    ("Nông Văn", "Thắng", "Cao Bằng", "Giám đốc"),
    ("Lường Thị", "Hiền", "Điện Biên", "Phó Giám đốc"),
    ("Mai Xuân", "Trường", "Thanh Hóa", "Giám đốc"),
    ("Trần Đức", "", "Nghệ An", "Phó Giám đốc"),
]
APPLICANTS = [
    ("Cao Thị", "Hạnh", "Hà Tĩnh", "Phó Giám đốc"),
    ("Kiều Văn", "Tuấn", "Lạng Sơn", "Giám đốc"),
    ("Tạ Minh", "Châu", "Quảng Ninh", "Phó Giám đốc"),
]


def _province(name: str, day: dt.date) -> Province:
    return Province.objects.valid_on(day).get(name=name)


def _person(index: int, spec, *, prefix: str) -> object:
    """A demo director with an unusable password (they would sign in by the reset link)."""
    last_name, first_name, province_name, position = spec
    if not first_name:  # "Trần Đức": a two-word name; the given name is the last word
        last_name, first_name = last_name.rsplit(" ", 1)
    return make_director(
        f"{prefix}{index:02d}@lms.test",
        last_name=last_name,
        first_name=first_name,
        date_of_birth=dt.date(1968 + index % 15, 1 + index % 12, 1 + (index * 7) % 28),
        province=_province(province_name, timezone.localdate()),
        position=position,
    )


def make_director(
    email: str, *, last_name: str, first_name: str, date_of_birth, province, position: str
):
    """A made-up director (demo, load test): the account with a verified address and no usable
    password (they would sign in by a reset link) when missing, and their profile, saved
    through the enrolment service. Returns the user."""
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, last_name=last_name, first_name=first_name)
        user.date_of_birth = date_of_birth
        user.save(update_fields=["date_of_birth"])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    enrollment_service.save_profile(
        user,
        Profile(
            last_name=user.last_name,
            first_name=user.first_name,
            date_of_birth=user.date_of_birth,
            organisation_name=f"Sở Khoa học và Công nghệ {province.full_name}",
            position=position,
            province=province,
        ),
    )
    return user


def _weekdays(start: dt.date):
    day = start
    while True:
        if day.weekday() < 5:
            yield day
        day += dt.timedelta(days=1)


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _session(cohort, category, day, start, periods, *, module=None, instructors=(), place=""):
    starts_at = _at(day, *start)
    ends_at = starts_at + dt.timedelta(minutes=periods * MINUTES_PER_PERIOD)
    return cohort_service.add_session(
        None,
        cohort,
        cohort_service.SessionData(
            category=category,
            module=module,
            starts_at=starts_at,
            ends_at=ends_at,
            periods=periods,
            place=place,
            meeting_url="" if place else f"https://meet.lms.test/{cohort.code.lower()}",
            instructors=list(instructors),
        ),
    )


def _timetable(cohort, program, instructors) -> None:
    """Each module: theory in the morning, discussion in the afternoon, one weekday each; then a
    day of field study and a day of final report writing: 72 + 72 + 8 + 8 = 160 periods."""
    days = _weekdays(cohort.start_date)
    modules = ModulePage.objects.child_of(program).live().order_by("number")
    for index, module in enumerate(modules):
        day = next(days)
        teacher = [instructors[index % len(instructors)]]
        _session(cohort, Category.THEORY, day, (7, 30), module.theory_periods,
                 module=module, instructors=teacher)  # fmt: skip
        _session(cohort, Category.DISCUSSION, day, (13, 30), module.discussion_periods,
                 module=module, instructors=teacher)  # fmt: skip
    field = FieldStudyPage.objects.child_of(program).live().first()
    _session(cohort, Category.FIELD, next(days), (7, 0), field.periods if field else 8,
             instructors=instructors[:1], place=field.place if field and field.place else
             "Trung tâm điều hành thông minh tỉnh Bắc Ninh")  # fmt: skip
    report = FinalReportPage.objects.child_of(program).live().first()
    _session(cohort, Category.REPORT, next(days), (7, 30), report.periods if report else 8,
             instructors=instructors[1:2] or instructors[:1])  # fmt: skip


@transaction.atomic
def seed_cohorts() -> list[str]:
    """Returns the codes of the cohorts created (empty on a second run)."""
    program = ProgramPage.objects.live().first()
    User = get_user_model()
    instructors = list(
        User.objects.filter(email__in=["giangvien@lms.test", "giangvien2@lms.test"]).order_by(
            "email"
        )
    )
    if program is None or not instructors:
        return []
    created = []
    today = timezone.localdate()
    if not Cohort.objects.filter(code=RUNNING_CODE).exists():
        cohort = cohort_service.create_cohort(
            None,
            program=program,
            name="Lớp bồi dưỡng Giám đốc Sở khóa 5, năm 2026",
            code=RUNNING_CODE,
            start_date=today - dt.timedelta(days=10),
            end_date=today + dt.timedelta(days=20),
            mode=Mode.MIXED,
            place="Trực tuyến; nghiên cứu thực tế tại Bắc Ninh",
            capacity=35,
            signatory_name="Nguyễn Văn Thành",
        )
        _timetable(cohort, program, instructors)
        for index, spec in enumerate(DIRECTORS, start=1):
            enrollment_service.enroll(
                None, cohort, _person(index, spec, prefix="giamdoc"), how="seed"
            )
        participant = User.objects.filter(email="hocvien@lms.test").first()
        if participant is not None:
            enrollment_service.save_profile(
                participant,
                Profile(
                    last_name=participant.last_name,
                    first_name=participant.first_name,
                    date_of_birth=dt.date(1972, 3, 9),
                    organisation_name="Sở Khoa học và Công nghệ tỉnh Tuyên Quang",
                    position="Giám đốc",
                    province=_province("Tuyên Quang", today),
                ),
            )
            enrollment_service.enroll(None, cohort, participant, how="seed")
        created.append(cohort.code)

    if not Cohort.objects.filter(code=OPEN_CODE).exists():
        cohort = cohort_service.create_cohort(
            None,
            program=program,
            name="Lớp bồi dưỡng Giám đốc Sở khóa 1, năm 2027",
            code=OPEN_CODE,
            start_date=today + dt.timedelta(days=60),
            end_date=today + dt.timedelta(days=90),
            mode=Mode.ONLINE,
            capacity=40,
            applications_open_on=today - dt.timedelta(days=5),
            applications_close_on=today + dt.timedelta(days=30),
        )
        for index, spec in enumerate(APPLICANTS, start=1):
            user = _person(index, spec, prefix="ungvien")
            if not Enrollment.objects.filter(user=user, cohort=cohort).exists():
                _apply(user, cohort)
        created.append(cohort.code)
    return created


def _apply(user, cohort) -> None:
    profile = user.participant_profile
    enrollment_service.apply(
        user,
        cohort,
        Profile(
            last_name=user.last_name,
            first_name=user.first_name,
            date_of_birth=user.date_of_birth,
            organisation_name=profile.organisation_name,
            position=profile.position,
            province=profile.province,
        ),
        motivation="Sở đang xây dựng kho dữ liệu dùng chung của tỉnh và cần kinh nghiệm về "
        "điều phối dữ liệu giữa các sở, ngành.",
    )


__all__ = ["OPEN_CODE", "RUNNING_CODE", "seed_cohorts"]
