"""Reads that pages need, each in a fixed number of queries whatever the cohort's size.

Names are sorted the Vietnamese way in Python (lms.text.name_sort_key): databases do not
collate Vietnamese correctly, and a class list is at most a few hundred rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from content.models import ModulePage
from content.syllabus import Mismatch, Periods, category_rows, mismatches, theory_ratio
from courses.models import Category, ClassSession, Cohort, Enrollment, Role, Status
from lms.text import search_key


def by_vietnamese_name(enrollments) -> list[Enrollment]:
    return sorted(enrollments, key=lambda e: (e.user.name_sort_key, e.user.email))


def sessions_of(cohort: Cohort) -> QuerySet[ClassSession]:
    from django.contrib.auth import get_user_model

    return (
        ClassSession.objects.filter(cohort=cohort)
        .select_related("module", "cohort")
        .prefetch_related(
            Prefetch(
                "instructors",
                queryset=get_user_model().objects.only("pk", "last_name", "first_name", "email"),
            )
        )
        .order_by("starts_at", "pk")
    )


def members_of(cohort: Cohort, role: str) -> list[Enrollment]:
    rows = (
        Enrollment.objects.filter(cohort=cohort, role=role, status=Status.APPROVED)
        .select_related("user", "province", "organisation")
        .only(
            "pk",
            "role",
            "status",
            "organisation_name",
            "position",
            "user__id",
            "user__email",
            "user__last_name",
            "user__first_name",
            "province__id",
            "province__name",
            "province__full_name",
            "organisation__id",
            "organisation__name",
        )
    )
    return by_vietnamese_name(rows)


# --- Timetable against the programme -------------------------------------------------------


@dataclass(frozen=True)
class ModuleLine:
    number: int
    title: str
    planned: Periods
    scheduled: Periods

    @property
    def differs(self) -> bool:
        return self.planned != self.scheduled


@dataclass(frozen=True)
class TimetableSummary:
    targets: Periods
    scheduled: Periods
    modules: tuple[ModuleLine, ...]

    @property
    def rows(self) -> list[Mismatch]:
        return category_rows(self.targets, self.scheduled)

    @property
    def mismatches(self) -> list[Mismatch]:
        return mismatches(self.targets, self.scheduled)

    @property
    def ratio(self) -> str:
        return theory_ratio(self.scheduled)


def _periods(category: str, amount: int) -> Periods:
    return Periods(**{category: amount})


def timetable_summary(cohort: Cohort, sessions=None) -> TimetableSummary:
    """Scheduled periods per category and per module against the programme (two queries, or
    one if the page already holds the sessions)."""
    sessions = list(sessions if sessions is not None else sessions_of(cohort))
    scheduled = sum((_periods(s.category, s.periods) for s in sessions), Periods())
    by_module: dict[int, Periods] = {}
    for session in sessions:
        if session.module_id:
            by_module[session.module_id] = by_module.get(session.module_id, Periods()) + _periods(
                session.category, session.periods
            )
    modules = ModulePage.objects.child_of(cohort.program).live().order_by("number")
    lines = tuple(
        ModuleLine(
            number=module.number,
            title=module.title,
            planned=module.periods,
            scheduled=by_module.get(module.pk, Periods()),
        )
        for module in modules.only(*ModulePage.ROW_FIELDS)
    )
    return TimetableSummary(
        targets=cohort.program.target_periods, scheduled=scheduled, modules=lines
    )


# --- Lists -------------------------------------------------------------------------------------


def cohorts_with_counts() -> QuerySet[Cohort]:
    """For staff screens: every cohort with its applications waiting and approved participants."""
    participants = Q(enrollments__role=Role.PARTICIPANT)
    return Cohort.objects.select_related("program").annotate(
        waiting=Count("enrollments", filter=participants & Q(enrollments__status=Status.APPLIED)),
        enrolled=Count("enrollments", filter=participants & Q(enrollments__status=Status.APPROVED)),
        # A subquery, not a join: joining sessions and enrollments would multiply the sums.
        scheduled_periods=Coalesce(
            Subquery(
                ClassSession.objects.filter(cohort=OuterRef("pk"))
                .values("cohort")
                .annotate(total=Sum("periods"))
                .values("total")
            ),
            0,
        ),
    )


def open_cohorts(day=None) -> QuerySet[Cohort]:
    day = day or timezone.localdate()
    return (
        Cohort.objects.open_for_applications(day)
        .select_related("program")
        .annotate(
            enrolled=Count(
                "enrollments",
                filter=Q(enrollments__role=Role.PARTICIPANT, enrollments__status=Status.APPROVED),
            )
        )
        .order_by("start_date", "code")
    )


def enrollments_of_user(user) -> list[Enrollment]:
    return list(
        Enrollment.objects.filter(user=user)
        .select_related("cohort", "cohort__program")
        .order_by("-cohort__start_date", "cohort__code")
    )


def upcoming_sessions_of_user(user, limit: int = 5) -> list[ClassSession]:
    """The next sessions of the cohorts the user is an approved member of."""
    return list(
        ClassSession.objects.filter(
            cohort__enrollments__user=user,
            cohort__enrollments__status=Status.APPROVED,
            ends_at__gte=timezone.now(),
        )
        .select_related("module", "cohort")
        .order_by("starts_at")[:limit]
    )


def sessions_of_user(user) -> QuerySet[ClassSession]:
    """Every session of the user's approved cohorts (for the personal calendar)."""
    return (
        ClassSession.objects.filter(
            cohort__enrollments__user=user, cohort__enrollments__status=Status.APPROVED
        )
        .select_related("module", "cohort")
        .prefetch_related("instructors")
        .distinct()
        .order_by("starts_at")
    )


@dataclass(frozen=True)
class EnrollmentFilter:
    status: str = ""
    role: str = ""
    province: int | None = None
    query: str = ""


def enrollments_for_staff(cohort: Cohort, chosen: EnrollmentFilter) -> list[Enrollment]:
    rows = Enrollment.objects.filter(cohort=cohort).select_related(
        "user", "province", "organisation"
    )
    if chosen.status:
        rows = rows.filter(status=chosen.status)
    if chosen.role:
        rows = rows.filter(role=chosen.role)
    if chosen.province:
        rows = rows.filter(province_id=chosen.province)
    if chosen.query:
        key = search_key(chosen.query)
        rows = rows.filter(Q(user__search_text__contains=key))
    return by_vietnamese_name(rows)


__all__ = [
    "Category",
    "EnrollmentFilter",
    "TimetableSummary",
    "by_vietnamese_name",
    "cohorts_with_counts",
    "enrollments_for_staff",
    "enrollments_of_user",
    "members_of",
    "open_cohorts",
    "sessions_of",
    "sessions_of_user",
    "timetable_summary",
    "upcoming_sessions_of_user",
]
