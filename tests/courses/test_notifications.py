"""Notifications: the list and its header count, preferences per kind (off, immediate, daily
digest), the mails (plain text, Vietnamese, an unsubscribe link that works without signing in),
the digest sent once, and the events that notify (answer chosen, session moved or cancelled)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone
from icalendar import Calendar

from courses.models import (
    Category,
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from courses.services import cohorts as cohort_service
from courses.services import discussions as discussion_service
from courses.services import enrollment as enrollment_service
from courses.services import notifications as service
from courses.services.cohorts import SessionData
from lms.context_processors import notifications as notifications_context
from tests import factories

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def notify(users, kind=NotificationKind.ENROLLMENT, title="Có tin mới", url="/hoc-tap/", **kw):
    return service.notify(users, kind, title, "Nội dung ngắn", url, **kw)


def unsubscribe_link(message) -> str:
    return re.search(r"http://testserver(/thong-bao/huy-dang-ky/[^\s]+/)", message.body).group(1)


def many(user, count: int, **values):
    Notification.objects.bulk_create(
        Notification(recipient=user, kind="reply", title=f"Thông báo số {n}", url="/", **values)
        for n in range(count)
    )


# --- Creating and mailing ---------------------------------------------------------------------


def test_notify_records_one_row_each_and_follows_each_persons_preference(
    django_capture_on_commit_callbacks,
):
    default, off, digest = factories.UserFactory.create_batch(3)
    no_email = factories.UserFactory(email="", verified_email=False)
    service.set_preference(off, "enrollment", "off")
    service.set_preference(digest, "enrollment", "digest")
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify([default, off, digest, no_email, default])
    assert len(rows) == 4, "one row per person, duplicates dropped"
    deliveries = dict(Notification.objects.values_list("recipient_id", "delivery"))
    assert deliveries == {
        default.pk: "immediate",
        off.pk: "off",
        digest.pk: "digest",
        no_email.pk: "off",
    }
    assert [m.to for m in mail.outbox] == [[default.email]], "OFF and DIGEST: no mail now"
    assert all(person.notifications.count() == 1 for person in (off, digest, no_email))


def test_no_mail_before_commit(django_capture_on_commit_callbacks):
    person = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([person])
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_immediate_mail_is_plain_vietnamese_text_with_an_unsubscribe_link(
    cohort, participant, school_staff, django_capture_on_commit_callbacks
):
    enrollment = factories.enrollment(cohort, participant, status="applied")
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_service.approve(school_staff, enrollment)
    (message,) = mail.outbox
    assert message.content_subtype == "plain"
    assert not getattr(message, "alternatives", None), "plain text only"
    assert "Hồ sơ của anh/chị đã được duyệt" in message.subject
    assert "Kính gửi" in message.body
    assert "Kết quả xét đơn và ghi danh" in message.body, "names the kind it turns off"
    link = unsubscribe_link(message)
    assert message.extra_headers["List-Unsubscribe"] == f"<http://testserver{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    (row,) = participant.notifications.all()
    assert row.kind == "enrollment"
    assert row.emailed_at is not None
    assert cohort.name in row.title


def test_the_mail_task_sends_once_however_often_it_runs(django_capture_on_commit_callbacks):
    person = factories.UserFactory()
    (row,) = notify([person])  # outside capture: the callback is dropped with the test
    message = {"subject": "Tiêu đề", "body": "Nội dung", "to": [person.email]}
    assert service.send_immediate(row.pk, message) is True
    assert service.send_immediate(row.pk, message) is False
    assert len(mail.outbox) == 1


def test_a_failing_mail_server_leaves_the_mail_to_send_again(monkeypatch):
    person = factories.UserFactory()
    (row,) = notify([person])
    message = {"subject": "Tiêu đề", "body": "Nội dung", "to": [person.email]}

    def broken(self, *args, **kwargs):
        raise OSError("máy chủ thư không trả lời")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with pytest.raises(OSError, match="máy chủ thư"):
        service.send_immediate(row.pk, message)
    row.refresh_from_db()
    assert row.emailed_at is None
    monkeypatch.undo()
    assert service.send_immediate(row.pk, message) is True


# --- Unsubscribe link -------------------------------------------------------------------------


def test_the_unsubscribe_link_asks_on_get_and_turns_the_kind_off_on_post(
    client, django_capture_on_commit_callbacks
):
    person = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify([person], NotificationKind.GRADE)
    link = unsubscribe_link(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "Tắt email loại này?" in page.text
    assert "Điểm báo cáo thu hoạch được công bố" in page.text
    assert not NotificationPreference.objects.exists(), "a GET never changes anything"

    done = client.post(link)  # no sign-in, no CSRF token: RFC 8058 one-click
    assert "Đã tắt email" in done.text
    assert NotificationPreference.objects.get(user=person, kind="grade").delivery == "off"
    assert client.post(link).status_code == 200, "twice is harmless"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notify([person], NotificationKind.GRADE)
    assert mail.outbox == [], "the kind is off now"
    assert person.notifications.count() == 2, "still in the list"


def test_a_tampered_unsubscribe_link_is_refused_with_a_message(client):
    person = factories.UserFactory()
    token = service.unsubscribe_token(person, "grade")
    for bad in (token[:-3] + "abc", "gia-mao"):
        response = client.post(f"/thong-bao/huy-dang-ky/{bad}/")
        assert response.status_code == 400
        assert "không hợp lệ" in response.text
    assert not NotificationPreference.objects.exists()


# --- Daily digest -----------------------------------------------------------------------------


def test_the_digest_sends_one_mail_per_person_grouped_by_kind_and_only_once():
    an, binh, immediate = factories.UserFactory.create_batch(3)
    service.set_preference(an, "grade", "digest")
    service.set_preference(immediate, "reply", "immediate")
    notify([an, binh, immediate], NotificationKind.REPLY, "Trả lời mới trong chủ đề Dữ liệu")
    notify([an], NotificationKind.REPLY, "Trả lời mới trong chủ đề Chuyển đổi số")
    notify([an], NotificationKind.GRADE, "Đã có điểm báo cáo", url="/lop/X/bao-cao/")
    mail.outbox.clear()  # the immediate one, if its callback ran

    assert service.send_digests(timezone.now()) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([an.email, binh.email])
    letter = next(m for m in mail.outbox if m.to == [an.email])
    assert "3 thông báo mới" in letter.subject
    body = letter.body
    assert "Trả lời mới trong chủ đề Dữ liệu" in body
    assert "Trả lời mới trong chủ đề Chuyển đổi số" in body
    assert "Đã có điểm báo cáo" in body
    replies = body.index("== Bài mới trong chủ đề đang theo dõi ==")
    grades = body.index("== Điểm báo cáo thu hoạch được công bố ==")
    assert replies < body.index("Chuyển đổi số") < grades < body.index("Đã có điểm báo cáo")
    assert body.count("/thong-bao/huy-dang-ky/") == 2, "one unsubscribe link per kind"
    assert "http://testserver/lop/X/bao-cao/" in body
    assert not Notification.objects.filter(delivery="digest", emailed_at__isnull=True).exists()

    assert service.send_digests(timezone.now()) == 0
    assert len(mail.outbox) == 2, "a second run sends nothing"


def test_the_digest_command_sends_what_is_due(capsys):
    person = factories.UserFactory()
    notify([person], NotificationKind.REPLY)
    from django.core.management import call_command

    call_command("send_notification_digest")
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert "1 e-mail" in capsys.readouterr().out


# --- Events that notify -----------------------------------------------------------------------


def test_the_asker_hears_when_a_reply_is_chosen_as_the_answer(
    cohort, django_capture_on_commit_callbacks
):
    asker = factories.enrollment(cohort).user
    teacher = factories.enrollment(cohort, factories.instructor(), role="instructor").user
    thread = discussion_service.start_thread(
        actor=asker, cohort=cohort, kind="question", title="Hỏi về nghị định", body="Xin hỏi"
    )
    answer = discussion_service.reply(actor=teacher, thread=thread, body="Theo điều 5 …")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        discussion_service.mark_answer(actor=teacher, thread=thread, post=answer)
    (row,) = asker.notifications.filter(kind="answer")
    assert "Hỏi về nghị định" in row.title
    assert row.url == f"/thao-luan/bai/{answer.pk}/"
    (message,) = mail.outbox
    assert message.to == [asker.email]
    assert "đã có câu trả lời" in message.subject
    assert "Theo điều 5" in message.body
    assert "/thong-bao/huy-dang-ky/" in message.body


def test_choosing_the_answer_oneself_notifies_nobody(cohort):
    asker = factories.enrollment(cohort).user
    other = factories.enrollment(cohort).user
    thread = discussion_service.start_thread(
        actor=asker, cohort=cohort, kind="question", title="Hỏi", body="Xin hỏi"
    )
    answer = discussion_service.reply(actor=other, thread=thread, body="Trả lời")
    discussion_service.mark_answer(actor=asker, thread=thread, post=answer)
    assert not Notification.objects.filter(kind="answer").exists()


def _future_session(cohort, school_staff):
    day = timezone.localdate() + dt.timedelta(days=40)
    module = cohort.program.get_children().specific().first()
    return cohort_service.add_session(
        school_staff,
        cohort,
        SessionData(
            category=Category.THEORY,
            module=module,
            starts_at=dt.datetime.combine(day, dt.time(8), tzinfo=HANOI),
            ends_at=dt.datetime.combine(day, dt.time(11), tzinfo=HANOI),
            periods=4,
            place="Phòng 201",
        ),
    ), day


def _calendar_attachment(message) -> Calendar:
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert filename.endswith(".ics")
    assert mimetype == "text/calendar"
    return Calendar.from_ical(content)


def test_a_moved_session_mails_members_the_updated_calendar_event(
    cohort, school_staff, django_capture_on_commit_callbacks
):
    member = factories.enrollment(cohort).user
    factories.enrollment(cohort, status="applied")  # not a member yet: not told
    session, day = _future_session(cohort, school_staff)
    mail.outbox.clear()
    new_day = day + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        cohort_service.update_session(
            school_staff,
            session,
            SessionData(
                category=Category.THEORY,
                module=session.module,
                starts_at=dt.datetime.combine(new_day, dt.time(13, 30), tzinfo=HANOI),
                ends_at=dt.datetime.combine(new_day, dt.time(16, 30), tzinfo=HANOI),
                periods=4,
                place="Hội trường A",
            ),
        )
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert "Buổi học đổi lịch" in message.subject
    assert "13:30" in message.body
    assert "Hội trường A" in message.body
    assert "08:00" in message.body, "says what it was before"
    calendar = _calendar_attachment(message)
    assert str(calendar["METHOD"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"session-{session.pk}@lms.giamdocso"
    start = event.decoded("DTSTART")
    assert start.astimezone(HANOI) == dt.datetime.combine(new_day, dt.time(13, 30), tzinfo=HANOI)
    assert str(event["LOCATION"]) == "Hội trường A"
    assert int(event["SEQUENCE"]) > 0
    assert member.notifications.filter(kind="session").count() == 1


def test_changing_only_the_title_of_a_session_notifies_nobody(cohort, school_staff):
    factories.enrollment(cohort)
    session, _day = _future_session(cohort, school_staff)
    cohort_service.update_session(
        school_staff,
        session,
        SessionData(
            category=Category.THEORY,
            module=session.module,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            periods=4,
            place="Phòng 201",
            title="Tên mới",
        ),
    )
    assert not Notification.objects.exists()


def test_a_deleted_session_mails_a_cancellation_with_the_same_uid(
    cohort, school_staff, django_capture_on_commit_callbacks
):
    member = factories.enrollment(cohort).user
    session, _day = _future_session(cohort, school_staff)
    pk = session.pk
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cohort_service.delete_session(school_staff, session)
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert "Buổi học bị hủy" in message.subject
    calendar = _calendar_attachment(message)
    assert str(calendar["METHOD"]) == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"session-{pk}@lms.giamdocso"
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) > 0


# --- Pages ------------------------------------------------------------------------------------


def test_the_header_shows_the_unread_count_to_its_owner(client):
    person = factories.UserFactory()
    many(person, 3)
    many(person, 2, read_at=timezone.now())
    client.force_login(person)
    page = client.get("/thong-bao/").text
    assert 'Thông báo (3<span class="visually-hidden"> chưa đọc</span>)' in page
    other = factories.UserFactory()
    client.force_login(other)
    page = client.get("/thong-bao/").text
    assert "Thông báo (" not in page
    assert "Chưa có thông báo nào." in page


def test_the_header_count_costs_no_query_unless_used_and_none_for_visitors(
    django_assert_num_queries,
):
    from django.contrib.auth.models import AnonymousUser

    person = factories.UserFactory()
    many(person, 2)
    request = RequestFactory().get("/")
    request.user = person
    with django_assert_num_queries(0):
        context = notifications_context(request)
    with django_assert_num_queries(1):
        assert context["notifications_nav"]["unread"] == 2
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert notifications_context(request)["notifications_nav"]["unread"] == 0


def test_the_list_shows_only_ones_own_notifications_unread_marked(client):
    person, other = factories.UserFactory.create_batch(2)
    notify([person], title="Của tôi, chưa đọc")
    Notification.objects.create(
        recipient=person, kind="grade", title="Của tôi, đã đọc", read_at=timezone.now()
    )
    notify([other], title="Của người khác")
    client.force_login(person)
    page = client.get("/thong-bao/").text
    assert "Của tôi, chưa đọc" in page
    assert "Của tôi, đã đọc" in page
    assert "Của người khác" not in page
    assert page.count('<span class="flag flag--new">Chưa đọc</span>') == 1
    assert 'Của tôi, chưa đọc<span class="visually-hidden"> (chưa đọc)</span>' in page
    assert client.get("/thong-bao/", follow=False).status_code == 200
    client.logout()
    assert client.get("/thong-bao/").status_code == 302, "sign in first"


def test_the_list_costs_the_same_queries_for_5_and_50(client, django_assert_num_queries):
    small, large = factories.UserFactory.create_batch(2)
    many(small, 5)
    many(large, 50)
    client.force_login(small)
    client.get("/thong-bao/")  # warm the per-process caches (site, settings)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/thong-bao/").status_code == 200
    # Counted now: the next request empties the connection's query log the capture reads.
    with_five = len(queries)
    client.force_login(large)
    client.get("/thong-bao/")
    with django_assert_num_queries(with_five):
        page = client.get("/thong-bao/").text
    assert page.count('class="thread-row thread-row--unread"') == 20, "one page of 20"
    assert "Trang 1/3" in page


def test_mark_all_read(client):
    person, other = factories.UserFactory.create_batch(2)
    many(person, 4)
    many(other, 2)
    client.force_login(person)
    assert client.get("/thong-bao/da-doc/").status_code == 405, "a GET changes nothing"
    response = client.post("/thong-bao/da-doc/", follow=True)
    assert "Đã đánh dấu mọi thông báo là đã đọc" in response.text
    assert "Thông báo (" not in response.text
    assert not person.notifications.filter(read_at__isnull=True).exists()
    assert other.notifications.filter(read_at__isnull=True).count() == 2


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client):
    person, other = factories.UserFactory.create_batch(2)
    (row,) = notify([person], url="/hoc-tap/")
    client.force_login(other)
    assert client.get(f"/thong-bao/{row.pk}/").status_code == 404, "someone else's"
    client.force_login(person)
    response = client.get(f"/thong-bao/{row.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/hoc-tap/"
    row.refresh_from_db()
    assert row.read_at is not None


@pytest.mark.parametrize(
    "url", ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_opening_a_notification_never_sends_anyone_to_another_site(client, url):
    person = factories.UserFactory()
    row = Notification.objects.create(recipient=person, kind="reply", title="Lạ", url=url)
    client.force_login(person)
    response = client.get(f"/thong-bao/{row.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/thong-bao/"
    assert "không thuộc trang học tập" in client.get("/thong-bao/").text


def test_the_preferences_form_has_one_group_per_kind_and_saves(client):
    person = factories.UserFactory()
    client.force_login(person)
    page = client.get("/thong-bao/tuy-chon/").text
    assert page.count('type="radio"') == 3 * (len(NotificationKind) - 1)
    assert page.count("<legend") >= len(NotificationKind) - 1
    assert "<legend" in page
    assert "Câu hỏi của tôi được trả lời" in page
    assert "Tổng hợp học viên có nguy cơ" not in page, "school staff only"
    choices = {kind.value: "digest" for kind in NotificationKind if kind != "at_risk"}
    response = client.post("/thong-bao/tuy-chon/", choices | {"grade": "off"}, follow=True)
    assert "Đã lưu cách nhận thông báo" in response.text
    saved = dict(person.notification_preferences.values_list("kind", "delivery"))
    assert saved["grade"] == Delivery.OFF
    assert saved["enrollment"] == Delivery.DIGEST
    assert "reply" not in saved, "the default already, nothing stored"
    assert "at_risk" not in saved
    bad = client.post("/thong-bao/tuy-chon/", choices | {"grade": "sometimes"})
    assert bad.status_code == 400


def test_school_staff_also_choose_for_the_at_risk_summary(client, school_staff):
    client.force_login(school_staff)
    page = client.get("/thong-bao/tuy-chon/").text
    assert "Tổng hợp học viên có nguy cơ" in page
    assert page.count('type="radio"') == 3 * len(NotificationKind)
