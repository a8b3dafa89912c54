"""Data for the load test (tests/benchmarks/locustfile.py), in the database the app uses.

    set -a; . DIR/env; set +a   # the app's environment (DATABASE_URL, CACHE_URL, SECRET_KEY...)
    .venv/bin/python tests/benchmarks/load_data.py --participants 300 --out /tmp/load

Idempotent, like the demo it builds on:
- the demo course (`manage.py seed_demo --force`) when the running cohort is missing;
- N participants with Vietnamese names (hocvien.tai001@lms.test ...), profile and enrollment
  approved in the running cohort through courses.services.enrollment, as an import would do;
- one discussion thread per module, opened by the demo instructor (courses.services.discussions);
- a session of the running cohort with self check-in open NOW and for --open-minutes more,
  opened by its instructor (courses.services.attendance.open_check_in). A session whose check-in
  period covers that time is reused; otherwise a one-period session is added from two minutes
  ago to the end of that time (courses.services.cohorts.add_session), and a session under way
  is shortened to end where it begins (update_session, with the notice staff would send). With
  --fresh, only a session nobody has checked into will do (it waits for a used one to end);
- `<out>/users.json`: a signed-in session cookie for each participant and for the instructor,
  made with django.contrib.sessions and the fields django.contrib.auth.login stores (not through
  the sign-in form, which allauth rate-limits per address), and the paths the load client visits.

The load client reads the rotating check-in code from the instructor's board
(`.../tu-diem-danh/ma.json`), as the classroom screen does; it needs no Django of its own.
Refuses SQLite (the load test measures the production stack on PostgreSQL, and db.sqlite3 is
the developers' own).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PARTICIPANT_EMAIL = "hocvien.tai{:03d}@lms.test"
INSTRUCTOR_EMAIL = "giangvien@lms.test"
# What allauth's sign-in form stores as the session's backend.
ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
LOAD_SESSION_TITLE = "Thảo luận tình huống: lớp đông (kiểm thử tải)"
THREAD_TITLE = "Chuyên đề {number}: câu hỏi thảo luận của lớp"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lâm", "Mai", "Tạ",
          "Cao", "Lương"]  # fmt: skip
MEN = (["Văn", "Minh", "Quốc", "Đức", "Thanh", "Xuân", "Hữu", "Công", "Đình", "Quang"],
       ["An", "Bình", "Cường", "Dũng", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Nam",
        "Phong", "Quân", "Sơn", "Thắng", "Trung", "Tuấn", "Việt", "Vinh", "Thành", "Kiên",
        "Lộc"])  # fmt: skip
WOMEN = (["Thị", "Thu", "Ngọc", "Thị Kim", "Hồng", "Thanh", "Thị Minh", "Bích", "Diệu", "Mỹ"],
         ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hương", "Lan", "Linh", "Mai",
          "Nga", "Oanh", "Phương", "Thảo", "Thủy", "Trang", "Vân", "Yến", "Huyền",
          "Nhung"])  # fmt: skip
POSITIONS = ["Giám đốc", "Phó Giám đốc", "Phó Giám đốc", "Trưởng phòng Công nghệ thông tin"]


def vietnamese_name(index: int) -> tuple[str, str]:
    """(family + middle names, given name): deterministic, varied, gender-consistent."""
    middles, givens = MEN if index % 2 else WOMEN
    family = FAMILY[(index * 7) % len(FAMILY)]
    middle = middles[(index // 2) % len(middles)]
    given = givens[(index * 5 + index // len(FAMILY)) % len(givens)]
    return f"{family} {middle}", given


# --- The demo, participants, threads ---------------------------------------------------------


def ensure_demo() -> bool:
    """Seed the demo course when the running cohort is missing. Returns whether it seeded."""
    from django.core.management import call_command

    from courses.demo_cohorts import RUNNING_CODE
    from courses.models import Cohort

    if Cohort.objects.filter(code=RUNNING_CODE).exists():
        return False
    # --force: the production stack runs with DEBUG off; this is a throwaway load database.
    call_command("seed_demo", force=True)
    return True


def ensure_capacity(cohort, needed: int) -> None:
    from courses.models import Role, Status
    from courses.services import cohorts as cohort_service

    approved = cohort.enrollments.filter(role=Role.PARTICIPANT, status=Status.APPROVED).count()
    if cohort.capacity < approved + needed:
        cohort_service.update_cohort(
            None,
            cohort,
            {"capacity": approved + needed},
            reason="Kiểm thử tải: thêm học viên mô phỏng",
        )


def ensure_participants(cohort, count: int) -> list:
    """The load participants 1..count, created and enrolled where missing (services only)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from courses.demo_cohorts import make_director
    from courses.models import Enrollment, Province, Role, Status
    from courses.services import enrollment as enrollment_service

    User = get_user_model()
    today = timezone.localdate()
    provinces = list(Province.objects.valid_on(today).order_by("name"))
    emails = [PARTICIPANT_EMAIL.format(n) for n in range(1, count + 1)]
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    enrolled = set(
        Enrollment.objects.filter(
            cohort=cohort, user__email__in=emails, role=Role.PARTICIPANT, status=Status.APPROVED
        ).values_list("user__email", flat=True)
    )
    missing = [email for email in emails if email not in enrolled]
    if missing:
        ensure_capacity(cohort, len(missing))
    for index, email in enumerate(emails, start=1):
        if email in enrolled:
            continue
        with transaction.atomic():
            last_name, first_name = vietnamese_name(index)
            user = make_director(
                email,
                last_name=last_name,
                first_name=first_name,
                date_of_birth=dt.date(1966 + index % 17, 1 + index % 12, 1 + index % 28),
                province=provinces[index % len(provinces)],
                position=POSITIONS[index % len(POSITIONS)],
            )
            users[email] = user
            enrollment_service.enroll(None, cohort, user, how="import")
    return [users[email] for email in emails]


def ensure_threads(cohort, instructor) -> None:
    """One discussion thread per module of the programme, opened by the instructor."""
    from content.models import ModulePage
    from courses.models import Thread
    from courses.services import discussions

    for module in ModulePage.objects.child_of(cohort.program).live().order_by("number"):
        title = THREAD_TITLE.format(number=module.number)
        if Thread.objects.filter(board__cohort=cohort, title=title).exists():
            continue
        discussions.start_thread(
            actor=instructor,
            cohort=cohort,
            module=module,
            kind="discussion",
            title=title,
            body=f"Sau buổi học về “{module.title}”, mời các anh chị chia sẻ: Sở của mình đang "
            "làm tốt điều gì, vướng ở đâu, và cần tỉnh hay Bộ tháo gỡ việc gì trước?",
            tags=["cntt"],
        )


# --- The session with check-in open now -----------------------------------------------------


def _covers(session, start: dt.datetime, until: dt.datetime) -> bool:
    from courses.services import attendance

    opens, closes = attendance.check_in_period(session)
    return opens <= start and closes >= until


class SessionBusy(Exception):  # noqa: N818 (a state, not a failure)
    """An earlier load session holds the cohort's timetable until `until`."""

    def __init__(self, until: dt.datetime):
        super().__init__(f"the previous load session ends at {until.astimezone():%H:%M:%S}")
        self.until = until


def ensure_check_in_session(cohort, instructor, open_minutes: int, *, fresh: bool = False):
    """A session of the cohort whose self check-in is open now and for open_minutes more, with
    its window opened by an instructor of the session. Returns (session, that instructor).

    Reuses a session whose check-in period covers that time, one nobody has checked into first
    (with `fresh`, only such a one). Otherwise adds a one-period session from two minutes ago to
    open_minutes + 1 from now: a demo session under way ends where it begins, one starting
    sooner ends it. Raises SessionBusy when an earlier load session is in the way."""
    from django.db import transaction

    from content.models import ModulePage
    from courses.models import Category, ClassSession
    from courses.services import attendance
    from courses.services import cohorts as cohort_service

    now = attendance.now()
    until = now + dt.timedelta(minutes=open_minutes)
    sessions = list(
        ClassSession.objects.filter(
            cohort=cohort,
            starts_at__lte=now + dt.timedelta(days=1),
            ends_at__gte=now - dt.timedelta(days=1),
        )
        .select_related("cohort", "module")
        .prefetch_related("instructors")
        .order_by("starts_at")
    )
    usable = [
        (session.attendance_records.exists(), session.title != LOAD_SESSION_TITLE, session)
        for session in sessions
        if _covers(session, now, until) and session.instructors.all()
    ]
    usable.sort(key=lambda row: row[:2])
    if usable and not (fresh and usable[0][0]):
        session = usable[0][2]
        teacher = next(iter(session.instructors.all()))
        attendance.open_check_in(teacher, session)
        return session, teacher

    start = now - dt.timedelta(minutes=2)
    end = until + dt.timedelta(minutes=1)
    for other in sessions:
        if other.title == LOAD_SESSION_TITLE and start < other.ends_at <= now:
            start = other.ends_at  # the previous load session has just ended: right after it
    latest = attendance.check_in_period(ClassSession(starts_at=start, ends_at=end))[1]
    if latest < until:
        raise SystemExit(
            f"Self check-in closes {(latest - now).seconds // 60} minutes from now on a session "
            f"starting now; --open-minutes {open_minutes} is too long."
        )
    clashes = [s for s in sessions if s.starts_at < end and s.ends_at > start]
    for other in clashes:
        if other.title == LOAD_SESSION_TITLE:
            raise SessionBusy(other.ends_at)
    with transaction.atomic():
        module = None
        for other in clashes:
            if other.starts_at < start:
                # Under way: it ends where the load session begins (staff editing the timetable,
                # with the notice the members get).
                module = other.module
                cohort_service.update_session(
                    None,
                    other,
                    cohort_service.SessionData(
                        category=other.category,
                        module=other.module,
                        title=other.title,
                        starts_at=other.starts_at,
                        ends_at=start,
                        periods=other.periods,
                        place=other.place,
                        meeting_url=other.meeting_url,
                        instructors=list(other.instructors.all()),
                    ),
                )
            else:
                end = min(end, other.starts_at)  # the next one begins soon: stop before it
        if end < until:
            raise SystemExit(
                f"The next session of {cohort.code} begins at {end.astimezone():%H:%M}: no room "
                f"for a check-in open {open_minutes} minutes. Run later or with less time."
            )
        if module is None:
            module = ModulePage.objects.child_of(cohort.program).live().order_by("number").first()
        session = cohort_service.add_session(
            None,
            cohort,
            cohort_service.SessionData(
                category=Category.DISCUSSION,
                module=module,
                title=LOAD_SESSION_TITLE,
                starts_at=start,
                ends_at=end,
                periods=1,
                meeting_url=f"https://meet.lms.test/{cohort.code.lower()}",
                instructors=[instructor],
            ),
        )
        attendance.open_check_in(instructor, session)
    return session, instructor


# --- Signed-in sessions ----------------------------------------------------------------------


def signed_in_session(user, backend: str) -> str:
    """A session of the configured SESSION_ENGINE holding what django.contrib.auth.login
    stores, saved; returns its key (the value of the session cookie)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


# --- users.json ------------------------------------------------------------------------------


def study_pages(program) -> list[dict]:
    from content.models import LessonPage, ModulePage

    pages = []
    for model in (ModulePage, LessonPage):
        for page in model.objects.descendant_of(program).live().order_by("path"):
            pages.append({"url": page.get_url(), "title": page.title})
    return pages


def thread_list(cohort) -> list[dict]:
    from django.urls import reverse

    from courses.models import Thread

    threads = Thread.objects.filter(board__cohort=cohort, hidden=False, locked=False).order_by("pk")
    return [
        {
            "id": thread.pk,
            "title": thread.title,
            "url": reverse("courses:discussion_thread", args=[thread.pk]),
            "reply_url": reverse("courses:discussion_reply", args=[thread.pk]),
        }
        for thread in threads
    ]


def prepare(participants: int, out: Path, open_minutes: int, *, fresh: bool = False) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from courses.demo_cohorts import RUNNING_CODE
    from courses.models import Cohort
    from courses.services import attendance

    started = time.monotonic()
    seeded = ensure_demo()
    cohort = Cohort.objects.select_related("program").get(code=RUNNING_CODE)
    instructor = get_user_model().objects.get(email=INSTRUCTOR_EMAIL)
    # The session first: if a demo session has to be shortened, its notice goes to the demo's
    # own members (and to the load participants only when they exist already).
    session, teacher = ensure_check_in_session(cohort, instructor, open_minutes, fresh=fresh)
    users = ensure_participants(cohort, participants)
    ensure_threads(cohort, instructor)

    backends = settings.AUTHENTICATION_BACKENDS
    backend = ALLAUTH_BACKEND if ALLAUTH_BACKEND in backends else backends[0]
    opens, closes = attendance.check_in_period(session)
    data = {
        "prepared_at": attendance.now().isoformat(),
        "database": settings.DATABASES["default"]["NAME"],
        "session_cookie_name": settings.SESSION_COOKIE_NAME,
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "cohort": {"code": cohort.code, "name": cohort.name},
        "session": {
            "id": session.pk,
            "title": session.display_title,
            "check_in_opens_at": opens.isoformat(),
            "check_in_closes_at": closes.isoformat(),
        },
        "home_url": reverse("courses:my_courses"),
        "check_in_url": reverse("courses:check_in"),
        "board_data_url": reverse("courses:check_in_board_data", args=[session.pk]),
        "pages": study_pages(cohort.program),
        "threads": thread_list(cohort),
        "instructor": {
            "id": teacher.pk,
            "email": teacher.email,
            "session_key": signed_in_session(teacher, backend),
        },
        "participants": [
            {
                "id": user.pk,
                "email": user.email,
                "name": user.full_name,
                "session_key": signed_in_session(user, backend),
            }
            for user in users
        ],
    }
    out.mkdir(parents=True, exist_ok=True)
    path = out / "users.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(  # noqa: T201
        f"{'Demo seeded; ' if seeded else ''}{len(users)} participants of {cohort.code}, "
        f"{len(data['pages'])} study pages, {len(data['threads'])} threads; session "
        f"{session.pk} ({session.display_title}) check-in open until "
        f"{closes.astimezone():%H:%M:%S %Z}; wrote {path} in {time.monotonic() - started:.1f} s."
    )
    return data


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        raise SystemExit("Set DJANGO_SETTINGS_MODULE (and the app's environment) first.")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit(
            f"The load test runs on PostgreSQL (DATABASE_URL); this is {connection.vendor}."
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--out", type=Path, required=True, help="directory for users.json")
    parser.add_argument(
        "--open-minutes",
        type=int,
        default=20,
        help="the check-in must stay open this long from now (default 20; at most 28)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="a session nobody has checked into yet (wait for a used load session to end)",
    )
    args = parser.parse_args(argv)
    setup_django()
    while True:
        try:
            prepare(args.participants, args.out, args.open_minutes, fresh=args.fresh)
        except SessionBusy as busy:
            if not args.fresh:
                raise SystemExit(f"No room for a new load session: {busy}.") from None
            from courses.services import attendance

            wait = (busy.until - attendance.now()).total_seconds() + 2
            print(f"Waiting {wait:.0f} s: {busy}.")  # noqa: T201
            time.sleep(max(wait, 1))
        else:
            return


if __name__ == "__main__":
    main()
