"""Attendance figures in words and as bar widths for the progress templates."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from courses.policies import Risk
from lms.text import format_decimal

register = template.Library()


@register.filter
def risk_label(summary) -> str:
    """What the attendance figures mean for the certificate, in plain words."""
    if summary.risk == Risk.REACHED:
        return _("Đã đủ số tiết chuyên cần")
    if summary.risk == Risk.OUT_OF_REACH:
        return _("Không còn đủ số tiết để đạt yêu cầu chuyên cần")
    if summary.risk == Risk.AT_RISK:
        return _("Có nguy cơ không đạt: chỉ còn được vắng tối đa %(n)s tiết") % {
            "n": format_decimal(max(summary.allowed_to_miss, Decimal(0)), 1)
        }
    return _("Đang đạt yêu cầu: còn được vắng tối đa %(n)s tiết") % {
        "n": format_decimal(max(summary.allowed_to_miss, Decimal(0)), 1)
    }


@register.filter
def bar_width(value, total) -> str:
    """`value` as a percentage of `total` for an SVG width: "37.5" (a dot, never localised;
    0 to 100)."""
    total = Decimal(str(total or 0))
    if total <= 0:
        return "0"
    share = Decimal(str(value or 0)) * 100 / total
    share = min(max(share, Decimal(0)), Decimal(100))
    return f"{share.quantize(Decimal('0.1')):f}"


@register.filter
def status_symbol(status: str) -> str:
    """The one-letter mark of the matrix and its export (x, M, P, V)."""
    from courses.attendance_export import SYMBOLS

    return SYMBOLS.get(status or "", "")
