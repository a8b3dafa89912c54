"""Reads of self-paced study, each in a fixed number of queries whatever the number of modules,
lessons or participants: the programme's modules and lessons, one person's progress per module
and, for a cohort's instructors, how many participants studied each module.

When a module counts as studied
-------------------------------
A module is fully studied when its page itself is marked, or when every live lesson under it is.
Marks on lessons that were since unpublished or moved do not count (the share is over what a
reader can open today). A module without lessons is studied only by marking its page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.models import Page

from content.models import LessonPage, ModulePage
from courses.models import Cohort, Enrollment, ModuleVisit, Role, Status, StudyMark

# --- The programme's structure -----------------------------------------------------------------


@dataclass(frozen=True)
class LessonRef:
    page: LessonPage  # title, url_path, last_published_at loaded

    @property
    def pk(self) -> int:
        return self.page.pk


@dataclass(frozen=True)
class ModuleRef:
    page: ModulePage  # title, number, url_path, path, last_published_at loaded
    program_id: int
    lessons: tuple[LessonRef, ...] = field(default=())

    @property
    def pk(self) -> int:
        return self.page.pk


_MODULE_FIELDS = ("title", "number", "url_path", "path", "depth", "last_published_at")
_LESSON_FIELDS = ("title", "url_path", "path", "depth", "last_published_at")


def study_structure(programs) -> dict[int, list[ModuleRef]]:
    """The live modules of each programme (by number) with their live lessons (in tree order),
    keyed by programme id: two queries however many programmes, modules and lessons."""
    programs = [p for p in programs if p is not None]
    if not programs:
        return {}
    under = Q()
    for program in programs:
        under |= Q(path__startswith=program.path, depth=program.depth + 1)
    modules = list(ModulePage.objects.live().filter(under).only(*_MODULE_FIELDS))
    lessons_of: dict[str, list[LessonRef]] = defaultdict(list)
    if modules:
        lesson_under = Q()
        for program in programs:
            lesson_under |= Q(path__startswith=program.path, depth=program.depth + 2)
        for lesson in (
            LessonPage.objects.live().filter(lesson_under).only(*_LESSON_FIELDS).order_by("path")
        ):
            lessons_of[lesson.path[: -Page.steplen]].append(LessonRef(lesson))
    program_of_path = {program.path: program.pk for program in programs}
    result: dict[int, list[ModuleRef]] = {program.pk: [] for program in programs}
    for module in sorted(modules, key=lambda m: (m.number, m.pk)):
        program_id = program_of_path.get(module.path[: -Page.steplen])
        if program_id is None:
            continue
        result[program_id].append(
            ModuleRef(module, program_id, tuple(lessons_of.get(module.path, ())))
        )
    return result


# --- One person's progress -----------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleProgress:
    module_id: int
    lessons_total: int
    lessons_studied: int
    module_marked: bool

    @property
    def complete(self) -> bool:
        return self.module_marked or (
            self.lessons_total > 0 and self.lessons_studied >= self.lessons_total
        )

    @property
    def started(self) -> bool:
        return self.module_marked or self.lessons_studied > 0

    @property
    def share(self) -> float:
        """0–1: 1 when complete, else the share of lessons marked."""
        if self.complete:
            return 1.0
        if not self.lessons_total:
            return 0.0
        return self.lessons_studied / self.lessons_total

    @property
    def percent(self) -> int:
        return round(100 * self.share)

    @property
    def text(self) -> str:
        """ "Đã học 3/5 bài", or for the whole module "Đã học xong chuyên đề"."""
        if self.module_marked and self.lessons_studied < self.lessons_total:
            return _("Đã học xong chuyên đề")
        if self.lessons_total:
            return _("Đã học %(studied)d/%(total)d bài") % {
                "studied": self.lessons_studied,
                "total": self.lessons_total,
            }
        return _("Đã học xong chuyên đề") if self.module_marked else _("Chưa đánh dấu đã học")

    def __str__(self) -> str:
        return self.text


def progress_from_marks(module: ModuleRef, marked_pages: set[int]) -> ModuleProgress:
    return ModuleProgress(
        module_id=module.pk,
        lessons_total=len(module.lessons),
        lessons_studied=sum(1 for lesson in module.lessons if lesson.pk in marked_pages),
        module_marked=module.pk in marked_pages,
    )


def marks_of(user, modules: list[ModuleRef]) -> dict[int, set[int]]:
    """The pages the user marked, per module id (one query)."""
    marks: dict[int, set[int]] = defaultdict(set)
    if not modules or not (user and user.is_authenticated):
        return marks
    for module_id, page_id in StudyMark.objects.filter(
        user=user, module_id__in=[m.pk for m in modules]
    ).values_list("module_id", "page_id"):
        marks[module_id].add(page_id)
    return marks


def progress_of(user, modules: list[ModuleRef]) -> dict[int, ModuleProgress]:
    """The user's progress per module id (one query)."""
    marks = marks_of(user, modules)
    return {
        module.pk: progress_from_marks(module, marks.get(module.pk, set())) for module in modules
    }


def program_progress(user, program) -> dict[int, ModuleProgress]:
    """The user's progress through every live module of `program` (three queries)."""
    modules = study_structure([program]).get(program.pk, [])
    return progress_of(user, modules)


def is_marked(user, page) -> bool:
    if not (user and user.is_authenticated):
        return False
    return StudyMark.objects.filter(user=user, page_id=page.pk).exists()


def visits_of(user, modules: list[ModuleRef]) -> dict[int, dt.datetime]:
    """When the user last opened each module, by module id (one query)."""
    if not modules or not (user and user.is_authenticated):
        return {}
    return dict(
        ModuleVisit.objects.filter(user=user, module_id__in=[m.pk for m in modules]).values_list(
            "module_id", "visited_at"
        )
    )


# --- A cohort, for its instructors ---------------------------------------------------------------


@dataclass(frozen=True)
class CohortModuleRow:
    module: ModulePage
    lessons: int
    complete: int  # participants who studied the whole module
    started: int  # participants with at least one mark in it (complete included)


@dataclass(frozen=True)
class CohortStudy:
    participants: int
    rows: tuple[CohortModuleRow, ...]


def cohort_study(cohort: Cohort) -> CohortStudy:
    """For each live module of the cohort's programme, how many of its participants (approved or
    completed) studied it: four queries whatever the class size and the number of modules."""
    modules = study_structure([cohort.program]).get(cohort.program_id, [])
    participant_ids = set(
        Enrollment.objects.filter(
            cohort=cohort,
            role=Role.PARTICIPANT,
            status__in=(Status.APPROVED, Status.COMPLETED),
        ).values_list("user_id", flat=True)
    )
    marks: dict[tuple[int, int], set[int]] = defaultdict(set)
    if modules and participant_ids:
        for user_id, module_id, page_id in StudyMark.objects.filter(
            module_id__in=[m.pk for m in modules],
            user__enrollments__cohort=cohort,
            user__enrollments__role=Role.PARTICIPANT,
            user__enrollments__status__in=(Status.APPROVED, Status.COMPLETED),
        ).values_list("user_id", "module_id", "page_id"):
            marks[(module_id, user_id)].add(page_id)
    by_pk = {module.pk: module for module in modules}
    complete: dict[int, int] = defaultdict(int)
    started: dict[int, int] = defaultdict(int)
    for (module_id, _user_id), pages in marks.items():
        progress = progress_from_marks(by_pk[module_id], pages)
        started[module_id] += progress.started
        complete[module_id] += progress.complete
    rows = [CohortModuleRow(m.page, len(m.lessons), complete[m.pk], started[m.pk]) for m in modules]
    return CohortStudy(participants=len(participant_ids), rows=tuple(rows))


__all__ = [
    "CohortModuleRow",
    "CohortStudy",
    "LessonRef",
    "ModuleProgress",
    "ModuleRef",
    "cohort_study",
    "is_marked",
    "marks_of",
    "progress_from_marks",
    "program_progress",
    "progress_of",
    "study_structure",
    "visits_of",
]
