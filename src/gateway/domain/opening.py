"""When a location is open: its weekly opening hours, national holidays, own closing days.

No care is offered, requested or booked outside them (SPEC, Agenda). A closed day says why,
so a calendar can grey it out for what it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from types import MappingProxyType

from gateway.domain.closed_days import Language, national_closed_days
from gateway.domain.closed_days import closed_day as holiday_or_closing_day
from gateway.domain.errors import DayClosed, OutsideOpeningHours

OpeningHours = Mapping[int, tuple[time, time]]
"""Weekday (0 = Monday … 6 = Sunday) → (opens, closes); a weekday left out is closed."""

DEFAULT_OPENING_HOURS: OpeningHours = MappingProxyType(
    {weekday: (time(7, 0), time(19, 0)) for weekday in range(5)}
)

WEEKDAY_NAMES: Mapping[Language, tuple[str, ...]] = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


class Closure(StrEnum):
    """Why a location is closed on a day."""

    WEEKDAY = "weekday"  # it does not open on that day of the week (weekends, by default)
    NATIONAL_HOLIDAY = "national_holiday"
    ORGANISATION_CLOSING_DAY = "organisation_closing_day"


@dataclass(frozen=True)
class ClosedDay:
    day: date
    closure: Closure
    name: str  # the holiday or closing day, or the weekday ("zondag")


def closure_on(
    day: date,
    hours: OpeningHours,
    own_closing_days: Mapping[date, str],
    language: Language = "nl",
) -> ClosedDay | None:
    """Why the location is closed on `day`, or None when it opens.

    A holiday names a day before the weekly rhythm does: Christmas on a Saturday reads as
    Christmas, which is what a parent looks for.
    """
    if national_closed_days(day.year).get(day):
        name = holiday_or_closing_day(day, own_closing_days, language)
        assert name is not None
        return ClosedDay(day, Closure.NATIONAL_HOLIDAY, name)
    if day in own_closing_days:
        return ClosedDay(day, Closure.ORGANISATION_CLOSING_DAY, own_closing_days[day])
    if day.weekday() not in hours:
        return ClosedDay(day, Closure.WEEKDAY, WEEKDAY_NAMES[language][day.weekday()])
    return None


def check_open(
    day: date,
    start: time,
    end: time,
    hours: OpeningHours,
    own_closing_days: Mapping[date, str],
) -> None:
    """Refuse care on `day` from `start` to `end` unless the location is open all that time."""
    closed = closure_on(day, hours, own_closing_days)
    if closed is not None:
        raise DayClosed(day, closed.name)
    opens, closes = hours[day.weekday()]
    if start < opens or end > closes:
        raise OutsideOpeningHours(day, opens, closes)


def within_hours(day: date, start: time, end: time, hours: OpeningHours) -> bool:
    """Whether care from `start` to `end` fits the opening hours of `day`'s weekday."""
    times = hours.get(day.weekday())
    return times is not None and times[0] <= start and end <= times[1]
