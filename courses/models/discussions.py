"""Discussion boards of a cohort: threads, posts (two levels), revisions, moderation, follows and
read state.

Boards: one general board per cohort and one per module of the cohort's programme, created by the
service when the first thread is started (reads never write). Nothing here is ever deleted:
moderation hides with a reason, edits keep the text before in PostRevision, and every moderation
action is a ModerationAction row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models.cohorts import Cohort
from lms.fields import NormalizedCharField, NormalizedTextField

TITLE_MAX = 200
BODY_MAX = 20_000


class ThreadKind(models.TextChoices):
    DISCUSSION = "discussion", _("Thảo luận")
    CASE = "case", _("Tình huống của Sở")
    QUESTION = "question", _("Hỏi giảng viên")


class FieldTag(models.TextChoices):
    """The six fields a director manages (curriculum.md). Same keys as content.blocks.FIELD_TAGS
    (the case-question block); tests/courses/test_discussions_models.py keeps them equal."""

    POSTAL = "buu-chinh", _("Bưu chính")
    TELECOM = "vien-thong", _("Viễn thông")
    IT = "cntt", _("Công nghệ thông tin")
    CYBERSECURITY = "an-toan-mang", _("An toàn, an ninh mạng")
    ICT_INDUSTRY = "cong-nghiep-ict", _("Công nghiệp ICT")
    INFORMATION = "thong-tin-tuyen-truyen", _("Thông tin tuyên truyền")


class Board(models.Model):
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="boards", verbose_name=_("lớp")
    )
    module = models.ForeignKey(
        "content.ModulePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chuyên đề"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bảng thảo luận")
        verbose_name_plural = _("bảng thảo luận")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "module"],
                condition=Q(module__isnull=False),
                name="courses_board_one_per_module",
            ),
            models.UniqueConstraint(
                fields=["cohort"],
                condition=Q(module__isnull=True),
                name="courses_board_one_general",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort.code}: {self.title}"

    @property
    def title(self) -> str:
        if self.module_id:
            return str(_("Chuyên đề %(n)s. %(title)s") % {
                "n": self.module.number, "title": self.module.title
            })  # fmt: skip
        return str(_("Thảo luận chung của lớp"))


class Thread(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="threads")
    kind = models.CharField(
        _("loại"), max_length=20, choices=ThreadKind, default=ThreadKind.DISCUSSION
    )
    title = NormalizedCharField(_("tiêu đề"), max_length=TITLE_MAX)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="discussion_threads"
    )
    pinned = models.BooleanField(_("ghim"), default=False)
    locked = models.BooleanField(_("khóa"), default=False)
    hidden = models.BooleanField(_("ẩn"), default=False)
    hidden_reason = NormalizedTextField(blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    answer = models.ForeignKey(
        "Post", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    # Kept by the service under the thread's row lock, so lists need no COUNT over posts.
    reply_count = models.PositiveIntegerField(default=0)
    last_post_id = models.BigIntegerField(default=0)
    # lms.text.search_key of the title and the opening post's text.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("chủ đề thảo luận")
        verbose_name_plural = _("chủ đề thảo luận")
        indexes = [
            models.Index(fields=["board", "-pinned", "-last_activity_at"]),
            models.Index(fields=["kind", "answer"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_question(self) -> bool:
        return self.kind == ThreadKind.QUESTION

    @property
    def is_answered(self) -> bool:
        return self.answer_id is not None


class ThreadTag(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(_("lĩnh vực"), max_length=40, choices=FieldTag)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "tag"], name="courses_thread_tag_once")
        ]
        indexes = [models.Index(fields=["tag", "thread"])]

    def __str__(self) -> str:
        return self.get_tag_display()


class Post(models.Model):
    """A post: the opening post of a thread, a reply to it (level 1) or to a reply (level 2)."""

    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="discussion_posts"
    )
    is_opening = models.BooleanField(default=False)
    # The level-1 post this replies to; null for the opening post and level-1 replies.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    body_raw = models.TextField()
    body_html = models.TextField()
    sanitizer_stamp = models.CharField(max_length=100)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden = models.BooleanField(default=False)
    hidden_reason = NormalizedTextField(blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    # A random value the form carries: a second submission of the same form finds the first post.
    form_token = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("bài viết")
        verbose_name_plural = _("bài viết")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "form_token"],
                condition=~Q(form_token=""),
                name="courses_post_one_per_form",
            ),
            models.UniqueConstraint(
                fields=["thread"],
                condition=Q(is_opening=True),
                name="courses_post_one_opening",
            ),
            models.CheckConstraint(
                condition=Q(is_opening=False) | Q(parent__isnull=True),
                name="courses_post_opening_has_no_parent",
            ),
        ]
        indexes = [models.Index(fields=["thread", "id"])]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.thread_id})"

    @property
    def level(self) -> int:
        if self.is_opening:
            return 0
        return 2 if self.parent_id else 1


class PostRevision(models.Model):
    """The text of a post before one edit: who edited, when."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="revisions")
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(default=timezone.now)
    body_raw = models.TextField()
    body_html = models.TextField()
    sanitizer_stamp = models.CharField(max_length=100)
    title = models.CharField(max_length=TITLE_MAX, blank=True)

    class Meta:
        ordering = ["-edited_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.post_id} @ {self.edited_at:%Y-%m-%d %H:%M}"


class ModerationKind(models.TextChoices):
    HIDE_POST = "hide_post", _("Ẩn bài viết")
    UNHIDE_POST = "unhide_post", _("Hiện lại bài viết")
    HIDE_THREAD = "hide_thread", _("Ẩn chủ đề")
    UNHIDE_THREAD = "unhide_thread", _("Hiện lại chủ đề")
    LOCK = "lock", _("Khóa chủ đề")
    UNLOCK = "unlock", _("Mở khóa chủ đề")
    PIN = "pin", _("Ghim chủ đề")
    UNPIN = "unpin", _("Bỏ ghim chủ đề")
    MARK_ANSWER = "mark_answer", _("Chọn câu trả lời")
    UNMARK_ANSWER = "unmark_answer", _("Bỏ chọn câu trả lời")
    RESOLVE_REPORT = "resolve_report", _("Xử lý báo cáo vi phạm")


class ModerationAction(models.Model):
    """Append-only log of every moderation action: who, when, what, on which thread/post, why."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=30, choices=ModerationKind)
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="moderation")
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, null=True, blank=True, related_name="moderation"
    )
    reason = NormalizedTextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.thread_id}"


class PostReport(models.Model):
    """A participant's report of a post to the moderators (one per person and post)."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = NormalizedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="courses_report_once")
        ]

    def __str__(self) -> str:
        return f"#{self.post_id}: {self.reason[:40]}"


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_follows"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="courses_follow_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.thread_id}"


class ReadMarker(models.Model):
    """How far a person has read a thread: the highest post id they were shown."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_markers"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_markers")
    last_read_post_id = models.BigIntegerField(default=0)
    last_read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="courses_read_marker_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.thread_id}: {self.last_read_post_id}"
