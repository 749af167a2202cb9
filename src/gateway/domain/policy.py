"""Each organisation's care terms; the defaults are the SPEC's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal


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

    def __post_init__(self) -> None:
        if self.cutoff_days_before < 0:
            raise ValueError("cutoff_days_before cannot be negative")
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
