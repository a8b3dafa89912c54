"""Pure rules of the course, with no ORM: attendance rate and risk, certificate eligibility.

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


def _periods(value) -> str:
    return format_decimal(_dec(value), 1).removesuffix(",0")


def certificate_refusals(
    *,
    enrollment_ok: bool,
    enrollment_problem: str,
    attended,
    held,
    scheduled,
    threshold,
    report_submitted: bool,
    report_graded: bool,
    report_score,
    pass_mark,
    field_required: bool,
    field_attended,
    field_scheduled,
) -> list[str]:
    """Why a participant may not (yet) receive the certificate, in words; empty when eligible.

    The conditions of curriculum.md: an approved enrollment, attended periods at least the
    threshold of the whole timetable, the final report graded at least the pass mark, and —
    when the cohort requires it — every field-study period attended. Each unmet condition
    gives one sentence a member of staff can read out to the participant.
    """
    from django.utils.translation import gettext as _

    reasons = []
    if not enrollment_ok:
        reasons.append(enrollment_problem)
    attended, held, scheduled = _dec(attended), _dec(held), _dec(scheduled)
    if scheduled <= 0:
        reasons.append(_("lớp chưa có thời khóa biểu"))
    elif not reaches(attended, scheduled, threshold):
        remaining = scheduled - held
        if remaining > 0 and can_still_reach(attended, held, remaining, threshold):
            reasons.append(
                _(
                    "mới dự %(attended)s/%(scheduled)s tiết (%(rate)s), còn %(remaining)s tiết "
                    "chưa diễn ra — cần %(threshold)s"
                )
                % {
                    "attended": _periods(attended),
                    "scheduled": _periods(scheduled),
                    "rate": format_rate(attendance_rate(attended, scheduled)),
                    "remaining": _periods(remaining),
                    "threshold": format_rate(threshold),
                }
            )
        elif remaining > 0:
            missed = held - attended
            reasons.append(
                _(
                    "đã vắng %(missed)s/%(held)s tiết đã học — dù dự đủ %(remaining)s tiết còn "
                    "lại cũng không đạt %(threshold)s"
                )
                % {
                    "missed": _periods(missed),
                    "held": _periods(held),
                    "remaining": _periods(remaining),
                    "threshold": format_rate(threshold),
                }
            )
        else:
            missed = scheduled - attended
            reasons.append(
                _("vắng %(missed)s/%(scheduled)s tiết (%(rate)s) — vượt mức %(limit)s")
                % {
                    "missed": _periods(missed),
                    "scheduled": _periods(scheduled),
                    "rate": format_rate_exact(missed * HUNDRED / scheduled),
                    "limit": format_rate(HUNDRED - _dec(threshold)),
                }
            )
    if not report_submitted:
        reasons.append(_("chưa nộp báo cáo thu hoạch"))
    elif not report_graded:
        reasons.append(_("báo cáo thu hoạch chưa được chấm"))
    elif _dec(report_score) < _dec(pass_mark):
        reasons.append(
            _("báo cáo thu hoạch đạt %(score)s điểm — dưới mức %(pass_mark)s")
            % {
                "score": format_decimal(report_score, 1),
                "pass_mark": format_decimal(pass_mark, 1),
            }
        )
    if field_required:
        field_attended, field_scheduled = _dec(field_attended), _dec(field_scheduled)
        if field_scheduled <= 0:
            reasons.append(_("lớp chưa xếp lịch nghiên cứu thực tế"))
        elif field_attended < field_scheduled:
            reasons.append(
                _("chưa tham gia đủ nghiên cứu thực tế (%(attended)s/%(scheduled)s tiết)")
                % {
                    "attended": _periods(field_attended),
                    "scheduled": _periods(field_scheduled),
                }
            )
    return reasons


def format_rate_exact(rate) -> str:
    """A share to one decimal, rounded half up (22,5 %); for amounts over a limit, where
    rounding down would understate them."""
    text = format_decimal(_dec(rate), 1)
    if text.endswith(",0"):
        text = text[:-2]
    return f"{text} %"


# --- Near or past the absence limit (the school's daily "at risk" summary) ---------------------

# "Near" the limit: at most this share of the periods one may miss is left to miss. A quarter of
# the default 32 periods (20 % of 160) is 8 periods — two sessions of four — early enough for the
# school to call the participant, late enough not to cry wolf after one absence.
NEAR_LIMIT_SHARE = Decimal("0.25")


def absence_limit(scheduled, threshold) -> Decimal:
    """Periods one may miss over the whole timetable and still reach the threshold (32 of 160
    at 80 %)."""
    scheduled = _dec(scheduled)
    return scheduled - _dec(threshold) * scheduled / HUNDRED


class AbsenceLevel(enum.StrEnum):
    PAST = "past"  # missed more than the limit: the threshold is out of reach
    NEAR = "near"  # still reachable, but little is left to miss
    CLEAR = "clear"


def absence_level(
    *, allowed_to_miss, limit, missed, risk: Risk, near_share=NEAR_LIMIT_SHARE
) -> AbsenceLevel:
    """Where a participant stands against the absence limit.

    `allowed_to_miss` is periods_still_allowed_to_miss (limit minus what was missed), `missed`
    the periods of sessions held so far that were not credited. Past = the threshold is out of
    reach (the same as Risk.OUT_OF_REACH). Near = something was missed, the threshold is not yet
    reached whatever happens, and at most `near_share` of the limit is left to miss (with a limit
    of 0, any absence is past, and no one is "near" for having missed nothing)."""
    allowed, limit = _dec(allowed_to_miss), _dec(limit)
    if allowed < 0 or risk == Risk.OUT_OF_REACH:
        return AbsenceLevel.PAST
    if risk != Risk.REACHED and _dec(missed) > 0 and allowed <= _dec(near_share) * limit:
        return AbsenceLevel.NEAR
    return AbsenceLevel.CLEAR
