"""A notification mail survives its task worker being killed while sending it.

django-tasks-db never runs a task again once a worker has taken it. resend_lost_mails (run by
`manage.py run_worker`'s watchdog, next to the certificate batches' resume) marks such a task
FAILED and, when the mail was not sent, enqueues it again."""

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from courses.models import Notification, NotificationKind
from courses.services.notifications import notify, resend_lost_mails
from courses.tasks import send_notification_email

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def mail_task(participant, django_capture_on_commit_callbacks):
    """A certificate notice whose mail task a worker took, then died: RUNNING since `minutes`."""

    def make(minutes: int) -> tuple[Notification, DBTaskResult]:
        with (
            override_settings(TASKS=DATABASE_TASKS),
            django_capture_on_commit_callbacks(execute=True),
        ):
            (notice,) = notify(
                [participant], NotificationKind.CERTIFICATE, "Chứng chỉ của ông đã được cấp"
            )
        row = DBTaskResult.objects.get(task_path=send_notification_email.module_path)
        row.claim("worker-killed")
        DBTaskResult.objects.filter(pk=row.pk).update(
            started_at=timezone.now() - dt.timedelta(minutes=minutes)
        )
        mail.outbox.clear()
        return notice, row

    return make


def test_a_mail_lost_with_its_worker_is_sent_again(
    mail_task, participant, django_capture_on_commit_callbacks
):
    notice, row = mail_task(minutes=10)

    with django_capture_on_commit_callbacks(execute=True):
        resent = resend_lost_mails()

    assert resent == [notice.pk]
    assert [message.to for message in mail.outbox] == [[participant.email]]
    assert "Chứng chỉ của ông đã được cấp" in mail.outbox[0].subject + mail.outbox[0].body
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    row.refresh_from_db()
    assert row.status == "FAILED"
    assert row.exception_class_path.endswith("MailWorkerLost")
    assert "enqueued again" in row.traceback


def test_a_mail_still_being_sent_is_left_alone(mail_task, django_capture_on_commit_callbacks):
    _notice, row = mail_task(minutes=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert resend_lost_mails() == []

    assert mail.outbox == []
    row.refresh_from_db()
    assert row.status == "RUNNING"


def test_a_mail_sent_before_the_worker_died_is_not_sent_twice(
    mail_task, django_capture_on_commit_callbacks
):
    notice, row = mail_task(minutes=10)
    Notification.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert resend_lost_mails() == []

    assert mail.outbox == []
    row.refresh_from_db()
    assert row.status == "FAILED"
    assert "enqueued again" not in row.traceback
