"""The frames waiting for one socket: results bounded, a `pong` and the close first.

A client that stops reading must not make the server hold an unbounded backlog, nor lose
results in the middle of its stream. So results (`next` frames of subscriptions) are queued
only while fewer than `limit` wait; past that the fan-out stops sending to the subscription,
which catches up from the events table once the queue has drained to half (`room`), in order.
Other frames keep their order among the results but are not counted, except against a hard
cap that stops a client sending pings without reading. A `pong` and the end of the connection
go ahead of everything, so a `ping` is answered, and a close is prompt, however long the queue.
"""

from __future__ import annotations

import asyncio
from collections import deque


class Outbox:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._frames: deque[tuple[str, bool]] = deque()  # (frame, is a result)
        self._results = 0
        self._urgent: deque[str | None] = deque()
        self._ready = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()

    def empty(self) -> bool:
        return not self._frames and not self._urgent

    def full(self) -> bool:
        """Whether results must wait: the subscription falls behind instead of queueing."""
        return self._results >= self.limit

    def put(self, frame: str, *, result: bool = False) -> bool:
        """Queue a frame in order; False (not queued) when other frames reach the hard cap.

        Results are always queued: their number is bounded by whoever sends them (the fan-out
        checks `full`, a replay waits for `room` before each page), and dropping one would
        leave a hole in the stream.
        """
        if not result and len(self._frames) - self._results >= self.limit:
            return False
        self._frames.append((frame, result))
        if result:
            self._results += 1
            if self._results > self.limit // 2:
                self._room.clear()
        self._ready.set()
        return True

    def put_urgent(self, frame: str | None) -> bool:
        """Queue ahead of the rest (a `pong`, or None to end the sender)."""
        if frame is not None and len(self._urgent) >= self.limit:
            return False
        self._urgent.append(frame)
        self._ready.set()
        return True

    async def get(self) -> str | None:
        while self.empty():
            self._ready.clear()
            await self._ready.wait()
        if self._urgent:
            return self._urgent.popleft()
        frame, result = self._frames.popleft()
        if result:
            self._results -= 1
            if self._results <= self.limit // 2:
                self._room.set()
        return frame

    async def room(self) -> None:
        """Wait until at most half the limit of results is queued."""
        while self._results > self.limit // 2:
            self._room.clear()
            await self._room.wait()
