"""Discussions: starting threads, replying, editing, moderating, following, reading.

Rules owned here:
- only readers of a cohort's discussions (approved members, school staff) write in them; a locked
  or hidden thread accepts no post (moderators unlock or unhide first);
- a post's text is stored three ways: as typed, as clean HTML (lms.sanitize.clean_html, the one
  sanitiser) and with the sanitiser's stamp; at most BODY_MAX characters; empty after cleaning
  is refused;
- two levels: a reply to a reply to a reply attaches to the level-1 post it belongs under;
- one post per form: the form carries a random token, unique per author (also a database
  constraint), so a second submission returns the first post;
- edits keep the text before in PostRevision; moderation hides (with a reason) and never
  deletes; every moderation action writes a ModerationAction row in the same transaction;
- the thread's counters (reply_count, last_post_id, last_activity_at) change only here, under
  the thread's row lock;
- followers other than the author are mailed about a new reply by a background task enqueued
  after commit, so a slow mail server never slows the page.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from content.models import ModulePage
from courses.exceptions import InvalidInput, InvalidTransition, NotAllowed
from courses.models import (
    Board,
    FieldTag,
    Follow,
    ModerationAction,
    ModerationKind,
    Post,
    PostReport,
    PostRevision,
    ReadMarker,
    Thread,
    ThreadKind,
    ThreadTag,
)
from courses.models.discussions import BODY_MAX, TITLE_MAX
from courses.permissions import (
    user_can_edit_post,
    user_can_mark_answer,
    user_can_moderate,
    user_can_read_discussions,
    user_sees_hidden,
)
from lms.sanitize import HTMLTooLong, clean_html
from lms.text import normalize, search_key

logger = logging.getLogger(__name__)

UNFOLLOW_SALT = "courses.discussions.unfollow"
REASON_MAX = 1000

_BLOCK_START = re.compile(r"^\s*<(p|ul|ol|blockquote|pre|h3|h4)\b", re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


# --- Text -------------------------------------------------------------------------------------


def _paragraphs(raw: str) -> str:
    """Plain typing becomes paragraphs: blank lines separate them, a newline is a line break.
    Chunks that already start with a block tag (from the toolbar) are left as they are. The
    result is untrusted HTML like the input, and goes to the sanitiser next."""
    chunks = (chunk.strip() for chunk in _BLANK_LINE.split(raw.replace("\r\n", "\n")))
    return "\n".join(
        chunk if _BLOCK_START.match(chunk) else "<p>" + chunk.replace("\n", "<br>\n") + "</p>"
        for chunk in chunks
        if chunk
    )


def plain_text(clean: str) -> str:
    """The words of stored clean HTML (for search keys, e-mails and previews)."""
    return " ".join(html.unescape(strip_tags(clean)).split())


def _clean_body(raw: str):
    raw = normalize(raw or "") or ""
    if len(raw) > BODY_MAX:
        raise InvalidInput(
            _("Bài viết dài %(length)s ký tự, vượt mức tối đa %(limit)s ký tự. Hãy rút gọn.")
            % {"length": _number(len(raw)), "limit": _number(BODY_MAX)},
            field="body",
        )
    try:
        # The paragraph markup adds a few characters per line; the typed text was checked above.
        cleaned = clean_html(_paragraphs(raw), limit=BODY_MAX * 2)
    except HTMLTooLong as too_long:
        raise InvalidInput(str(too_long), field="body") from too_long
    if not plain_text(cleaned.html):
        raise InvalidInput(
            _("Nội dung bài viết đang trống. Hãy viết vài dòng trước khi gửi."), field="body"
        )
    return raw, cleaned


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _reason(reason: str, *, required: bool) -> str:
    reason = " ".join((normalize(reason or "") or "").split())
    if required and not reason:
        raise InvalidInput(_("Hãy ghi lý do; người viết sẽ đọc được lý do này."), field="reason")
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            _("Lý do dài quá %(limit)s ký tự.") % {"limit": _number(REASON_MAX)}, field="reason"
        )
    return reason


def _title(title: str) -> str:
    title = " ".join((normalize(title or "") or "").split())
    if not title:
        raise InvalidInput(_("Hãy đặt tiêu đề cho chủ đề."), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            _("Tiêu đề dài %(length)s ký tự; tối đa %(limit)s ký tự.")
            % {"length": len(title), "limit": TITLE_MAX},
            field="title",
        )
    return title


def _tags(tags: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(tags or ()))
    unknown = [tag for tag in chosen if tag not in FieldTag.values]
    if unknown:
        raise InvalidInput(_("Lĩnh vực không có trong danh sách."), field="tags")
    return chosen


def _require_reader(actor, cohort) -> None:
    if not user_can_read_discussions(actor, cohort):
        raise NotAllowed(_("Chỉ thành viên của lớp và nhà trường mới thảo luận được ở đây."))


def _require_open(thread: Thread) -> None:
    if thread.hidden:
        raise InvalidTransition(_("Chủ đề này đã bị ẩn nên không nhận thêm bài viết."))
    if thread.locked:
        raise InvalidTransition(_("Chủ đề này đã bị khóa nên không nhận thêm bài viết."))


def _require_moderator(actor, cohort) -> None:
    if not user_can_moderate(actor, cohort):
        raise NotAllowed(_("Chỉ giảng viên của lớp và nhà trường mới kiểm duyệt được."))


def _log(actor, action: str, thread: Thread, post: Post | None = None, reason: str = "") -> None:
    ModerationAction.objects.create(
        actor=actor, action=action, thread=thread, post=post, reason=reason
    )


def _existing_for_token(actor, form_token: str) -> Post | None:
    if not form_token:
        return None
    return Post.objects.select_related("thread").filter(author=actor, form_token=form_token).first()


# --- Boards and threads -----------------------------------------------------------------------


def board_for(cohort, module: ModulePage | None = None) -> Board:
    """The cohort's general board, or its board for a module of its programme (made if missing).

    Raises InvalidInput when the module is not one of the cohort's programme (an edited form).
    """
    if module is not None and not (
        ModulePage.objects.child_of(cohort.program).filter(pk=module.pk).exists()
    ):
        raise InvalidInput(_("Chuyên đề này không thuộc chương trình của lớp."))
    board, _created = Board.objects.get_or_create(cohort=cohort, module=module)
    return board


def start_thread(
    *,
    actor,
    cohort,
    module: ModulePage | None = None,
    kind: str,
    title: str,
    body: str,
    tags: Iterable[str] = (),
    form_token: str = "",
) -> Thread:
    """Open a thread on the cohort's general board or a module's board, with its first post.

    Raises NotAllowed (not a reader), InvalidInput (title, body, kind, tags, module). A form
    submitted twice returns the thread the first submission made.
    """
    _require_reader(actor, cohort)
    if kind not in ThreadKind.values:
        raise InvalidInput(_("Hãy chọn loại chủ đề."), field="kind")
    title = _title(title)
    raw, cleaned = _clean_body(body)
    chosen_tags = _tags(tags)
    if (earlier := _existing_for_token(actor, form_token)) is not None:
        return earlier.thread
    now = timezone.now()
    try:
        with transaction.atomic():
            board = board_for(cohort, module)
            thread = Thread.objects.create(
                board=board,
                kind=kind,
                title=title,
                author=actor,
                created_at=now,
                last_activity_at=now,
                search_text=search_key(f"{title} {plain_text(cleaned.html)}"),
            )
            post = Post.objects.create(
                thread=thread,
                author=actor,
                is_opening=True,
                body_raw=raw,
                body_html=cleaned.html,
                sanitizer_stamp=cleaned.stamp,
                search_text=search_key(plain_text(cleaned.html)),
                created_at=now,
                form_token=form_token,
            )
            thread.last_post_id = post.pk
            thread.save(update_fields=["last_post_id"])
            ThreadTag.objects.bulk_create(ThreadTag(thread=thread, tag=tag) for tag in chosen_tags)
            Follow.objects.create(user=actor, thread=thread)
            ReadMarker.objects.create(user=actor, thread=thread, last_read_post_id=post.pk)
    except IntegrityError:
        # The same form, submitted twice at the same moment: the other request won.
        if (earlier := _existing_for_token(actor, form_token)) is not None:
            return earlier.thread
        raise
    logger.info(
        "Thread %s started on board %s of cohort %s by user %s.",
        thread.pk,
        board.pk,
        cohort.code,
        actor.pk,
    )
    return thread


def reply(*, actor, thread: Thread, body: str, parent: Post | None = None, form_token="") -> Post:
    """Add a reply to a thread (parent None) or to one of its replies.

    A reply to a level-2 post attaches under that post's level-1 parent. Raises NotAllowed,
    InvalidTransition (thread locked or hidden), InvalidInput (body, parent not in the thread).
    """
    cohort = thread.board.cohort
    _require_reader(actor, cohort)
    raw, cleaned = _clean_body(body)
    if (earlier := _existing_for_token(actor, form_token)) is not None:
        return earlier
    try:
        with transaction.atomic():
            locked = Thread.objects.select_for_update().get(pk=thread.pk)
            _require_open(locked)
            if parent is not None:
                parent = _attach_point(actor, cohort, locked, parent)
            now = timezone.now()
            post = Post.objects.create(
                thread=locked,
                author=actor,
                parent=parent,
                body_raw=raw,
                body_html=cleaned.html,
                sanitizer_stamp=cleaned.stamp,
                search_text=search_key(plain_text(cleaned.html)),
                created_at=now,
                form_token=form_token,
            )
            previous_last = locked.last_post_id
            Thread.objects.filter(pk=locked.pk).update(
                reply_count=F("reply_count") + 1, last_post_id=post.pk, last_activity_at=now
            )
            # Writing a reply means having read up to it, if the writer was up to date before.
            ReadMarker.objects.filter(
                user=actor, thread=locked, last_read_post_id__gte=previous_last
            ).update(last_read_post_id=post.pk, last_read_at=now)
    except IntegrityError:
        if (earlier := _existing_for_token(actor, form_token)) is not None:
            return earlier
        raise
    from courses.tasks import notify_followers_of_reply

    post_id = post.pk
    transaction.on_commit(lambda: notify_followers_of_reply.enqueue(post_id))
    logger.info("Reply %s posted in thread %s by user %s.", post_id, thread.pk, actor.pk)
    return post


def _attach_point(actor, cohort, thread: Thread, parent: Post) -> Post | None:
    if parent.thread_id != thread.pk:
        raise InvalidInput(_("Bài viết bạn trả lời không thuộc chủ đề này."), field="parent")
    if parent.hidden and not user_sees_hidden(actor, cohort, parent.author_id):
        raise InvalidInput(_("Bài viết bạn trả lời đã bị ẩn."), field="parent")
    if parent.is_opening:
        return None
    if parent.parent_id:
        return Post.objects.get(pk=parent.parent_id)
    return parent


def edit_post(*, actor, post: Post, body: str, title: str | None = None) -> Post:
    """The author changes their post (and, for an opening post, the thread's title); the text
    before is kept in PostRevision. Raises NotAllowed, InvalidInput."""
    raw, cleaned = _clean_body(body)
    with transaction.atomic():
        post = (
            Post.objects.select_for_update().select_related("thread__board__cohort").get(pk=post.pk)
        )
        if not user_can_edit_post(actor, post):
            raise NotAllowed(
                _("Bạn chỉ sửa được bài của chính mình, khi chủ đề còn mở và bài chưa bị ẩn.")
            )
        thread = post.thread
        new_title = _title(title) if (post.is_opening and title is not None) else thread.title
        if cleaned.html == post.body_html and raw == post.body_raw and new_title == thread.title:
            return post
        PostRevision.objects.create(
            post=post,
            edited_by=actor,
            body_raw=post.body_raw,
            body_html=post.body_html,
            sanitizer_stamp=post.sanitizer_stamp,
            title=thread.title if post.is_opening else "",
        )
        post.body_raw, post.body_html, post.sanitizer_stamp = raw, cleaned.html, cleaned.stamp
        post.search_text = search_key(plain_text(cleaned.html))
        post.edited_at = timezone.now()
        post.save(
            update_fields=["body_raw", "body_html", "sanitizer_stamp", "search_text", "edited_at"]
        )
        if post.is_opening:
            thread.title = new_title
            thread.search_text = search_key(f"{new_title} {plain_text(cleaned.html)}")
            thread.save(update_fields=["title", "search_text"])
    logger.info("Post %s edited by user %s.", post.pk, actor.pk)
    return post


# --- Moderation -------------------------------------------------------------------------------


def set_post_hidden(*, actor, post: Post, hidden: bool, reason: str = "") -> Post:
    """Hide a post (reason required) or show it again. Moderators only; logged."""
    cohort = post.thread.board.cohort
    _require_moderator(actor, cohort)
    reason = _reason(reason, required=hidden)
    with transaction.atomic():
        thread = Thread.objects.select_for_update().get(pk=post.thread_id)
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.hidden == hidden:
            return post
        post.hidden = hidden
        post.hidden_reason = reason if hidden else ""
        post.hidden_by = actor if hidden else None
        post.hidden_at = timezone.now() if hidden else None
        post.save(update_fields=["hidden", "hidden_reason", "hidden_by", "hidden_at"])
        if not post.is_opening:
            Thread.objects.filter(pk=thread.pk).update(
                reply_count=F("reply_count") + (-1 if hidden else 1)
            )
        kind = ModerationKind.HIDE_POST if hidden else ModerationKind.UNHIDE_POST
        _log(actor, kind, thread, post, reason)
    logger.info("Moderation %s on post %s by user %s.", kind, post.pk, actor.pk)
    return post


def set_thread_hidden(*, actor, thread: Thread, hidden: bool, reason: str = "") -> Thread:
    _require_moderator(actor, thread.board.cohort)
    reason = _reason(reason, required=hidden)
    return _set_flag(
        actor,
        thread,
        hidden=hidden,
        hidden_reason=reason if hidden else "",
        hidden_by=actor if hidden else None,
        hidden_at=timezone.now() if hidden else None,
        log=(ModerationKind.HIDE_THREAD if hidden else ModerationKind.UNHIDE_THREAD, reason),
    )


def set_thread_locked(*, actor, thread: Thread, locked: bool, reason: str = "") -> Thread:
    _require_moderator(actor, thread.board.cohort)
    reason = _reason(reason, required=False)
    kind = ModerationKind.LOCK if locked else ModerationKind.UNLOCK
    return _set_flag(actor, thread, locked=locked, log=(kind, reason))


def set_thread_pinned(*, actor, thread: Thread, pinned: bool, reason: str = "") -> Thread:
    _require_moderator(actor, thread.board.cohort)
    reason = _reason(reason, required=False)
    kind = ModerationKind.PIN if pinned else ModerationKind.UNPIN
    return _set_flag(actor, thread, pinned=pinned, log=(kind, reason))


def _set_flag(actor, thread: Thread, *, log: tuple[str, str], **values) -> Thread:
    with transaction.atomic():
        fresh = Thread.objects.select_for_update().get(pk=thread.pk)
        first = next(iter(values))
        if getattr(fresh, first) == values[first]:
            return fresh
        for name, value in values.items():
            setattr(fresh, name, value)
        fresh.save(update_fields=list(values))
        _log(actor, log[0], fresh, None, log[1])
    logger.info("Moderation %s on thread %s by user %s.", log[0], fresh.pk, actor.pk)
    return fresh


def mark_answer(*, actor, thread: Thread, post: Post | None) -> Thread:
    """Choose the reply that answers a question (None: no answer chosen). By the question's
    author or a moderator; logged. Raises NotAllowed, InvalidInput."""
    if not user_can_mark_answer(actor, thread):
        raise NotAllowed(
            _("Chỉ người hỏi, giảng viên của lớp và nhà trường mới chọn được câu trả lời.")
        )
    if post is not None and (post.thread_id != thread.pk or post.is_opening or post.hidden):
        raise InvalidInput(_("Hãy chọn một bài trả lời đang hiện trong chủ đề này."))
    with transaction.atomic():
        fresh = Thread.objects.select_for_update().get(pk=thread.pk)
        if fresh.answer_id == (post.pk if post else None):
            return fresh
        fresh.answer = post
        fresh.save(update_fields=["answer"])
        kind = ModerationKind.MARK_ANSWER if post else ModerationKind.UNMARK_ANSWER
        _log(actor, kind, fresh, post)
        if post is not None:
            from courses.services.notifications import notify_answer

            notify_answer(fresh, post, actor)
    logger.info("Moderation %s on thread %s by user %s.", kind, fresh.pk, actor.pk)
    return fresh


def report_post(*, actor, post: Post, reason: str) -> PostReport:
    """A reader reports a post to the moderators, with a reason. Once per person and post."""
    _require_reader(actor, post.thread.board.cohort)
    reason = _reason(reason, required=True)
    try:
        with transaction.atomic():
            report = PostReport.objects.create(post=post, reporter=actor, reason=reason)
    except IntegrityError as twice:
        raise InvalidTransition(_("Bạn đã báo cáo bài viết này; giảng viên sẽ xem xét.")) from twice
    logger.info("Post %s reported (report %s) by user %s.", post.pk, report.pk, actor.pk)
    return report


def resolve_report(*, actor, report: PostReport, reason: str = "") -> PostReport:
    post = report.post
    _require_moderator(actor, post.thread.board.cohort)
    reason = _reason(reason, required=False)
    with transaction.atomic():
        report = PostReport.objects.select_for_update().get(pk=report.pk)
        if report.resolved_at is None:
            report.resolved_at, report.resolved_by = timezone.now(), actor
            report.save(update_fields=["resolved_at", "resolved_by"])
            _log(actor, ModerationKind.RESOLVE_REPORT, post.thread, post, reason)
            logger.info(
                "Post report %s on post %s resolved by user %s.", report.pk, post.pk, actor.pk
            )
    return report


# --- Following and reading ---------------------------------------------------------------------


def follow(*, actor, thread: Thread) -> None:
    _require_reader(actor, thread.board.cohort)
    _follow, created = Follow.objects.get_or_create(user=actor, thread=thread)
    if created:
        logger.info("Thread %s followed by user %s.", thread.pk, actor.pk)


def unfollow(*, user, thread: Thread) -> None:
    """Idempotent: unfollowing twice, or a thread never followed, changes nothing."""
    deleted, _rows = Follow.objects.filter(user=user, thread=thread).delete()
    if deleted:
        logger.info("Thread %s unfollowed by user %s.", thread.pk, user.pk)


def unfollow_token(user, thread: Thread) -> str:
    """A signed (user, thread) pair for the one-click unfollow link in e-mails."""
    return signing.dumps([user.pk, thread.pk], salt=UNFOLLOW_SALT, compress=True)


def read_unfollow_token(token: str) -> tuple[int, int] | None:
    try:
        user_id, thread_id = signing.loads(token, salt=UNFOLLOW_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return int(user_id), int(thread_id)


def mark_read(*, user, thread: Thread, post_id: int) -> None:
    """Remember that the user was shown the thread up to post_id (never moves backwards)."""
    # Not logged: it runs on every page view of a thread, a bookmark rather than an action.
    if not (user and user.is_authenticated) or not post_id:
        return
    now = timezone.now()
    updated = ReadMarker.objects.filter(
        user=user, thread=thread, last_read_post_id__lt=post_id
    ).update(last_read_post_id=post_id, last_read_at=now)
    if not updated:
        try:
            with transaction.atomic():
                ReadMarker.objects.get_or_create(
                    user=user, thread=thread, defaults={"last_read_post_id": post_id}
                )
        except IntegrityError:
            pass  # a parallel request of the same person created it


__all__ = [
    "BODY_MAX",
    "TITLE_MAX",
    "board_for",
    "edit_post",
    "follow",
    "mark_answer",
    "mark_read",
    "plain_text",
    "read_unfollow_token",
    "reply",
    "report_post",
    "resolve_report",
    "set_post_hidden",
    "set_thread_hidden",
    "set_thread_locked",
    "set_thread_pinned",
    "start_thread",
    "unfollow",
    "unfollow_token",
]
