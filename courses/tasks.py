"""Background work of the courses app, run by Django's task framework (django.tasks).

The site configures no TASKS, so Django's default ImmediateBackend runs a task as soon as it is
enqueued, in the same process: that is what development and the tests use. Services enqueue
with transaction.on_commit, so even then the page's transaction has committed first. Production
should configure a database-backed worker backend (another issue sets it up), so that mail is
sent outside the request.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.tasks import task

from courses.models import Post
from courses.permissions import user_can_read_discussions


@task()
def notify_followers_of_reply(post_id: int) -> int:
    """Notify each follower of the post's thread, except its author, once (their list, and mail
    as their preference for replies says). Returns how many were notified."""
    from courses.services.discussions import plain_text
    from courses.services.notifications import notify_reply

    post = (
        Post.objects.select_related("thread__board__cohort", "thread__board__module", "author")
        .filter(pk=post_id)
        .first()
    )
    if post is None or post.hidden or post.thread.hidden:
        return 0
    thread = post.thread
    cohort = thread.board.cohort
    followers = (
        get_user_model()
        .objects.filter(thread_follows__thread=thread, is_active=True)
        .exclude(pk=post.author_id)
        .distinct()
        .order_by("pk")
    )
    # Someone who has left the cohort no longer hears from its discussions.
    readers = [follower for follower in followers if user_can_read_discussions(follower, cohort)]
    excerpt = plain_text(post.body_html)
    if len(excerpt) > 400:
        excerpt = excerpt[:400].rsplit(" ", 1)[0] + "…"
    with transaction.atomic():
        notify_reply(post, readers, excerpt)
    return len(readers)


@task()
def send_notification_email(notification_id: int, message: dict) -> bool:
    """Send the mail of one immediate notification, rendered when it was created (see
    courses.services.notifications.notify). Idempotent: False when it has gone already."""
    from courses.services.notifications import send_immediate

    return send_immediate(notification_id, message)


@task()
def run_issuance_batch(batch_id: int) -> int:
    """Issue the certificates of one batch (courses.services.certificates.run_batch); returns
    how many were issued. Idempotent: a rerun after a crash skips those already issued."""
    from courses.services.certificates import run_batch

    return run_batch(batch_id).issued_count
