"""The eligibility list of a cohort as a spreadsheet (XLSX): who may receive the certificate
and, for the others, why not — in the words of the page, in class-list order."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from courses.certificate_selectors import Eligibility
from courses.spreadsheets import formula_safe as _safe
from lms.text import format_decimal


def headers() -> list[str]:
    return [
        _("STT"),
        _("Họ và tên"),
        _("Ngày sinh"),
        _("Cơ quan"),
        _("Số tiết đã dự"),
        _("Số tiết của lớp"),
        _("Tỉ lệ chuyên cần (%)"),
        _("Điểm báo cáo"),
        _("Đủ điều kiện"),
        _("Lý do chưa đủ điều kiện"),
        _("Số hiệu chứng chỉ"),
        _("Trạng thái chứng chỉ"),
    ]


def _rows(rows: list[Eligibility]):
    for index, row in enumerate(rows, start=1):
        user = row.enrollment.user
        current = row.current
        yield [
            index,
            _safe(user.full_name or user.email),
            user.date_of_birth,
            _safe(row.enrollment.organisation_name),
            float(row.attendance.attended),
            row.attendance.scheduled,
            float(row.attendance.rate),
            float(row.report.score) if row.report.score is not None else None,
            _("Có") if row.eligible else _("Không"),
            _safe("; ".join(row.reasons)),
            current.certificate.certificate_number if current else "",
            current.status_label if current else "",
        ]


def eligibility_xlsx(cohort, rows: list[Eligibility]) -> bytes:
    import openpyxl  # imported here: only exports need it, and it is slow to load
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Điều kiện cấp chứng chỉ")[:31]
    sheet.append([cohort.name])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(
        [
            _("Chuyên cần tối thiểu %(threshold)s %%; điểm báo cáo tối thiểu %(mark)s/10.")
            % {
                "threshold": format_decimal(cohort.attendance_threshold, 1).removesuffix(",0"),
                "mark": format_decimal(cohort.report_pass_mark, 1),
            }
        ]
    )
    sheet.append(headers())
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for values in _rows(rows):
        sheet.append(values)
    widths = [6, 28, 12, 32, 10, 10, 12, 10, 10, 50, 22, 16]
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    for cell in sheet["C"][header_row:]:
        cell.number_format = "DD/MM/YYYY"
    for column in ("E", "G", "H"):
        for cell in sheet[column][header_row:]:
            cell.number_format = "0.0"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


__all__ = ["eligibility_xlsx", "headers"]
