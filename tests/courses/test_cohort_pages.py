"""What applicants and members see: open cohorts, applying, my courses, the cohort page."""

import datetime as dt
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.models import ModulePage
from courses.models import Category, ClassSession, Enrollment, EnrollmentChange, Status
from tests import factories

pytestmark = pytest.mark.django_db


def _application(**changes) -> dict:
    values = {
        "last_name": "Nguyễn Thị",
        "first_name": "Đào",
        "date_of_birth": "1975-02-05",
        "organisation_name": "Sở Khoa học và Công nghệ tỉnh Tuyên Quang",
        "position": "Giám đốc",
        "province": factories.province("Tuyên Quang").pk,
        "phone": "0912 345 678",
        "motivation": "Chuyển đổi số trong cơ quan nhà nước của tỉnh",
    }
    return values | changes


# --- Open cohorts and applying ---------------------------------------------------------------


def test_open_cohorts_lists_only_those_taking_applications(client, program, cohort):
    closed = factories.cohort(
        program,
        name="Lớp đã hết hạn nhận đơn",
        applications_open_on=timezone.localdate() - dt.timedelta(days=30),
        applications_close_on=timezone.localdate() - dt.timedelta(days=1),
    )
    page = client.get("/khoa-hoc/")
    assert cohort.name in page.text
    assert closed.name not in page.text
    assert "Nộp đơn vào lớp" in page.text
    assert "đã có 0/30 học viên" in page.text


def test_applying_stores_the_application_and_shows_it_waiting(client, cohort, participant):
    client.force_login(participant)
    form = client.get(f"/khoa-hoc/{cohort.code}/nop-don/")
    assert "Nộp đơn vào lớp" in form.text
    assert 'value="Trần Văn"' in form.text, "the form starts from what the account knows"

    # Typed with combining marks (Unikey's "Unicode tổ hợp"): stored precomposed.
    response = client.post(
        f"/khoa-hoc/{cohort.code}/nop-don/",
        _application(first_name=unicodedata.normalize("NFD", "Đào")),
        follow=True,
    )
    enrollment = Enrollment.objects.get(user=participant, cohort=cohort)
    assert enrollment.status == Status.APPLIED
    assert enrollment.position == "Giám đốc"
    participant.refresh_from_db()
    assert participant.first_name == "Đào"
    assert unicodedata.is_normalized("NFC", participant.first_name)
    assert "Đã nộp đơn vào" in response.text
    assert "Nhà trường đang xem xét hồ sơ của bạn" in response.text

    again = client.get(f"/khoa-hoc/{cohort.code}/nop-don/", follow=True)
    assert "Bạn đã có hồ sơ ở lớp này" in again.text
    assert Enrollment.objects.filter(user=participant).count() == 1


def test_an_incomplete_application_is_refused_in_vietnamese_and_keeps_what_was_typed(
    client, cohort, participant
):
    client.force_login(participant)
    response = client.post(
        f"/khoa-hoc/{cohort.code}/nop-don/", _application(province="", date_of_birth="2020-01-01")
    )
    assert response.status_code == 400
    assert "Ngày sinh chưa đúng" in response.text
    assert "Sở Khoa học và Công nghệ tỉnh Tuyên Quang" in response.text
    assert not Enrollment.objects.exists()


def test_applying_needs_an_account(client, cohort):
    response = client.get(f"/khoa-hoc/{cohort.code}/nop-don/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


# --- My courses and withdrawing --------------------------------------------------------------


def test_my_courses_shows_each_enrollment_and_the_next_sessions(client, program, participant):
    running = factories.cohort(program, name="Lớp đang học", start_date=timezone.localdate())
    waiting = factories.cohort(program, name="Lớp chờ duyệt")
    factories.enrollment(running, participant)
    factories.enrollment(waiting, participant, status=Status.APPLIED)
    module = ModulePage.objects.child_of(program).get(number=2)
    start = timezone.now() + dt.timedelta(days=1)
    ClassSession.objects.create(
        cohort=running,
        module=module,
        category=Category.THEORY,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        periods=4,
        meeting_url="https://meet.example.vn/gds",
    )
    ClassSession.objects.create(
        cohort=waiting,
        module=module,
        category=Category.THEORY,
        starts_at=start + dt.timedelta(days=2),
        ends_at=start + dt.timedelta(days=2, hours=3),
        periods=4,
        place="Phòng họp B, trường không công bố",
    )
    client.force_login(participant)
    page = client.get("/hoc-tap/")
    assert "Lớp đang học" in page.text
    assert "Lớp chờ duyệt" in page.text
    assert "Đã ghi danh" in page.text
    assert "Đã nộp đơn" in page.text
    assert "Vào phòng học trực tuyến" in page.text
    assert "https://meet.example.vn/gds" in page.text
    assert "Phòng họp B" not in page.text, "an application not yet approved shows no sessions"


def test_withdrawing_needs_a_reason_and_is_recorded(client, cohort, participant):
    enrollment = factories.enrollment(cohort, participant)
    client.force_login(participant)

    refused = client.post(f"/hoc-tap/{cohort.code}/rut-don/", {"reason": "  "}, follow=True)
    assert "Hãy ghi lý do rút khỏi lớp." in refused.text
    enrollment.refresh_from_db()
    assert enrollment.status == Status.APPROVED

    done = client.post(
        f"/hoc-tap/{cohort.code}/rut-don/", {"reason": "Được phân công công tác khác"}, follow=True
    )
    assert "Bạn đã rút khỏi" in done.text
    enrollment.refresh_from_db()
    assert enrollment.status == Status.WITHDRAWN
    change = EnrollmentChange.objects.filter(enrollment=enrollment).latest("pk")
    assert (change.old_status, change.new_status) == ("approved", "withdrawn")
    assert change.reason == "Được phân công công tác khác"
    assert change.changed_by == participant


def test_withdrawing_is_a_post_only_action(client, cohort, participant):
    factories.enrollment(cohort, participant)
    client.force_login(participant)
    assert client.get(f"/hoc-tap/{cohort.code}/rut-don/").status_code == 405


# --- The cohort page -------------------------------------------------------------------------


REGISTER_ORDER = [
    ("Đỗ Văn", "An"),
    ("Lê Văn", "Anh"),
    ("Nguyễn Thị", "Ánh"),
    ("Trần", "Đức"),
]


def test_the_class_list_is_in_vietnamese_register_order(client, cohort):
    for last_name, first_name in reversed(REGISTER_ORDER):
        factories.enrollment(
            cohort, factories.UserFactory(last_name=last_name, first_name=first_name)
        )
    member = Enrollment.objects.filter(cohort=cohort).first().user
    client.force_login(member)
    page = client.get(f"/lop/{cohort.code}/").text
    text = page[page.index("Học viên (4)") :]
    positions = [text.index(f"{last} {first}<") for last, first in REGISTER_ORDER]
    assert positions == sorted(positions), "given name first, then family name, tones last"


def test_a_waiting_applicant_does_not_see_the_class_or_the_material(client, program, cohort):
    applicant = factories.UserFactory()
    factories.enrollment(cohort, applicant, status=Status.APPLIED)
    client.force_login(applicant)
    assert client.get(f"/lop/{cohort.code}/").status_code == 404
    module = ModulePage.objects.child_of(program).get(number=1)
    page = client.get(module.url)
    assert "Nội dung bí mật 1" not in page.text
    assert "chưa thuộc lớp nào" in page.text


def test_an_approved_member_reads_the_module_material(client, program, cohort, participant):
    factories.enrollment(cohort, participant)
    client.force_login(participant)
    module = ModulePage.objects.child_of(program).get(number=1)
    assert "Nội dung bí mật 1" in client.get(module.url).text


def _fill(cohort, participants: int, sessions: int) -> None:
    modules = list(ModulePage.objects.child_of(cohort.program).order_by("path"))
    for _number in range(participants):
        factories.enrollment(cohort)
    start = timezone.make_aware(dt.datetime.combine(cohort.start_date, dt.time(7, 30)))
    instructor = factories.instructor()
    for index in range(sessions):
        session = ClassSession.objects.create(
            cohort=cohort,
            module=modules[index % len(modules)],
            category=Category.THEORY,
            starts_at=start + dt.timedelta(days=index),
            ends_at=start + dt.timedelta(days=index, hours=3),
            periods=4,
        )
        session.instructors.add(instructor)


def _queries_for_cohort_page(client, program, participants: int, sessions: int) -> list:
    cohort = factories.cohort(program, code=f"GDS-Q{participants}")
    _fill(cohort, participants, sessions)
    member = Enrollment.objects.filter(cohort=cohort).first().user
    client.force_login(member)
    client.get(f"/lop/{cohort.code}/")  # warm the per-process caches (Wagtail's site roots)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/lop/{cohort.code}/")
    assert response.status_code == 200
    assert f"Học viên ({participants})" in response.text
    return queries.captured_queries


def test_the_cohort_page_costs_the_same_queries_for_10_or_200_participants(client, program):
    small = len(_queries_for_cohort_page(client, program, participants=10, sessions=3))
    large_queries = _queries_for_cohort_page(client, program, participants=200, sessions=40)
    large = len(large_queries)
    assert small == large, "\n".join(q["sql"] for q in large_queries)
