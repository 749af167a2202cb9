"""Each organisation's care terms; the defaults are the SPEC's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from gateway.domain.errors import TooCloseToDay


@dataclass(frozen=True)
class SwapPolicy:
    """When absence earns swap hours, for how long, and how many.

    Absence counts as in time when reported strictly before `cutoff_time` (organisation's
    local time) on the calendar day `cutoff_days_before` days ahead of the care day.
    """

    cutoff_days_before: int = 1
    cutoff_time: time = time(9, 0)
    validity_months: int = 12
    # Hours credited per calendar year (of the absent day); None is no cap.
    yearly_cap_hours: Decimal | None = None
    max_balance_hours: Decimal | None = None
    # A credit pays for care from this many days before its absent day on (SPEC: 0, from the
    # absent day; some providers allow swapping with a day in the week before).
    usable_days_before: int = 0
    # Whether one request may be paid partly with swap hours and the rest on invoice: swap
    # hours first, the credits that expire first, the rest invoiced (SPEC: no).
    mixed_payment: bool = False

    def __post_init__(self) -> None:
        if self.cutoff_days_before < 0:
            raise ValueError("cutoff_days_before cannot be negative")
        if self.usable_days_before < 0:
            raise ValueError("usable_days_before cannot be negative")
        if self.cutoff_time.tzinfo is not None:
            raise ValueError("cutoff_time is a wall-clock time in the organisation's zone")
        if self.validity_months < 1:
            raise ValueError("validity_months must be at least 1")
        for cap in (self.yearly_cap_hours, self.max_balance_hours):
            if cap is not None and cap < 0:
                raise ValueError("caps cannot be negative")


@dataclass(frozen=True)
class FlexPolicy:
    """How flex days are booked.

    With `months_ahead=1`, days in month M are requested before the 1st of month M-1
    (before 1 January for February).
    """

    min_booking_hours: Decimal = Decimal(2)
    months_ahead: int = 1

    def __post_init__(self) -> None:
        if self.min_booking_hours <= 0:
            raise ValueError("min_booking_hours must be positive")
        if self.months_ahead < 0:
            raise ValueError("months_ahead cannot be negative")


@dataclass(frozen=True)
class BookingPolicy:
    """How close to the day guardians themselves may still request or cancel an extra or flex
    day; nearer to it only staff can. 0 (SPEC): up to the day itself."""

    guardian_notice_days: int = 0

    def __post_init__(self) -> None:
        if self.guardian_notice_days < 0:
            raise ValueError("guardian_notice_days cannot be negative")


def check_guardian_notice(
    day: date, today: date, policy: BookingPolicy, *, cancelling: bool = False
) -> None:
    """Refuse a guardian's request (or cancellation) of `day` nearer than the notice."""
    if (day - today).days < policy.guardian_notice_days:
        raise TooCloseToDay(day, policy.guardian_notice_days, cancelling)
