"""Site search (`/search/?q=`): module and lesson content, and the discussions of one's cohorts.

Matching ignores diacritics and case ("chuyen doi so" finds "Chuyển đổi số", "dang" finds "Đăng"),
every word of the query must appear, and results whose text contains the query exactly as typed,
tones included, come first (then title matches, then the newest).

What may be read decides what may be found; nothing else is ever matched or quoted:
- a page's title and summary are public; its material (objectives, body) is matched and quoted
  only for someone who may study the programme (content.access, the one rule pages use);
- threads only of cohorts the person belongs to (all of them for school staff), hidden threads
  and posts only for their author and the cohort's moderators.

Why not Wagtail's search backend: its SQLite (FTS5) and PostgreSQL (tsvector) backends tokenise
differently, neither folds "đ" to "d", and neither knows our per-programme material rule. The
study pages of a programme are a few hundred at most, so they are read (a fixed number of
queries) and matched in Python; discussions, which grow, are matched in the database on the
folded `search_text` columns the discussion service already keeps.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from content.access import user_can_view_material
from content.models import FieldStudyPage, FinalReportPage, LessonPage, ModulePage, ProgramPage
from courses.models import Cohort, Enrollment, Role, Status
from courses.models.discussions import Post, Thread
from lms.accounts.roles import is_school_staff
from lms.text import normalize, search_key

MAX_QUERY_LENGTH = 100
MAX_RESULTS = 50
SNIPPET_RADIUS = 80
THREAD_CANDIDATES = 200
KIND_ORDER = {"module": 0, "lesson": 1, "page": 2, "thread": 3}


@dataclass
class Hit:
    kind: str  # module, lesson, page, thread
    title: str
    url: str
    where: str  # the programme, or cohort › board
    snippet: SafeString
    exact: bool
    in_title: bool
    recency: float = 0.0
    sort_title: str = field(default="", repr=False)

    @property
    def rank(self):
        return (not self.exact, not self.in_title, KIND_ORDER[self.kind], -self.recency)


# --- Text --------------------------------------------------------------------------------------


def _fold_char(char: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return base.replace("đ", "d").replace("Đ", "D").casefold()


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", normalize(text) or "").strip()


def _find(text: str, query: str) -> tuple[int, int] | None:
    """Where `query` (already folded) occurs in `text`, diacritics ignored: (start, end) in
    `text`'s own characters, so the snippet can quote the original."""
    folded, owners = [], []
    for index, char in enumerate(text):
        for piece in _fold_char(char):
            folded.append(piece)
            owners.append(index)
    position = "".join(folded).find(query)
    if position < 0:
        return None
    return owners[position], owners[position + len(query) - 1] + 1


def _exact(text: str, query: str) -> bool:
    return _one_line(query).casefold() in text.casefold()


def snippet(text: str, query: str) -> SafeString:
    """Up to ~160 characters around the first match, the match in <mark>; all else escaped."""
    found = _find(text, search_key(query))
    if found is None:
        cut = SNIPPET_RADIUS * 2
        return mark_safe(escape(text[:cut]) + ("…" if len(text) > cut else ""))  # noqa: S308
    start, end = found
    left = max(0, start - SNIPPET_RADIUS)
    right = min(len(text), end + SNIPPET_RADIUS)
    return mark_safe(  # noqa: S308 - every piece is escaped
        ("…" if left else "")
        + escape(text[left:start])
        + "<mark>"
        + escape(text[start:end])
        + "</mark>"
        + escape(text[end:right])
        + ("…" if right < len(text) else "")
    )


def _matches(folded_text: str, words: list[str]) -> bool:
    return all(word in folded_text for word in words)


# --- Study pages --------------------------------------------------------------------------------

_PAGE_TYPES = (
    (ModulePage, "module"),
    (LessonPage, "lesson"),
    (FieldStudyPage, "page"),
    (FinalReportPage, "page"),
)


def _material_text(page) -> str:
    parts = []
    for name in ("objectives", "brief", "assignment_brief", "grading_criteria", "place"):
        value = getattr(page, name, "")
        if value:
            parts.append(strip_tags(str(value)))
    body = getattr(page, "body", None)
    if body is not None:
        searchable = body.stream_block.get_searchable_content(body)
        parts.extend(strip_tags(str(text)) for text in searchable)
    return _one_line(" ".join(parts))


def _page_hits(user, query: str, words: list[str]) -> list[Hit]:
    programs = list(ProgramPage.objects.live().only("pk", "title", "path", "depth"))
    readable = {program.pk for program in programs if user_can_view_material(user, program)}
    program_of_path = {program.path: program for program in programs}
    hits = []
    for model, kind in _PAGE_TYPES:
        for page in model.objects.live().public():
            program = next(
                (p for path, p in program_of_path.items() if page.path.startswith(path)), None
            )
            if program is None:
                continue
            readable_text = _one_line(page.summary)  # the title is shown apart
            if program.pk in readable:
                readable_text = _one_line(f"{readable_text} {_material_text(page)}")
            text = f"{page.title} {readable_text}"
            if not _matches(search_key(text), words):
                continue
            hits.append(
                Hit(
                    kind=kind,
                    title=page.title,
                    url=page.url,
                    where=program.title,
                    snippet=snippet(readable_text, query),
                    exact=_exact(text, query),
                    in_title=_matches(search_key(page.title), words),
                    recency=page.last_published_at.timestamp() if page.last_published_at else 0,
                )
            )
    return hits


# --- Discussions --------------------------------------------------------------------------------


def _cohorts_of(user) -> tuple[set[int], set[int]]:
    """(cohorts whose discussions the user reads, cohorts the user moderates)."""
    if is_school_staff(user):
        every = set(Cohort.objects.values_list("pk", flat=True))
        return every, every
    rows = Enrollment.objects.filter(user=user, status=Status.APPROVED).values_list(
        "cohort_id", "role"
    )
    member = {cohort for cohort, _role in rows}
    moderated = {cohort for cohort, role in rows if role == Role.INSTRUCTOR}
    return member, moderated


def _thread_hits(user, query: str, words: list[str]) -> list[Hit]:
    if not (user and user.is_authenticated):
        return []
    member, moderated = _cohorts_of(user)
    if not member:
        return []
    visible = Q(board__cohort_id__in=moderated) | Q(hidden=False) | Q(author_id=user.pk)
    post_visible = Q(thread__board__cohort_id__in=moderated) | Q(hidden=False) | Q(author=user)
    in_title = Q()
    in_posts = Post.objects.filter(post_visible, thread=OuterRef("pk"))
    for word in words:
        in_title &= Q(search_text__contains=word)
        in_posts = in_posts.filter(search_text__contains=word)
    threads = list(
        Thread.objects.filter(visible, board__cohort_id__in=member)
        .filter(in_title | Exists(in_posts))
        .select_related("board__cohort", "board__module")
        .order_by("-last_activity_at", "-pk")[:THREAD_CANDIDATES]
    )
    if not threads:
        return []
    # The text to quote: the first visible post of each thread that holds every word.
    quoted = {}
    posts = Post.objects.filter(post_visible, thread__in=threads).order_by("thread_id", "pk")
    for word in words:
        posts = posts.filter(search_text__contains=word)
    for post in posts.only("thread_id", "body_html"):
        quoted.setdefault(post.thread_id, _one_line(strip_tags(post.body_html)))
    hits = []
    for thread in threads:
        text = quoted.get(thread.pk, "")
        board = thread.board
        where = board.cohort.code + " › " + (board.module.title if board.module_id else "")
        hits.append(
            Hit(
                kind="thread",
                title=thread.title,
                url=_thread_url(thread),
                where=where.rstrip(" ›"),
                snippet=snippet(text or thread.title, query),
                exact=_exact(f"{thread.title} {text}", query),
                in_title=_matches(search_key(thread.title), words),
                recency=thread.last_activity_at.timestamp(),
            )
        )
    return hits


def _thread_url(thread) -> str:
    from django.urls import reverse

    return reverse("courses:discussion_thread", args=[thread.pk])


# --- The search ---------------------------------------------------------------------------------


def clean_query(raw: str | None) -> str:
    return _one_line(raw or "")[:MAX_QUERY_LENGTH]


def search(user, raw_query: str | None) -> list[Hit]:
    """What `user` may read that matches, best first (at most MAX_RESULTS)."""
    query = clean_query(raw_query)
    words = search_key(query).split()
    if not words:
        return []
    hits = _page_hits(user, query, words) + _thread_hits(user, query, words)
    hits.sort(key=lambda hit: hit.rank)
    return hits[:MAX_RESULTS]
