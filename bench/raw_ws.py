"""A minimal WebSocket client for the benchmark: one asyncio Protocol per connection, no task.

Receiving with a full client library (a task and a parsed message per frame) costs the bench
process more per message than the server spends sending it, so with a thousand connections on
one machine the client would be what is measured. This one only finds frame boundaries and
stamps each text frame with the time it arrived.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import struct
import time
from typing import Any

TEXT, PING, PONG = 0x1, 0x9, 0xA


def _client_frame(payload: bytes, opcode: int = TEXT) -> bytes:
    """A masked frame, as clients must send."""
    mask = os.urandom(4)
    header = bytearray([0x80 | opcode])
    if len(payload) < 126:
        header.append(0x80 | len(payload))
    else:
        header.append(0x80 | 126)
        header += struct.pack("!H", len(payload))
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes(header) + mask + masked


class RawClient(asyncio.Protocol):
    def __init__(self, host: str, port: int, protocol: str) -> None:
        self.request = (
            f"GET /graphql HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}"
            f"\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: {protocol}\r\n\r\n"
        ).encode()
        self.buffer = b""
        self.upgraded = asyncio.get_running_loop().create_future()
        self.frames: list[tuple[float, str]] = []
        self.arrived = asyncio.Event()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        at = time.perf_counter()
        self.buffer += data
        if not self.upgraded.done():
            head, sep, rest = self.buffer.partition(b"\r\n\r\n")
            if not sep:
                return
            self.upgraded.set_result(head.startswith(b"HTTP/1.1 101"))
            self.buffer = rest
        while len(self.buffer) >= 2:
            length = self.buffer[1] & 0x7F
            offset = 2
            if length == 126:
                if len(self.buffer) < 4:
                    return
                length = struct.unpack("!H", self.buffer[2:4])[0]
                offset = 4
            elif length == 127:
                if len(self.buffer) < 10:
                    return
                length = struct.unpack("!Q", self.buffer[2:10])[0]
                offset = 10
            if len(self.buffer) < offset + length:
                return
            opcode = self.buffer[0] & 0x0F
            payload = self.buffer[offset : offset + length]
            self.buffer = self.buffer[offset + length :]
            if opcode == PING and self.transport is not None:
                # uvicorn pings idle connections and drops those that do not answer.
                self.transport.write(_client_frame(payload, PONG))
            elif opcode == TEXT:
                self.frames.append((at, payload.decode(errors="replace")))
        self.arrived.set()

    def send(self, message: dict[str, Any]) -> None:
        assert self.transport is not None
        self.transport.write(_client_frame(json.dumps(message).encode()))

    async def next_message(self) -> dict[str, Any]:
        while not self.frames:
            self.arrived.clear()
            await self.arrived.wait()
        _at, text = self.frames.pop(0)
        message: dict[str, Any] = json.loads(text)
        return message

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def open_client(host: str, port: int, protocol: str = "graphql-transport-ws") -> RawClient:
    loop = asyncio.get_running_loop()
    _transport, client = await loop.create_connection(
        lambda: RawClient(host, port, protocol), host, port
    )
    if not await client.upgraded:
        raise RuntimeError("WebSocket upgrade refused")
    return client
