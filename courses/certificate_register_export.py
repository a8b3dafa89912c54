"""The register of issued certificates (sổ cấp chứng chỉ): its rows and its spreadsheet.

Pure: certificate states (courses.certificate_selectors.register) in, rows and XLSX bytes out;
no query. Every value is the one printed on the certificate (its snapshot), not today's data
of the person. Columns of curriculum.md ("Completion and certificates"), then the state and a
note: what a certificate replaces, what replaced it, why and by which decision it was revoked.
Dates are real Excel dates shown dd/mm/yyyy; text typed by people is never run as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from courses.certificate_selectors import CertificateState
from courses.models.certificates import CertificateKind
from courses.spreadsheets import formula_safe as _safe
from lms.text import format_date_short


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class RegisterRow:
    number: int  # STT
    pk: int
    register_number: str
    certificate_number: str
    full_name: str
    date_of_birth: dt.date | None
    programme: str
    start_date: dt.date | None
    end_date: dt.date | None
    result: str
    decision_number: str
    issued_on: dt.date | None
    status: str  # valid / revoked / replaced
    status_label: str
    is_replacement: bool
    replaces_number: str
    replaced_by_number: str
    revoked_on: dt.date | None
    revocation_decision: str
    revocation_reason: str

    @property
    def kind_label(self) -> str:
        return _("Giấy chứng nhận cấp lại") if self.is_replacement else _("Chứng chỉ")

    @property
    def note(self) -> str:
        parts = []
        if self.is_replacement and self.replaces_number:
            parts.append(_("Cấp lại thay thế số %(number)s") % {"number": self.replaces_number})
        if self.replaced_by_number:
            parts.append(_("Đã cấp lại bằng số %(number)s") % {"number": self.replaced_by_number})
        if self.status == "revoked":
            text = _("Thu hồi theo QĐ %(decision)s ngày %(date)s") % {
                "decision": self.revocation_decision,
                "date": format_date_short(self.revoked_on) if self.revoked_on else "",
            }
            if self.revocation_reason:
                text += f": {self.revocation_reason}"
            parts.append(text)
        return "; ".join(parts)


def register_rows(states: list[CertificateState]) -> list[RegisterRow]:
    """One row per certificate, in the order given (the register's: issue order)."""
    rows = []
    for index, state in enumerate(states, start=1):
        certificate = state.certificate
        snapshot = certificate.snapshot
        participant = snapshot.get("participant") or {}
        cohort = snapshot.get("cohort") or {}
        replaces = snapshot.get("replaces") or {}
        revocation = state.revocation
        rows.append(
            RegisterRow(
                number=index,
                pk=certificate.pk,
                register_number=snapshot.get("register_number", certificate.register_number),
                certificate_number=snapshot.get(
                    "certificate_number", certificate.certificate_number
                ),
                full_name=participant.get("full_name", ""),
                date_of_birth=_date(participant.get("date_of_birth")),
                programme=(snapshot.get("programme") or {}).get("title", ""),
                start_date=_date(cohort.get("start_date")),
                end_date=_date(cohort.get("end_date")),
                result=snapshot.get("result", ""),
                decision_number=snapshot.get("decision_number", certificate.decision_number),
                issued_on=_date(snapshot.get("issued_on")) or certificate.issued_on,
                status=state.status,
                status_label=state.status_label,
                is_replacement=certificate.kind == CertificateKind.REPLACEMENT,
                replaces_number=replaces.get("certificate_number", ""),
                replaced_by_number=(
                    state.replacement.certificate_number if state.replacement else ""
                ),
                revoked_on=revocation.decision_date if revocation else None,
                revocation_decision=revocation.decision_number if revocation else "",
                revocation_reason=revocation.reason if revocation else "",
            )
        )
    return rows


def headers() -> list[str]:
    return [
        _("STT"),
        _("Số vào sổ"),
        _("Số hiệu"),
        _("Họ và tên"),
        _("Ngày sinh"),
        _("Chương trình"),
        _("Từ ngày"),
        _("Đến ngày"),
        _("Kết quả"),
        _("Số quyết định"),
        _("Ngày cấp"),
        _("Trạng thái"),
        _("Ghi chú"),
    ]


WIDTHS = [6, 14, 24, 28, 12, 48, 12, 12, 16, 18, 12, 16, 48]
DATE_COLUMNS = ("E", "G", "H", "K")


def _values(row: RegisterRow) -> list:
    return [
        row.number,
        _safe(row.register_number),
        _safe(row.certificate_number),
        _safe(row.full_name),
        row.date_of_birth,
        _safe(row.programme),
        row.start_date,
        row.end_date,
        _safe(row.result),
        _safe(row.decision_number),
        row.issued_on,
        row.status_label,
        _safe(row.note),
    ]


def register_xlsx(rows: list[RegisterRow]) -> bytes:
    import openpyxl  # imported here: only exports need it, and it is slow to load
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Sổ cấp chứng chỉ")[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(_values(row))
    for col, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    for column in DATE_COLUMNS:
        for cell in sheet[column][1:]:
            cell.number_format = "DD/MM/YYYY"
    for column in ("F", "M"):
        for cell in sheet[column][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    # Printed on paper (the register is kept): landscape, fit to the width, header on each page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


__all__ = ["RegisterRow", "headers", "register_rows", "register_xlsx"]
