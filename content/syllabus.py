"""The syllabus of a programme: periods per module and category, totals, and where the modules
disagree with the programme's targets. Pure computation (no ORM), so the rule is tested alone;
ProgramPage feeds it with a fixed number of queries.

The invariant the course must hold and show is the totals per category (curriculum.md): how a
school splits 144 periods among 13 modules is its choice, but a mismatch is never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

CATEGORY_LABELS = {
    "theory": gettext_lazy("Lý thuyết"),
    "discussion": gettext_lazy("Thảo luận, thực hành"),
    "field": gettext_lazy("Nghiên cứu thực tế"),
    "report": gettext_lazy("Viết báo cáo thu hoạch"),
}
CATEGORIES = tuple(CATEGORY_LABELS)


@dataclass(frozen=True)
class Periods:
    theory: int = 0
    discussion: int = 0
    field: int = 0
    report: int = 0

    @property
    def total(self) -> int:
        return self.theory + self.discussion + self.field + self.report

    def __add__(self, other: Periods) -> Periods:
        return Periods(*(getattr(self, c) + getattr(other, c) for c in CATEGORIES))

    def get(self, category: str) -> int:
        return getattr(self, category)


@dataclass(frozen=True)
class SyllabusRow:
    title: str
    periods: Periods
    number: int | None = None
    part: int | None = None
    url: str | None = None
    progress: str = ""  # the signed-in reader's own progress, e.g. "Đã học 3/5 bài"


@dataclass(frozen=True)
class PartGroup:
    number: int
    title: str
    rows: tuple[SyllabusRow, ...]

    @property
    def subtotal(self) -> Periods:
        return sum((row.periods for row in self.rows), Periods())


@dataclass(frozen=True)
class Mismatch:
    category: str
    target: int
    actual: int

    @property
    def difference(self) -> int:
        return self.actual - self.target

    @property
    def label(self) -> str:
        return str(CATEGORY_LABELS.get(self.category, _("Tổng cộng")))

    def describe(self) -> str:
        """ "Lý thuyết: 71 tiết, mục tiêu 72 (thiếu 1 tiết)"."""
        amount = abs(self.difference)
        if self.difference < 0:
            gap = ngettext("thiếu %(n)d tiết", "thiếu %(n)d tiết", amount) % {"n": amount}
        else:
            gap = ngettext("thừa %(n)d tiết", "thừa %(n)d tiết", amount) % {"n": amount}
        return _("%(label)s: %(actual)d tiết, mục tiêu %(target)d (%(gap)s)") % {
            "label": self.label,
            "actual": self.actual,
            "target": self.target,
            "gap": gap,
        }


@dataclass(frozen=True)
class Syllabus:
    targets: Periods
    parts: tuple[PartGroup, ...]
    extra_rows: tuple[SyllabusRow, ...]  # field study and final report
    unassigned: tuple[SyllabusRow, ...] = field(default=())  # modules in a part with no title

    @property
    def totals(self) -> Periods:
        rows = [row for part in self.parts for row in part.rows]
        return sum((row.periods for row in [*rows, *self.extra_rows, *self.unassigned]), Periods())

    @property
    def module_count(self) -> int:
        return sum(len(part.rows) for part in self.parts) + len(self.unassigned)

    @property
    def mismatches(self) -> list[Mismatch]:
        return mismatches(self.targets, self.totals)

    @property
    def category_rows(self) -> list[Mismatch]:
        return category_rows(self.targets, self.totals)

    @property
    def ratio(self) -> str:
        return theory_ratio(self.totals)


def category_rows(targets: Periods, actual: Periods) -> list[Mismatch]:
    """Every category and the total, as (label, actual, target, difference) rows."""
    rows = [
        Mismatch(category, targets.get(category), actual.get(category)) for category in CATEGORIES
    ]
    return [*rows, Mismatch("total", targets.total, actual.total)]


def mismatches(targets: Periods, actual: Periods) -> list[Mismatch]:
    """The categories (and the total) where `actual` differs from `targets`."""
    return [row for row in category_rows(targets, actual) if row.difference]


def theory_ratio(periods: Periods) -> str:
    """Theory : (discussion + practice), in whole percent: "50 : 50"."""
    taught = periods.theory + periods.discussion
    if not taught:
        return "0 : 0"
    theory = round(100 * periods.theory / taught)
    return f"{theory} : {100 - theory}"


def build_syllabus(
    *,
    targets: Periods,
    part_titles: dict[int, str],
    modules: list[SyllabusRow],
    extra_rows: list[SyllabusRow],
) -> Syllabus:
    """Group modules by part (in part order, then module number) beside the field-study and
    final-report rows."""
    by_part: dict[int, list[SyllabusRow]] = {number: [] for number in sorted(part_titles)}
    unassigned = []
    for row in sorted(modules, key=lambda r: (r.part or 0, r.number or 0, r.title)):
        if row.part in by_part:
            by_part[row.part].append(row)
        else:
            unassigned.append(row)
    parts = tuple(
        PartGroup(number=number, title=part_titles[number], rows=tuple(rows))
        for number, rows in by_part.items()
    )
    return Syllabus(
        targets=targets, parts=parts, extra_rows=tuple(extra_rows), unassigned=tuple(unassigned)
    )


def composition_chart(targets: Periods):
    """The programme's periods per category as a bar chart (each bar against the total, so its
    length is the category's share of the programme: 72, 72, 8 and 8 of 160)."""
    from lms.charts import Bar, bar_chart
    from lms.text import format_decimal

    total = targets.total
    bars = []
    for category in CATEGORIES:
        value = targets.get(category)
        share = format_decimal(round(100 * value / total, 1) if total else 0, 1).removesuffix(",0")
        bars.append(
            Bar(
                label=str(CATEGORY_LABELS[category]),
                value=value,
                maximum=total,
                # Share first: "45 % · 72 tiết" (the page's mismatch list reads "label: N").
                value_text=_("%(share)s %% · %(n)d tiết") % {"n": value, "share": share},
            )
        )
    return bar_chart(
        _("Cơ cấu chương trình: số tiết theo loại"),
        bars,
        summary=_("Tổng cộng %(total)d tiết.") % {"total": total},
    )
