"""Notifications: telling people what happened, in their list and, as they choose, by e-mail.

Rules owned here:
- every notification goes into its recipient's list; whether it is also mailed at once, in the
  daily digest or not at all is the person's preference for its kind (DEFAULT_DELIVERY without
  one), read for all recipients in one query and recorded on the row when it is created; a
  person without an e-mail address gets OFF;
- an immediate mail is rendered when the notification is created (the data as it is inside the
  transaction, like courses.notifications.send_on_commit) and sent by one task per mail,
  enqueued after commit, so a rolled-back change mails nobody;
- sending is idempotent: the task and the digest claim rows by setting `emailed_at` with a
  conditional UPDATE in the transaction that sends, so a task run twice mails once, and a mail
  server that fails leaves the rows to send again;
- the digest sends each person ONE mail with all their due digest notifications, grouped by
  kind; running it twice sends nothing the second time;
- every mail ends with a link that turns its kind off, without signing in (a signed token: mail
  is read on phones where the person is not signed in); only a POST changes the preference.

The notify_* helpers below are what the other services call: they word the notification (in
the site's language, whatever language the acting person's page was in) and pick the e-mail
template of the kind.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from functools import partial, wraps
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Timezone

from courses.exceptions import InvalidInput
from courses.models import (
    DEFAULT_DELIVERY,
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from courses.notifications import render_email

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "courses.notifications.unsubscribe"
# The mail of a notification created without its own template.
GENERIC_TEMPLATE = "notification"
EXCERPT_MAX = 400

# (template name, context) — the context is a dict, or a function of the recipient giving one
# (for what differs per person, e.g. a personal unfollow link).
EmailSpec = tuple[str, dict | Callable[[object], dict]]
# (file name, text content, MIME type): text only, because the task gets it as JSON.
Attachment = tuple[str, str, str]


# --- Unsubscribe links ------------------------------------------------------------------------


def unsubscribe_token(user, kind: str) -> str:
    """A signed (person, kind) pair; no expiry: an old mail's link must still work."""
    return signing.dumps([user.pk, str(kind)], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, NotificationKind] | None:
    try:
        user_id, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(user_id), NotificationKind(kind)
    except (signing.BadSignature, ValueError, TypeError):
        return None


def _site_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def unsubscribe_path(user, kind: str) -> str:
    return reverse("courses:notification_unsubscribe", args=[unsubscribe_token(user, kind)])


# --- Creating ---------------------------------------------------------------------------------


def _delivery_for(user, kind: str, chosen: dict[int, str]) -> str:
    if not user.email or not user.is_active:
        return Delivery.OFF
    return chosen.get(user.pk, DEFAULT_DELIVERY[kind])


def notify(
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    *,
    email: EmailSpec | None = None,
    attachments: Sequence[Attachment] = (),
) -> list[Notification]:
    """Create one notification per recipient (duplicates and None skipped) and schedule the
    immediate mails. Call it inside the transaction of the change it tells about.

    `email` names the template (templates/courses/email/<name>.txt and _subject.txt) and its
    context; without it the mail is the generic one made of title, body and url. The context
    gets `user` (the recipient), `notification`, `unsubscribe_url` and `unsubscribe_kind`;
    a `list_unsubscribe_path` in it replaces the kind's unsubscribe link in the
    List-Unsubscribe header (replies point it at the thread's unfollow link instead).
    """
    kind = NotificationKind(kind)
    people = list({user.pk: user for user in recipients if user is not None}.values())
    if not people:
        return []
    chosen = dict(
        NotificationPreference.objects.filter(
            user__in=[user.pk for user in people], kind=kind
        ).values_list("user_id", "delivery")
    )
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                title=title[:300],
                body=body,
                url=url,
                created_at=now,
                delivery=_delivery_for(user, kind, chosen),
            )
            for user in people
        ]
    )
    immediate = [row for row in rows if row.delivery == Delivery.IMMEDIATE]
    for row in immediate:
        _schedule_mail(row, email, attachments)
    # The kind and counts only: titles and bodies name people and quote their posts.
    logger.info(
        "Notifications of kind %s created for %s people (%s to mail at once).",
        kind,
        len(rows),
        len(immediate),
    )
    return rows


def _schedule_mail(row: Notification, email: EmailSpec | None, attachments) -> None:
    from courses.tasks import send_notification_email

    user = row.recipient
    name, context = email or (GENERIC_TEMPLATE, {})
    if callable(context):
        context = context(user)
    unsubscribe = unsubscribe_path(user, row.kind)
    context = {
        **context,
        "user": user,
        "notification": row,
        "unsubscribe_url": _site_url() + unsubscribe,
        "unsubscribe_kind": NotificationKind(row.kind).label,
    }
    subject, body = render_email(name, context)
    header_path = context.get("list_unsubscribe_path") or unsubscribe
    message = {
        "subject": subject,
        "body": body,
        "to": [user.email],
        "headers": {
            # RFC 8058 one-click unsubscribe: mail clients POST to this address.
            "List-Unsubscribe": f"<{_site_url()}{header_path}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        "attachments": [list(attachment) for attachment in attachments],
    }
    transaction.on_commit(partial(send_notification_email.enqueue, row.pk, message))


def build_message(message: dict) -> EmailMessage:
    """The EmailMessage of what _schedule_mail rendered (the task's JSON argument)."""
    mail = EmailMessage(
        subject=message["subject"],
        body=message["body"],
        to=message["to"],
        headers=message.get("headers") or {},
    )
    for filename, content, mimetype in message.get("attachments") or []:
        mail.attach(filename, content, mimetype)
    return mail


def send_immediate(notification_id: int, message: dict) -> bool:
    """Send one notification's mail unless it has gone already (the task's body). The row is
    claimed by a conditional UPDATE in the same transaction as the sending: a second run finds
    it claimed (it waits for the first one's lock where the database has row locks), and a
    failed send rolls the claim back so a retry sends it."""
    with transaction.atomic():
        claimed = Notification.objects.filter(
            pk=notification_id, delivery=Delivery.IMMEDIATE, emailed_at__isnull=True
        ).update(emailed_at=timezone.now())
        if not claimed:
            return False
        build_message(message).send()
    logger.info("Notification %s mailed.", notification_id)
    return True


class MailWorkerLost(Exception):
    """Recorded on the task row of a notification mail whose worker died while sending it."""


# A mail task takes seconds (EMAIL_TIMEOUT is 20 s); one RUNNING for this long lost its worker.
LOST_MAIL_AFTER = dt.timedelta(minutes=5)


def resend_lost_mails(now: dt.datetime | None = None) -> list[int]:
    """Enqueue again the immediate mails whose worker died while sending them; returns the
    notification ids. django-tasks-db never runs a task twice, so a worker killed mid-send
    leaves its row RUNNING for ever and the mail unsent. send_immediate claims the notification
    in the transaction that sends, so a dead run left it unclaimed and a new task sends it
    (at most one extra copy, if the worker died between the SMTP answer and the commit). The
    dead row is marked FAILED (MailWorkerLost) either way. Refuses nothing: called by the
    task worker's watchdog (manage.py run_worker)."""
    from django.apps import apps
    from django.tasks import TaskResultStatus

    from courses.tasks import send_notification_email

    if not apps.is_installed("django_tasks_db"):
        return []
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - LOST_MAIL_AFTER
    lost = list(
        DBTaskResult.objects.filter(
            task_path=send_notification_email.module_path,
            status=TaskResultStatus.RUNNING,
            started_at__lt=cutoff,
        ).only("id", "status", "args_kwargs", "started_at")
    )
    unsent = set(
        Notification.objects.filter(
            pk__in=[row.args_kwargs["args"][0] for row in lost], emailed_at__isnull=True
        ).values_list("pk", flat=True)
    )
    resent = []
    for row in lost:
        notification_id, message = row.args_kwargs["args"][:2]
        row.set_failed(
            MailWorkerLost(
                f"Mail of notification {notification_id} running since {row.started_at}: its "
                "worker is taken to have died."
                + (" The mail was enqueued again." if notification_id in unsent else "")
            )
        )
        if notification_id in unsent:
            with transaction.atomic():
                transaction.on_commit(
                    partial(send_notification_email.enqueue, notification_id, message)
                )
            resent.append(notification_id)
    if resent:
        logger.warning("Notification mails %s lost with their worker: enqueued again.", resent)
    return resent


# --- Reading state and preferences ------------------------------------------------------------


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark the person's own notifications read: those of `ids`, or all with None. Another
    person's ids are ignored. Returns how many changed."""
    # Not logged: opening a notification calls it, a reading mark rather than an action.
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def set_preference(user, kind: str, delivery: str) -> NotificationPreference:
    try:
        kind, delivery = NotificationKind(kind), Delivery(delivery)
    except ValueError as wrong:
        raise InvalidInput(_("Lựa chọn không hợp lệ.")) from wrong
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"delivery": delivery}
    )
    logger.info("Notification preference of user %s: %s by %s.", user.pk, kind, delivery)
    return preference


# --- Daily digest -----------------------------------------------------------------------------


def _due(now: dt.datetime):
    return Notification.objects.filter(
        delivery=Delivery.DIGEST, emailed_at__isnull=True, created_at__lte=now
    )


def send_digests(now: dt.datetime | None = None) -> int:
    """Mail each person their due digest notifications in one mail; returns how many mails.

    Per person, in one transaction: claim the rows (conditional UPDATE of emailed_at to this
    run's stamp), read what was claimed, send. A second run finds nothing due; a mail server
    failing rolls back that person's claim, so the next run sends it (the others are sent).
    """
    now = now or timezone.now()
    people = (
        get_user_model()
        .objects.filter(pk__in=_due(now).values("recipient_id"), is_active=True)
        .exclude(email="")
        .order_by("pk")
    )
    sent = 0
    for user in people:
        stamp = timezone.now()
        with transaction.atomic():
            if not _due(now).filter(recipient=user).update(emailed_at=stamp):
                continue  # another run took them
            rows = list(
                Notification.objects.filter(
                    recipient=user, delivery=Delivery.DIGEST, emailed_at=stamp
                ).order_by("created_at", "pk")
            )
            _digest_message(user, rows).send()
        sent += 1
    if sent:
        logger.info("Digests mailed to %s people.", sent)
    return sent


def _digest_message(user, rows: list[Notification]) -> EmailMessage:
    site_url = _site_url()
    by_kind: dict[str, list[Notification]] = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row)
    groups = [
        {
            "label": kind.label,
            "items": by_kind[kind.value],
            "unsubscribe_url": site_url + unsubscribe_path(user, kind),
        }
        for kind in NotificationKind
        if kind.value in by_kind
    ]
    subject, body = render_email(
        "digest",
        {
            "user": user,
            "groups": groups,
            "count": len(rows),
            "preferences_url": site_url + reverse("courses:notification_preferences"),
        },
    )
    return EmailMessage(subject=subject, body=body, to=[user.email])


# --- What the other services tell -------------------------------------------------------------


def _in_site_language(function):
    """Stored titles and mails are in the course's language, not the actor's page language."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


def _excerpt(text: str) -> str:
    if len(text) > EXCERPT_MAX:
        text = text[:EXCERPT_MAX].rsplit(" ", 1)[0] + "…"
    return text


@_in_site_language
def notify_application_approved(enrollment) -> None:
    cohort = enrollment.cohort
    notify(
        [enrollment.user],
        NotificationKind.ENROLLMENT,
        _("Hồ sơ của anh/chị đã được duyệt: %(cohort)s") % {"cohort": cohort.name},
        _("Anh/chị đã được nhận vào lớp; thời khóa biểu và các chuyên đề ở trang Học tập."),
        reverse("courses:my_courses"),
        email=(
            "application_approved",
            {"enrollment": enrollment, "cohort": cohort},
        ),
    )


@_in_site_language
def notify_application_rejected(enrollment, reason: str) -> None:
    cohort = enrollment.cohort
    notify(
        [enrollment.user],
        NotificationKind.ENROLLMENT,
        _("Kết quả xét hồ sơ: %(cohort)s") % {"cohort": cohort.name},
        _("Lý do: %(reason)s") % {"reason": reason},
        reverse("courses:my_courses"),
        email=(
            "application_rejected",
            {"enrollment": enrollment, "cohort": cohort, "reason": reason},
        ),
    )


@_in_site_language
def notify_grades_released(users, cohort) -> None:
    page_path = reverse("courses:report", args=[cohort.code])
    notify(
        users,
        NotificationKind.GRADE,
        _("Đã có điểm báo cáo thu hoạch: %(cohort)s") % {"cohort": cohort.name},
        _("Giảng viên đã công bố điểm và nhận xét báo cáo thu hoạch."),
        page_path,
        email=("report_released", {"cohort": cohort, "page_path": page_path}),
    )


@_in_site_language
def notify_certificate_issued(certificate) -> None:
    snapshot = certificate.snapshot
    page_path = reverse("courses:my_certificates")
    notify(
        [certificate.enrollment.user],
        NotificationKind.CERTIFICATE,
        _("Chứng chỉ của %(cohort)s đã được cấp") % {"cohort": snapshot["cohort"]["name"]},
        _("Số hiệu %(number)s; tải bản PDF ở trang Chứng chỉ của tôi.")
        % {"number": snapshot["certificate_number"]},
        page_path,
        email=(
            "certificate_issued",
            {
                "certificate": certificate,
                "snapshot": snapshot,
                "page_path": page_path,
                "verify_url": snapshot["verification_url"],
            },
        ),
    )


@_in_site_language
def notify_reply(post, followers, excerpt: str) -> None:
    """Followers of the post's thread (already filtered by the caller) hear of a new reply."""
    from courses.services.discussions import unfollow_token

    thread = post.thread
    post_path = reverse("courses:discussion_post", args=[post.pk])

    def context(follower) -> dict:
        unfollow = reverse("courses:discussion_unfollow", args=[unfollow_token(follower, thread)])
        return {
            "post": post,
            "thread": thread,
            "cohort": thread.board.cohort,
            "board": thread.board,
            "follower": follower,
            "excerpt": excerpt,
            "post_path": post_path,
            "unfollow_path": unfollow,
            "list_unsubscribe_path": unfollow,
        }

    notify(
        followers,
        NotificationKind.REPLY,
        _("%(author)s trả lời trong chủ đề “%(title)s”")
        % {"author": post.author.full_name, "title": thread.title},
        excerpt,
        post_path,
        email=("discussion_reply", context),
    )


@_in_site_language
def notify_answer(thread, post, actor) -> None:
    """The person who asked hears that a reply was chosen as the answer, unless they chose it."""
    from courses.services.discussions import plain_text

    asker = thread.author
    if asker is None or (actor is not None and actor.pk == asker.pk):
        return
    post_path = reverse("courses:discussion_post", args=[post.pk])
    excerpt = _excerpt(plain_text(post.body_html))
    notify(
        [asker],
        NotificationKind.ANSWER,
        _("Câu hỏi “%(title)s” đã có câu trả lời") % {"title": thread.title},
        excerpt,
        post_path,
        email=(
            "answer",
            {
                "thread": thread,
                "post": post,
                "cohort": thread.board.cohort,
                "excerpt": excerpt,
                "post_path": post_path,
            },
        ),
    )


# --- Sessions moved or cancelled --------------------------------------------------------------

# SEQUENCE of the events mailed for a change: minutes since this epoch, so each later change
# carries a higher number (RFC 5545 3.8.7.4) without a counter stored on the session; the
# feed's own events carry none (0), and a calendar app keeps the highest it has seen.
SEQUENCE_EPOCH = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def _sequence(stamp: dt.datetime) -> int:
    return max(1, int((stamp - SEQUENCE_EPOCH).total_seconds() // 60))


def session_ics(session, *, cancelled: bool = False) -> str:
    """One session as an iCalendar file to attach: the updated event (METHOD:PUBLISH) or its
    cancellation (METHOD:CANCEL, STATUS:CANCELLED), with the feed's UID so the calendar app
    changes the event it has instead of adding another. Call it before deleting a session."""
    from courses.services.calendar import CALENDAR_TIMEZONE, PRODID, _event

    stamp = timezone.now()
    calendar = Calendar()
    calendar.prodid = PRODID
    calendar.version = "2.0"
    calendar.add("METHOD", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(Timezone.from_tzid(CALENDAR_TIMEZONE))
    event = _event(session, stamp)
    event.add("SEQUENCE", _sequence(stamp))
    if cancelled:
        event.add("STATUS", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical().decode()


def session_members(session):
    """Who hears of a change of the timetable: the approved members of the cohort (all roles),
    the same people whose personal calendar shows the session."""
    from courses.models import Status

    return (
        get_user_model()
        .objects.filter(
            enrollments__cohort_id=session.cohort_id,
            enrollments__status=Status.APPROVED,
            is_active=True,
        )
        .distinct()
    )


def _when(start: dt.datetime, end: dt.datetime) -> str:
    from courses.templatetags.course_tags import vn_date, vn_time, vn_weekday

    local = ZoneInfo(settings.TIME_ZONE)
    start, end = start.astimezone(local), end.astimezone(local)
    return f"{vn_weekday(start)} {vn_date(start)}, {vn_time(start)}–{vn_time(end)}"


def session_is_ahead(*moments: dt.datetime) -> bool:
    """A change matters only to a session not over yet: correcting the record of a past one
    (its time, for attendance) is not news to anyone."""
    now = timezone.now()
    return any(moment > now for moment in moments)


@_in_site_language
def notify_session_changed(session, old_starts_at, old_ends_at, old_place: str) -> None:
    cohort = session.cohort
    path = reverse("courses:cohort", args=[cohort.code])
    old_when = _when(old_starts_at, old_ends_at)
    new_when = _when(session.starts_at, session.ends_at)
    place = session.place or session.meeting_url or _("(chưa có)")
    body = _("Thời gian: %(when)s. Địa điểm: %(place)s.") % {"when": new_when, "place": place}
    notify(
        session_members(session),
        NotificationKind.SESSION,
        _("Buổi học đổi lịch: %(title)s (%(cohort)s)")
        % {"title": session.display_title, "cohort": cohort.code},
        body,
        path,
        email=(
            "session_changed",
            {
                "session": session,
                "cohort": cohort,
                "old_when": old_when,
                "new_when": new_when,
                "old_place": old_place or _("(chưa có)"),
                "new_place": place,
                "page_path": path,
            },
        ),
        attachments=[(f"buoi-hoc-{session.pk}.ics", session_ics(session), "text/calendar")],
    )


@_in_site_language
def notify_session_cancelled(session) -> None:
    """Before the session is deleted (the calendar file needs its instructors)."""
    cohort = session.cohort
    path = reverse("courses:cohort", args=[cohort.code])
    when = _when(session.starts_at, session.ends_at)
    notify(
        session_members(session),
        NotificationKind.SESSION,
        _("Buổi học bị hủy: %(title)s (%(cohort)s)")
        % {"title": session.display_title, "cohort": cohort.code},
        _("Buổi học lúc %(when)s đã bị hủy.") % {"when": when},
        path,
        email=(
            "session_cancelled",
            {"session": session, "cohort": cohort, "when": when, "page_path": path},
        ),
        attachments=[
            (f"buoi-hoc-{session.pk}.ics", session_ics(session, cancelled=True), "text/calendar")
        ],
    )


__all__ = [
    "mark_read",
    "notify",
    "read_unsubscribe_token",
    "send_digests",
    "send_immediate",
    "set_preference",
    "unsubscribe_token",
]
