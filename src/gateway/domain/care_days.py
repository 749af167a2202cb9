"""A child's care days, unrolled from its placements' weekly schedules."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from enum import StrEnum

from gateway.domain.errors import DayClosed, DayInPast, NoCareOnDay
from gateway.domain.hours import hours_between

WeeklySchedule = Mapping[int, tuple[time, time]]
"""Weekday (0 = Monday … 6 = Sunday) → (start, end) of care, wall-clock times."""

ClosedDays = Callable[[date], str | None]
"""The name of the closing day or holiday on a date, None when open; see `closed_day`."""


class CareKind(StrEnum):
    REGULAR = "regular"


@dataclass(frozen=True)
class PlacementTerms:
    """What a placement (contract) says about when the child comes."""

    placement_id: int
    group_id: int
    start_date: date
    end_date: date | None  # last day of care, inclusive; None while open-ended
    schedule: WeeklySchedule
    care_type: str  # a `CareType` value; the rules here do not depend on it

    def __post_init__(self) -> None:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError(f"placement {self.placement_id} ends before it starts")
        for weekday, (start, end) in self.schedule.items():
            if not 0 <= weekday <= 6:
                raise ValueError(f"placement {self.placement_id}: no weekday {weekday}")
            if end <= start:
                raise ValueError(f"placement {self.placement_id}: day {weekday} ends before start")


@dataclass(frozen=True)
class CareDay:
    day: date
    start: time
    end: time
    hours: Decimal
    group_id: int
    placement_id: int
    kind: CareKind = CareKind.REGULAR


@dataclass(frozen=True)
class ClosedCareDay:
    """A scheduled day on which there is no care because the location is closed."""

    day: date
    start: time
    end: time
    group_id: int
    placement_id: int
    name: str


def _scheduled(
    placements: Sequence[PlacementTerms], start: date, end: date
) -> Iterator[tuple[date, PlacementTerms, time, time]]:
    for placement in placements:
        first = max(start, placement.start_date)
        last = end if placement.end_date is None else min(end, placement.end_date)
        for offset in range((last - first).days + 1):
            day = first + timedelta(days=offset)
            times = placement.schedule.get(day.weekday())
            if times is not None:
                yield day, placement, times[0], times[1]


def care_days(
    placements: Sequence[PlacementTerms], start: date, end: date, closed: ClosedDays
) -> list[CareDay]:
    """Scheduled care from `start` to `end` (both inclusive), closed days left out.

    Sorted by day, then start time. `closed_care_days` lists the days left out.
    """
    days = [
        CareDay(
            day=day,
            start=begin,
            end=finish,
            hours=hours_between(begin, finish),
            group_id=placement.group_id,
            placement_id=placement.placement_id,
        )
        for day, placement, begin, finish in _scheduled(placements, start, end)
        if closed(day) is None
    ]
    return sorted(days, key=lambda d: (d.day, d.start, d.placement_id))


def closed_care_days(
    placements: Sequence[PlacementTerms], start: date, end: date, closed: ClosedDays
) -> list[ClosedCareDay]:
    """The scheduled days from `start` to `end` (inclusive) that fall on a closed day."""
    days = [
        ClosedCareDay(
            day=day,
            start=begin,
            end=finish,
            group_id=placement.group_id,
            placement_id=placement.placement_id,
            name=name,
        )
        for day, placement, begin, finish in _scheduled(placements, start, end)
        if (name := closed(day)) is not None
    ]
    return sorted(days, key=lambda d: (d.day, d.start, d.placement_id))


def care_to_cancel(
    day: date, today: date, placements: Sequence[PlacementTerms], closed: ClosedDays
) -> list[CareDay]:
    """The care an absence on `day` cancels; refuses days that cannot be reported absent.

    Today is still allowed: it is reported late and earns no swap hours, but staff need to know.
    """
    if day < today:
        raise DayInPast(day)
    name = closed(day)
    if name is not None:
        raise DayClosed(day, name)
    cancelled = care_days(placements, day, day, closed)
    if not cancelled:
        raise NoCareOnDay(day)
    return cancelled
