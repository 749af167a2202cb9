"""Flex care: booking days one by one out of a yearly pot of hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from gateway.domain.errors import FlexPotExhausted, FlexTooLate, FlexTooShort
from gateway.domain.hours import exact_hours, hours_between
from gateway.domain.policy import FlexPolicy

_DEFAULT_POLICY = FlexPolicy()
_CENT = Decimal("0.01")


def flex_deadline(day: date, policy: FlexPolicy = _DEFAULT_POLICY) -> date:
    """The date from which it is too late to request flex care on `day` (exclusive).

    The 1st of the month `months_ahead` before `day`'s month: a day in March must be requested
    before 1 February, so on 31 January at the latest.
    """
    index = day.year * 12 + day.month - 1 - policy.months_ahead
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def check_flex_booking(
    day: date,
    start: time,
    end: time,
    requested_on: date,
    policy: FlexPolicy,
    pot_remaining: Decimal,
) -> Decimal:
    """Refuse a flex booking that breaks the rules; returns the hours it takes from the pot.

    `requested_on` is the request's date in the organisation's time zone: a request at 00:30 on
    1 February in Amsterdam is 23:30 on 31 January in UTC and still too late for March.
    """
    deadline = flex_deadline(day, policy)
    if requested_on >= deadline:
        raise FlexTooLate(day, deadline)
    duration = exact_hours(start, end)
    if duration < policy.min_booking_hours:
        raise FlexTooShort(duration.quantize(_CENT), policy.min_booking_hours)
    hours = hours_between(start, end)
    if hours > pot_remaining:
        raise FlexPotExhausted(hours, pot_remaining)
    return hours


@dataclass(frozen=True)
class FlexPot:
    """A flex contract's pot for one calendar year, as the parent and the planner read it.

    Approved hours are owed; pending ones are reserved, so that two requests cannot promise
    the same hours; what is left can still be requested.
    """

    year: int
    total: Decimal
    approved: Decimal
    pending: Decimal

    @property
    def left(self) -> Decimal:
        # A pot lowered after bookings were made can be overdrawn; nothing is left then.
        return max(self.total - self.approved - self.pending, Decimal(0))
