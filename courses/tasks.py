"""Background work of the courses app, run by Django's task framework (django.tasks).

The site configures no TASKS, so Django's default ImmediateBackend runs a task as soon as it is
enqueued, in the same process: that is what development and the tests use. Services enqueue
with transaction.on_commit, so even then the page's transaction has committed first. Production
should configure a database-backed worker backend (another issue sets it up), so that mail is
sent outside the request.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, mailers
from django.tasks import task
from django.urls import reverse

from courses.models import Post
from courses.notifications import render_email
from courses.permissions import user_can_read_discussions


@task()
def notify_followers_of_reply(post_id: int) -> int:
    """Mail each follower of the post's thread, except its author, once. Returns how many."""
    from courses.services.discussions import plain_text, unfollow_token

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
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    excerpt = plain_text(post.body_html)
    if len(excerpt) > 400:
        excerpt = excerpt[:400].rsplit(" ", 1)[0] + "…"
    site_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    messages = []
    for follower in followers:
        # Someone who has left the cohort no longer hears from its discussions.
        if not user_can_read_discussions(follower, cohort):
            continue
        unfollow_path = reverse(
            "courses:discussion_unfollow", args=[unfollow_token(follower, thread)]
        )
        context = {
            "post": post,
            "thread": thread,
            "cohort": cohort,
            "board": thread.board,
            "follower": follower,
            "excerpt": excerpt,
            "post_path": reverse("courses:discussion_post", args=[post.pk]),
            "unfollow_path": unfollow_path,
        }
        subject, body = render_email("discussion_reply", context)
        messages.append(
            EmailMessage(
                subject=subject,
                body=body,
                to=[follower.email],
                headers={
                    # RFC 8058 one-click unsubscribe: mail clients POST to this address.
                    "List-Unsubscribe": f"<{site_url}{unfollow_path}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
        )
    if messages:
        mailers.default.send_messages(messages)
    return len(messages)


@task()
def run_issuance_batch(batch_id: int) -> int:
    """Issue the certificates of one batch (courses.services.certificates.run_batch); returns
    how many were issued. Idempotent: a rerun after a crash skips those already issued."""
    from courses.services.certificates import run_batch

    return run_batch(batch_id).issued_count
