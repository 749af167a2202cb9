"""Sending wake-ups to other processes in the background, so that no response waits for Redis.

A wake-up only says "organisation 7 has events up to id 120"; the events are already committed,
and other processes also poll. So a mutation hands its wake-up over and answers at once; one
task sends them, each within `timeout`, coalescing what piles up meanwhile (one per
organisation, the highest id), which bounds the backlog by the number of organisations. While
Redis is unreachable or frozen one warning says so, and one line when it is back.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from typing import Any

from gateway.live.pubsub import PubSub, PubSubUnavailable

log = logging.getLogger(__name__)

CHANNEL = "events"
# Revocations kept for a retry per organisation while Redis is away; past it the oldest go
# (other processes forget all sessions when their own connection comes back anyway).
MAX_REVOKED = 1000
RETRY = 0.5


class WakeUpSender:
    def __init__(self, pubsub: PubSub, *, timeout: float = 1.0) -> None:
        self.pubsub = pubsub
        self.timeout = timeout
        self.failing = False
        self._pending: dict[int, int] = {}
        self._revoked: dict[int, list[list[Any]]] = {}
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="wake-up-sender")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait([self._task])

    def send(self, organisation_id: int, event_id: int, revoked: Sequence[list[Any]] = ()) -> None:
        """Hand a wake-up over; `revoked` are [account id, token ids] pairs it carries."""
        self._pending[organisation_id] = max(event_id, self._pending.get(organisation_id, 0))
        if revoked:
            kept = self._revoked.setdefault(organisation_id, [])
            kept.extend(revoked)
            del kept[:-MAX_REVOKED]
        self._ready.set()

    async def _run(self) -> None:
        while True:
            await self._ready.wait()
            self._ready.clear()
            pending, self._pending = self._pending, {}
            for organisation_id, event_id in sorted(pending.items()):
                wake_up: dict[str, Any] = {"org": organisation_id, "id": event_id}
                revoked = self._revoked.pop(organisation_id, None)
                if revoked:
                    wake_up["revoked"] = revoked
                try:
                    async with asyncio.timeout(self.timeout):
                        await self.pubsub.publish(CHANNEL, json.dumps(wake_up))
                except (PubSubUnavailable, TimeoutError, RuntimeError) as exc:
                    # RuntimeError: not connected yet, Redis was down at start; the hub has
                    # said so already, once.
                    if not isinstance(exc, RuntimeError):
                        self._failed(exc)
                    if revoked:  # worth another try, unlike a wake-up (others poll)
                        self.send(organisation_id, event_id, revoked)
                        await asyncio.sleep(RETRY)
                else:
                    self._succeeded()
            if self.failing:
                await asyncio.sleep(RETRY)  # what piles up meanwhile goes in one round

    def _failed(self, exc: BaseException) -> None:
        if not self.failing:
            self.failing = True
            log.warning(
                "pub/sub unavailable (%s); other processes catch up by polling until it is back",
                type(exc).__name__,
            )

    def _succeeded(self) -> None:
        if self.failing:
            self.failing = False
            log.info("pub/sub publishing works again")
