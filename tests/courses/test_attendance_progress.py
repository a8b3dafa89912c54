"""Progress bars, the cohort matrix and its XLSX/CSV export: what each role sees, and figures."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import AttendanceRecord
from courses.services import attendance as service
from tests import factories
from tests.courses.attendance_helpers import session, teacher

pytestmark = pytest.mark.django_db


def _timetable(cohort, instructor, days_ago=(3, 2, 1), upcoming=(2,)):
    """Past sessions of 5 periods (3 days ago, 2, 1) and one to come, 20 periods in all."""
    now = timezone.now()
    past = [
        session(cohort, starts_at=now - dt.timedelta(days=d), periods=5, instructors=[instructor])
        for d in days_ago
    ]
    future = [
        session(cohort, starts_at=now + dt.timedelta(days=d), periods=5, instructors=[instructor])
        for d in upcoming
    ]
    return past, future


def _person(cohort, last, first, organisation="Sở Khoa học và Công nghệ tỉnh Tuyên Quang"):
    user = factories.UserFactory(last_name=last, first_name=first)
    enrollment = factories.enrollment(cohort, user)
    enrollment.organisation_name = organisation
    enrollment.save(update_fields=["organisation_name"])
    return enrollment


@pytest.fixture
def classroom(cohort):
    """Three participants, three past sessions: Bình always present, An absent twice (out of
    reach: 5 of 20 periods at most), Đào late once and excused once."""
    instructor = teacher(cohort)
    past, future = _timetable(cohort, instructor)
    an = _person(cohort, "Nguyễn Văn", "An", organisation='=HYPERLINK("http://x")')
    binh = _person(cohort, "Trần Thị", "Bình")
    dao = _person(cohort, "Lê Văn", "Đào")
    marks = [
        {an.pk: ("present", ""), binh.pk: ("present", ""), dao.pk: ("late", "")},
        {an.pk: ("absent", ""), binh.pk: ("present", ""), dao.pk: ("excused", "Họp tỉnh")},
        {an.pk: ("absent", ""), binh.pk: ("present", ""), dao.pk: ("present", "")},
    ]
    for lesson, day_marks in zip(past, marks, strict=True):
        service.save_roll_call(instructor, lesson, day_marks)
    return {"instructor": instructor, "an": an, "binh": binh, "dao": dao, "past": past}


def url(cohort):
    return reverse("courses:cohort_attendance", args=[cohort.code])


def test_participant_sees_own_progress_bars_and_the_warning(client, cohort, classroom):
    client.force_login(classroom["an"].user)
    html = client.get(url(cohort)).content.decode()
    assert "Chuyên cần của tôi" in html
    assert "5,0/20 tiết" in html  # one session of five periods attended
    assert "25 %" in html
    assert "Không còn đủ số tiết để đạt yêu cầu chuyên cần" in html
    assert (
        '<rect class="progress-bars__fill" x="0" y="0" width="25.0"' in html
    )  # 5 of 20 theory periods
    # Only their own: no classmate's name, no export.
    assert "Bình" not in html
    assert "chuyen-can.xlsx" not in html


def test_participant_on_track_is_told_how_much_more_they_may_miss(client, cohort, classroom):
    client.force_login(classroom["binh"].user)
    html = client.get(url(cohort)).content.decode()
    # 15 of 20 periods attended, 5 to come: 15 + 5 = 20 ≥ 16 (80 %), may still miss 4.
    assert "Đang đạt yêu cầu: còn được vắng tối đa 4,0 tiết" in html


def test_staff_see_the_matrix_with_symbols_totals_and_who_needs_attention(
    client, cohort, classroom
):
    client.force_login(factories.school_staff())
    html = client.get(url(cohort)).content.decode()
    assert "Chuyên cần cả lớp" in html
    table = html[html.index("Bảng điểm danh") :]
    # Vietnamese name order: given name first (An < Bình < Đào).
    assert table.index("Nguyễn Văn An") < table.index("Trần Thị Bình") < table.index("Lê Văn Đào")
    assert 'matrix-cell--absent">V</td>' in html
    assert 'matrix-cell--excused" title="Họp tỉnh">P</td>' in html
    assert 'matrix-cell--late">M</td>' in html
    assert "15,0/20" in html  # Bình's total
    attention = html[html.index("Cần chú ý") : html.index("Bảng điểm danh")]
    assert "Nguyễn Văn An" in attention
    assert "Trần Thị Bình" not in attention
    assert "chuyen-can.xlsx" in html


def test_instructor_of_the_cohort_sees_the_matrix_but_another_cohorts_does_not(
    client, cohort, classroom
):
    client.force_login(classroom["instructor"])
    assert "Chuyên cần cả lớp" in client.get(url(cohort)).content.decode()
    client.force_login(teacher(factories.cohort(cohort.program)))
    assert client.get(url(cohort)).status_code == 404
    xlsx = reverse("courses:cohort_attendance_xlsx", args=[cohort.code])
    assert client.get(xlsx).status_code == 404


def test_participants_cannot_export_the_class(client, cohort, classroom):
    client.force_login(classroom["an"].user)
    for name in ("courses:cohort_attendance_xlsx", "courses:cohort_attendance_csv"):
        assert client.get(reverse(name, args=[cohort.code])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, cohort, classroom):
    response = client.get(url(cohort))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_xlsx_export_reads_back_with_vietnamese_headers_dates_and_name_order(
    client, cohort, classroom
):
    client.force_login(factories.school_staff())
    response = client.get(reverse("courses:cohort_attendance_xlsx", args=[cohort.code]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"chuyen-can-{cohort.code}-" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == cohort.name
    header = rows[2]
    assert header[:4] == ["STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị"]
    first_day = timezone.localtime(classroom["past"][0].starts_at).strftime("%d/%m/%Y")
    assert header[4].startswith(first_day)
    assert header[4].endswith("(5 tiết)")
    assert header[-4:] == [
        "Số tiết đã dự",
        "Số tiết theo thời khóa biểu",
        "Tỷ lệ chuyên cần (%)",
        "Đánh giá",
    ]
    people = rows[3:]
    assert [row[1] for row in people] == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Đào"]
    an, binh, dao = people
    assert an[4:8] == ["x", "V", "V", None]
    assert an[-4:-1] == [5, 20, 25]
    assert an[3] == '\'=HYPERLINK("http://x")'  # a typed value is never run as a formula
    assert binh[-4] == 15
    assert dao[4:7] == ["M", "P", "x"]
    assert "Không còn đủ" in an[-1]


def test_csv_export_opens_in_a_spreadsheet_with_accents_and_decimal_commas(
    client, cohort, classroom
):
    client.force_login(factories.school_staff())
    response = client.get(reverse("courses:cohort_attendance_csv", args=[cohort.code]))
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[2][1] == "Họ và tên"
    binh = rows[4]
    assert binh[1] == "Trần Thị Bình"
    assert binh[-4:-1] == ["15,0", "20", "75,00"]


def test_late_credit_follows_the_cohort_rule(client, cohort, classroom):
    cohort.late_credit_percent = 50
    cohort.save(update_fields=["late_credit_percent"])
    client.force_login(classroom["dao"].user)
    # Late (2,5 of 5) + excused (0) + present (5) = 7,5 of 20.
    assert "7,5/20 tiết" in client.get(url(cohort)).content.decode()


def _matrix_queries(client, program, size):
    cohort = factories.cohort(program, capacity=200)
    instructor = teacher(cohort)
    past, _future = _timetable(cohort, instructor)
    people = [factories.enrollment(cohort) for _ in range(size)]
    for lesson in past:
        service.save_roll_call(instructor, lesson, {p.pk: ("present", "") for p in people})
    client.force_login(factories.school_staff())
    client.get(url(cohort))  # warm-up: site and session caches
    counts = []
    for target in (url(cohort), reverse("courses:cohort_attendance_xlsx", args=[cohort.code])):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(target).status_code == 200
        counts.append(len(queries.captured_queries))
    assert AttendanceRecord.objects.filter(session__cohort=cohort).count() == 3 * size
    return counts


def test_matrix_and_export_queries_do_not_grow_with_the_class(client, program):
    assert _matrix_queries(client, program, 10) == _matrix_queries(client, program, 120)


def test_progress_page_queries_do_not_grow_with_the_timetable(client, cohort):
    instructor = teacher(cohort)
    me = factories.enrollment(cohort)
    client.force_login(me.user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(cohort)).status_code == 200
        return len(queries.captured_queries)

    _timetable(cohort, instructor, days_ago=(3,), upcoming=())
    client.get(url(cohort))
    small = count()
    _timetable(cohort, instructor, days_ago=(10, 9, 8, 7, 6, 5), upcoming=(3, 4, 5, 6))
    assert count() == small
