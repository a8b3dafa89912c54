"""Reads of a person's notifications and notification preferences (one module per topic)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

from courses.models import (
    DEFAULT_DELIVERY,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from courses.permissions import is_school_staff

PER_PAGE = 20


def unread_count(user) -> int:
    """One query (the partial index on unread rows serves it); 0 for anonymous visitors."""
    if not (user and user.is_authenticated):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_page(user, number) -> Page:
    """The person's own notifications, newest first: two queries (count and page) whatever
    the size of the list."""
    rows = Notification.objects.filter(recipient=user).only(
        "pk", "kind", "title", "body", "url", "created_at", "read_at", "recipient_id"
    )
    return Paginator(rows, PER_PAGE).get_page(number)


def kinds_for(user) -> list[NotificationKind]:
    """The kinds a person can receive: the at-risk summary goes to school staff only."""
    return [
        kind
        for kind in NotificationKind
        if kind != NotificationKind.AT_RISK or is_school_staff(user)
    ]


def preferences_of(user) -> dict[str, str]:
    """kind -> delivery for every kind, DEFAULT_DELIVERY where the person chose nothing."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {
        kind.value: chosen.get(kind.value, DEFAULT_DELIVERY[kind].value)
        for kind in NotificationKind
    }
