"""Care time as hours: Decimal, in whole quarter hours."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

_QUARTER_SECONDS = 15 * 60


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def hours_between(start: time, end: time) -> Decimal:
    """Hours from `start` to `end` on one day, to the nearest quarter hour (half a quarter up).

    Schedules are kept in quarter hours; rounding makes an odd minute in the data cost or credit
    at most 7.5 minutes instead of producing hours like 0.3333… in invoices and the ledger.
    """
    if end <= start:
        raise ValueError(f"end {end} is not after start {start}")
    seconds = _seconds(end) - _seconds(start)
    quarters = (seconds + _QUARTER_SECONDS // 2) // _QUARTER_SECONDS
    return Decimal(quarters) / 4


def exact_hours(start: time, end: time) -> Decimal:
    """Hours from `start` to `end`, unrounded; zero when `end` is not after `start`.

    For minimums: a booking of 1:53 must not pass a 2-hour minimum by rounding.
    """
    seconds = max(_seconds(end) - _seconds(start), 0)
    return Decimal(seconds) / 3600


_CENT = Decimal("0.01")


def format_hours(hours: Decimal, *, decimal_comma: bool = False) -> str:
    """Hours as people read them, the one way everywhere: at most two decimals, no trailing
    zeros: 10 → '10', 10.5 → '10.5', 1/3 → '0.33'. Dutch text (mails) takes the decimal comma.

    The API's numbers are floats of the same value; this is for sentences.
    """
    text = f"{hours.quantize(_CENT).normalize():f}"
    return text.replace(".", ",") if decimal_comma else text
