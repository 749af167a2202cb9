"""Why a care rule refused something: a stable `code` for clients and a message for people."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from enum import Enum, StrEnum

from gateway.domain.hours import format_hours


class RuleCode(StrEnum):
    """Every reason a rule in `gateway.domain` can refuse; the resolvers expose them as an enum."""

    DAY_CLOSED = "DAY_CLOSED"
    NO_CARE_ON_DAY = "NO_CARE_ON_DAY"
    DAY_IN_PAST = "DAY_IN_PAST"
    INSUFFICIENT_SWAP_HOURS = "INSUFFICIENT_SWAP_HOURS"
    SWAP_HOURS_EXPIRED = "SWAP_HOURS_EXPIRED"
    FLEX_TOO_LATE = "FLEX_TOO_LATE"
    FLEX_TOO_SHORT = "FLEX_TOO_SHORT"
    FLEX_POT_EXHAUSTED = "FLEX_POT_EXHAUSTED"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    OUTSIDE_OPENING_HOURS = "OUTSIDE_OPENING_HOURS"
    SWAP_HOURS_NOT_YET_VALID = "SWAP_HOURS_NOT_YET_VALID"
    TOO_CLOSE_TO_DAY = "TOO_CLOSE_TO_DAY"


class RuleViolation(Exception):
    """A request that the care rules refuse; an expected outcome, not a bug."""

    code: RuleCode

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DayClosed(RuleViolation):
    code = RuleCode.DAY_CLOSED

    def __init__(self, day: date, name: str) -> None:
        super().__init__(f"The location is closed on {day.isoformat()} ({name}).")
        self.day = day
        self.name = name


class OutsideOpeningHours(RuleViolation):
    code = RuleCode.OUTSIDE_OPENING_HOURS

    def __init__(self, day: date, opens: time, closes: time) -> None:
        super().__init__(
            f"On {day.isoformat()} the location is open from {opens:%H:%M} to {closes:%H:%M}."
        )
        self.day = day
        self.opens = opens
        self.closes = closes


class NoCareOnDay(RuleViolation):
    code = RuleCode.NO_CARE_ON_DAY

    def __init__(self, day: date) -> None:
        super().__init__(f"There is no care scheduled on {day.isoformat()}.")
        self.day = day


class DayInPast(RuleViolation):
    code = RuleCode.DAY_IN_PAST

    def __init__(self, day: date) -> None:
        super().__init__(f"{day.isoformat()} has already passed.")
        self.day = day


class InsufficientSwapHours(RuleViolation):
    code = RuleCode.INSUFFICIENT_SWAP_HOURS

    def __init__(self, needed: Decimal, available: Decimal, message: str | None = None) -> None:
        super().__init__(
            message
            or f"{format_hours(needed)} swap hours are needed but only "
            f"{format_hours(available)} are available; choose invoice instead."
        )
        self.needed = needed
        self.available = available


class SwapHoursExpired(InsufficientSwapHours):
    """The balance would cover the hours, but not with credit that is still valid on the day.

    A subclass of `InsufficientSwapHours` so callers that only care whether swap hours can pay
    need one `except`.
    """

    code = RuleCode.SWAP_HOURS_EXPIRED

    def __init__(self, needed: Decimal, available: Decimal, on_day: date) -> None:
        super().__init__(
            needed,
            available,
            f"Your swap hours would cover {format_hours(needed)} hours, but only "
            f"{format_hours(available)} of them are valid on {on_day.isoformat()} (the rest "
            "expired); choose invoice instead.",
        )
        self.on_day = on_day


class SwapHoursNotYetValid(InsufficientSwapHours):
    """The balance would cover the hours, but part of it is credit of an absence still to
    come, which cannot pay for care this long before it."""

    code = RuleCode.SWAP_HOURS_NOT_YET_VALID

    def __init__(self, needed: Decimal, available: Decimal, on_day: date) -> None:
        super().__init__(
            needed,
            available,
            f"{format_hours(needed)} swap hours are needed but only {format_hours(available)} "
            f"can pay for {on_day.isoformat()}: the rest is credit of an absence still to come, "
            "usable from later; choose invoice instead.",
        )
        self.on_day = on_day


class TooCloseToDay(RuleViolation):
    """A guardian asks for, or cancels, a day nearer than the organisation's notice."""

    code = RuleCode.TOO_CLOSE_TO_DAY

    def __init__(self, day: date, notice_days: int, cancelling: bool = False) -> None:
        action = "cancelled" if cancelling else "requested"
        super().__init__(
            f"{day.isoformat()} can be {action} by guardians until {notice_days} days ahead; "
            "ask the location's staff."
        )
        self.day = day
        self.notice_days = notice_days


class FlexTooLate(RuleViolation):
    code = RuleCode.FLEX_TOO_LATE

    def __init__(self, day: date, deadline: date) -> None:
        super().__init__(
            f"Flex care on {day.isoformat()} must be requested before {deadline.isoformat()}."
        )
        self.day = day
        self.deadline = deadline


class FlexTooShort(RuleViolation):
    code = RuleCode.FLEX_TOO_SHORT

    def __init__(self, hours: Decimal, minimum: Decimal) -> None:
        super().__init__(
            f"A flex booking is at least {format_hours(minimum)} consecutive hours, "
            f"not {format_hours(hours)}."
        )
        self.hours = hours
        self.minimum = minimum


class FlexPotExhausted(RuleViolation):
    code = RuleCode.FLEX_POT_EXHAUSTED

    def __init__(self, needed: Decimal, remaining: Decimal) -> None:
        super().__init__(
            f"The flex pot has {format_hours(remaining)} hours left; "
            f"this booking needs {format_hours(needed)}."
        )
        self.needed = needed
        self.remaining = remaining


class InvalidTransition(RuleViolation):
    code = RuleCode.INVALID_TRANSITION

    def __init__(self, current: Enum, target: Enum) -> None:
        super().__init__(
            f"Cannot change from {current.value} to {target.value}."
            if current != target
            else f"Already {current.value}."
        )
        self.current = current
        self.target = target
