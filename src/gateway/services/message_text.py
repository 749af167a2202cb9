"""What a message may hold: plain text within limits, checked before anything is read."""

from __future__ import annotations

from gateway.errors import DomainError, ErrorCode

MAX_BODY_LENGTH = 5000
MAX_SUBJECT_LENGTH = 200
MAX_IDEMPOTENCY_KEY_LENGTH = 100


def invalid(message: str, *field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, ["input", *field])


def clean_body(body: str) -> str:
    """The body as stored: trimmed plain text of 1..5000 characters."""
    text = body.strip()
    if not text:
        raise invalid("Write a message first.", "body")
    if len(text) > MAX_BODY_LENGTH:
        raise invalid(f"A message has at most {MAX_BODY_LENGTH} characters.", "body")
    # PostgreSQL text cannot hold NUL; refuse it on every backend alike.
    if "\x00" in text:
        raise invalid("A message cannot contain NUL characters.", "body")
    return text


def clean_subject(subject: str | None) -> str | None:
    text = (subject or "").strip()
    if len(text) > MAX_SUBJECT_LENGTH:
        raise invalid(f"A subject has at most {MAX_SUBJECT_LENGTH} characters.", "subject")
    if "\x00" in text:
        raise invalid("A subject cannot contain NUL characters.", "subject")
    return text or None


def clean_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not key or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH or "\x00" in key:
        raise invalid(
            f"An idempotency key has 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters.",
            "idempotencyKey",
        )
    return key
