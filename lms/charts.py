"""Charts drawn on the server as accessible SVG: no JavaScript, no chart library, no CDN.

Why SVG built here: a chart must work on a phone on a slow line, print, and be read by a screen
reader. Each chart is an <svg role="img"> whose <title> and <desc> say what it shows and every value
in words; the values are also drawn as text beside the shapes, and `Chart.rows` lets the template
print the same numbers as a table (templates/includes/chart.html). All text goes through
format_html, so a module title such as "<b>" is drawn as text, never markup.

The viewBox is 360 units wide, the width of a small phone, so on a phone the text keeps its size
and on a wide screen the stylesheet caps the figure's width.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 360
_ids = itertools.count(1)


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: `value` drawn against `maximum`.

    `secondary` (optional, ≥ value) is drawn lighter behind the value — e.g. periods scheduled
    behind periods attended. `value_text` is what a person reads beside the bar ("60/72 tiết").
    `warn` draws the bar in the warning colour (and says so in the description)."""

    label: str
    value: float
    maximum: float
    value_text: str
    secondary: float | None = None
    warn: bool = False


@dataclass(frozen=True)
class Column:
    """One column of a column chart (e.g. one session's attendance rate, 0–100)."""

    label: str
    value: float | None  # None: nothing to draw yet (a session not taken)
    value_text: str
    warn: bool = False


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    svg: SafeString
    rows: tuple[tuple[str, str], ...] = field(default=())

    def __str__(self) -> str:  # {{ chart }} in a template draws the SVG
        return self.svg

    def __html__(self) -> str:
        return self.svg


def _frame(title: str, description: str, height: float, body: SafeString) -> SafeString:
    n = next(_ids)
    return format_html(
        '<svg class="chart__svg" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="chart-{n}-t chart-{n}-d" xmlns="http://www.w3.org/2000/svg">'
        '<title id="chart-{n}-t">{title}</title><desc id="chart-{n}-d">{desc}</desc>{body}</svg>',
        w=WIDTH,
        h=_num(height),
        n=n,
        title=title,
        desc=description,
        body=body,
    )


def _joined(parts: list[SafeString]) -> SafeString:
    """The parts, each already built by format_html, as one safe string."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _num(value: float) -> str:
    """A coordinate: at most one decimal, no trailing zeros (keeps the markup small)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def bar_chart(
    title: str, bars: Sequence[Bar], *, summary: str = "", threshold: float | None = None
) -> Chart:
    """Horizontal bars, one per row, the label above its bar and the value at its end.

    `threshold` (a fraction 0–1 of each bar's maximum) draws a marker line, e.g. the 80 %
    attendance rule."""
    row_height, bar_height, label_gap = 44, 14, 18
    track = WIDTH - 8
    parts = []
    for i, bar in enumerate(bars):
        top = i * row_height
        scale = track / bar.maximum if bar.maximum else 0
        bar_y = top + label_gap + 4
        parts.append(
            format_html(
                '<text class="chart__label" x="0" y="{y}">{label}</text>'
                '<text class="chart__value" x="{x}" y="{y}" text-anchor="end">{value}</text>'
                '<rect class="chart__track" x="0" y="{by}" width="{tw}" height="{bh}" rx="3"/>',
                y=top + 14,
                label=bar.label,
                x=WIDTH,
                value=bar.value_text,
                by=bar_y,
                tw=_num(track),
                bh=bar_height,
            )
        )
        if bar.secondary:
            parts.append(
                format_html(
                    '<rect class="chart__secondary" x="0" y="{by}" width="{w}" height="{bh}" '
                    'rx="3"/>',
                    by=bar_y,
                    w=_num(min(bar.secondary, bar.maximum) * scale),
                    bh=bar_height,
                )
            )
        if bar.value:
            parts.append(
                format_html(
                    '<rect class="chart__bar{warn}" x="0" y="{by}" width="{w}" height="{bh}" '
                    'rx="3"/>',
                    warn=" chart__bar--warn" if bar.warn else "",
                    by=bar_y,
                    w=_num(min(bar.value, bar.maximum) * scale),
                    bh=bar_height,
                )
            )
        if threshold is not None and bar.maximum:
            x = _num(threshold * track)
            parts.append(
                format_html(
                    '<line class="chart__threshold" x1="{x}" x2="{x}" y1="{y1}" y2="{y2}"/>',
                    x=x,
                    y1=bar_y - 3,
                    y2=bar_y + bar_height + 3,
                )
            )
    description = " ".join([summary] + [f"{bar.label}: {bar.value_text}." for bar in bars]).strip()
    height = max(len(bars), 1) * row_height
    svg = _frame(title, description, height, _joined(parts))
    return Chart(
        title=title,
        description=description,
        svg=svg,
        rows=tuple((bar.label, bar.value_text) for bar in bars),
    )


def column_chart(
    title: str,
    columns: Sequence[Column],
    *,
    maximum: float = 100,
    threshold: float | None = None,
    threshold_text: str = "",
    summary: str = "",
) -> Chart:
    """Vertical columns left to right (e.g. attendance rate per session, in time order), with an
    optional horizontal threshold line. With up to 24 columns each value is written above its
    column; with more, the columns get too thin for text and the table below carries the values
    (each column still has a <title> a pointer shows)."""
    top, plot_height, axis_gap = 22, 140, 18
    count = max(len(columns), 1)
    slot = WIDTH / count
    width = max(slot * 0.7, 1)
    show_values = len(columns) <= 24
    parts = [
        format_html(
            '<line class="chart__axis" x1="0" x2="{w}" y1="{y}" y2="{y}"/>',
            w=WIDTH,
            y=top + plot_height,
        )
    ]
    if threshold is not None:
        # Drawn first so the columns cover the line, and named below the axis, between the
        # first and last labels, where no value text can sit on it.
        y = _num(top + plot_height * (1 - threshold / maximum))
        parts.append(
            format_html(
                '<line class="chart__threshold" x1="0" x2="{w}" y1="{y}" y2="{y}"/>'
                '<text class="chart__label chart__label--small" x="{cx}" y="{ty}" '
                'text-anchor="middle">- - {text}</text>',
                w=WIDTH,
                y=y,
                cx=_num(WIDTH / 2),
                ty=_num(top + plot_height + axis_gap - 4),
                text=threshold_text,
            )
        )
    for i, column in enumerate(columns):
        if column.value is None:
            continue
        h = plot_height * min(max(column.value, 0), maximum) / maximum
        x = i * slot + (slot - width) / 2
        parts.append(
            format_html(
                '<rect class="chart__bar{warn}" x="{x}" y="{y}" width="{w}" height="{h}">'
                "<title>{label}: {value}</title></rect>",
                warn=" chart__bar--warn" if column.warn else "",
                x=_num(x),
                y=_num(top + plot_height - h),
                w=_num(width),
                h=_num(h),
                label=column.label,
                value=column.value_text,
            )
        )
        if show_values:
            parts.append(
                format_html(
                    '<text class="chart__value chart__value--small" x="{x}" y="{y}" '
                    'text-anchor="middle">{value}</text>',
                    x=_num(i * slot + slot / 2),
                    y=_num(top + plot_height - h - 4),
                    value=column.value_text,
                )
            )
    if columns:
        parts.append(
            format_html(
                '<text class="chart__label chart__label--small" x="0" y="{y}">{first}</text>'
                '<text class="chart__label chart__label--small" x="{w}" y="{y}" '
                'text-anchor="end">{last}</text>',
                y=top + plot_height + axis_gap - 4,
                first=columns[0].label,
                w=WIDTH,
                last=columns[-1].label if len(columns) > 1 else "",
            )
        )
    drawn = [c for c in columns if c.value is not None]
    description = " ".join([summary] + [f"{c.label}: {c.value_text}." for c in drawn]).strip()
    svg = _frame(title, description, top + plot_height + axis_gap, _joined(parts))
    return Chart(
        title=title,
        description=description,
        svg=svg,
        rows=tuple((c.label, c.value_text) for c in columns),
    )
