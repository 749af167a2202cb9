"""Policies refuse terms that make no sense, so a typo in the settings fails loudly."""

from __future__ import annotations

from datetime import UTC, time
from decimal import Decimal
from typing import Any

import pytest

from gateway.domain import FlexPolicy, SwapPolicy


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"cutoff_days_before": -1}, "cutoff_days_before cannot be negative"),
        ({"cutoff_time": time(9, 0, tzinfo=UTC)}, "wall-clock time"),
        ({"validity_months": 0}, "validity_months must be at least 1"),
        ({"yearly_cap_hours": Decimal(-1)}, "caps cannot be negative"),
        ({"max_balance_hours": Decimal("-0.25")}, "caps cannot be negative"),
    ],
)
def test_swap_policy_refuses_nonsense(terms: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SwapPolicy(**terms)


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"min_booking_hours": Decimal(0)}, "min_booking_hours must be positive"),
        ({"months_ahead": -1}, "months_ahead cannot be negative"),
    ],
)
def test_flex_policy_refuses_nonsense(terms: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FlexPolicy(**terms)


def test_a_same_day_cutoff_is_allowed() -> None:
    assert SwapPolicy(cutoff_days_before=0).cutoff_days_before == 0
