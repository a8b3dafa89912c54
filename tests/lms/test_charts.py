"""The server-drawn SVG charts: values in words, shapes to scale, user text never markup."""

from __future__ import annotations

import re

from lms.charts import Bar, Column, bar_chart, column_chart


def widths(svg: str, css_class: str) -> list[float]:
    return [float(w) for w in re.findall(rf'<rect class="{css_class}"[^>]*? width="([\d.]+)"', svg)]


def test_bar_chart_draws_each_value_to_scale_and_says_it_in_words():
    chart = bar_chart(
        "Tiến độ",
        [
            Bar("Lý thuyết", 36, 72, "36/72 tiết", secondary=54),
            Bar("Nghiên cứu thực tế", 8, 8, "8/8 tiết"),
        ],
        summary="Đã dự 44/80 tiết.",
    )
    svg = str(chart.svg)
    assert 'role="img"' in svg
    assert "<title id=" in svg
    track = widths(svg, "chart__track")[0]
    assert widths(svg, "chart__bar") == [round(track / 2, 1), track]
    assert widths(svg, "chart__secondary") == [round(track * 54 / 72, 1)]
    assert "36/72 tiết" in svg
    assert "8/8 tiết" in svg
    assert (
        chart.description
        == "Đã dự 44/80 tiết. Lý thuyết: 36/72 tiết. Nghiên cứu thực tế: 8/8 tiết."
    )
    assert chart.rows == (("Lý thuyết", "36/72 tiết"), ("Nghiên cứu thực tế", "8/8 tiết"))


def test_bar_never_overflows_its_track_and_zero_draws_no_bar():
    svg = str(bar_chart("t", [Bar("a", 90, 72, "90/72"), Bar("b", 0, 72, "0/72")]).svg)
    track = widths(svg, "chart__track")[0]
    assert widths(svg, "chart__bar") == [track]


def test_column_chart_heights_follow_rates_and_threshold_line_sits_at_80():
    chart = column_chart(
        "Tỷ lệ dự",
        [
            Column("Buổi 1", 100, "100 %"),
            Column("Buổi 2", 50, "50 %", warn=True),
            Column("Buổi 3", None, "chưa điểm danh"),
        ],
        threshold=80,
        threshold_text="Ngưỡng 80 %",
    )
    svg = str(chart.svg)
    heights = [
        float(h) for h in re.findall(r'<rect class="chart__bar[^"]*"[^>]*height="([\d.]+)"', svg)
    ]
    assert heights == [140, 70]
    assert "chart__bar--warn" in svg
    assert re.search(r'class="chart__threshold" x1="0" x2="360" y1="50" y2="50"', svg)
    assert "Buổi 3" not in chart.description  # a session not taken is not a 0 %
    assert ("Buổi 3", "chưa điểm danh") in chart.rows


def test_labels_are_text_never_markup():
    svg = str(bar_chart("<script>x</script>", [Bar("<b>m</b>", 1, 2, "1 & 2")]).svg)
    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "&lt;b&gt;m&lt;/b&gt;" in svg
    assert "1 &amp; 2" in svg


def test_many_columns_drop_the_value_labels_but_keep_every_row():
    columns = [Column(f"Buổi {i}", 80, "80 %") for i in range(1, 101)]
    chart = column_chart("t", columns)
    assert "chart__value--small" not in str(chart.svg)
    assert len(chart.rows) == 100
