"""Pure rules of the course, with no ORM: attendance rate and risk (eligibility will join them).

Numbers are Decimals (a late arrival may be credited a fraction of a session's periods) and every
comparison with a threshold is exact: a participant at 79,996 % has not reached 80 %, whatever
the display rounds to.
"""

from __future__ import annotations

import enum
from decimal import ROUND_DOWN, Decimal

from lms.text import format_decimal

HUNDRED = Decimal(100)
RATE_QUANTUM = Decimal("0.01")


def _dec(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def attendance_rate(attended, scheduled) -> Decimal:
    """Attended periods as a percentage of the scheduled ones, rounded down to 0.01.

    Rounded down so that a rate shown as 80 % is never below 80 % in fact. 0 when nothing is
    scheduled (a cohort without a timetable has no rate to speak of, and never "passes").
    """
    scheduled = _dec(scheduled)
    if scheduled <= 0:
        return Decimal("0.00")
    return (_dec(attended) * HUNDRED / scheduled).quantize(RATE_QUANTUM, rounding=ROUND_DOWN)


def reaches(attended, scheduled, threshold) -> bool:
    """attended / scheduled >= threshold %, exactly (no rounding)."""
    scheduled = _dec(scheduled)
    if scheduled <= 0:
        return False
    return _dec(attended) * HUNDRED >= _dec(threshold) * scheduled


def can_still_reach(attended, scheduled_so_far, remaining, threshold) -> bool:
    """Whether attending every remaining period would still bring the rate to the threshold.

    `scheduled_so_far` are the periods of sessions already held, `remaining` those still to
    come; the denominator is their sum, the whole timetable (never only the sessions held so
    far: that is the mistake that tells people they are fine until it is too late).
    """
    total = _dec(scheduled_so_far) + _dec(remaining)
    return reaches(_dec(attended) + _dec(remaining), total, threshold)


def periods_still_allowed_to_miss(attended, scheduled_so_far, remaining, threshold) -> Decimal:
    """How many of the remaining periods one may still miss and pass (negative: out of reach)."""
    total = _dec(scheduled_so_far) + _dec(remaining)
    needed = _dec(threshold) * total / HUNDRED
    return _dec(attended) + _dec(remaining) - needed


class Risk(enum.StrEnum):
    REACHED = "reached"  # the threshold is met even if every remaining period is missed
    ON_TRACK = "on_track"  # the rate over the sessions held so far meets the threshold
    AT_RISK = "at_risk"  # behind so far, but still reachable
    OUT_OF_REACH = "out_of_reach"  # even full attendance from now on is not enough


def attendance_risk(attended, scheduled_so_far, remaining, threshold) -> Risk:
    total = _dec(scheduled_so_far) + _dec(remaining)
    if reaches(attended, total, threshold):
        return Risk.REACHED
    if not can_still_reach(attended, scheduled_so_far, remaining, threshold):
        return Risk.OUT_OF_REACH
    if _dec(scheduled_so_far) > 0 and reaches(attended, scheduled_so_far, threshold):
        return Risk.ON_TRACK
    if _dec(scheduled_so_far) == 0:
        return Risk.ON_TRACK
    return Risk.AT_RISK


def credited_periods(status: str, periods: int, late_credit_percent: int = 100) -> Decimal:
    """Periods a session credits: all for present, late_credit_percent % for late, 0 otherwise."""
    if status == "present":
        return Decimal(periods)
    if status == "late":
        return Decimal(periods) * Decimal(late_credit_percent) / HUNDRED
    return Decimal(0)


def format_rate(rate) -> str:
    """A rate the Vietnamese way, one decimal at most: "82,5 %", "80 %"."""
    text = format_decimal(_dec(rate).quantize(Decimal("0.1"), rounding=ROUND_DOWN), 1)
    if text.endswith(",0"):
        text = text[:-2]
    return f"{text} %"
