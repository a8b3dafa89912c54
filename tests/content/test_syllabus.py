"""The syllabus rule without a database: totals per category, mismatches, ratio."""

from content.syllabus import Periods, SyllabusRow, build_syllabus

TARGETS = Periods(theory=72, discussion=72, field=8, report=8)


def module(number, part, theory, discussion):
    return SyllabusRow(
        title=f"Chuyên đề {number}",
        number=number,
        part=part,
        periods=Periods(theory=theory, discussion=discussion),
    )


def real_split():
    six = {1, 2, 5, 9, 10, 12, 13}
    return [module(n, 1 if n <= 4 else 2, *(6, 6) if n in six else (5, 5)) for n in range(1, 14)]


EXTRA = [
    SyllabusRow(title="Đi nghiên cứu thực tế", periods=Periods(field=8)),
    SyllabusRow(title="Viết báo cáo thu hoạch", periods=Periods(report=8)),
]


def syllabus(modules, extra=EXTRA):
    return build_syllabus(
        targets=TARGETS, part_titles={1: "Tổng quan", 2: "CNTT"}, modules=modules, extra_rows=extra
    )


def test_the_real_split_adds_up_to_the_programme():
    result = syllabus(real_split())
    assert result.totals == Periods(theory=72, discussion=72, field=8, report=8)
    assert result.totals.total == 160
    assert result.mismatches == []
    assert result.ratio == "50 : 50"
    assert [len(part.rows) for part in result.parts] == [4, 9]
    assert result.parts[0].subtotal == Periods(theory=22, discussion=22)


def test_one_module_off_names_the_category_and_the_amount():
    modules = real_split()
    modules[0] = module(1, 1, 4, 6)
    result = syllabus(modules)
    assert [(m.category, m.target, m.actual, m.difference) for m in result.mismatches] == [
        ("theory", 72, 70, -2),
        ("total", 160, 158, -2),
    ]
    assert result.mismatches[0].describe() == "Lý thuyết: 70 tiết, mục tiêu 72 (thiếu 2 tiết)"


def test_surplus_and_missing_field_study_are_reported():
    modules = real_split()
    modules[5] = module(6, 2, 5, 8)
    result = syllabus(modules, extra=EXTRA[1:])
    described = [m.describe() for m in result.mismatches]
    assert "Thảo luận, thực hành: 75 tiết, mục tiêu 72 (thừa 3 tiết)" in described
    assert "Nghiên cứu thực tế: 0 tiết, mục tiêu 8 (thiếu 8 tiết)" in described


def test_modules_are_ordered_by_part_then_number_and_orphans_are_shown():
    modules = list(reversed(real_split())) + [module(14, 3, 1, 1)]
    result = syllabus(modules)
    assert [row.number for row in result.parts[1].rows] == list(range(5, 14))
    assert [row.number for row in result.unassigned] == [14]
    assert result.module_count == 14


def test_ratio_of_a_tailored_programme():
    result = syllabus([module(1, 1, 6, 4)], extra=[])
    assert result.ratio == "60 : 40"
