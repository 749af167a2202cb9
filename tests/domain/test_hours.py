"""Hours of care in quarter hours."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest

from gateway.domain import exact_hours, hours_between


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (time(7, 30), time(18, 0), Decimal("10.5")),
        (time(8, 0), time(8, 15), Decimal("0.25")),
        (time(8, 0), time(10, 45), Decimal("2.75")),
        (time(8, 0), time(8, 7), Decimal(0)),
        (time(8, 0), time(8, 7, 30), Decimal("0.25")),  # half a quarter rounds up
        (time(8, 0), time(9, 53), Decimal(2)),
        (time(0, 0), time(23, 59), Decimal(24)),
    ],
)
def test_hours_between_rounds_to_quarter_hours(start: time, end: time, expected: Decimal) -> None:
    assert hours_between(start, end) == expected


def test_hours_between_refuses_an_end_before_the_start() -> None:
    with pytest.raises(ValueError, match="is not after start"):
        hours_between(time(10, 0), time(9, 0))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (time(8, 0), time(9, 30), Decimal("1.5")),
        (time(8, 0), time(8, 0), Decimal(0)),
        (time(9, 0), time(8, 0), Decimal(0)),
        (time(8, 0), time(8, 0, 36), Decimal("0.01")),
    ],
)
def test_exact_hours(start: time, end: time, expected: Decimal) -> None:
    assert exact_hours(start, end) == expected
