import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.models import Page

from content.models import HomePage, SiteIdentity
from courses.demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


def _counts():
    from wagtail.models import Revision

    from courses.models import (
        ModuleVisit,
        Notification,
        NotificationPreference,
        PostReport,
        StudyMark,
        Thread,
    )

    return (
        get_user_model().objects.count(),
        Page.objects.count(),
        HomePage.objects.get().get_latest_revision().pk,
        Revision.objects.count(),
        Thread.objects.count(),
        PostReport.objects.count(),
        StudyMark.objects.count(),
        ModuleVisit.objects.count(),
        Notification.objects.count(),
        NotificationPreference.objects.count(),
    )


def test_seed_creates_the_accounts_prints_them_and_is_idempotent(client, capsys):
    call_command("seed_demo", force=True)
    first = capsys.readouterr().out
    for account in DEMO_ACCOUNTS:
        assert account.email in first
        assert account.password in first
    counts = _counts()

    call_command("seed_demo", force=True)
    assert _counts() == counts
    assert "already existed" in capsys.readouterr().out

    identity = SiteIdentity.load()
    assert identity.course_short_name == "Bồi dưỡng Giám đốc Sở"
    home = client.get("/")
    assert "Trường Đào tạo, Bồi dưỡng cán bộ quản lý thông tin và truyền thông" in home.text


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.email)
def test_every_demo_account_can_sign_in(client, account):
    call_command("seed_demo", force=True)
    response = client.post(
        "/accounts/login/", {"login": account.email, "password": account.password}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_seed_refuses_without_debug():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


def test_seed_keeps_a_password_someone_changed(client):
    call_command("seed_demo", force=True)
    user = get_user_model().objects.get(email="hocvien@lms.test")
    user.set_password("Mat-khau-moi-2026")
    user.save()
    call_command("seed_demo", force=True)
    user.refresh_from_db()
    assert user.check_password("Mat-khau-moi-2026")


def test_seed_gives_a_running_class_with_a_full_timetable_and_an_open_one(client):
    from courses.demo_cohorts import OPEN_CODE, RUNNING_CODE
    from courses.models import Cohort, Status
    from courses.selectors import timetable_summary

    call_command("seed_demo", force=True)
    running = Cohort.objects.get(code=RUNNING_CODE)
    summary = timetable_summary(running)
    assert summary.scheduled.total == 160
    assert not summary.mismatches, "the demo timetable matches the programme"
    assert running.enrollments.filter(role="participant", status=Status.APPROVED).count() == 30
    waiting = Cohort.objects.get(code=OPEN_CODE).enrollments.filter(status=Status.APPLIED)
    assert waiting.count() == 3

    client.force_login(get_user_model().objects.get(email="hocvien@lms.test"))
    page = client.get(f"/lop/{RUNNING_CODE}/")
    assert "Học viên (30)" in page.text
    assert "Giảng viên" in page.text

    # Attendance for every session that has ended, with the cases of real life.
    from courses import attendance_selectors
    from courses.demo_attendance import AT_RISK, EXCUSED, OUT_OF_REACH
    from courses.models import AttendanceChange, AttendanceRecord, ClassSession

    ended = ClassSession.objects.filter(cohort=running, ends_at__lte=timezone.now()).count()
    assert ended >= 10
    assert AttendanceRecord.objects.filter(session__cohort=running).count() == 30 * ended
    assert AttendanceChange.objects.count() == AttendanceRecord.objects.count()
    excused = AttendanceRecord.objects.get(status="excused")
    assert (excused.enrollment.user.email, excused.reason) == (EXCUSED[0], EXCUSED[2])
    matrix = attendance_selectors.attendance_matrix(running)
    risks = {row.enrollment.user.email: row.summary.risk for row in matrix.needing_attention}
    assert risks == {OUT_OF_REACH: "out_of_reach", AT_RISK: "at_risk"}
    call_command("seed_demo", force=True)  # a second run records nothing twice
    assert AttendanceRecord.objects.filter(session__cohort=running).count() == 30 * ended


def test_the_demo_issues_certificates_revokes_one_and_reissues_one(client):
    from courses.certificate_selectors import eligibility_for_cohort, register
    from courses.demo_certificates import (
        FINISHED_CODE,
        NOT_YET_ISSUED,
        REPLACED,
        REVOKED,
    )
    from courses.models import Certificate, Cohort, IssuanceBatch

    call_command("seed_demo", force=True)
    cohort = Cohort.objects.get(code=FINISHED_CODE)
    states = {s.certificate.enrollment.user.email: s for s in register(cohort=cohort)}
    assert Certificate.objects.filter(cohort=cohort, kind="original").count() == 9
    assert states[REVOKED].status == "revoked"
    replacement = Certificate.objects.get(replaces__enrollment__user__email=REPLACED)
    assert replacement.snapshot["title"] == "GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC"
    rows = {row.enrollment.user.email: row for row in eligibility_for_cohort(cohort)}
    assert rows[NOT_YET_ISSUED].can_be_issued
    assert sum(1 for row in rows.values() if not row.eligible) == 2
    batch = IssuanceBatch.objects.get(cohort=cohort)
    assert len(batch.skipped) == 2  # the two not eligible, with their reasons
    assert all(item["reason"] for item in batch.skipped)

    call_command("seed_demo", force=True)  # a second run issues nothing more
    assert Certificate.objects.filter(cohort=cohort).count() == 10


def test_the_demo_gives_each_home_page_something_to_show(client):
    """Participant: study marks, visits with news since, notifications read and unread, one
    preference; instructor: an unanswered question, a reported post, their modules; school:
    people near and past the absence limit, the summary."""
    from courses.at_risk import at_risk
    from courses.demo_discussions import UNANSWERED
    from courses.demo_progress import PREFERENCE, VISITED_MODULES
    from courses.models import (
        Delivery,
        ModuleVisit,
        Notification,
        NotificationPreference,
        PostReport,
        StudyMark,
    )

    call_command("seed_demo", force=True)
    users = {u.email: u for u in get_user_model().objects.filter(email__endswith="@lms.test")}
    participant, instructor, staff = (
        users[e] for e in ("hocvien@lms.test", "giangvien@lms.test", "nhatruong@lms.test")
    )
    assert StudyMark.objects.filter(user=participant).count() == 5  # modules 1-4, one lesson
    assert ModuleVisit.objects.filter(user=participant).count() == len(VISITED_MODULES)
    mine = Notification.objects.filter(recipient=participant)
    # (Reply notices too in a real run: they are sent on commit, which a test never reaches.)
    assert {"enrollment", "session"} <= set(mine.values_list("kind", flat=True))
    assert mine.filter(read_at__isnull=False).exists()
    assert mine.filter(read_at=None).exists()
    summary = Notification.objects.get(recipient=staff, kind="at_risk")
    assert summary.read_at is None
    # Rows the seed wrote itself are marked as mailed: no task or digest ever sends them.
    seeded = Notification.objects.filter(kind__in=["enrollment", "session", "at_risk"])
    assert not seeded.filter(emailed_at=None).exclude(delivery=Delivery.OFF).exists()
    kind, delivery = PREFERENCE
    assert NotificationPreference.objects.get(user=participant, kind=kind).delivery == delivery

    client.force_login(participant)
    page = client.get("/hoc-tap/").text
    assert "Đã học xong 4/" in page
    assert "Đã học 1/2 bài" in page
    assert "Có nội dung mới từ lần mở trước" in page
    assert "Chưa mở lần nào" in page

    client.force_login(instructor)
    page = client.get("/giang-day/").text
    assert UNANSWERED in page
    assert PostReport.objects.filter(resolved_at=None).count() == 1
    assert "Khảo sát mức độ hài lòng với dịch vụ công trực tuyến" in page
    assert "Đã xuất bản, có thay đổi chưa xuất bản" in page  # module 3: their draft
    assert "Chuyển đổi số" in page

    (running,) = [item for item in at_risk() if item.people]
    assert (running.past, running.near, running.reports_missing) == (1, 1, 0)
    client.force_login(staff)
    page = client.get("/nha-truong/nguy-co/").text
    assert "chỉ còn được vắng" in page
    assert "không còn đạt 80 %" in page
    assert "Học viên có nguy cơ" in client.get("/nha-truong/tong-quan/").text
    assert summary.title in client.get("/thong-bao/").text
