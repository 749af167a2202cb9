"""The two GraphQL-over-WebSocket protocols: `graphql-transport-ws` and the legacy `graphql-ws`.

Only framing lives here. Frames are built by string concatenation around an already encoded
payload, so a payload shared by many subscribers is encoded once, not once per subscriber.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from gateway.web.negotiation import has_lone_surrogate

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"


class Close(Enum):
    """Close codes of graphql-transport-ws (the legacy protocol uses the same where it closes)."""

    BAD_MESSAGE = (4400, "Invalid message")
    UNAUTHORIZED = (4401, "Unauthorized")
    FORBIDDEN = (4403, "Forbidden")
    UNSUPPORTED_PROTOCOL = (4406, "Subprotocol not acceptable")
    INIT_TIMEOUT = (4408, "Connection initialisation timeout")
    DUPLICATE_ID = (4409, "Subscriber already exists")
    TOO_MANY_INITS = (4429, "Too many initialisation requests")


@dataclass(frozen=True, slots=True)
class Message:
    """An incoming message, with the protocol's own type names folded onto one vocabulary."""

    type: str  # connection_init | subscribe | complete | ping | pong | terminate
    id: str | None
    payload: Any


_LEGACY_TYPES = {"start": "subscribe", "stop": "complete", "connection_terminate": "terminate"}


def parse(text: str, protocol: str) -> Message | None:
    """None for anything that is not a well-formed message of the protocol."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if has_lone_surrogate(text, data):  # not text: it would fail later, as a server error
        return None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return None
    kind = data["type"]
    if protocol == LEGACY_WS:
        kind = _LEGACY_TYPES.get(kind, kind)
    message_id = data.get("id")
    if message_id is not None and not isinstance(message_id, str):
        return None
    if kind in ("subscribe", "complete") and not message_id:
        return None
    return Message(type=kind, id=message_id, payload=data.get("payload"))


def _frame(protocol: str, kind: str, message_id: str | None, payload_json: str | None) -> str:
    parts = ['{"type":', json.dumps(kind)]
    if message_id is not None:
        parts += [',"id":', json.dumps(message_id)]
    if payload_json is not None:
        parts += [',"payload":', payload_json]
    parts.append("}")
    return "".join(parts)


def ack(protocol: str) -> str:
    return _frame(protocol, "connection_ack", None, None)


def pong(protocol: str, payload: Any = None) -> str:
    return _frame(protocol, "pong", None, None if payload is None else json.dumps(payload))


def keep_alive() -> str:
    return _frame(LEGACY_WS, "ka", None, None)


def next_frame(protocol: str, message_id: str, payload_json: str) -> str:
    """A result; `payload_json` is the encoded `{"data": …, "errors": …}`."""
    return _frame(protocol, "data" if protocol == LEGACY_WS else "next", message_id, payload_json)


def error_frame(protocol: str, message_id: str, errors: Sequence[Mapping[str, Any]]) -> str:
    payload = errors[0] if protocol == LEGACY_WS else errors
    return _frame(protocol, "error", message_id, json.dumps(payload))


def complete_frame(protocol: str, message_id: str) -> str:
    return _frame(protocol, "complete", message_id, None)


def connection_error(protocol: str, message: str) -> str:
    return _frame(protocol, "connection_error", None, json.dumps({"message": message}))
