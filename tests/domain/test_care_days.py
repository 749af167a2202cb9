"""Care days unrolled from weekly schedules, and which days can be reported absent."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from functools import partial

import pytest

from gateway.domain import (
    CareDay,
    CareKind,
    ClosedCareDay,
    DayClosed,
    DayInPast,
    NoCareOnDay,
    PlacementTerms,
    RuleCode,
    RuleViolation,
    care_days,
    care_to_cancel,
    closed_care_days,
    closed_day,
)

STUDY_DAY = date(2026, 4, 8)  # a Wednesday
CLOSED = partial(closed_day, own_closing_days={STUDY_DAY: "Studiedag"}, language="en")

# Mondays and Wednesdays in group 10, ending 30 April 2026; from May on Thursdays in group 20.
BUTTERFLIES = PlacementTerms(
    placement_id=1,
    group_id=10,
    start_date=date(2026, 1, 1),
    end_date=date(2026, 4, 30),
    schedule={0: (time(7, 30), time(18, 0)), 2: (time(8, 0), time(13, 0))},
    care_type="daycare",
)
OWLS = PlacementTerms(
    placement_id=2,
    group_id=20,
    start_date=date(2026, 5, 1),
    end_date=None,
    schedule={3: (time(8, 0), time(18, 0))},
    care_type="daycare",
)


def _day(day: date, start: time, end: time, hours: str, placement: PlacementTerms) -> CareDay:
    return CareDay(day, start, end, Decimal(hours), placement.group_id, placement.placement_id)


def test_care_days_follow_the_schedule_and_skip_closed_days() -> None:
    # Easter Monday 6 April and the study day 8 April are closed.
    assert care_days([BUTTERFLIES], date(2026, 3, 30), date(2026, 4, 15), CLOSED) == [
        _day(date(2026, 3, 30), time(7, 30), time(18, 0), "10.5", BUTTERFLIES),
        _day(date(2026, 4, 1), time(8, 0), time(13, 0), "5", BUTTERFLIES),
        _day(date(2026, 4, 13), time(7, 30), time(18, 0), "10.5", BUTTERFLIES),
        _day(date(2026, 4, 15), time(8, 0), time(13, 0), "5", BUTTERFLIES),
    ]


def test_closed_scheduled_days_are_reported_with_their_name() -> None:
    assert closed_care_days([BUTTERFLIES], date(2026, 3, 30), date(2026, 4, 15), CLOSED) == [
        ClosedCareDay(date(2026, 4, 6), time(7, 30), time(18, 0), 10, 1, "Easter Monday"),
        ClosedCareDay(STUDY_DAY, time(8, 0), time(13, 0), 10, 1, "Studiedag"),
    ]


def test_placements_count_only_between_their_start_and_end_dates() -> None:
    # Monday 27 April is King's Day; Wednesday 29 April is the last day in the old group.
    assert care_days([OWLS, BUTTERFLIES], date(2026, 4, 27), date(2026, 5, 8), CLOSED) == [
        _day(date(2026, 4, 29), time(8, 0), time(13, 0), "5", BUTTERFLIES),
        _day(date(2026, 5, 7), time(8, 0), time(18, 0), "10", OWLS),
    ]


def test_a_range_before_the_placement_has_no_days() -> None:
    assert care_days([OWLS], date(2026, 4, 1), date(2026, 4, 30), CLOSED) == []


def test_care_days_are_regular() -> None:
    (day,) = care_days([OWLS], date(2026, 5, 7), date(2026, 5, 7), CLOSED)
    assert day.kind is CareKind.REGULAR


@pytest.mark.parametrize(
    ("schedule", "end_date"),
    [
        ({7: (time(8, 0), time(18, 0))}, None),
        ({0: (time(18, 0), time(8, 0))}, None),
        ({0: (time(8, 0), time(8, 0))}, None),
        ({0: (time(8, 0), time(18, 0))}, date(2025, 12, 31)),
    ],
)
def test_malformed_placements_are_refused(
    schedule: dict[int, tuple[time, time]], end_date: date | None
) -> None:
    with pytest.raises(ValueError, match="placement 9"):
        PlacementTerms(9, 10, date(2026, 1, 1), end_date, schedule, "daycare")


def test_absence_cancels_the_care_of_that_day() -> None:
    assert care_to_cancel(date(2026, 4, 13), date(2026, 4, 10), [BUTTERFLIES], CLOSED) == [
        _day(date(2026, 4, 13), time(7, 30), time(18, 0), "10.5", BUTTERFLIES),
    ]


def test_absence_today_is_allowed() -> None:
    assert care_to_cancel(date(2026, 4, 13), date(2026, 4, 13), [BUTTERFLIES], CLOSED) == [
        _day(date(2026, 4, 13), time(7, 30), time(18, 0), "10.5", BUTTERFLIES),
    ]


@pytest.mark.parametrize(
    ("day", "error", "code", "message"),
    [
        (
            date(2026, 4, 1),
            DayInPast,
            RuleCode.DAY_IN_PAST,
            "2026-04-01 has already passed.",
        ),
        (
            date(2026, 4, 6),
            DayClosed,
            RuleCode.DAY_CLOSED,
            "The location is closed on 2026-04-06 (Easter Monday).",
        ),
        (
            STUDY_DAY,
            DayClosed,
            RuleCode.DAY_CLOSED,
            "The location is closed on 2026-04-08 (Studiedag).",
        ),
        (
            date(2026, 4, 14),
            NoCareOnDay,
            RuleCode.NO_CARE_ON_DAY,
            "There is no care scheduled on 2026-04-14.",
        ),
        (
            date(2026, 5, 4),  # a Monday after the placement ended
            NoCareOnDay,
            RuleCode.NO_CARE_ON_DAY,
            "There is no care scheduled on 2026-05-04.",
        ),
    ],
)
def test_absence_is_refused_on_days_without_care(
    day: date, error: type[RuleViolation], code: RuleCode, message: str
) -> None:
    with pytest.raises(error) as raised:
        care_to_cancel(day, date(2026, 4, 2), [BUTTERFLIES], CLOSED)
    assert raised.value.code == code
    assert raised.value.message == message
