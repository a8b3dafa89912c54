"""The cohort's attendance matrix as a spreadsheet (XLSX) or CSV, for the school's files.

Vietnamese headers, people in Vietnamese name order, dates dd/mm/yyyy, decimals with a comma in
CSV (as a Vietnamese spreadsheet expects) and real numbers in XLSX. Cell values that a spreadsheet
would run as a formula (=, +, -, @ first) are quoted: names and reasons are typed by people.
"""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from courses.attendance_selectors import AttendanceMatrix
from courses.spreadsheets import formula_safe as _safe
from lms.text import format_date_short, format_decimal

# One letter per status, as Vietnamese attendance sheets write them.
SYMBOLS = {"present": "x", "late": "M", "excused": "P", "absent": "V", "": ""}


def symbol_legend() -> str:
    return _("x: có mặt; M: muộn; P: vắng có phép; V: vắng; để trống: chưa ghi")


def _headers(matrix: AttendanceMatrix) -> list[str]:
    sessions = [
        _("%(date)s %(time)s (%(periods)s tiết)")
        % {
            "date": format_date_short(timezone.localtime(s.starts_at).date()),
            "time": timezone.localtime(s.starts_at).strftime("%H:%M"),
            "periods": s.periods,
        }
        for s in matrix.sessions
    ]
    return [
        _("STT"),
        _("Họ và tên"),
        _("Chức vụ"),
        _("Cơ quan, đơn vị"),
        *sessions,
        _("Số tiết đã dự"),
        _("Số tiết theo thời khóa biểu"),
        _("Tỷ lệ chuyên cần (%)"),
        _("Đánh giá"),
    ]


def _verdict(summary) -> str:
    from courses.templatetags.attendance_tags import risk_label

    return str(risk_label(summary))


def _rows(matrix: AttendanceMatrix, *, for_csv: bool):
    def number(value, places=1):
        return format_decimal(value, places) if for_csv else float(value)

    for index, row in enumerate(matrix.rows, start=1):
        summary = row.summary
        yield [
            index,
            _safe(row.enrollment.user.full_name or row.enrollment.user.email),
            _safe(row.enrollment.position),
            _safe(row.enrollment.organisation_name),
            *(SYMBOLS.get(cell.status, "") for cell in row.cells),
            number(summary.attended),
            summary.scheduled,
            number(summary.rate, 2),
            _verdict(summary),
        ]


def as_csv(matrix: AttendanceMatrix) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows the accents; CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([matrix.cohort.name])
    writer.writerow([symbol_legend()])
    writer.writerow(_headers(matrix))
    writer.writerows(_rows(matrix, for_csv=True))
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(matrix: AttendanceMatrix) -> bytes:
    import openpyxl  # imported here: only exports need it, and it is slow to load
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Chuyên cần")[:31]
    sheet.append([matrix.cohort.name])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([symbol_legend()])
    headers = _headers(matrix)
    sheet.append(headers)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for values in _rows(matrix, for_csv=False):
        sheet.append(values)
    first_session_col = 5
    for col in range(1, len(headers) + 1):
        letter = get_column_letter(col)
        if col == 2:
            width = 26
        elif col in (3, 4):
            width = 30
        elif first_session_col <= col < first_session_col + len(matrix.sessions):
            width = 11
            for cell in sheet[letter][header_row:]:
                cell.alignment = Alignment(horizontal="center")
        else:
            width = 14
        sheet.column_dimensions[letter].width = width
    rate_col = get_column_letter(len(headers) - 1)
    for cell in sheet[rate_col][header_row:]:
        cell.number_format = "0.00"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


__all__ = ["SYMBOLS", "as_csv", "as_xlsx", "symbol_legend"]
