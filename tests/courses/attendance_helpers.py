"""Builders shared by the attendance tests (sessions, instructors, a frozen clock)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from courses.models import ClassSession
from tests import factories


def session(cohort, *, starts_at=None, periods=4, category="theory", instructors=(), minutes=180):
    starts_at = starts_at or timezone.now() - dt.timedelta(minutes=5)
    made = ClassSession.objects.create(
        cohort=cohort,
        category=category,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        periods=periods,
    )
    for person in instructors:
        made.instructors.add(person)
    return made


def teacher(cohort, user=None):
    """An approved instructor of the cohort."""
    user = user or factories.instructor()
    factories.enrollment(cohort, user, role="instructor")
    return user


def participants(cohort, n):
    return [factories.enrollment(cohort) for _ in range(n)]


def freeze(monkeypatch, moment):
    """Stop the attendance clock at `moment` (the service and the pages read it)."""
    monkeypatch.setattr("courses.services.attendance.now", lambda: moment)
    return moment
