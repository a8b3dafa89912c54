"""Reads of the discussion pages, each in a fixed number of queries whatever the size of the
board or thread (pinned by tests/courses/test_discussion_pages.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from content.models import ModulePage
from courses.models import (
    Board,
    Cohort,
    Enrollment,
    Follow,
    Post,
    PostReport,
    ReadMarker,
    Role,
    Status,
    Thread,
    ThreadKind,
    ThreadTag,
)
from lms.accounts.roles import is_school_staff
from lms.text import search_key

THREADS_PER_PAGE = 50
POSTS_PER_PAGE = 50


@dataclass(frozen=True)
class BoardRow:
    module: ModulePage | None
    threads: int
    last_activity_at: object

    @property
    def title(self) -> str:
        return Board(module=self.module).title


def boards_of(cohort: Cohort) -> list[BoardRow]:
    """The general board and one per live module of the programme, with their thread counts
    (two queries; a board that has no row yet simply has no threads)."""
    modules = list(
        ModulePage.objects.child_of(cohort.program)
        .live()
        .only("id", "title", "number", "url_path")
        .order_by("number")
    )
    stats = {
        row["module"]: row
        for row in Board.objects.filter(cohort=cohort)
        .values("module")
        .annotate(
            count=Count("threads", filter=Q(threads__hidden=False)),
            last=Max("threads__last_activity_at", filter=Q(threads__hidden=False)),
        )
    }
    rows = [BoardRow(None, stats.get(None, {}).get("count", 0), stats.get(None, {}).get("last"))]
    for module in modules:
        stat = stats.get(module.pk, {})
        rows.append(BoardRow(module, stat.get("count", 0), stat.get("last")))
    return rows


def _with_read_state(threads: QuerySet[Thread], user) -> QuerySet[Thread]:
    marker = ReadMarker.objects.filter(thread=OuterRef("pk"), user=user).values(
        "last_read_post_id"
    )[:1]
    return threads.annotate(last_read=Coalesce(Subquery(marker), Value(0)))


def _list_of_threads(threads: QuerySet[Thread], user) -> QuerySet[Thread]:
    return _with_read_state(
        threads.select_related("author").prefetch_related(
            Prefetch("tags", queryset=ThreadTag.objects.order_by("tag"))
        ),
        user,
    )


def visible_threads(user, *, moderator: bool) -> Q:
    """Hidden threads are listed only for their author and the moderators."""
    if moderator:
        return Q()
    return Q(hidden=False) | Q(author_id=user.pk)


def threads_of_board(
    board: Board | None, user, *, moderator: bool, kind: str = "", tag: str = ""
) -> QuerySet[Thread]:
    if board is None:
        return Thread.objects.none()
    threads = Thread.objects.filter(visible_threads(user, moderator=moderator), board=board)
    if kind:
        threads = threads.filter(kind=kind)
    if tag:
        threads = threads.filter(Exists(ThreadTag.objects.filter(thread=OuterRef("pk"), tag=tag)))
    return _list_of_threads(threads, user).order_by("-pinned", "-last_activity_at", "-pk")


def page_of(rows, number, per_page: int) -> Page:
    return Paginator(rows, per_page).get_page(number)


def posts_in_order(thread: Thread) -> QuerySet[Post]:
    """Posts in reading order: the opening post, then each level-1 reply followed by its
    level-2 replies, oldest first."""
    return (
        Post.objects.filter(thread=thread)
        .annotate(root=Coalesce("parent_id", "id"))
        .order_by("-is_opening", "root", "id")
    )


def posts_page(thread: Thread, number) -> Page:
    posts = posts_in_order(thread).select_related("author", "parent__author")
    return page_of(posts, number, POSTS_PER_PAGE)


def page_number_of(thread: Thread, post: Post) -> int:
    """The page of the thread on which `post` is shown (one query)."""
    root = post.parent_id or post.pk
    before = (
        Post.objects.filter(thread=thread)
        .annotate(root=Coalesce("parent_id", "id"))
        .filter(
            Q(is_opening=True) & ~Q(pk=post.pk)
            | Q(is_opening=False, root__lt=root)
            | Q(is_opening=False, root=root, id__lt=post.pk)
        )
        .count()
    )
    return before // POSTS_PER_PAGE + 1


def first_unread(thread: Thread, user) -> Post | None:
    """The oldest post the user has not been shown (None if all read or never opened)."""
    marker = ReadMarker.objects.filter(thread=thread, user=user).first()
    if marker is None or marker.last_read_post_id >= thread.last_post_id:
        return None
    return (
        Post.objects.filter(thread=thread, pk__gt=marker.last_read_post_id, hidden=False)
        .order_by("pk")
        .first()
    )


def is_following(thread: Thread, user) -> bool:
    return Follow.objects.filter(thread=thread, user=user).exists()


def search_threads(cohort: Cohort, user, query: str, *, moderator: bool) -> QuerySet[Thread]:
    """Threads of the cohort whose title or any visible post contains the words, diacritics
    ignored ("chuyen doi so" finds "Chuyển đổi số")."""
    key = search_key(query)
    if not key:
        return Thread.objects.none()
    in_posts = Post.objects.filter(thread=OuterRef("pk"), search_text__contains=key)
    if not moderator:
        in_posts = in_posts.filter(Q(hidden=False) | Q(author_id=user.pk))
    threads = Thread.objects.filter(
        visible_threads(user, moderator=moderator),
        Q(search_text__contains=key) | Exists(in_posts),
        board__cohort=cohort,
    ).select_related("board__module")
    return _list_of_threads(threads, user).order_by("-last_activity_at", "-pk")


def cohorts_taught_by(user) -> QuerySet[Cohort]:
    if is_school_staff(user):
        return Cohort.objects.all()
    return Cohort.objects.filter(
        enrollments__user=user,
        enrollments__role=Role.INSTRUCTOR,
        enrollments__status=Status.APPROVED,
    )


def unanswered_questions(user) -> QuerySet[Thread]:
    """Questions without a chosen answer in the cohorts the user teaches (all, for staff)."""
    return (
        Thread.objects.filter(
            kind=ThreadKind.QUESTION,
            answer__isnull=True,
            hidden=False,
            board__cohort__in=cohorts_taught_by(user),
        )
        .select_related("author", "board__cohort", "board__module")
        .order_by("created_at", "pk")
    )


def open_reports(cohort: Cohort) -> QuerySet[PostReport]:
    return (
        PostReport.objects.filter(resolved_at__isnull=True, post__thread__board__cohort=cohort)
        .select_related("reporter", "post__author", "post__thread")
        .order_by("created_at", "pk")
    )


def followed_with_new_replies(user, limit: int = 10) -> list[Thread]:
    """Threads the user follows that have posts they have not been shown ("Học tập của tôi")."""
    if not (user and user.is_authenticated):
        return []
    member_of = Enrollment.objects.filter(user=user, status=Status.APPROVED).values("cohort")
    threads = Thread.objects.filter(follows__user=user, hidden=False)
    if not is_school_staff(user):
        threads = threads.filter(board__cohort__in=member_of)
    return list(
        _with_read_state(threads, user)
        .filter(last_post_id__gt=F("last_read"))
        .select_related("board__cohort", "board__module")
        .order_by("-last_activity_at")[:limit]
    )


def latest_threads(board: Board | None, user, *, moderator: bool, limit: int = 5):
    if board is None:
        return []
    return list(
        _with_read_state(
            Thread.objects.filter(visible_threads(user, moderator=moderator), board=board),
            user,
        )
        .select_related("author")
        .order_by("-pinned", "-last_activity_at", "-pk")[:limit]
    )
