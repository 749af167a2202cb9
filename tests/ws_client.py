"""A small GraphQL-over-WebSocket client for tests, speaking either protocol."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

TRANSPORT = "graphql-transport-ws"
LEGACY = "graphql-ws"
TIMEOUT = 10.0  # only ever reached when a test fails


class WsClient:
    def __init__(self, socket: ClientConnection, protocol: str) -> None:
        self.socket = socket
        self.protocol = protocol
        self._early: list[dict[str, Any]] = []  # what arrived while `sync` waited

    async def sync(self) -> None:
        """Until the server has handled everything sent so far (graphql-transport-ws only).

        It handles a socket's messages in order, so its `pong` comes after, e.g., the
        subscription is in place: a test may then write events without racing it.
        """
        await self.send({"type": "ping"})
        while True:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), TIMEOUT))
            if message.get("type") == "pong":
                return
            if message.get("type") not in ("ka", "ping"):
                self._early.append(message)

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send(json.dumps(message))

    async def init(self, token: str | None) -> dict[str, Any]:
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        await self.send({"type": "connection_init", "payload": payload})
        return await self.receive()

    async def subscribe(
        self, op_id: str, query: str, variables: dict[str, Any] | None = None
    ) -> None:
        kind = "start" if self.protocol == LEGACY else "subscribe"
        await self.send(
            {"id": op_id, "type": kind, "payload": {"query": query, "variables": variables or {}}}
        )

    async def receive(self) -> dict[str, Any]:
        """The next message, skipping keep-alives."""
        if self._early:
            return self._early.pop(0)
        while True:
            text = await asyncio.wait_for(self.socket.recv(), TIMEOUT)
            message: dict[str, Any] = json.loads(text)
            if message.get("type") not in ("ka", "ping", "pong"):
                return message

    async def next_data(self) -> dict[str, Any]:
        """The `data` of the next result message."""
        message = await self.receive()
        assert message["type"] in ("next", "data"), message
        assert "errors" not in message["payload"], message
        data: dict[str, Any] = message["payload"]["data"]
        return data

    async def closed(self) -> tuple[int, str]:
        """Wait for the server to close; its close code and reason."""
        try:
            while True:
                await asyncio.wait_for(self.socket.recv(), TIMEOUT)
        except ConnectionClosed as closed:
            frame = closed.rcvd
        if frame is None:
            raise AssertionError("closed without a close frame")
        return frame.code, frame.reason


@asynccontextmanager
async def ws_connect(
    base_url: str, protocol: str = TRANSPORT, **options: Any
) -> AsyncIterator[WsClient]:
    """Options go to `websockets.connect` (e.g. `sock`, `max_queue` for a client that lags)."""
    url = base_url.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=[protocol], open_timeout=TIMEOUT, **options) as socket:  # type: ignore[list-item]
        yield WsClient(socket, protocol)
