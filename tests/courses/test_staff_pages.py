"""The school's pages: the list of cohorts, creating and changing a cohort, the timetable, and
deciding applications, as a member of school staff sees them."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.forms.models import model_to_dict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from content.models import ModulePage
from courses.forms import CohortForm
from courses.models import (
    Category,
    ClassSession,
    Cohort,
    CohortChange,
    Enrollment,
    EnrollmentChange,
)
from tests import factories

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.date(2026, 3, 2)


@pytest.fixture
def staff_client(client, school_staff):
    client.force_login(school_staff)
    return client


def page_of(response) -> str:
    return response.content.decode()


def post_data(instance: Cohort, *, exclude=()) -> dict:
    """The cohort form as a browser would send it for `instance` (saved or not)."""
    fields = [name for name in CohortForm.Meta.fields if name not in exclude]
    data = {}
    for name, value in model_to_dict(instance, fields=fields).items():
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def session(cohort, hour=8, *, hours=3, number=1, periods=4, category=Category.THEORY, **values):
    starts_at = dt.datetime.combine(MONDAY, dt.time(hour), tzinfo=HANOI)
    module = None
    if category in (Category.THEORY, Category.DISCUSSION):
        module = ModulePage.objects.child_of(cohort.program).get(number=number)
    return ClassSession.objects.create(
        cohort=cohort,
        category=category,
        module=module,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        periods=periods,
        **values,
    )


def person(last_name, first_name, **values):
    return factories.UserFactory(last_name=last_name, first_name=first_name, **values)


def post_forms(page: str) -> list[str]:
    return re.findall(r'<form[^>]*method="post"[^>]*>.*?</form>', page, flags=re.S | re.I)


# --- The list of cohorts ---------------------------------------------------------------------


def test_the_list_shows_each_cohort_with_waiting_and_enrolled(staff_client, cohort):
    second = factories.cohort(cohort.program, name="Lớp khóa 6", capacity=25)
    for _ in range(3):
        factories.enrollment(cohort, status="applied")
    for _ in range(2):
        factories.enrollment(cohort)
    factories.enrollment(cohort, role="instructor")  # not a participant: not counted
    factories.enrollment(cohort, status="rejected")
    factories.enrollment(second)
    session(cohort, periods=4)
    session(cohort, 13, periods=3, number=2)

    page = page_of(staff_client.get(reverse("courses:staff_cohorts")))

    rows = {
        code: row
        for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)
        for code in [cohort.code, second.code]
        if code in row
    }
    assert cohort.name in rows[cohort.code]
    first_cells = re.findall(r'<td class="num">(.*?)</td>', rows[cohort.code], flags=re.S)
    assert re.sub(r"<[^>]+>", "", first_cells[0]).strip() == "3"
    assert first_cells[1:] == ["2/30", "7"]
    second_cells = re.findall(r'<td class="num">(.*?)</td>', rows[second.code], flags=re.S)
    assert second_cells == ["0", "1/25", "0"]
    assert f"{reverse('courses:staff_enrollments', args=[cohort.code])}?status=applied" in page


def test_the_list_takes_the_same_queries_for_2_and_12_cohorts(staff_client, program):
    def fill(count):
        for _ in range(count):
            cohort = factories.cohort(program)
            factories.enrollment(cohort, status="applied")
            factories.enrollment(cohort)
            session(cohort)

    def queries() -> tuple[int, str]:
        staff_client.get(reverse("courses:staff_cohorts"))  # first visit creates profile rows
        with CaptureQueriesContext(connection) as captured:
            page = page_of(staff_client.get(reverse("courses:staff_cohorts")))
        return len(captured), page

    fill(2)
    small, page = queries()
    assert page.count("/30</td>") == 2
    fill(10)
    large, page = queries()
    assert page.count("/30</td>") == 12
    assert small == large


# --- Creating and changing a cohort ----------------------------------------------------------


def test_create_a_cohort_through_the_form(staff_client, program, school_staff):
    today = timezone.localdate()
    new = Cohort(
        program=program,
        name="Lớp bồi dưỡng Giám đốc Sở khóa 7",
        code="GDS-2026-7",
        start_date=today + dt.timedelta(days=40),
        end_date=today + dt.timedelta(days=80),
    )

    response = staff_client.post(reverse("courses:staff_cohort_create"), post_data(new))

    stored = Cohort.objects.get(code="GDS-2026-7")
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:staff_cohort", args=["GDS-2026-7"])
    assert (stored.name, stored.created_by, stored.capacity) == (new.name, school_staff, 40)
    overview = page_of(staff_client.get(response["Location"]))
    assert "Đã tạo lớp Lớp bồi dưỡng Giám đốc Sở khóa 7." in overview
    assert "0/40" in overview


def test_creating_a_cohort_with_a_code_taken_shows_why(staff_client, cohort):
    copy = Cohort(**model_to_dict(cohort, exclude=["id", "program", "created_by"]))
    copy.program = cohort.program
    response = staff_client.post(reverse("courses:staff_cohort_create"), post_data(copy))
    assert response.status_code == 400
    assert "đã tồn tại" in page_of(response)
    assert Cohort.objects.count() == 1


def test_a_started_cohort_needs_a_reason_to_change_its_threshold(staff_client, cohort):
    today = timezone.localdate()
    Cohort.objects.filter(pk=cohort.pk).update(
        start_date=today - dt.timedelta(days=3),
        applications_open_on=today - dt.timedelta(days=20),
        applications_close_on=today - dt.timedelta(days=5),
    )
    cohort.refresh_from_db()
    url = reverse("courses:staff_cohort_edit", args=[cohort.code])
    data = post_data(cohort, exclude=("program", "code")) | {"attendance_threshold": "70"}

    response = staff_client.post(url, data)

    assert response.status_code == 400
    assert (
        "Lớp đã khai giảng: thay đổi tỷ lệ dự học tối thiểu (%) ảnh hưởng đến việc cấp chứng "
        "chỉ, hãy ghi lý do." in page_of(response)
    )
    cohort.refresh_from_db()
    assert cohort.attendance_threshold == Decimal("80")
    assert not CohortChange.objects.exists()

    response = staff_client.post(url, data | {"reason": "Theo Quyết định 15/QĐ-TĐT"})
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.attendance_threshold == Decimal("70")
    history = page_of(staff_client.get(url))
    assert "Theo Quyết định 15/QĐ-TĐT" in history
    assert "Phạm Minh Tuấn" in history, "who changed it"


def test_renaming_a_started_cohort_through_the_whole_form_needs_no_reason(staff_client, cohort):
    """The form posts every rule back unchanged; that must not count as a change."""
    Cohort.objects.filter(pk=cohort.pk).update(
        start_date=timezone.localdate(), applications_open_on=None, applications_close_on=None
    )
    cohort.refresh_from_db()
    data = post_data(cohort, exclude=("program", "code")) | {"name": "Lớp khóa 5 (đổi tên)"}

    response = staff_client.post(reverse("courses:staff_cohort_edit", args=[cohort.code]), data)

    assert response.status_code == 302, page_of(response)
    cohort.refresh_from_db()
    assert cohort.name == "Lớp khóa 5 (đổi tên)"
    assert not CohortChange.objects.exists()


# --- The timetable ---------------------------------------------------------------------------


def session_post(cohort, start="08:00", end="11:00", **values) -> dict:
    module = ModulePage.objects.child_of(cohort.program).get(number=1)
    return {
        "category": "theory",
        "module": module.pk,
        "day": MONDAY.isoformat(),
        "start": start,
        "end": end,
        "periods": "4",
        "place": "Hội trường A",
    } | values


def test_add_a_session_through_the_form(staff_client, cohort, instructor):
    url = reverse("courses:staff_session_create", args=[cohort.code])
    response = staff_client.post(url, session_post(cohort, instructors=[instructor.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("courses:staff_cohort", args=[cohort.code])
    stored = ClassSession.objects.get(cohort=cohort)
    assert stored.starts_at == dt.datetime(2026, 3, 2, 8, tzinfo=HANOI)
    assert list(stored.instructors.all()) == [instructor]
    assert Enrollment.objects.get(user=instructor, cohort=cohort).role == "instructor"

    response = staff_client.post(url, session_post(cohort, start="10:00", end="12:00"))
    assert response.status_code == 400
    page = page_of(response)
    assert "Trùng giờ với buổi “Chuyên đề số 1” (08:00 02/03/2026 – 11:00 02/03/2026)" in page
    assert ClassSession.objects.filter(cohort=cohort).count() == 1


def test_a_session_of_another_programme_shows_why(staff_client, cohort):
    from tests.content.conftest import make_program

    foreign = ModulePage.objects.child_of(make_program(2, with_extras=False)).get(number=1)
    response = staff_client.post(
        reverse("courses:staff_session_create", args=[cohort.code]),
        session_post(cohort, module=foreign.pk),
    )
    # The form offers only the cohort's own modules; the service refuses the rest again.
    assert response.status_code == 400
    assert "Hãy chọn một lựa chọn hợp lệ." in page_of(response)
    assert not ClassSession.objects.exists()


def test_edit_and_delete_a_session(staff_client, cohort):
    existing = session(cohort, 8)
    session(cohort, 13, number=2)
    url = reverse("courses:staff_session_edit", args=[existing.pk])

    response = staff_client.post(url, session_post(cohort, start="08:00", end="12:00", periods="5"))
    assert response.status_code == 302
    existing.refresh_from_db()
    assert (existing.periods, existing.ends_at.astimezone(HANOI).hour) == (5, 12)

    staff_client.post(reverse("courses:staff_session_delete", args=[existing.pk]))
    assert not ClassSession.objects.filter(pk=existing.pk).exists()


def test_the_overview_shows_where_the_timetable_differs_from_the_programme(staff_client, cohort):
    session(cohort, periods=4, title="Khai giảng và chuyên đề 1")

    page = page_of(staff_client.get(reverse("courses:staff_cohort", args=[cohort.code])))

    assert "Thời khóa biểu của lớp khác với số tiết của chương trình" in page
    assert "Lý thuyết: 4 tiết, mục tiêu 72 (thiếu 68 tiết)" in page
    assert "Tổng cộng: 4 tiết, mục tiêu 160 (thiếu 156 tiết)" in page
    assert "Khai giảng và chuyên đề 1" in page


# --- Enrollments -----------------------------------------------------------------------------


def enrollments_url(cohort, **query) -> str:
    url = reverse("courses:staff_enrollments", args=[cohort.code])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


@pytest.fixture
def applicants(cohort):
    """Three applications (in this order) and one approved participant."""
    names = [("Nguyễn Thị", "Ánh"), ("Trần Văn", "Bình"), ("Lê Minh", "Châu")]
    rows = [factories.enrollment(cohort, person(*name), status="applied") for name in names]
    factories.enrollment(cohort, person("Phạm Thị", "Dung"))
    return rows


def test_filter_by_status_and_search_without_diacritics(staff_client, cohort, applicants):
    page = page_of(staff_client.get(enrollments_url(cohort, status="approved")))
    assert "Phạm Thị Dung" in page
    assert "Nguyễn Thị Ánh" not in page

    page = page_of(staff_client.get(enrollments_url(cohort, q="nguyen+thi+anh")))
    assert "Nguyễn Thị Ánh" in page
    assert "Trần Văn Bình" not in page
    assert "Phạm Thị Dung" not in page

    page = page_of(staff_client.get(enrollments_url(cohort, q="BÌNH")))
    assert "Trần Văn Bình" in page
    assert "Nguyễn Thị Ánh" not in page


def test_bulk_approval_changes_status_logs_and_mails(
    staff_client, cohort, applicants, school_staff, django_capture_on_commit_callbacks
):
    chosen = applicants[:2]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            enrollments_url(cohort, status="applied"),
            {"selected": [e.pk for e in chosen], "decision": "approve"},
            follow=True,
        )

    assert "Đã cập nhật 2 hồ sơ." in page_of(response)
    assert response.redirect_chain[-1][0] == enrollments_url(cohort, status="applied")
    statuses = dict(Enrollment.objects.filter(cohort=cohort).values_list("pk", "status"))
    assert [statuses[e.pk] for e in applicants] == ["approved", "approved", "applied"]
    changes = EnrollmentChange.objects.filter(new_status="approved", changed_by=school_staff)
    assert sorted(changes.values_list("enrollment_id", flat=True)) == sorted(e.pk for e in chosen)
    assert all(change.old_status == "applied" for change in changes)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.user.email for e in chosen)
    first = next(m for m in mail.outbox if m.to == [chosen[0].user.email])
    assert first.subject == f"Hồ sơ của anh/chị đã được duyệt: {cohort.name}"
    assert "Kính gửi Nguyễn Thị Ánh," in first.body
    assert "/hoc-tap/" in first.body


def test_bulk_rejection_needs_a_reason(
    staff_client, cohort, applicants, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            enrollments_url(cohort),
            {"selected": [applicants[0].pk], "decision": "reject", "reason": "   "},
            follow=True,
        )
    assert "Hãy ghi lý do từ chối" in page_of(response)
    applicants[0].refresh_from_db()
    assert applicants[0].status == "applied"
    assert not EnrollmentChange.objects.filter(new_status="rejected").exists()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            enrollments_url(cohort),
            {"selected": [applicants[0].pk], "decision": "reject", "reason": "Chưa đúng đối tượng"},
        )
    applicants[0].refresh_from_db()
    assert applicants[0].status == "rejected"
    assert "Chưa đúng đối tượng" in mail.outbox[0].body


def test_approving_beyond_capacity_says_who_was_refused(
    staff_client, cohort, applicants, django_capture_on_commit_callbacks
):
    Cohort.objects.filter(pk=cohort.pk).update(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            enrollments_url(cohort),
            {"selected": [e.pk for e in reversed(applicants)], "decision": "approve"},
            follow=True,
        )

    page = page_of(response)
    assert "Đã cập nhật 1 hồ sơ." in page
    assert "Lớp đã đủ 2 học viên; không thể duyệt thêm Trần Văn Bình." in page
    assert "Lớp đã đủ 2 học viên; không thể duyệt thêm Lê Minh Châu." in page
    statuses = [Enrollment.objects.get(pk=e.pk).status for e in applicants]
    assert statuses == ["approved", "applied", "applied"], "the earliest application wins"
    assert [m.to for m in mail.outbox] == [[applicants[0].user.email]]


def test_a_decision_without_a_selection_changes_nothing(staff_client, cohort, applicants):
    response = staff_client.post(enrollments_url(cohort), {"decision": "approve"}, follow=True)
    assert "Hãy chọn ít nhất một hồ sơ." in page_of(response)
    assert Enrollment.objects.filter(status="applied").count() == 3


def test_an_enrollment_of_another_cohort_cannot_be_decided_here(staff_client, cohort):
    other = factories.cohort(cohort.program)
    stranger = factories.enrollment(other, status="applied")
    staff_client.post(enrollments_url(cohort), {"selected": [stranger.pk], "decision": "approve"})
    stranger.refresh_from_db()
    assert stranger.status == "applied"


def test_the_enrollments_page_takes_the_same_queries_for_5_and_40(staff_client, cohort):
    provinces = ["Tuyên Quang", "Hà Nội", "Lào Cai", "Cần Thơ"]
    statuses = ["applied", "approved", "rejected", "withdrawn"]

    def fill(start, stop):
        for i in range(start, stop):
            factories.enrollment(
                cohort, status=statuses[i % 4], province_name=provinces[i % len(provinces)]
            )

    def queries() -> tuple[int, str]:
        staff_client.get(enrollments_url(cohort))  # first visit creates profile rows
        with CaptureQueriesContext(connection) as captured:
            page = page_of(staff_client.get(enrollments_url(cohort)))
        return len(captured), page

    fill(0, 5)
    small, page = queries()
    assert page.count('name="selected"') == 5
    fill(5, 40)
    large, page = queries()
    assert page.count('name="selected"') == 40
    assert "Lào Cai" in page
    assert small == large


# --- CSRF --------------------------------------------------------------------------------------


def test_every_post_form_carries_the_csrf_token(staff_client, cohort, applicants):
    existing = session(cohort)
    pages = [
        reverse("courses:staff_cohort_create"),
        reverse("courses:staff_cohort_edit", args=[cohort.code]),
        reverse("courses:staff_session_create", args=[cohort.code]),
        reverse("courses:staff_session_edit", args=[existing.pk]),
        enrollments_url(cohort),
    ]
    for url in pages:
        forms = post_forms(page_of(staff_client.get(url)))
        assert forms, url
        for form in forms:
            assert 'name="csrfmiddlewaretoken"' in form, (url, form[:120])


def test_a_decision_without_the_csrf_token_is_refused(cohort, applicants, school_staff):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(school_staff)
    url = enrollments_url(cohort)
    data = {"selected": [applicants[0].pk], "decision": "approve"}

    assert browser.post(url, data).status_code == 403
    applicants[0].refresh_from_db()
    assert applicants[0].status == "applied"

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_of(browser.get(url)))
    response = browser.post(url, data | {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    applicants[0].refresh_from_db()
    assert applicants[0].status == "approved"
