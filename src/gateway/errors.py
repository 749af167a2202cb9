"""Errors that reach clients on purpose. Anything else is masked (see `graphql_http`)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum


class ErrorCode(Enum):
    """Machine-readable reasons a request could not be carried out."""

    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    TOKEN_INVALID = "TOKEN_INVALID"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    TOKEN_USED = "TOKEN_USED"
    PASSWORD_TOO_WEAK = "PASSWORD_TOO_WEAK"
    CONFLICT = "CONFLICT"
    # Arranging care (agenda, absences, requests); the first nine mirror `domain.RuleCode`.
    DAY_CLOSED = "DAY_CLOSED"
    NO_CARE_ON_DAY = "NO_CARE_ON_DAY"
    DAY_IN_PAST = "DAY_IN_PAST"
    INSUFFICIENT_SWAP_HOURS = "INSUFFICIENT_SWAP_HOURS"
    SWAP_HOURS_EXPIRED = "SWAP_HOURS_EXPIRED"
    FLEX_TOO_LATE = "FLEX_TOO_LATE"
    FLEX_TOO_SHORT = "FLEX_TOO_SHORT"
    FLEX_POT_EXHAUSTED = "FLEX_POT_EXHAUSTED"
    NO_FLEX_PLACEMENT = "NO_FLEX_PLACEMENT"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    SLOT_FULL = "SLOT_FULL"
    ALREADY_BOOKED = "ALREADY_BOOKED"
    ALREADY_ABSENT = "ALREADY_ABSENT"
    RANGE_TOO_LARGE = "RANGE_TOO_LARGE"
    # Uploaded files (`media.ImageRejected`).
    NOT_AN_IMAGE = "NOT_AN_IMAGE"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    TOO_MANY_PIXELS = "TOO_MANY_PIXELS"
    CORRUPT_IMAGE = "CORRUPT_IMAGE"


class DomainError(Exception):
    """An expected failure of a use case; becomes a `UserError` in a mutation payload."""

    def __init__(self, code: ErrorCode, message: str, field: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = list(field) if field is not None else None


class PublicError(Exception):
    """An error on a query that is shown to the client as-is, with `extensions.code`."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


class Unauthenticated(PublicError):
    def __init__(self) -> None:
        super().__init__(
            ErrorCode.UNAUTHENTICATED, "Log in first: send 'Authorization: Bearer <token>'."
        )
