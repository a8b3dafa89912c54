"""Final-report pages: hand-in, the graders' list and grading screen, the school's gradebook and
its export, settings and late permissions, and who may download which file."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Grade, GradeChange, LateAllowance, ReportAssignment, SubmissionVersion
from courses.services import reports as service
from tests import factories
from tests.courses.attendance_helpers import teacher
from tests.courses.report_helpers import (
    CRITERIA,
    assignment,
    freeze,
    graded,
    hand_in,
    pdf,
    person,
    submission_of,
    upload,
)

pytestmark = pytest.mark.django_db


def page(cohort):
    return reverse("courses:report", args=[cohort.code])


def grading(cohort):
    return reverse("courses:report_grading", args=[cohort.code])


def grade_url(cohort, enrollment):
    return reverse("courses:report_grade", args=[cohort.code, submission_of(enrollment).pk])


def gradebook(cohort):
    return reverse("courses:staff_gradebook", args=[cohort.code])


def xlsx(cohort):
    return reverse("courses:staff_gradebook_xlsx", args=[cohort.code])


@pytest.fixture
def member(cohort):
    return person(cohort, "Trần Văn", "Hòa")


@pytest.fixture
def due(cohort):
    return assignment(cohort, criteria=CRITERIA)


# --- Participant -------------------------------------------------------------------------------


def test_participant_sees_the_brief_deadline_criteria_and_what_files_are_accepted(
    client, cohort, member, due
):
    client.force_login(member.user)
    html = client.get(page(cohort)).content.decode()
    deadline = timezone.localtime(due.deadline)
    assert f"{deadline:%H:%M} ngày {deadline:%d/%m/%Y}" in html
    assert "Tính khả thi của giải pháp" in html
    assert "từ 5,0 điểm (thang 10)" in html
    assert "PDF hoặc Word (.docx), tối đa 20 MB" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'accept=".pdf,.docx,application/pdf,' in html
    assert "Bạn chưa nộp báo cáo." in html


def test_participant_hands_in_twice_and_sees_both_versions(client, cohort, member, due):
    client.force_login(member.user)
    response = client.post(
        page(cohort),
        {"title": "Kho dữ liệu dùng chung", "abstract": "Tóm tắt", "file": upload()},
    )
    assert response.status_code == 302
    response = client.post(
        page(cohort),
        {"title": "Kho dữ liệu dùng chung (bản sửa)", "text": "Nội dung viết trực tiếp."},
        follow=True,
    )
    html = response.content.decode()
    assert "Đã nhận báo cáo (lần nộp 2)" in html
    assert "Kho dữ liệu dùng chung (bản sửa)" in html
    assert "Báo cáo thu hoạch.pdf" in html  # the first version's file, still there
    assert "Nộp bản mới" in html
    assert SubmissionVersion.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (b"<!DOCTYPE html><html><body>x</body></html>", "bao-cao.pdf", "trang HTML"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "anh.pdf", "ảnh SVG"),
        (b"", "rong.pdf", "Tệp trống"),
    ],
)
def test_a_file_that_is_not_a_report_is_refused_on_the_form(
    client, cohort, member, due, data, name, says
):
    client.force_login(member.user)
    response = client.post(page(cohort), {"title": "Tên", "file": upload(data, name)})
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not SubmissionVersion.objects.exists()


def test_a_missing_title_is_shown_on_its_field_and_the_text_is_kept(client, cohort, member, due):
    client.force_login(member.user)
    response = client.post(page(cohort), {"title": "", "text": "Bài viết dài của tôi"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Hãy ghi tên báo cáo." in html
    assert "Bài viết dài của tôi</textarea>" in html


def test_after_the_deadline_the_form_is_gone_and_a_hand_in_is_refused(
    client, cohort, member, monkeypatch
):
    due = assignment(cohort, deadline=timezone.now() + dt.timedelta(hours=1))
    freeze(monkeypatch, due.deadline + dt.timedelta(minutes=1))
    client.force_login(member.user)
    html = client.get(page(cohort)).content.decode()
    assert "Đã hết hạn nộp báo cáo" in html
    assert 'type="file"' not in html
    response = client.post(page(cohort), {"title": "Muộn", "file": upload()})
    assert response.status_code == 400
    assert "chỉ nhà trường mới cho phép nộp muộn" in response.content.decode()
    assert not SubmissionVersion.objects.exists()


def test_grade_and_comments_show_only_once_released(client, cohort, member, due):
    graded(member, "", criterion_scores=["2", "1,5", "2", "2,5", "0,5"], comments="Rất thực tế.")
    client.force_login(member.user)
    html = client.get(page(cohort)).content.decode()
    assert "Điểm và nhận xét hiện ở đây khi giảng viên công bố" in html
    assert "Rất thực tế." not in html
    service.release_grades(None, ReportAssignment.objects.get())
    html = client.get(page(cohort)).content.decode()
    assert '<strong class="report-score">8,5</strong>/10' in html
    assert "Rất thực tế." in html
    assert "Đạt" in html
    assert "1,5/2,0" in html  # a criterion's score


def test_hand_ins_are_rate_limited(client, cohort, member, due):
    client.force_login(member.user)
    for _attempt in range(20):
        assert client.post(page(cohort), {"title": ""}).status_code == 400
    response = client.post(page(cohort), {"title": "Tên", "file": upload()})
    assert response.status_code == 429
    assert "Bạn đã nộp quá nhiều lần trong một giờ" in response.content.decode()
    assert not SubmissionVersion.objects.exists()


def test_graders_opening_the_participant_page_go_to_their_list(client, cohort, due):
    client.force_login(teacher(cohort))
    response = client.get(page(cohort))
    assert response["Location"] == grading(cohort)


def test_cohort_page_and_my_courses_link_to_the_report(client, cohort, member):
    client.force_login(member.user)
    assert page(cohort) in client.get(reverse("courses:cohort", args=[cohort.code])).text
    assert page(cohort) in client.get(reverse("courses:my_courses")).text
    client.force_login(teacher(cohort))
    assert grading(cohort) in client.get(reverse("courses:cohort", args=[cohort.code])).text


# --- Graders -----------------------------------------------------------------------------------


@pytest.fixture
def classroom(cohort, monkeypatch):
    """Bình graded 8,5; Hòa handed in; Đào handed in late; An handed nothing in."""
    due = assignment(cohort, deadline=timezone.now() + dt.timedelta(hours=1))
    instructor = teacher(cohort)
    an = person(cohort, "Nguyễn Văn", "An", organisation_name='=HYPERLINK("http://x")')
    binh = person(cohort, "Trần Thị", "Bình", position="Phó Giám đốc")
    dao = person(cohort, "Lê Văn", "Đào")
    hoa = person(cohort, "Phạm Thị", "Hòa")
    hand_in(binh, title="Hạ tầng viễn thông thụ động")
    hand_in(hoa, title="Dịch vụ công trực tuyến")
    service.grade_submission(instructor, submission_of(binh), score="8,5")
    freeze(monkeypatch, due.deadline + dt.timedelta(hours=1))
    service.allow_late(
        factories.school_staff(), dao, until=due.deadline + dt.timedelta(days=2), reason="Ốm"
    )
    hand_in(dao, title="An toàn thông tin cấp xã")
    return {"instructor": instructor, "an": an, "binh": binh, "dao": dao, "hoa": hoa}


def test_instructor_sees_every_participant_in_name_order_with_status_and_score(
    client, cohort, classroom
):
    client.force_login(classroom["instructor"])
    html = client.get(grading(cohort)).content.decode()
    table = html[html.index("<tbody>") :]
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Đào", "Phạm Thị Hòa"]
    positions = [table.index(name) for name in names]
    assert positions == sorted(positions)
    rows = table.split("<tr")
    assert "Chưa nộp" in rows[1]
    assert "Đã chấm" in rows[2]
    assert "8,5" in rows[2]
    assert "Nộp muộn" in rows[3]
    assert "Đã nộp" in rows[4]
    assert "1 đã chấm, 1 đã nộp chờ chấm, 1 nộp muộn chờ chấm, 1 chưa nộp" in html


@pytest.mark.parametrize("who", ["other_instructor", "outsider"])
def test_people_outside_the_cohort_get_404_on_the_list_and_the_grading_screen(
    client, cohort, classroom, who
):
    other = factories.cohort(cohort.program)
    user = teacher(other) if who == "other_instructor" else factories.enrollment(other).user
    client.force_login(user)
    assert client.get(grading(cohort)).status_code == 404
    assert client.get(grade_url(cohort, classroom["binh"])).status_code == 404
    response = client.post(grade_url(cohort, classroom["hoa"]), {"score": "9", "revision": "0"})
    assert response.status_code == 404
    assert Grade.objects.count() == 1


def test_the_cohorts_instructor_releases_grades_from_the_list(client, cohort, classroom):
    client.force_login(teacher(factories.cohort(cohort.program)))
    assert client.post(grading(cohort), {"action": "release"}).status_code == 404
    client.force_login(classroom["binh"].user)
    assert client.post(grading(cohort), {"action": "release"}).status_code == 403
    assert ReportAssignment.objects.get().released_at is None
    client.force_login(classroom["instructor"])
    response = client.post(grading(cohort), {"action": "release"}, follow=True)
    assert "Đã công bố điểm" in response.content.decode()
    assert ReportAssignment.objects.get().released_by == classroom["instructor"]
    client.force_login(classroom["binh"].user)
    assert '<strong class="report-score">8,5</strong>' in client.get(page(cohort)).text


def test_a_classmate_gets_403_on_the_list_and_404_on_a_submission(client, cohort, classroom):
    client.force_login(classroom["an"].user)
    assert client.get(grading(cohort)).status_code == 403
    assert client.get(grade_url(cohort, classroom["binh"])).status_code == 404


def test_the_signed_out_are_sent_to_sign_in(client, cohort, classroom):
    for url in (page(cohort), grading(cohort), gradebook(cohort)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_quick_grading_saves_a_score_typed_with_a_comma_and_keeps_history(
    client, cohort, classroom
):
    client.force_login(classroom["instructor"])
    url = grade_url(cohort, classroom["hoa"])
    html = client.get(url).content.decode()
    assert "Dịch vụ công trực tuyến" in html
    assert (
        reverse("courses:report_file", args=[submission_of(classroom["hoa"]).versions.get().pk])
        in html
    )
    response = client.post(
        url, {"score": "7,5", "comments": "Khá tốt.", "revision": "0"}, follow=True
    )
    assert "Đã lưu điểm 7,5 cho Phạm Thị Hòa." in response.content.decode()
    assert Grade.objects.get(submission__enrollment=classroom["hoa"]).score == Decimal("7.5")
    # A change without a reason is refused on its field; with one it is kept in the history.
    response = client.post(url, {"score": "8", "revision": "1"})
    assert response.status_code == 400
    assert "muốn đổi thành 8,0 điểm hãy ghi lý do sửa điểm" in response.content.decode()
    client.post(url, {"score": "8", "reason": "Chấm lại phần giải pháp", "revision": "1"})
    html = client.get(url).content.decode()
    history = html[html.index("Lịch sử chấm") :]
    assert "7,5 → 8,0" in history
    assert "Chấm lại phần giải pháp" in history
    assert GradeChange.objects.filter(grade__submission__enrollment=classroom["hoa"]).count() == 2


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("10,5", "Điểm tối đa là 10: “10,5” vượt thang điểm."),
        ("-1", "Điểm không được âm"),
        ("abc", "“abc” không phải là điểm"),
        ("8,55", "Điểm chỉ lấy đến một chữ số thập phân"),
    ],
)
def test_bad_scores_are_refused_on_the_grading_screen(client, cohort, classroom, typed, says):
    client.force_login(classroom["instructor"])
    response = client.post(grade_url(cohort, classroom["hoa"]), {"score": typed, "revision": "0"})
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not Grade.objects.filter(submission__enrollment=classroom["hoa"]).exists()


def test_a_stale_grading_form_shows_the_newer_grade(client, cohort, classroom):
    client.force_login(classroom["instructor"])
    url = grade_url(cohort, classroom["binh"])
    service.grade_submission(
        factories.school_staff(), submission_of(classroom["binh"]), score="9", reason="Phúc khảo"
    )
    response = client.post(url, {"score": "6", "reason": "Trừ điểm", "revision": "1"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "vừa chấm bài này 9,0 điểm" in html
    assert 'value="9,0"' in html
    assert Grade.objects.get(submission__enrollment=classroom["binh"]).score == Decimal("9.0")


# --- Files -------------------------------------------------------------------------------------


def test_download_permission_matrix(client, cohort, classroom):
    version = submission_of(classroom["binh"]).versions.get()
    url = reverse("courses:report_file", args=[version.pk])
    other = factories.cohort(cohort.program)
    cases = [
        (classroom["binh"].user, 200),  # the author
        (classroom["an"].user, 404),  # a classmate
        (teacher(other), 404),  # an instructor of another cohort
        (classroom["instructor"], 200),  # an instructor of the cohort
        (factories.school_staff(), 200),
    ]
    for user, status in cases:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert b"".join(response.streaming_content) == pdf()
            assert response["Content-Type"] == "application/pdf"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Disposition"].startswith("attachment;")
            assert "filename*=utf-8''B%C3%A1o%20c%C3%A1o" in response["Content-Disposition"]
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_guessing_file_numbers_finds_nothing(client, cohort, classroom):
    client.force_login(classroom["an"].user)
    for pk in range(1, 20):
        assert client.get(reverse("courses:report_file", args=[pk])).status_code == 404


# --- School staff ------------------------------------------------------------------------------


def test_gradebook_export_reads_back_with_vietnamese_headers_name_order_and_scores(
    client, cohort, classroom
):
    client.force_login(factories.school_staff())
    html = client.get(gradebook(cohort)).content.decode()
    assert "Bảng điểm báo cáo thu hoạch" in html
    response = client.get(xlsx(cohort))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"bang-diem-bao-cao-{cohort.code}-" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == cohort.name
    assert rows[2] == [
        "STT",
        "Họ và tên",
        "Chức vụ",
        "Cơ quan",
        "Tên báo cáo",
        "Nộp lúc",
        "Nộp muộn",
        "Điểm",
        "Xếp loại",
        "Đạt/Không đạt",
    ]
    people = rows[3:]
    assert [row[1] for row in people] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Đào",
        "Phạm Thị Hòa",
    ]
    an, binh, dao, hoa = people
    assert an[3] == '\'=HYPERLINK("http://x")'  # typed text is never run as a formula
    assert an[4:] == [None, None, None, None, None, "Chưa nộp"]
    assert binh[2] == "Phó Giám đốc"
    assert binh[4] == "Hạ tầng viễn thông thụ động"
    submitted = timezone.localtime(submission_of(classroom["binh"]).versions.get().submitted_at)
    assert binh[5] == submitted.strftime("%d/%m/%Y %H:%M")
    assert binh[7] == 8.5
    assert binh[9] == "Đạt"
    assert dao[6] == "Có"
    assert dao[9] == "Chưa chấm"
    assert sheet["H5"].number_format == "0.0"


def test_instructors_and_participants_cannot_open_the_gradebook(client, cohort, classroom):
    for user in (classroom["instructor"], classroom["an"].user):
        client.force_login(user)
        assert client.get(gradebook(cohort)).status_code == 403
        assert client.get(xlsx(cohort)).status_code == 403


def test_staff_release_and_withhold_grades_from_the_gradebook(
    client, cohort, classroom, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(factories.school_staff())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(gradebook(cohort), {"action": "release"}, follow=True)
    assert "Đã công bố điểm; 1 học viên được báo qua email." in response.content.decode()
    assert [mail.to for mail in mailoutbox] == [[classroom["binh"].user.email]]
    assert "Ẩn điểm với học viên" in response.content.decode()
    client.post(gradebook(cohort), {"action": "withhold"})
    assert ReportAssignment.objects.get().released_at is None


def test_staff_set_the_assignment_and_see_refusals_on_their_field(client, cohort, due):
    client.force_login(factories.school_staff())
    url = reverse("courses:staff_report_settings", args=[cohort.code])
    html = client.get(url).content.decode()
    assert "Tính thực tiễn: 2" in html  # the criteria, one per line, as staff type them
    form = {
        "action": "assignment",
        "bai-title": "Báo cáo cuối khóa",
        "bai-deadline": "2031-05-20T17:00",
        "bai-criteria": "Tính thực tiễn: 2\nGiải pháp: 3",
        "bai-bands": "",
    }
    response = client.post(url, form)
    assert response.status_code == 400
    assert "phải bằng 10 (hiện là 5,0)" in response.content.decode()
    form["bai-criteria"] = ""
    form["bai-bands"] = "8: Giỏi\n5: Trung bình"
    assert client.post(url, form).status_code == 302
    saved = ReportAssignment.objects.get()
    assert saved.title == "Báo cáo cuối khóa"
    assert timezone.localtime(saved.deadline).strftime("%d/%m/%Y %H:%M") == "20/05/2031 17:00"
    assert saved.band_list == [(Decimal("8.0"), "Giỏi"), (Decimal("5.0"), "Trung bình")]


def test_staff_allow_a_late_hand_in_from_the_settings_page(client, cohort, classroom):
    client.force_login(factories.school_staff(last_name="Phạm Minh", first_name="Tuấn"))
    url = reverse("courses:staff_report_settings", args=[cohort.code])
    until = timezone.localtime(service.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {
            "action": "late",
            "muon-enrollment": classroom["an"].pk,
            "muon-until": until,
            "muon-reason": "Dự họp tỉnh",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Đã cho phép Nguyễn Văn An nộp muộn đến" in html
    assert "Dự họp tỉnh" in html
    assert "Phạm Minh Tuấn" in html
    allowance = LateAllowance.objects.get(enrollment=classroom["an"])
    assert allowance.allowed_by.full_name == "Phạm Minh Tuấn"
    response = client.post(
        url,
        {"action": "late", "muon-enrollment": classroom["an"].pk, "muon-until": until},
    )
    assert response.status_code == 400
    assert LateAllowance.objects.filter(enrollment=classroom["an"]).count() == 1


# --- Query counts ------------------------------------------------------------------------------


def _page_queries(client, program, size):
    cohort = factories.cohort(program, capacity=200)
    assignment(cohort)
    instructor = teacher(cohort)
    people = [factories.enrollment(cohort) for _ in range(size)]
    for index, member in enumerate(people):
        if index % 3 == 0:
            continue
        hand_in(member)
        if index % 3 == 1:
            service.grade_submission(instructor, submission_of(member), score="7,5")
    hand_in(people[1], title="Bản hai")
    counts = []
    for user, urls in (
        (instructor, [grading(cohort)]),
        (factories.school_staff(), [gradebook(cohort), xlsx(cohort)]),
    ):
        client.force_login(user)
        client.get(urls[0])  # warm-up: site and session caches
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries.captured_queries))
    return counts


def test_grading_list_gradebook_and_export_queries_do_not_grow_with_the_class(client, program):
    assert _page_queries(client, program, 10) == _page_queries(client, program, 60)
