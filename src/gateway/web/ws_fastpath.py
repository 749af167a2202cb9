"""Writing one pre-encoded WebSocket frame to many connections.

A server's frames are unmasked, and with permessage-deflate off (see `app.server_options`) the
bytes of a text frame depend only on its text. So the fan-out encodes a frame once per event and
operation id and writes those bytes to each socket, instead of having the WebSocket library
build the same frame a thousand times; that frame building was most of the CPU of a delivery.

This reaches into uvicorn's sans-I/O WebSocket protocol (the object behind the ASGI `send`). It
writes only when that protocol is plainly idle and open: handshake done, no close sent, OPEN
state, no extension negotiated, no fragmented message under way, transport not paused. In every
other case, and under any other server, `write_frame` returns False and the caller sends the
frame the ordinary ASGI way.
"""

from __future__ import annotations

import struct
from typing import Any

from starlette.types import Send
from websockets.protocol import State


def encode_text_frame(text: str) -> bytes:
    """A final, unmasked text frame (RFC 6455 §5.2)."""
    payload = text.encode()
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x81, length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", 0x81, 126, length)
    else:
        header = struct.pack("!BBQ", 0x81, 127, length)
    return header + payload


def write_frame(send: Send, frame: bytes) -> bool:
    """Write `frame` straight to the socket behind `send` if that is safe now; else False."""
    protocol: Any = getattr(send, "__self__", None)
    conn = getattr(protocol, "conn", None)
    transport = getattr(protocol, "transport", None)
    writable = getattr(protocol, "writable", None)
    if (
        conn is None
        or transport is None
        or writable is None
        or not writable.is_set()
        or not getattr(protocol, "handshake_complete", False)
        or getattr(protocol, "close_sent", True)
        or conn.state is not State.OPEN
        or conn.extensions
        or conn.expect_continuation_frame
        or transport.is_closing()
    ):
        return False
    transport.write(frame)
    return True


def abort(send: Send) -> None:
    """Cut the connection behind `send` at once, unsent data and all (uvicorn only).

    For a peer that stopped reading: closing politely would wait for it to read first.
    """
    transport: Any = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is not None:
        transport.abort()  # also cuts a close that is waiting to flush
