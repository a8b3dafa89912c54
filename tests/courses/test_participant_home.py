""" "Học tập của tôi" as a participant's home: next sessions with the join link and the
check-in button, attendance per category (THE figures of attendance_selectors) with the at-risk
warning, modules with their progress and what is new since the last visit, the final report's
grade once released, the certificate once issued — and a fixed number of queries."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.attendance_selectors import attended_periods
from courses.models import (
    AttendanceMethod,
    AttendanceRecord,
    ClassSession,
    ModuleVisit,
    ReportAssignment,
)
from courses.services import attendance as attendance_service
from courses.services import progress as progress_service
from courses.services import reports as report_service
from lms.text import format_decimal
from tests import factories
from tests.courses.attendance_helpers import session, teacher
from tests.courses.certificate_helpers import (
    eligible_participant,
    roll_call,
    use_fake_renderer,
    use_signing_key,
)
from tests.courses.dashboard_helpers import bulk_participants
from tests.courses.progress_helpers import lessons, module_of
from tests.courses.report_helpers import assignment, graded

pytestmark = pytest.mark.django_db

HOME = "/hoc-tap/"


@pytest.fixture
def program(db):
    """Four modules are enough here (and keep the file fast)."""
    from tests.content.conftest import make_program

    return make_program(4)


@pytest.fixture
def member(cohort, participant):
    return factories.enrollment(cohort, participant)


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.text


def panel_of(page: str, cohort) -> str:
    start = page.index(f'id="home-{cohort.pk}"')
    return page[start : page.index("</section>", start)]


# --- Next sessions -------------------------------------------------------------------------------


def test_the_next_session_shows_its_join_link_and_a_check_in_button_while_check_in_is_open(
    client, cohort, member
):
    now = timezone.now()
    running = session(cohort, starts_at=now - dt.timedelta(minutes=5))
    running.meeting_url = "https://meet.example.vn/gds-buoi-1"
    running.save()
    later = session(cohort, starts_at=now + dt.timedelta(days=2))
    later.place = "Hội trường A, 54 Nguyễn Chí Thanh"
    later.save()
    session(cohort, starts_at=now - dt.timedelta(days=3))  # over: not listed

    panel = panel_of(home(client, member.user), cohort)
    assert "https://meet.example.vn/gds-buoi-1" in panel
    assert "Vào phòng học trực tuyến" in panel
    assert "Hội trường A, 54 Nguyễn Chí Thanh" in panel
    assert "Điểm danh buổi này" not in panel, "no button before the instructor opens check-in"

    attendance_service.open_check_in(None, running)
    panel = panel_of(home(client, member.user), cohort)
    assert panel.count("Điểm danh buổi này") == 1
    assert reverse("courses:check_in") in panel


# --- Attendance ---------------------------------------------------------------------------------


def _row(panel: str, category: str) -> list[str]:
    start = panel.index(f'data-category="{category}"')
    row = panel[start : panel.index("</tr>", start)]
    return re.findall(r'<td class="num">([^<]*)</td>', row)


def test_the_figures_per_category_are_the_attendance_figures(client, cohort, member, program):
    now = timezone.now()
    past = [session(cohort, starts_at=now - dt.timedelta(days=d), periods=4) for d in (5, 4, 3)] + [
        session(cohort, starts_at=now - dt.timedelta(days=2), category="field", periods=4)
    ]
    session(cohort, starts_at=now + dt.timedelta(days=3), category="discussion", periods=4)
    roll_call(past[:2], [member])
    roll_call(past[2:3], [member], status="late")
    roll_call(past[3:], [member], status="absent", reason="")
    cohort.late_credit_percent = 50
    cohort.save(update_fields=["late_credit_percent"])

    summary = attended_periods(member)
    panel = panel_of(home(client, member.user), cohort)
    targets = program.target_periods
    for key, figures in summary.categories.items():
        attended, scheduled, target = _row(panel, key)
        assert attended == format_decimal(figures.attended, 1)
        assert int(scheduled) == figures.scheduled
        assert int(target) == targets.get(key)
    assert summary.categories["theory"].attended == Decimal(10)
    assert summary.rate_display in panel
    assert '<svg class="chart__svg"' in panel  # the bar chart


def test_a_participant_below_the_threshold_is_warned_in_plain_words(client, cohort, member):
    now = timezone.now()
    held = [session(cohort, starts_at=now - dt.timedelta(days=d)) for d in (3, 2)]
    for day in range(1, 11):
        session(cohort, starts_at=now + dt.timedelta(days=day))
    behind = factories.enrollment(cohort)
    roll_call(held, [member])
    roll_call(held, [behind], status="absent")
    panel = panel_of(home(client, member.user), cohort)
    assert "Đang đạt yêu cầu" in panel
    assert "Có nguy cơ" not in panel

    panel = panel_of(home(client, behind.user), cohort)
    assert "Có nguy cơ không đạt" in panel
    assert "đã vắng 8" in panel


# --- Modules: progress and what is new ------------------------------------------------------------


def test_new_since_the_last_visit_appears_and_disappears_after_visiting(client, program, member):
    first = module_of(program, 1)
    lessons(first, 2)
    progress_service.mark_studied(member.user, first.get_children().first().specific)
    ModuleVisit.objects.create(
        user=member.user, module=first, visited_at=timezone.now() - dt.timedelta(days=1)
    )
    page = home(client, member.user)
    assert "Đã học 1/2 bài" in page
    assert "Có nội dung mới từ lần mở trước:" in page  # both lessons were published since

    client.get(first.url)  # opening the module moves the visit forward
    page = home(client, member.user)
    assert "Có nội dung mới từ lần mở trước:" not in page

    first.save_revision().publish()  # the module is revised after the visit
    page = home(client, member.user)
    assert "Có nội dung mới từ lần mở trước:" in page
    news = page[page.index("Có nội dung mới từ lần mở trước:") :]
    assert first.title in news[: news.index("</li>")]


def test_questions_of_theirs_that_were_answered_are_listed(client, cohort, member):
    from courses.services import discussions

    instructor = teacher(cohort)
    answered = discussions.start_thread(
        actor=member.user, cohort=cohort, kind="question", title="Hỏi về Luật Viễn thông", body="?"
    )
    discussions.start_thread(
        actor=member.user, cohort=cohort, kind="question", title="Câu hỏi chưa ai trả lời", body="?"
    )
    page = home(client, member.user)
    assert "Câu hỏi của bạn đã có trả lời" not in page

    post = discussions.reply(actor=instructor, thread=answered, body="Đã có trả lời.")
    discussions.mark_answer(actor=instructor, thread=answered, post=post)
    page = home(client, member.user)
    section = page[page.index("Câu hỏi của bạn đã có trả lời") :]
    section = section[: section.index("</section>")]
    assert "Hỏi về Luật Viễn thông" in section
    assert "Câu hỏi chưa ai trả lời" not in section


# --- Final report and certificate ----------------------------------------------------------------


def test_the_report_grade_shows_only_once_released(client, cohort, member):
    assignment(cohort)
    grader = teacher(cohort)
    graded(member, "8.5", grader=grader)
    panel = panel_of(home(client, member.user), cohort)
    assert "Đã chấm" in panel
    assert "report-grade" not in panel
    assert "8,5" not in panel
    assert "Điểm sẽ được công bố sau." in panel

    report_service.release_grades(grader, ReportAssignment.objects.get(cohort=cohort))
    panel = panel_of(home(client, member.user), cohort)
    assert "report-grade" in panel
    assert "8,5" in panel
    assert "Đạt" in panel


def test_the_certificate_links_show_once_issued(
    client, cohort, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    use_fake_renderer(monkeypatch)
    use_signing_key(settings, tmp_path)
    cohort.field_study_required = False
    cohort.save(update_fields=["field_study_required"])
    session(cohort, starts_at=timezone.now() - dt.timedelta(days=1))
    member = eligible_participant(cohort)
    panel = panel_of(home(client, member.user), cohort)
    assert "Tải chứng chỉ (PDF)" not in panel

    client.force_login(factories.school_staff())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("courses:staff_certificates", args=[cohort.code]),
            {
                "cap-decision_number": "215/QĐ-TĐT",
                "cap-decision_date": "2026-11-20",
                "cap-issued_on": "2026-11-25",
                "cap-scope": "all",
            },
        )
    from courses.models import Certificate

    certificate = Certificate.objects.get(enrollment=member)
    page = home(client, member.user)
    panel = panel_of(page, cohort)
    assert "Tải chứng chỉ (PDF)" in panel
    assert reverse("courses:certificate_pdf", args=[certificate.pk]) in panel
    assert certificate.snapshot["verification_url"] in panel
    assert certificate.certificate_number in panel


# --- Fixed number of queries ---------------------------------------------------------------------


def _fill(cohort, *, sessions: int, classmates: int, member) -> None:
    now = timezone.now()
    made = ClassSession.objects.bulk_create(
        [
            ClassSession(
                cohort=cohort,
                category=("theory", "discussion", "field")[i % 3],
                starts_at=now + dt.timedelta(days=i - sessions // 2, minutes=-5),
                ends_at=now + dt.timedelta(days=i - sessions // 2, hours=3),
                periods=4,
                place=f"Phòng {i}",
            )
            for i in range(sessions)
        ]
    )
    past = [s for s in made if s.starts_at < now]
    AttendanceRecord.objects.bulk_create(
        [
            AttendanceRecord(
                session=s, enrollment=member, status="present", method=AttendanceMethod.ROLL_CALL
            )
            for s in past
        ]
    )
    attendance_service.open_check_in(
        None, next(s for s in made if s.starts_at > now - dt.timedelta(minutes=10))
    )
    bulk_participants(cohort, classmates)


def _prepare(client, program, *, sessions: int, classmates: int) -> None:
    """A new cohort of this size with one signed-in participant (marks, visits, a grade, an open
    check-in), the home page already visited once to warm Wagtail's site-root cache."""
    cohort = factories.cohort(program, code=f"GDS-H{sessions}")
    member = factories.enrollment(cohort)
    _fill(cohort, sessions=sessions, classmates=classmates, member=member)
    assignment(cohort)
    graded(member, "7")
    for module in (module_of(program, 1), module_of(program, 2)):
        progress_service.mark_studied(member.user, module)
        progress_service.record_visit(member.user, module)
    client.force_login(member.user)
    client.get(HOME)


def _check(response, sessions: int) -> None:
    assert response.status_code == 200
    assert "Điểm danh buổi này" in response.text
    assert f"Phòng {sessions // 2}" in response.text  # the next session, in the panel
    assert "Đã học xong chuyên đề" in response.text


def test_the_home_page_costs_the_same_queries_for_5_or_100_sessions_and_10_or_200_classmates(
    client, program, django_assert_num_queries
):
    _prepare(client, program, sessions=5, classmates=10)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME)
    small = len(queries)  # read now: the context reads the query log lazily
    _check(response, 5)

    for number in (1, 2, 3):  # more lessons too
        lessons(module_of(program, number), 3)
    _prepare(client, program, sessions=100, classmates=200)
    assert small > 5
    with django_assert_num_queries(small):
        response = client.get(HOME)
    _check(response, 100)
