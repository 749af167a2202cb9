"""Request states: pending until approved, rejected, expired or cancelled; then final."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product
from zoneinfo import ZoneInfo

import pytest

from gateway.domain import (
    InvalidTransition,
    RequestStatus,
    RuleCode,
    effective_status,
    is_final,
    transition,
)

PENDING = RequestStatus.PENDING
APPROVED = RequestStatus.APPROVED
REJECTED = RequestStatus.REJECTED
EXPIRED = RequestStatus.EXPIRED
CANCELLED = RequestStatus.CANCELLED

ALLOWED = {(PENDING, APPROVED), (PENDING, REJECTED), (PENDING, EXPIRED), (PENDING, CANCELLED)}
ALL_PAIRS = sorted(product(RequestStatus, RequestStatus))


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_a_pending_request_can_be_decided(current: RequestStatus, target: RequestStatus) -> None:
    assert transition(current, target) is target


@pytest.mark.parametrize(("current", "target"), [pair for pair in ALL_PAIRS if pair not in ALLOWED])
def test_every_other_move_is_refused(current: RequestStatus, target: RequestStatus) -> None:
    with pytest.raises(InvalidTransition) as raised:
        transition(current, target)
    assert raised.value.code == RuleCode.INVALID_TRANSITION
    assert (raised.value.current, raised.value.target) == (current, target)


def test_the_table_covers_every_pair() -> None:
    assert len(ALL_PAIRS) == 25
    assert len([pair for pair in ALL_PAIRS if pair not in ALLOWED]) == 21


@pytest.mark.parametrize(
    ("current", "target", "message"),
    [
        (APPROVED, CANCELLED, "Cannot change from approved to cancelled."),
        (PENDING, PENDING, "Already pending."),
        (EXPIRED, EXPIRED, "Already expired."),
    ],
)
def test_invalid_transition_messages(
    current: RequestStatus, target: RequestStatus, message: str
) -> None:
    with pytest.raises(InvalidTransition) as raised:
        transition(current, target)
    assert raised.value.message == message


@pytest.mark.parametrize(("status", "final"), [(s, s is not PENDING) for s in RequestStatus])
def test_only_pending_is_not_final(status: RequestStatus, final: bool) -> None:
    assert is_final(status) is final


AMSTERDAM = ZoneInfo("Europe/Amsterdam")
EXPIRES_AT = datetime(2026, 3, 20, 17, 0, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    ("status", "expires_at", "now", "expected"),
    [
        (PENDING, EXPIRES_AT, EXPIRES_AT - timedelta(microseconds=1), PENDING),
        (PENDING, EXPIRES_AT, EXPIRES_AT, EXPIRED),
        (PENDING, EXPIRES_AT, EXPIRES_AT + timedelta(days=3), EXPIRED),
        # The same instant in another zone.
        (PENDING, EXPIRES_AT, datetime(2026, 3, 20, 16, 0, tzinfo=UTC), EXPIRED),
        (PENDING, EXPIRES_AT, datetime(2026, 3, 20, 15, 59, tzinfo=UTC), PENDING),
        (PENDING, None, EXPIRES_AT + timedelta(days=365), PENDING),
        (APPROVED, EXPIRES_AT, EXPIRES_AT + timedelta(days=3), APPROVED),
        (REJECTED, EXPIRES_AT, EXPIRES_AT + timedelta(days=3), REJECTED),
        (CANCELLED, EXPIRES_AT, EXPIRES_AT + timedelta(days=3), CANCELLED),
        (EXPIRED, EXPIRES_AT, EXPIRES_AT - timedelta(days=3), EXPIRED),
    ],
)
def test_effective_status_expires_a_pending_request_at_its_moment(
    status: RequestStatus, expires_at: datetime | None, now: datetime, expected: RequestStatus
) -> None:
    assert effective_status(status, expires_at, now) is expected


@pytest.mark.parametrize(
    ("expires_at", "now"),
    [
        (datetime(2026, 3, 20, 17, 0), EXPIRES_AT),
        (EXPIRES_AT, datetime(2026, 3, 20, 17, 0)),
    ],
)
def test_effective_status_needs_aware_datetimes(expires_at: datetime, now: datetime) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        effective_status(PENDING, expires_at, now)
