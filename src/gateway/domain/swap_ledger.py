"""Swap hours (ruil- en inhaaluren): credits earned by absence, held and spent by requests.

The ledger is a list of credits, one per absence that earned hours. A request paid with swap
hours holds parts of credits (allocations); approval spends them, rejection, expiry or
cancellation releases them back. Credit past its last valid day simply stops counting.

`Credit.remaining` is the stored truth that the services decrement with a conditional UPDATE
(`remaining >= hours`), so two concurrent holds cannot both take the same hours: the rules here
plan, the database arbitrates.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from enum import StrEnum

from gateway.domain.errors import (
    InsufficientSwapHours,
    InvalidTransition,
    SwapHoursExpired,
    SwapHoursNotYetValid,
)
from gateway.domain.policy import SwapPolicy

_ZERO = Decimal(0)


@dataclass(frozen=True)
class Credit:
    """Hours credited for one absence.

    Pays for care from `usable_from` (by default `earned_on`, the absent day; see
    `SwapPolicy.usable_days_before`) through `valid_until`, both inclusive: spending on the
    day after `valid_until` is refused.
    """

    id: int
    child_id: int
    hours: Decimal
    earned_on: date
    valid_until: date
    remaining: Decimal
    usable_from: date | None = None

    @property
    def first_usable_day(self) -> date:
        return self.earned_on if self.usable_from is None else self.usable_from

    def valid_on(self, day: date) -> bool:
        return self.first_usable_day <= day <= self.valid_until


class AllocationStatus(StrEnum):
    HELD = "held"
    SPENT = "spent"
    RELEASED = "released"


@dataclass(frozen=True)
class Allocation:
    """Hours of one credit set aside for one request."""

    credit_id: int
    hours: Decimal
    status: AllocationStatus = AllocationStatus.HELD


def usable_from(earned_on: date, policy: SwapPolicy) -> date:
    """The first day a credit earned on `earned_on` can pay for care."""
    return earned_on - timedelta(days=policy.usable_days_before)


@dataclass(frozen=True)
class BalanceSplit:
    """A child's swap hours as a parent reads them on a day (held hours are counted apart)."""

    usable: Decimal  # can pay for care on the day
    not_yet_valid: Decimal  # credit of an absence still to come, usable from a later day


def split_balance(credits: Sequence[Credit], today: date) -> BalanceSplit:
    """What of the unexpired, unheld credit pays for care today, and what only later."""
    live = [c for c in credits if c.remaining > 0 and c.valid_until >= today]
    return BalanceSplit(
        usable=sum((c.remaining for c in live if c.valid_on(today)), _ZERO),
        not_yet_valid=sum((c.remaining for c in live if c.first_usable_day > today), _ZERO),
    )


def cutoff_moment(day: date, tz: tzinfo, policy: SwapPolicy) -> datetime:
    """The first instant at which absence on `day` is too late to earn swap hours."""
    # combine() with a zoneinfo tz resolves the offset of that calendar date, so the cut-off
    # stays at 09:00 local on both sides of a daylight-saving change.
    return datetime.combine(
        day - timedelta(days=policy.cutoff_days_before), policy.cutoff_time, tzinfo=tz
    )


def valid_until(
    earned_on: date, policy: SwapPolicy, last_placement_end: date | None = None
) -> date:
    """The last day (inclusive) a credit earned on `earned_on` can be spent.

    `validity_months` after the absent day, exclusive: absent on 10 March, valid through 9 March
    a year later. When that day does not exist (31 January + 1 month) the window ends with the
    shorter month. Credit ends with the child's last placement, so the day is clipped to it.
    """
    index = earned_on.year * 12 + earned_on.month - 1 + policy.validity_months
    year, month = divmod(index, 12)
    month += 1
    month_length = calendar.monthrange(year, month)[1]
    if earned_on.day > month_length:
        last = date(year, month, month_length)
    else:
        last = date(year, month, earned_on.day) - timedelta(days=1)
    if last_placement_end is not None:
        last = min(last, last_placement_end)
    return last


def credit_for_absence(
    day: date,
    hours: Decimal,
    *,
    reported_at: datetime,
    tz: tzinfo,
    policy: SwapPolicy,
    day_closed: bool,
    credited_this_year: Decimal,
    balance: Decimal,
    last_placement_end: date | None,
) -> Decimal:
    """Swap hours earned by cancelling `hours` of care on `day`; zero when none are due.

    `credited_this_year` is what the child was credited for absent days in `day`'s calendar
    year (see `credited_in_year`); `balance` its balance when reporting (see `balance`).
    """
    if reported_at.utcoffset() is None:
        raise ValueError("reported_at must be timezone-aware")
    if hours < 0:
        raise ValueError("hours cannot be negative")
    if day_closed:
        return _ZERO
    if last_placement_end is not None and day > last_placement_end:
        return _ZERO
    if reported_at >= cutoff_moment(day, tz, policy):
        return _ZERO
    credit = hours
    if policy.yearly_cap_hours is not None:
        credit = min(credit, policy.yearly_cap_hours - credited_this_year)
    if policy.max_balance_hours is not None:
        credit = min(credit, policy.max_balance_hours - balance)
    return max(credit, _ZERO)


def credited_in_year(credits: Sequence[Credit], year: int) -> Decimal:
    """Hours credited for absent days in calendar `year`, spent or not: what a yearly cap counts."""
    return sum((c.hours for c in credits if c.earned_on.year == year), _ZERO)


def balance(credits: Sequence[Credit], on_day: date) -> Decimal:
    """Hours that can be spent on care on `on_day`."""
    return sum((c.remaining for c in credits if c.valid_on(on_day)), _ZERO)


def plan_hold(
    credits: Sequence[Credit], hours: Decimal, on_day: date, *, partial: bool = False
) -> list[Allocation]:
    """Which credits pay `hours` of care on `on_day`: the ones that expire first.

    All or nothing, as a request is never paid partly with swap hours (SPEC) — unless
    `partial` (`SwapPolicy.mixed_payment`): then as much as the usable credits cover, possibly
    nothing, and the caller invoices the rest. All or nothing raises, when the usable hours do
    not cover it, `SwapHoursNotYetValid` if credit still to become usable would,
    `SwapHoursExpired` if credit expired by `on_day` would, else `InsufficientSwapHours`.
    """
    if hours <= 0:
        raise ValueError("hours must be positive")
    if len({c.child_id for c in credits}) > 1:
        raise ValueError("credits of more than one child")
    usable = sorted(
        (c for c in credits if c.remaining > 0 and c.valid_on(on_day)),
        key=lambda c: (c.valid_until, c.earned_on, c.id),
    )
    available = sum((c.remaining for c in usable), _ZERO)
    if available < hours and not partial:
        later = sum(
            (c.remaining for c in credits if c.remaining > 0 and c.first_usable_day > on_day),
            _ZERO,
        )
        if later > 0 and available + later >= hours:
            raise SwapHoursNotYetValid(hours, available, on_day)
        if sum((c.remaining for c in credits if c.remaining > 0), _ZERO) >= hours:
            raise SwapHoursExpired(hours, available, on_day)
        raise InsufficientSwapHours(hours, available)
    allocations: list[Allocation] = []
    needed = hours
    for credit in usable:
        if needed == 0:
            break
        take = min(credit.remaining, needed)
        allocations.append(Allocation(credit_id=credit.id, hours=take))
        needed -= take
    return allocations


def spend(allocation: Allocation) -> Allocation:
    """The request was approved: held hours are used up."""
    return _move(allocation, AllocationStatus.SPENT)


def release(allocation: Allocation) -> Allocation:
    """The request was rejected, expired or cancelled: the hours go back to their credit."""
    return _move(allocation, AllocationStatus.RELEASED)


def _move(allocation: Allocation, target: AllocationStatus) -> Allocation:
    if allocation.status is not AllocationStatus.HELD:
        raise InvalidTransition(allocation.status, target)
    return replace(allocation, status=target)
