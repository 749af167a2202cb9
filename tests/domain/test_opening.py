"""Opening days and hours: closed for what it is, open only within the hours."""

from __future__ import annotations

from datetime import date, time

import pytest

from gateway.domain import (
    DEFAULT_OPENING_HOURS,
    ClosedDay,
    Closure,
    DayClosed,
    OutsideOpeningHours,
    check_open,
    closure_on,
)

SATURDAY_MORNINGS = {**DEFAULT_OPENING_HOURS, 5: (time(8), time(13))}
OWN = {date(2026, 4, 15): "Studiedag"}


@pytest.mark.parametrize(
    ("day", "hours", "expected"),
    [
        (date(2026, 3, 10), DEFAULT_OPENING_HOURS, None),  # Tuesday
        (date(2026, 3, 14), DEFAULT_OPENING_HOURS, (Closure.WEEKDAY, "zaterdag")),
        (date(2026, 3, 15), DEFAULT_OPENING_HOURS, (Closure.WEEKDAY, "zondag")),
        (date(2026, 3, 14), SATURDAY_MORNINGS, None),
        (date(2026, 3, 15), SATURDAY_MORNINGS, (Closure.WEEKDAY, "zondag")),
        (date(2026, 4, 6), DEFAULT_OPENING_HOURS, (Closure.NATIONAL_HOLIDAY, "Tweede paasdag")),
        (date(2026, 4, 15), DEFAULT_OPENING_HOURS, (Closure.ORGANISATION_CLOSING_DAY, "Studiedag")),
        # A holiday on a weekend reads as the holiday.
        (date(2027, 12, 25), DEFAULT_OPENING_HOURS, (Closure.NATIONAL_HOLIDAY, "Eerste kerstdag")),
        (date(2026, 4, 3), DEFAULT_OPENING_HOURS, None),  # Good Friday is an ordinary day
    ],
)
def test_why_a_location_is_closed(
    day: date, hours: dict[int, tuple[time, time]], expected: tuple[Closure, str] | None
) -> None:
    found = closure_on(day, hours, OWN)

    assert found == (None if expected is None else ClosedDay(day, *expected))


@pytest.mark.parametrize(
    ("day", "start", "end", "hours", "refusal"),
    [
        (date(2026, 3, 10), time(7), time(19), DEFAULT_OPENING_HOURS, None),
        (date(2026, 3, 10), time(6, 45), time(12), DEFAULT_OPENING_HOURS, OutsideOpeningHours),
        (date(2026, 3, 10), time(13), time(19, 15), DEFAULT_OPENING_HOURS, OutsideOpeningHours),
        (date(2026, 3, 15), time(9), time(12), DEFAULT_OPENING_HOURS, DayClosed),  # Sunday
        (date(2026, 3, 14), time(9), time(12), DEFAULT_OPENING_HOURS, DayClosed),  # Saturday
        (date(2026, 3, 14), time(8), time(13), SATURDAY_MORNINGS, None),
        (date(2026, 3, 14), time(8), time(14), SATURDAY_MORNINGS, OutsideOpeningHours),
        (date(2026, 3, 14), time(7, 30), time(12), SATURDAY_MORNINGS, OutsideOpeningHours),
        (date(2026, 4, 15), time(9), time(12), DEFAULT_OPENING_HOURS, DayClosed),
    ],
)
def test_care_fits_the_opening_hours_or_is_refused(
    day: date,
    start: time,
    end: time,
    hours: dict[int, tuple[time, time]],
    refusal: type[Exception] | None,
) -> None:
    if refusal is None:
        check_open(day, start, end, hours, OWN)
    else:
        with pytest.raises(refusal):
            check_open(day, start, end, hours, OWN)


def test_the_refusal_names_the_hours() -> None:
    with pytest.raises(OutsideOpeningHours) as refused:
        check_open(date(2026, 3, 14), time(8), time(14), SATURDAY_MORNINGS, OWN)

    assert refused.value.message == "On 2026-03-14 the location is open from 08:00 to 13:00."
