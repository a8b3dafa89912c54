"""Calendar feeds: the secret address a person gives their calendar app, and the iCalendar
(RFC 5545) text served there.

Rules owned here:
- a person has at most one active feed (also a partial unique constraint); creating one when
  one exists returns it, so a double click does not make two;
- the token is the only secret of the address (calendar apps cannot sign in), so it is long and
  random (secrets.token_urlsafe(32)); revoking marks the old feed revoked and makes a new one
  in the same transaction, and the old address stops working at once;
- a feed of a revoked token or of a deactivated account is not found;
- every event is in Asia/Ho_Chi_Minh time, where the classes take place, with its VTIMEZONE
  in the calendar, whatever the server's or the reader's time zone;
- an event's UID is "session-<pk>@lms.giamdocso" whatever host served it, so a calendar app
  updates the event in place when the timetable changes instead of showing it twice.

Only the person themself manages their feed: these functions take that person, not an actor.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vDuration

from courses.models import CalendarFeed, ClassSession

logger = logging.getLogger(__name__)

CALENDAR_TIMEZONE = "Asia/Ho_Chi_Minh"
PRODID = "-//Giam doc So//LMS//VI"
# Not the serving host: the same session must keep the same UID on every mirror and after a move.
UID_DOMAIN = "lms.giamdocso"
# How often apps that honour it (Apple, Outlook) should fetch again; Google decides on its own.
REFRESH_INTERVAL = dt.timedelta(hours=1)


# --- Feeds -----------------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def active_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_by_token(token: str) -> CalendarFeed | None:
    """The active feed of this token with its owner, or None (unknown, revoked, deactivated)."""
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def create_feed(user) -> CalendarFeed:
    """The person's active feed, made now if they have none."""
    existing = active_feed(user)
    if existing is not None:
        return existing
    try:
        # A savepoint, so that losing the race below leaves the caller's transaction usable.
        with transaction.atomic():
            feed = CalendarFeed.objects.create(user=user, token=_new_token())
    except IntegrityError:
        # Two requests at once (a double click): the other one made it; use that one.
        return active_feed(user)
    # The feed's id, never its token: the token is the whole secret of the address.
    logger.info("Calendar feed %s created for user %s.", feed.pk, user.pk)
    return feed


def revoke_feed(user) -> CalendarFeed:
    """Revoke the person's active feed (if any) and return a new one."""
    with transaction.atomic():
        # Lock the person, so two revocations at once run one after the other instead of
        # both creating a new feed and one of them failing on the constraint.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        revoked = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        feed = CalendarFeed.objects.create(user=user, token=_new_token())
    logger.info(
        "Calendar feed of user %s revoked (%s active before), new feed %s.",
        user.pk,
        revoked,
        feed.pk,
    )
    return feed


# --- iCalendar -------------------------------------------------------------------------------


def calendar_for_sessions(sessions: Iterable[ClassSession], *, name: str) -> bytes:
    """A VCALENDAR with one VEVENT per session.

    The sessions need their cohort, module and instructors loaded (select_related /
    prefetch_related) for the number of queries not to grow with the timetable.
    """
    calendar = _empty_calendar(name)
    stamp = timezone.now()
    for session in sessions:
        calendar.add_component(_event(session, stamp))
    return calendar.to_ical()


def _empty_calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.prodid = PRODID
    calendar.version = "2.0"
    calendar.calendar_name = name  # NAME and X-WR-CALNAME
    # Google Calendar reads this one for a calendar's own time zone.
    calendar.add("X-WR-TIMEZONE", CALENDAR_TIMEZONE)
    # Added by hand: RFC 7986 requires VALUE=DURATION, which Calendar.refresh_interval leaves
    # out; an X- property is plain text unless given as a vDuration.
    calendar.add("REFRESH-INTERVAL", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
    # Added even to an empty calendar: RFC 5545 wants at least one component in a VCALENDAR.
    calendar.add_component(Timezone.from_tzid(CALENDAR_TIMEZONE))
    return calendar


def _event(session: ClassSession, stamp: dt.datetime) -> Event:
    local = ZoneInfo(CALENDAR_TIMEZONE)
    return Event.new(
        uid=f"session-{session.pk}@{UID_DOMAIN}",
        stamp=stamp,
        start=session.starts_at.astimezone(local),
        end=session.ends_at.astimezone(local),
        summary=f"{session.cohort.code}: {session.display_title}",
        description=_description(session),
        location=session.place or session.meeting_url or None,
        url=session.meeting_url or None,
    )


def _description(session: ClassSession) -> str:
    lines = [
        _("Loại: %(category)s") % {"category": session.get_category_display()},
        _("Số tiết: %(periods)s") % {"periods": session.periods},
    ]
    instructors = sorted(session.instructors.all(), key=lambda person: person.name_sort_key)
    if instructors:
        names = ", ".join(person.full_name for person in instructors)
        lines.append(_("Giảng viên: %(names)s") % {"names": names})
    if session.meeting_url:
        lines.append(_("Phòng học trực tuyến: %(url)s") % {"url": session.meeting_url})
    return "\n".join(lines)
