"""The instructor's home (/giang-day/): what needs them today in the cohorts they teach —
sessions to take roll call of, questions without an answer, reported posts, reports to grade —
and the state of the modules they write. A fixed number of queries whatever the number of
cohorts, sessions, posts or submissions (pinned by tests/courses/test_dashboards.py).

"Their cohorts" are those with an approved instructor enrollment of theirs: being school staff
does not make every cohort theirs here (staff have /nha-truong/tong-quan/).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from content.models import ModulePage
from courses.models import (
    ClassSession,
    Cohort,
    PostReport,
    Role,
    Status,
    Submission,
    Thread,
    ThreadKind,
)
from courses.permissions import attendance_session_ids, remember_teaching

UPCOMING_DAYS = 14
LIST_LIMIT = 20  # questions, reports: the full lists are one link away
UPCOMING_LIMIT = 10  # sessions after today: the timetable has the rest


@dataclass(frozen=True)
class SessionRow:
    session: ClassSession
    can_take_attendance: bool


@dataclass(frozen=True)
class GradingRow:
    cohort: Cohort
    waiting: int  # submitted, not graded


@dataclass(frozen=True)
class ModuleRow:
    page: ModulePage
    state: str  # draft / moderation / changes / live

    @property
    def state_label(self) -> str:
        return {
            "draft": _("Bản nháp"),
            "moderation": _("Đang chờ duyệt"),
            "changes": _("Đã xuất bản, có thay đổi chưa xuất bản"),
            "live": _("Đã xuất bản"),
        }[self.state]


@dataclass
class InstructorHome:
    cohorts: list[Cohort]
    today: list[SessionRow]
    upcoming: list[SessionRow]
    questions: list[Thread]
    reports: list[PostReport]
    grading: list[GradingRow]
    modules: list[ModuleRow]

    @property
    def teaches(self) -> bool:
        return bool(self.cohorts)


def cohorts_taught(user) -> list[Cohort]:
    return list(
        Cohort.objects.filter(
            enrollments__user=user,
            enrollments__role=Role.INSTRUCTOR,
            enrollments__status=Status.APPROVED,
        )
        .distinct()
        .order_by("start_date", "code")
    )


def _sessions(user, cohorts: list[Cohort], moment: dt.datetime):
    today = timezone.localdate(moment)
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    until = start + dt.timedelta(days=UPCOMING_DAYS + 1)
    by_id = {cohort.pk: cohort for cohort in cohorts}
    sessions = list(
        ClassSession.objects.filter(cohort_id__in=by_id, starts_at__gte=start, starts_at__lt=until)
        .select_related("module")
        .prefetch_related(Prefetch("instructors", queryset=get_user_model().objects.only("pk")))
        .order_by("starts_at", "pk")[: LIST_LIMIT + UPCOMING_LIMIT]
    )
    for session in sessions:
        session.cohort = by_id[session.cohort_id]  # user_can_take_attendance reads it
    remember_teaching(user, cohorts)  # they were read from the user's instructor enrollments
    allowed = attendance_session_ids(user, sessions)
    rows = [SessionRow(s, s.pk in allowed) for s in sessions]
    return (
        [row for row in rows if timezone.localdate(row.session.starts_at) == today],
        [row for row in rows if timezone.localdate(row.session.starts_at) > today][:UPCOMING_LIMIT],
    )


def _module_state(page: ModulePage) -> str:
    if page.workflow_in_progress:
        return "moderation"
    if not page.live:
        return "draft"
    if page.has_unpublished_changes:
        return "changes"
    return "live"


def modules_of(user) -> list[ModuleRow]:
    """Module pages the user owns or revised last, with their publishing state (two
    queries: the pages, their workflows in progress)."""
    pages = (
        ModulePage.objects.filter(Q(owner=user) | Q(latest_revision__user=user))
        .only("title", "number", "live", "has_unpublished_changes", "path", "depth")
        .prefetch_workflow_states()
        .order_by("path")
    )
    return [ModuleRow(page, _module_state(page)) for page in pages]


def instructor_home(user, moment: dt.datetime | None = None) -> InstructorHome:
    moment = moment or timezone.now()
    cohorts = cohorts_taught(user)
    ids = [cohort.pk for cohort in cohorts]
    today, upcoming = _sessions(user, cohorts, moment) if cohorts else ([], [])
    questions, reports, grading = [], [], []
    if cohorts:
        questions = list(
            Thread.objects.filter(
                kind=ThreadKind.QUESTION,
                answer__isnull=True,
                hidden=False,
                board__cohort_id__in=ids,
            )
            .select_related("author", "board__cohort", "board__module")
            .order_by("created_at", "pk")[:LIST_LIMIT]
        )
        reports = list(
            PostReport.objects.filter(
                resolved_at__isnull=True, post__thread__board__cohort_id__in=ids
            )
            .select_related("reporter", "post__author", "post__thread__board__cohort")
            .order_by("created_at", "pk")[:LIST_LIMIT]
        )
        waiting = dict(
            Submission.objects.filter(
                assignment__cohort_id__in=ids,
                grade__isnull=True,
                versions__isnull=False,
                enrollment__status=Status.APPROVED,
            )
            .order_by()
            .values("assignment__cohort_id")
            .annotate(n=Count("pk", distinct=True))
            .values_list("assignment__cohort_id", "n")
        )
        grading = [GradingRow(c, waiting[c.pk]) for c in cohorts if waiting.get(c.pk)]
    return InstructorHome(
        cohorts=cohorts,
        today=today,
        upcoming=upcoming,
        questions=questions,
        reports=reports,
        grading=grading,
        modules=modules_of(user),
    )


__all__ = ["InstructorHome", "ModuleRow", "cohorts_taught", "instructor_home", "modules_of"]
