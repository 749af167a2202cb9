"""The swap-hours ledger: earning credit by absence, holding and spending it on extra days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from gateway.domain import (
    Allocation,
    AllocationStatus,
    Credit,
    InsufficientSwapHours,
    InvalidTransition,
    RuleCode,
    SwapHoursExpired,
    SwapHoursNotYetValid,
    SwapPolicy,
    balance,
    credit_for_absence,
    credited_in_year,
    cutoff_moment,
    plan_hold,
    release,
    spend,
    valid_until,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DEFAULT = SwapPolicy()
CHILD = 7


def _credit(
    credit_id: int, remaining: str, earned_on: date, until: date, hours: str | None = None
) -> Credit:
    return Credit(
        id=credit_id,
        child_id=CHILD,
        hours=Decimal(hours or remaining),
        earned_on=earned_on,
        valid_until=until,
        remaining=Decimal(remaining),
    )


def _earned(
    day: date,
    reported_at: datetime,
    *,
    hours: str = "10",
    policy: SwapPolicy = DEFAULT,
    day_closed: bool = False,
    credited_this_year: str = "0",
    balance: str = "0",
    last_placement_end: date | None = None,
) -> Decimal:
    return credit_for_absence(
        day,
        Decimal(hours),
        reported_at=reported_at,
        tz=AMSTERDAM,
        policy=policy,
        day_closed=day_closed,
        credited_this_year=Decimal(credited_this_year),
        balance=Decimal(balance),
        last_placement_end=last_placement_end,
    )


def test_default_policy_is_the_spec() -> None:
    assert (
        SwapPolicy(
            cutoff_days_before=1,
            cutoff_time=time(9, 0),
            validity_months=12,
            yearly_cap_hours=None,
            max_balance_hours=None,
        )
        == DEFAULT
    )


@pytest.mark.parametrize(
    ("day", "reported_at", "expected"),
    [
        # Summer time (UTC+2): the cut-off for Tuesday 9 June is Monday 8 June 07:00 UTC.
        (date(2026, 6, 9), datetime(2026, 6, 8, 8, 59, tzinfo=AMSTERDAM), "10"),
        (date(2026, 6, 9), datetime(2026, 6, 8, 9, 0, tzinfo=AMSTERDAM), "0"),
        (date(2026, 6, 9), datetime(2026, 6, 8, 6, 59, 59, tzinfo=UTC), "10"),
        (date(2026, 6, 9), datetime(2026, 6, 8, 7, 0, tzinfo=UTC), "0"),
        # Summer time starts on Sunday 29 March 2026 at 02:00: the cut-off for Monday 30 March
        # is 09:00 CEST = 07:00 UTC, not 08:00 UTC as Saturday's offset would make it.
        (date(2026, 3, 30), datetime(2026, 3, 29, 8, 59, tzinfo=AMSTERDAM), "10"),
        (date(2026, 3, 30), datetime(2026, 3, 29, 9, 0, tzinfo=AMSTERDAM), "0"),
        (date(2026, 3, 30), datetime(2026, 3, 29, 6, 59, tzinfo=UTC), "10"),
        (date(2026, 3, 30), datetime(2026, 3, 29, 7, 30, tzinfo=UTC), "0"),
        # Reported under winter time, for a day whose cut-off falls under summer time.
        (date(2026, 3, 30), datetime(2026, 3, 28, 23, 0, tzinfo=AMSTERDAM), "10"),
        # Summer time ends on Sunday 25 October 2026: the cut-off for Monday 26 October is
        # 09:00 CET = 08:00 UTC.
        (date(2026, 10, 26), datetime(2026, 10, 25, 8, 59, tzinfo=AMSTERDAM), "10"),
        (date(2026, 10, 26), datetime(2026, 10, 25, 9, 0, tzinfo=AMSTERDAM), "0"),
        (date(2026, 10, 26), datetime(2026, 10, 25, 7, 59, tzinfo=UTC), "10"),
        (date(2026, 10, 26), datetime(2026, 10, 25, 8, 0, tzinfo=UTC), "0"),
        # On the day itself it is late.
        (date(2026, 6, 9), datetime(2026, 6, 9, 6, 0, tzinfo=AMSTERDAM), "0"),
        # Weeks ahead is in time.
        (date(2026, 6, 9), datetime(2026, 5, 1, 12, 0, tzinfo=AMSTERDAM), "10"),
    ],
)
def test_absence_earns_credit_only_before_the_cutoff(
    day: date, reported_at: datetime, expected: str
) -> None:
    assert _earned(day, reported_at) == Decimal(expected)


def test_cutoff_moment_is_local_wall_clock_time() -> None:
    assert cutoff_moment(date(2026, 3, 30), AMSTERDAM, DEFAULT) == datetime(
        2026, 3, 29, 7, 0, tzinfo=UTC
    )
    assert cutoff_moment(date(2026, 3, 29), AMSTERDAM, DEFAULT) == datetime(
        2026, 3, 28, 8, 0, tzinfo=UTC
    )


def test_a_policy_with_another_cutoff() -> None:
    two_days_at_noon = SwapPolicy(cutoff_days_before=2, cutoff_time=time(12, 0))
    day = date(2026, 6, 10)
    assert _earned(day, datetime(2026, 6, 8, 11, 59, tzinfo=AMSTERDAM), policy=two_days_at_noon)
    assert not _earned(day, datetime(2026, 6, 8, 12, 0, tzinfo=AMSTERDAM), policy=two_days_at_noon)


IN_TIME = datetime(2026, 6, 1, 12, 0, tzinfo=AMSTERDAM)
ABSENT_DAY = date(2026, 6, 9)


@pytest.mark.parametrize(
    ("policy", "credited_this_year", "balance", "expected"),
    [
        (SwapPolicy(yearly_cap_hours=Decimal(40)), "0", "0", "10"),
        (SwapPolicy(yearly_cap_hours=Decimal(40)), "30", "0", "10"),
        (SwapPolicy(yearly_cap_hours=Decimal(40)), "35.5", "0", "4.5"),
        (SwapPolicy(yearly_cap_hours=Decimal(40)), "40", "0", "0"),
        (SwapPolicy(yearly_cap_hours=Decimal(40)), "41", "0", "0"),
        (SwapPolicy(max_balance_hours=Decimal(20)), "0", "12.25", "7.75"),
        (SwapPolicy(max_balance_hours=Decimal(20)), "0", "20", "0"),
        (SwapPolicy(max_balance_hours=Decimal(20)), "100", "5", "10"),
        (SwapPolicy(yearly_cap_hours=Decimal(40), max_balance_hours=Decimal(20)), "34", "15", "5"),
        (SwapPolicy(yearly_cap_hours=Decimal(40), max_balance_hours=Decimal(20)), "37", "15", "3"),
        (DEFAULT, "1000", "1000", "10"),
    ],
)
def test_caps_clip_the_credit(
    policy: SwapPolicy, credited_this_year: str, balance: str, expected: str
) -> None:
    earned = _earned(
        ABSENT_DAY,
        IN_TIME,
        policy=policy,
        credited_this_year=credited_this_year,
        balance=balance,
    )
    assert earned == Decimal(expected)


@pytest.mark.parametrize(
    ("day_closed", "last_placement_end", "expected"),
    [
        (False, None, "10"),
        (True, None, "0"),
        (False, date(2026, 6, 9), "10"),
        (False, date(2026, 6, 8), "0"),
    ],
)
def test_closed_days_and_days_after_the_last_placement_earn_nothing(
    day_closed: bool, last_placement_end: date | None, expected: str
) -> None:
    earned = _earned(
        ABSENT_DAY, IN_TIME, day_closed=day_closed, last_placement_end=last_placement_end
    )
    assert earned == Decimal(expected)


def test_a_naive_report_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        _earned(ABSENT_DAY, datetime(2026, 6, 1, 12, 0))


@pytest.mark.parametrize(
    ("earned_on", "months", "last_placement_end", "expected"),
    [
        (date(2025, 3, 10), 12, None, date(2026, 3, 9)),
        (date(2025, 1, 1), 12, None, date(2025, 12, 31)),
        (date(2025, 12, 15), 1, None, date(2026, 1, 14)),
        (date(2024, 1, 31), 1, None, date(2024, 2, 29)),
        (date(2025, 1, 31), 1, None, date(2025, 2, 28)),
        (date(2024, 2, 29), 12, None, date(2025, 2, 28)),
        (date(2025, 3, 10), 6, None, date(2025, 9, 9)),
        (date(2025, 3, 10), 12, date(2025, 7, 31), date(2025, 7, 31)),
        (date(2025, 3, 10), 12, date(2027, 7, 31), date(2026, 3, 9)),
    ],
)
def test_valid_until(
    earned_on: date, months: int, last_placement_end: date | None, expected: date
) -> None:
    policy = SwapPolicy(validity_months=months)
    assert valid_until(earned_on, policy, last_placement_end) == expected


# Three credits, listed out of expiry order.
LEDGER = [
    _credit(1, "5", date(2025, 6, 2), date(2026, 6, 1)),
    _credit(2, "3", date(2025, 4, 1), date(2026, 3, 31)),
    _credit(3, "4", date(2025, 5, 4), date(2026, 5, 3)),
    _credit(4, "0", date(2025, 3, 2), date(2026, 3, 1), hours="6"),  # spent
]


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        ("2", [Allocation(2, Decimal(2))]),
        ("3", [Allocation(2, Decimal(3))]),
        ("6", [Allocation(2, Decimal(3)), Allocation(3, Decimal(3))]),
        ("12", [Allocation(2, Decimal(3)), Allocation(3, Decimal(4)), Allocation(1, Decimal(5))]),
    ],
)
def test_hold_takes_the_earliest_expiring_credits_first(
    hours: str, expected: list[Allocation]
) -> None:
    assert plan_hold(LEDGER, Decimal(hours), date(2026, 3, 20)) == expected


def test_held_allocations_start_as_held() -> None:
    (allocation,) = plan_hold(LEDGER, Decimal(1), date(2026, 3, 20))
    assert allocation.status is AllocationStatus.HELD


def test_equal_expiry_takes_the_older_credit_first() -> None:
    ledger = [
        _credit(9, "2", date(2025, 5, 2), date(2026, 5, 1)),
        _credit(8, "2", date(2025, 5, 1), date(2026, 5, 1)),
    ]
    assert plan_hold(ledger, Decimal(3), date(2026, 3, 20)) == [
        Allocation(8, Decimal(2)),
        Allocation(9, Decimal(1)),
    ]


def test_a_credit_is_accepted_on_its_last_valid_day() -> None:
    assert plan_hold(LEDGER, Decimal(12), date(2026, 3, 31)) == [
        Allocation(2, Decimal(3)),
        Allocation(3, Decimal(4)),
        Allocation(1, Decimal(5)),
    ]


def test_a_credit_used_the_day_after_it_expires_is_refused() -> None:
    with pytest.raises(SwapHoursExpired) as raised:
        plan_hold(LEDGER, Decimal(12), date(2026, 4, 1))
    assert raised.value.code == RuleCode.SWAP_HOURS_EXPIRED
    assert (raised.value.needed, raised.value.available) == (Decimal(12), Decimal(9))
    assert raised.value.message == (
        "Your swap hours would cover 12 hours, but only 9 of them are valid on 2026-04-01 "
        "(the rest expired); "
        "choose invoice instead."
    )


def test_after_expiry_the_remaining_credits_still_pay() -> None:
    assert plan_hold(LEDGER, Decimal(9), date(2026, 4, 1)) == [
        Allocation(3, Decimal(4)),
        Allocation(1, Decimal(5)),
    ]


def test_a_credit_is_not_valid_before_the_absent_day() -> None:
    ledger = [_credit(1, "5", date(2026, 6, 15), date(2027, 6, 14))]
    with pytest.raises(SwapHoursNotYetValid) as raised:
        plan_hold(ledger, Decimal(5), date(2026, 6, 14))
    assert raised.value.code == RuleCode.SWAP_HOURS_NOT_YET_VALID
    assert plan_hold(ledger, Decimal(5), date(2026, 6, 15)) == [Allocation(1, Decimal(5))]


@pytest.mark.parametrize(
    ("ledger", "hours", "available"),
    [
        (LEDGER, "12.25", "12"),
        ([], "1", "0"),
        ([_credit(4, "0", date(2025, 3, 2), date(2026, 3, 1), hours="6")], "1", "0"),
    ],
)
def test_hold_refuses_what_the_balance_does_not_cover(
    ledger: list[Credit], hours: str, available: str
) -> None:
    with pytest.raises(InsufficientSwapHours) as raised:
        plan_hold(ledger, Decimal(hours), date(2026, 3, 20))
    assert type(raised.value) is InsufficientSwapHours
    assert raised.value.code == RuleCode.INSUFFICIENT_SWAP_HOURS
    assert (raised.value.needed, raised.value.available) == (Decimal(hours), Decimal(available))


@pytest.mark.parametrize("hours", ["0", "-1"])
def test_hold_needs_positive_hours(hours: str) -> None:
    with pytest.raises(ValueError, match="positive"):
        plan_hold(LEDGER, Decimal(hours), date(2026, 3, 20))


def test_hold_refuses_a_mixed_ledger() -> None:
    other_child = Credit(5, CHILD + 1, Decimal(1), date(2026, 1, 5), date(2027, 1, 4), Decimal(1))
    with pytest.raises(ValueError, match="more than one child"):
        plan_hold([*LEDGER, other_child], Decimal(1), date(2026, 3, 20))


@pytest.mark.parametrize(
    ("on_day", "expected"),
    [
        (date(2025, 3, 31), "0"),
        (date(2025, 4, 1), "3"),
        (date(2025, 6, 2), "12"),
        (date(2026, 3, 31), "12"),
        (date(2026, 4, 1), "9"),
        (date(2026, 5, 4), "5"),
        (date(2026, 6, 2), "0"),
    ],
)
def test_balance_counts_credit_valid_on_the_day(on_day: date, expected: str) -> None:
    assert balance(LEDGER, on_day) == Decimal(expected)


def test_credited_in_year_counts_earned_hours_spent_or_not() -> None:
    assert credited_in_year(LEDGER, 2025) == Decimal(18)
    assert credited_in_year(LEDGER, 2026) == Decimal(0)


HELD = Allocation(2, Decimal(3))


def test_approval_spends_and_rejection_releases_held_hours() -> None:
    assert spend(HELD) == Allocation(2, Decimal(3), AllocationStatus.SPENT)
    assert release(HELD) == Allocation(2, Decimal(3), AllocationStatus.RELEASED)


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (AllocationStatus.SPENT, spend),
        (AllocationStatus.SPENT, release),
        (AllocationStatus.RELEASED, spend),
        (AllocationStatus.RELEASED, release),
    ],
)
def test_settled_allocations_do_not_move(
    status: AllocationStatus, move: Callable[[Allocation], Allocation]
) -> None:
    with pytest.raises(InvalidTransition) as raised:
        move(Allocation(2, Decimal(3), status))
    assert raised.value.code == RuleCode.INVALID_TRANSITION
