"""Password hashing with argon2id and the password rules."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gateway.errors import DomainError, ErrorCode

MIN_LENGTH = 10
MAX_LENGTH = 128

_hasher = PasswordHasher()  # argon2id with the library's current recommended cost
# Verified against when the e-mail is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password-ever")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def check_password_rules(password: str, field: list[str]) -> None:
    if len(password) < MIN_LENGTH:
        raise DomainError(
            ErrorCode.PASSWORD_TOO_WEAK,
            f"Choose a password of at least {MIN_LENGTH} characters.",
            field,
        )
    if len(password) > MAX_LENGTH:
        raise DomainError(
            ErrorCode.INVALID_INPUT, f"A password has at most {MAX_LENGTH} characters.", field
        )
    if len(set(password)) < 4:
        raise DomainError(
            ErrorCode.PASSWORD_TOO_WEAK, "Choose a password with more different characters.", field
        )
