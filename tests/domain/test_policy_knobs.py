"""The policy knobs other providers need, each at the SPEC's default and switched."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gateway.domain import (
    Allocation,
    BookingPolicy,
    Credit,
    InsufficientSwapHours,
    RuleCode,
    SwapHoursNotYetValid,
    SwapPolicy,
    TooCloseToDay,
    check_guardian_notice,
    format_hours,
    plan_hold,
    split_balance,
    usable_from,
)

TODAY = date(2026, 3, 10)  # Tuesday
ABSENT_FRIDAY = date(2026, 3, 20)


def credit(
    credit_id: int, remaining: str, earned_on: date, policy: SwapPolicy, until: date | None = None
) -> Credit:
    return Credit(
        id=credit_id,
        child_id=1,
        hours=Decimal(remaining),
        earned_on=earned_on,
        valid_until=until or date(earned_on.year + 1, earned_on.month, earned_on.day),
        remaining=Decimal(remaining),
        usable_from=usable_from(earned_on, policy),
    )


# --- when a credit starts to be usable ----------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "care_day", "pays"),
    [
        (SwapPolicy(), ABSENT_FRIDAY, True),
        (SwapPolicy(), date(2026, 3, 19), False),  # the day before the absence
        (SwapPolicy(usable_days_before=7), date(2026, 3, 13), True),  # a week before
        (SwapPolicy(usable_days_before=7), date(2026, 3, 12), False),  # eight days before
    ],
)
def test_a_credit_pays_from_the_absent_day_or_as_many_days_before_as_allowed(
    policy: SwapPolicy, care_day: date, pays: bool
) -> None:
    ledger = [credit(1, "10", ABSENT_FRIDAY, policy)]

    if pays:
        assert plan_hold(ledger, Decimal(10), care_day) == [Allocation(1, Decimal(10))]
    else:
        with pytest.raises(SwapHoursNotYetValid) as refused:
            plan_hold(ledger, Decimal(10), care_day)
        assert refused.value.code is RuleCode.SWAP_HOURS_NOT_YET_VALID


@pytest.mark.parametrize(
    ("policy", "usable", "not_yet_valid"),
    [
        (SwapPolicy(), Decimal(4), Decimal(10)),
        # Seven days ahead the Friday credit already pays for care today... not yet: 10 days.
        (SwapPolicy(usable_days_before=7), Decimal(4), Decimal(10)),
        (SwapPolicy(usable_days_before=10), Decimal(14), Decimal(0)),
    ],
)
def test_the_balance_splits_into_usable_today_and_not_yet_valid(
    policy: SwapPolicy, usable: Decimal, not_yet_valid: Decimal
) -> None:
    ledger = [
        credit(1, "4", date(2026, 3, 2), policy),
        credit(2, "10", ABSENT_FRIDAY, policy),
        credit(3, "6", date(2025, 1, 6), policy, until=date(2026, 1, 5)),  # expired
    ]

    split = split_balance(ledger, TODAY)

    assert (split.usable, split.not_yet_valid) == (usable, not_yet_valid)


# --- mixed payment --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (SwapPolicy(), None),  # SPEC: never partly with swap hours
        (
            SwapPolicy(mixed_payment=True),
            # Swap hours first, the credit that expires (and was earned) first, then the next.
            [Allocation(2, Decimal(3)), Allocation(1, Decimal(4))],
        ),
    ],
)
def test_mixed_payment_takes_what_is_there_and_leaves_the_rest(
    policy: SwapPolicy, expected: list[Allocation] | None
) -> None:
    ledger = [
        credit(1, "4", date(2026, 3, 2), policy),
        credit(2, "3", date(2026, 2, 2), policy),
    ]

    if expected is None:
        with pytest.raises(InsufficientSwapHours):
            plan_hold(ledger, Decimal(11), TODAY, partial=policy.mixed_payment)
    else:
        assert plan_hold(ledger, Decimal(11), TODAY, partial=policy.mixed_payment) == expected


def test_mixed_payment_without_usable_credit_holds_nothing() -> None:
    assert plan_hold([], Decimal(11), TODAY, partial=True) == []


# --- how close to the day a guardian may request or cancel ------------------------------


@pytest.mark.parametrize(
    ("policy", "day", "allowed"),
    [
        (BookingPolicy(), TODAY, True),
        (BookingPolicy(), date(2026, 3, 11), True),
        (BookingPolicy(guardian_notice_days=4), date(2026, 3, 13), False),  # 3 days ahead
        (BookingPolicy(guardian_notice_days=4), date(2026, 3, 14), True),  # 4 days ahead
        (BookingPolicy(guardian_notice_days=4), TODAY, False),
    ],
)
@pytest.mark.parametrize("cancelling", [False, True])
def test_guardians_may_change_days_until_the_notice(
    policy: BookingPolicy, day: date, allowed: bool, cancelling: bool
) -> None:
    if allowed:
        check_guardian_notice(day, TODAY, policy, cancelling=cancelling)
    else:
        with pytest.raises(TooCloseToDay) as refused:
            check_guardian_notice(day, TODAY, policy, cancelling=cancelling)
        assert refused.value.code is RuleCode.TOO_CLOSE_TO_DAY
        verb = "cancelled" if cancelling else "requested"
        assert refused.value.message == (
            f"{day.isoformat()} can be {verb} by guardians until 4 days ahead; "
            "ask the location's staff."
        )


# --- hours, one way -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "api", "dutch"),
    [
        (Decimal(10), "10", "10"),
        (Decimal("10.50"), "10.5", "10,5"),
        (Decimal(20) / 60, "0.33", "0,33"),
        (Decimal("2.25"), "2.25", "2,25"),
        (Decimal(0), "0", "0"),
    ],
)
def test_hours_are_written_one_way(hours: Decimal, api: str, dutch: str) -> None:
    assert format_hours(hours) == api
    assert format_hours(hours, decimal_comma=True) == dutch
