"""Opaque global IDs (`Node.id`) and pagination cursors."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

MAX_ID_LENGTH = 200


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64decode(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def to_global_id(type_name: str, pk: int) -> str:
    return _b64encode(f"{type_name}:{pk}".encode())


def from_global_id(global_id: str) -> tuple[str, int] | None:
    """(type name, primary key), or None for anything that is not one of our IDs."""
    if len(global_id) > MAX_ID_LENGTH:
        return None
    raw = _b64decode(global_id)
    if raw is None:
        return None
    type_name, sep, pk = raw.decode("utf-8", errors="replace").partition(":")
    if not sep or not type_name.isalpha() or not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
        return None
    return type_name, int(pk)


def pk_of(global_id: str, type_name: str) -> int | None:
    """The primary key when `global_id` is an ID of that type, else None."""
    decoded = from_global_id(global_id)
    if decoded is None or decoded[0] != type_name:
        return None
    return decoded[1]


def encode_cursor(values: list[Any]) -> str:
    return _b64encode(json.dumps(values, separators=(",", ":"), default=str).encode())


def decode_cursor(cursor: str, arity: int) -> list[Any] | None:
    if len(cursor) > MAX_ID_LENGTH * 2:
        return None
    raw = _b64decode(cursor)
    if raw is None:
        return None
    try:
        values = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(values, list) or len(values) != arity:
        return None
    return values
