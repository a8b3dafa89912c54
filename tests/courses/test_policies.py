"""Pure attendance rules: rate, reach, risk, credits and the Vietnamese display (no database)."""

from decimal import Decimal

import pytest

from courses import policies


@pytest.mark.parametrize(
    ("missed", "rate", "display", "passes"),
    [
        (28, Decimal("82.50"), "82,5 %", True),
        (32, Decimal("80.00"), "80 %", True),
        (36, Decimal("77.50"), "77,5 %", False),
    ],
)
def test_rate_of_160_periods(missed, rate, display, passes):
    assert policies.attendance_rate(160 - missed, 160) == rate
    assert policies.format_rate(policies.attendance_rate(160 - missed, 160)) == display
    assert policies.reaches(160 - missed, 160, 80) is passes


def test_rate_rounds_down_and_nothing_scheduled_is_zero():
    assert policies.attendance_rate(Decimal("127.99"), 160) == Decimal("79.99")
    assert not policies.reaches(Decimal("127.99"), 160, 80)
    assert policies.attendance_rate(0, 0) == Decimal("0.00")


def test_can_still_reach_counts_the_whole_timetable():
    # 60 periods held, 40 attended, 100 to come: 140 / 160 = 87,5 % still possible.
    assert policies.can_still_reach(40, 60, 100, 80)
    # 60 held, 20 attended: at best 120 / 160 = 75 %.
    assert not policies.can_still_reach(20, 60, 100, 80)
    assert policies.periods_still_allowed_to_miss(40, 60, 100, 80) == Decimal(12)


def test_risk():
    assert policies.attendance_risk(130, 150, 10, 80) is policies.Risk.REACHED
    assert policies.attendance_risk(50, 60, 100, 80) is policies.Risk.ON_TRACK
    assert policies.attendance_risk(40, 60, 100, 80) is policies.Risk.AT_RISK
    assert policies.attendance_risk(20, 60, 100, 80) is policies.Risk.OUT_OF_REACH


def test_credits():
    assert policies.credited_periods("present", 4) == 4
    assert policies.credited_periods("late", 5, 50) == Decimal("2.5")
    assert policies.credited_periods("excused", 4) == 0
    assert policies.credited_periods("absent", 4) == 0
