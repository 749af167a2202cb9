"""Flex care: request a month ahead, at least two hours, within the pot."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from gateway.domain import (
    FlexPolicy,
    FlexPotExhausted,
    FlexTooLate,
    FlexTooShort,
    RuleCode,
    check_flex_booking,
    flex_deadline,
)

DEFAULT = FlexPolicy()
MARCH_DAY = date(2026, 3, 16)
POT = Decimal(100)


def test_default_policy_is_the_spec() -> None:
    assert FlexPolicy(min_booking_hours=Decimal(2), months_ahead=1) == DEFAULT


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 1), date(2026, 1, 1)),
        (date(2026, 2, 28), date(2026, 1, 1)),
        (date(2026, 3, 1), date(2026, 2, 1)),
        (date(2026, 3, 31), date(2026, 2, 1)),
        (date(2026, 1, 15), date(2025, 12, 1)),
        (date(2026, 12, 24), date(2026, 11, 1)),
    ],
)
def test_flex_deadline_is_the_first_of_the_previous_month(day: date, expected: date) -> None:
    assert flex_deadline(day) == expected


@pytest.mark.parametrize(
    ("months_ahead", "expected"),
    [(0, date(2026, 3, 1)), (2, date(2026, 1, 1)), (3, date(2025, 12, 1))],
)
def test_flex_deadline_follows_the_policy(months_ahead: int, expected: date) -> None:
    assert flex_deadline(MARCH_DAY, FlexPolicy(months_ahead=months_ahead)) == expected


@pytest.mark.parametrize(
    ("start", "end", "requested_on", "hours"),
    [
        (time(8, 0), time(10, 0), date(2026, 1, 31), Decimal(2)),
        (time(8, 0), time(18, 0), date(2025, 11, 3), Decimal(10)),
        (time(13, 15), time(17, 30), date(2026, 1, 31), Decimal("4.25")),
    ],
)
def test_a_booking_in_time_returns_the_hours_it_takes(
    start: time, end: time, requested_on: date, hours: Decimal
) -> None:
    assert check_flex_booking(MARCH_DAY, start, end, requested_on, DEFAULT, POT) == hours


@pytest.mark.parametrize("requested_on", [date(2026, 2, 1), date(2026, 2, 20), date(2026, 3, 17)])
def test_flex_for_march_requested_from_1_february_is_too_late(requested_on: date) -> None:
    with pytest.raises(FlexTooLate) as raised:
        check_flex_booking(MARCH_DAY, time(8, 0), time(12, 0), requested_on, DEFAULT, POT)
    assert raised.value.code == RuleCode.FLEX_TOO_LATE
    assert raised.value.deadline == date(2026, 2, 1)
    assert raised.value.message == "Flex care on 2026-03-16 must be requested before 2026-02-01."


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (time(8, 0), time(9, 30), Decimal("1.5")),
        (time(8, 0), time(9, 53), Decimal("1.88")),  # would round to 2 quarter hours
        (time(8, 0), time(8, 0), Decimal(0)),
        (time(10, 0), time(8, 0), Decimal(0)),
    ],
)
def test_a_booking_shorter_than_two_hours_is_refused(
    start: time, end: time, hours: Decimal
) -> None:
    with pytest.raises(FlexTooShort) as raised:
        check_flex_booking(MARCH_DAY, start, end, date(2026, 1, 10), DEFAULT, POT)
    assert raised.value.code == RuleCode.FLEX_TOO_SHORT
    assert (raised.value.hours, raised.value.minimum) == (hours, Decimal(2))


def test_the_error_says_how_short() -> None:
    with pytest.raises(FlexTooShort, match=r"^A flex booking is at least 2 consecutive hours, "):
        check_flex_booking(MARCH_DAY, time(8, 0), time(9, 30), date(2026, 1, 10), DEFAULT, POT)


def test_a_policy_with_a_longer_minimum() -> None:
    policy = FlexPolicy(min_booking_hours=Decimal(4))
    with pytest.raises(FlexTooShort):
        check_flex_booking(MARCH_DAY, time(8, 0), time(11, 45), date(2026, 1, 10), policy, POT)


@pytest.mark.parametrize("pot_remaining", ["100", "4"])
def test_a_pot_holding_the_hours_pays(pot_remaining: str) -> None:
    hours = check_flex_booking(
        MARCH_DAY, time(8, 0), time(12, 0), date(2026, 1, 10), DEFAULT, Decimal(pot_remaining)
    )
    assert hours == Decimal(4)


@pytest.mark.parametrize("pot_remaining", ["3.75", "0"])
def test_a_pot_short_of_the_hours_is_refused(pot_remaining: str) -> None:
    with pytest.raises(FlexPotExhausted) as raised:
        check_flex_booking(
            MARCH_DAY, time(8, 0), time(12, 0), date(2026, 1, 10), DEFAULT, Decimal(pot_remaining)
        )
    assert raised.value.code == RuleCode.FLEX_POT_EXHAUSTED
    assert (raised.value.needed, raised.value.remaining) == (Decimal(4), Decimal(pot_remaining))


def test_lateness_is_reported_before_length_and_pot() -> None:
    with pytest.raises(FlexTooLate):
        check_flex_booking(MARCH_DAY, time(8, 0), time(9, 0), date(2026, 2, 1), DEFAULT, Decimal(0))
