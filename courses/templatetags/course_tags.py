"""Vietnamese dates and numbers in course pages (dd/mm/yyyy, 24-hour times, decimal comma)."""

import datetime as dt

from django import template
from django.utils import timezone

from lms.text import format_date_short, format_decimal, format_time

register = template.Library()


@register.filter
def vn_date(value) -> str:
    """dd/mm/yyyy of a date, a datetime (local) or an ISO date string (certificate snapshots)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return format_date_short(value)


@register.filter
def vn_time(value) -> str:
    return format_time(value) if value else ""


@register.filter
def vn_weekday(value) -> str:
    """ "Thứ Hai" … "Chủ nhật" of a date or datetime (weekday names are fixed Vietnamese words)."""
    from django.utils.translation import gettext as _

    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    names = [
        _("Thứ Hai"),
        _("Thứ Ba"),
        _("Thứ Tư"),
        _("Thứ Năm"),
        _("Thứ Sáu"),
        _("Thứ Bảy"),
        _("Chủ nhật"),
    ]
    return names[value.weekday()]


@register.filter
def vn_number(value, places: int = 1) -> str:
    return "" if value is None else format_decimal(value, int(places))
