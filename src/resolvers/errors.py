"""`UserError`: expected failures returned as data in mutation payloads."""

from __future__ import annotations

from enum import Enum

import strawberry

from gateway.errors import DomainError


@strawberry.enum(description="Why a mutation could not be carried out.")
class UserErrorCode(Enum):
    INVALID_INPUT = strawberry.enum_value(
        "INVALID_INPUT", description="A value is missing, too long, malformed or out of range."
    )
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND", description="No such object, or not one you may see."
    )
    UNAUTHENTICATED = strawberry.enum_value(
        "UNAUTHENTICATED", description="Log in first: no valid bearer token was sent."
    )
    FORBIDDEN = strawberry.enum_value(
        "FORBIDDEN", description="You may see this object but not do this with it."
    )
    INVALID_CREDENTIALS = strawberry.enum_value(
        "INVALID_CREDENTIALS",
        description="Portal address, e-mail address and password do not match an account.",
    )
    TOO_MANY_ATTEMPTS = strawberry.enum_value(
        "TOO_MANY_ATTEMPTS", description="Too many failed attempts; wait before trying again."
    )
    TOKEN_INVALID = strawberry.enum_value(
        "TOKEN_INVALID",
        description="The link (activation or new password) is unknown or was replaced.",
    )
    TOKEN_EXPIRED = strawberry.enum_value(
        "TOKEN_EXPIRED", description="The link has expired; ask for a new one."
    )
    TOKEN_USED = strawberry.enum_value("TOKEN_USED", description="The link has been used already.")
    PASSWORD_TOO_WEAK = strawberry.enum_value(
        "PASSWORD_TOO_WEAK", description="The password is too short or too simple."
    )
    CONFLICT = strawberry.enum_value(
        "CONFLICT", description="The change conflicts with the current state; reload and retry."
    )
    DAY_CLOSED = strawberry.enum_value(
        "DAY_CLOSED",
        description="The location is closed on that day: a holiday or an own closing day.",
    )
    NO_CARE_ON_DAY = strawberry.enum_value(
        "NO_CARE_ON_DAY",
        description="The child has no care scheduled on that day.",
    )
    DAY_IN_PAST = strawberry.enum_value(
        "DAY_IN_PAST",
        description="That day has already passed.",
    )
    INSUFFICIENT_SWAP_HOURS = strawberry.enum_value(
        "INSUFFICIENT_SWAP_HOURS",
        description="The swap-hours balance does not cover the hours; choose invoice instead.",
    )
    SWAP_HOURS_EXPIRED = strawberry.enum_value(
        "SWAP_HOURS_EXPIRED",
        description="Enough swap hours exist, but not ones still valid on the requested day.",
    )
    FLEX_TOO_LATE = strawberry.enum_value(
        "FLEX_TOO_LATE",
        description="Flex days must be requested before the 1st of the month before.",
    )
    FLEX_TOO_SHORT = strawberry.enum_value(
        "FLEX_TOO_SHORT",
        description="A flex booking is shorter than the organisation's minimum.",
    )
    FLEX_POT_EXHAUSTED = strawberry.enum_value(
        "FLEX_POT_EXHAUSTED",
        description="The flex-hours pot has too few hours left for the booking.",
    )
    NO_FLEX_PLACEMENT = strawberry.enum_value(
        "NO_FLEX_PLACEMENT",
        description="The child has no flex contract running on that day.",
    )
    INVALID_TRANSITION = strawberry.enum_value(
        "INVALID_TRANSITION",
        description="The request is no longer pending (or already in that state).",
    )
    SLOT_FULL = strawberry.enum_value(
        "SLOT_FULL",
        description="The group has no room left on that day.",
    )
    ALREADY_BOOKED = strawberry.enum_value(
        "ALREADY_BOOKED",
        description="The child already has care, or a pending request, on that day.",
    )
    ALREADY_ABSENT = strawberry.enum_value(
        "ALREADY_ABSENT",
        description="The child has already been reported absent on that day.",
    )
    RANGE_TOO_LARGE = strawberry.enum_value(
        "RANGE_TOO_LARGE",
        description="The date range or list is longer than allowed.",
    )
    NO_DIARY_CONSENT = strawberry.enum_value(
        "NO_DIARY_CONSENT",
        description="The child's guardians have not consented to staff writing its diary.",
    )
    NO_PHOTO_CONSENT = strawberry.enum_value(
        "NO_PHOTO_CONSENT",
        description="The child's guardians have not consented to photos of it.",
    )
    NOT_AN_IMAGE = strawberry.enum_value(
        "NOT_AN_IMAGE",
        description="The file is not a JPEG, PNG, WebP or HEIC image (judged by its content).",
    )
    FILE_TOO_LARGE = strawberry.enum_value(
        "FILE_TOO_LARGE",
        description="The file is larger than the upload limit.",
    )
    TOO_MANY_PIXELS = strawberry.enum_value(
        "TOO_MANY_PIXELS",
        description="The image has more pixels than accepted.",
    )
    CORRUPT_IMAGE = strawberry.enum_value(
        "CORRUPT_IMAGE",
        description="The image is damaged or truncated and cannot be read.",
    )
    OUTSIDE_OPENING_HOURS = strawberry.enum_value(
        "OUTSIDE_OPENING_HOURS",
        description="The times lie outside the location's opening hours on that day.",
    )
    SWAP_HOURS_NOT_YET_VALID = strawberry.enum_value(
        "SWAP_HOURS_NOT_YET_VALID",
        description="Enough swap hours exist, but part of them only become usable later "
        "(credit of an absence still to come).",
    )
    TOO_CLOSE_TO_DAY = strawberry.enum_value(
        "TOO_CLOSE_TO_DAY",
        description="The day is too close for a guardian to request or cancel it; "
        "the location's staff still can.",
    )
    IDEMPOTENCY_KEY_REUSED = strawberry.enum_value(
        "IDEMPOTENCY_KEY_REUSED",
        description="This idempotency key was used before with different input; nothing "
        "was changed. Use a new key for a new submission.",
    )


@strawberry.type(description="An expected reason why a mutation changed nothing.")
class UserError:
    code: UserErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Explanation for people, ready to show.")
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "email"]; null if none.'
    )

    @classmethod
    def from_domain(cls, error: DomainError) -> UserError:
        return cls(code=UserErrorCode[error.code.name], message=error.message, field=error.field)
