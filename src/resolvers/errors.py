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
        "TOKEN_INVALID", description="The activation link is unknown or was replaced."
    )
    TOKEN_EXPIRED = strawberry.enum_value(
        "TOKEN_EXPIRED", description="The activation link has expired; ask for a new one."
    )
    TOKEN_USED = strawberry.enum_value(
        "TOKEN_USED", description="The activation link has been used already."
    )
    PASSWORD_TOO_WEAK = strawberry.enum_value(
        "PASSWORD_TOO_WEAK", description="The password is too short or too simple."
    )
    CONFLICT = strawberry.enum_value(
        "CONFLICT", description="The change conflicts with the current state; reload and retry."
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
