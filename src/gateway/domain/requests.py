"""The life of a request (extra day, flex day): pending until staff decide or it lapses."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from gateway.domain.errors import InvalidTransition


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


# Only a pending request moves; every outcome is final, so an approved day cannot be cancelled
# here (that is an absence on a care day instead).
_ALLOWED: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.PENDING: frozenset(
        {
            RequestStatus.APPROVED,
            RequestStatus.REJECTED,
            RequestStatus.EXPIRED,
            RequestStatus.CANCELLED,
        }
    ),
}


def is_final(status: RequestStatus) -> bool:
    return status is not RequestStatus.PENDING


def transition(current: RequestStatus, target: RequestStatus) -> RequestStatus:
    """`target` if a request may move there from `current`, else `InvalidTransition`."""
    if target not in _ALLOWED.get(current, frozenset()):
        raise InvalidTransition(current, target)
    return target


def effective_status(
    status: RequestStatus, expires_at: datetime | None, now: datetime
) -> RequestStatus:
    """The status to show at `now`: a pending request whose expiry moment has come is expired.

    Whatever writes EXPIRED to storage (and releases held swap hours) may run late; reading
    through this keeps a request from being served as pending after its moment regardless.
    """
    if now.utcoffset() is None or (expires_at is not None and expires_at.utcoffset() is None):
        raise ValueError("expires_at and now must be timezone-aware")
    if status is RequestStatus.PENDING and expires_at is not None and expires_at <= now:
        return RequestStatus.EXPIRED
    return status
