"""The cohort's gradebook of final reports as a spreadsheet (XLSX) for the school's files.

Vietnamese headers, people in Vietnamese name order (the order of the gradebook page), times
dd/mm/yyyy HH:MM, scores as real numbers shown with one decimal. Values typed by people (names,
positions, organisations, titles) that a spreadsheet would run as a formula are quoted.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from courses.report_selectors import Gradebook, verdict
from courses.spreadsheets import formula_safe as _safe
from lms.text import format_datetime_short, format_decimal


def headers() -> list[str]:
    return [
        _("STT"),
        _("Họ và tên"),
        _("Chức vụ"),
        _("Cơ quan"),
        _("Tên báo cáo"),
        _("Nộp lúc"),
        _("Nộp muộn"),
        _("Điểm"),
        _("Xếp loại"),
        _("Đạt/Không đạt"),
    ]


def _rows(book: Gradebook):
    for index, row in enumerate(book.rows, start=1):
        result = row.result
        submitted_at = ""
        if result.submitted_at:
            submitted_at = format_datetime_short(result.submitted_at)
        yield [
            index,
            _safe(row.enrollment.user.full_name or row.enrollment.user.email),
            _safe(row.enrollment.position),
            _safe(row.enrollment.organisation_name),
            _safe(row.latest.title) if row.latest else "",
            submitted_at,
            _("Có") if result.late else "",
            float(result.score) if result.score is not None else None,
            result.classification,
            verdict(result),
        ]


def as_xlsx(book: Gradebook) -> bytes:
    import openpyxl  # imported here: only exports need it, and it is slow to load
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Điểm báo cáo")[:31]
    sheet.append([book.cohort.name])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(
        [
            _("%(title)s. Điểm đạt: %(mark)s/10. Hạn nộp: %(deadline)s.")
            % {
                "title": book.assignment.title,
                "mark": format_decimal(book.cohort.report_pass_mark, 1),
                "deadline": format_datetime_short(book.assignment.deadline),
            }
        ]
    )
    sheet.append(headers())
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for values in _rows(book):
        sheet.append(values)
    widths = [6, 26, 18, 32, 40, 17, 10, 8, 14, 14]
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    for cell in sheet["H"][header_row:]:
        cell.number_format = "0.0"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


__all__ = ["as_xlsx", "headers"]
