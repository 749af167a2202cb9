"""Idempotency keys checked against the input they came with, as Stripe does.

A client may retry a mutation with the same key and must then get the first result back,
creating nothing twice. The same key with *different* input is a client bug (a key reused
for a new submission); answering it with the first result would silently lose the second
request, so it is refused with `IDEMPOTENCY_KEY_REUSED` and changes nothing.

How a use case takes part (care submissions, `sendMessage`, `writeDiaryEntry`, `uploadPhotos`,
`publishNews`):
1. compute `fingerprint("<mutation>", {...normalised input...})` once the input is checked:
   put in what decides the outcome, normalised (trimmed text, sorted sets, instants in UTC,
   primary keys instead of global IDs), nothing the server adds;
2. store it next to the key (a `String(64)` column) on what the first call creates;
3. when a row with the key exists, `check_same_input(stored, computed)` before replaying it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from gateway.errors import DomainError, ErrorCode

KEY_FIELD = ("input", "idempotencyKey")


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError("instants are fingerprinted with their offset")
        return value.timestamp()  # the same instant in any offset reads the same
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


def fingerprint(operation: str, normalised_input: Mapping[str, Any]) -> str:
    """A stable hash (64 hex digits) of what a mutation was asked to do."""
    text = json.dumps(
        {"operation": operation, "input": normalised_input},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_plain,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def check_same_input(stored: str | None, computed: str, field: Sequence[str] = KEY_FIELD) -> None:
    """Refuse a replay whose input differs from the first call's.

    `stored` is None for rows written before fingerprints were kept: those replay as before.
    """
    if stored is not None and stored != computed:
        raise reused(field)


def reused(field: Sequence[str] = KEY_FIELD) -> DomainError:
    return DomainError(
        ErrorCode.IDEMPOTENCY_KEY_REUSED,
        "This idempotency key was used before with different input; nothing was changed. "
        "Use a new key for a new submission.",
        field,
    )
