"""Delivering committed events to this process's live subscribers, whichever process wrote them.

The pub/sub message is only a wake-up ("organisation 7 has new events"); the events themselves
are read from the `events` table in id order, per organisation, by one reader per process. So a
wake-up lost while Redis was away loses nothing (the reconnect and a slow poll read again), and
every subscriber sees an organisation's events once, in order, whichever process wrote them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.live.events import SESSION_REVOKED
from gateway.live.pubsub import PubSub, PubSubUnavailable
from gateway.live.wake_ups import CHANNEL, WakeUpSender
from gateway.models import Event

log = logging.getLogger(__name__)

BATCH = 500
# While pub/sub is away the poll is all other processes' events come by: poll more often.
DEGRADED_POLL = 1.0
CONNECT_RETRY = 2.0


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """A committed event, detached from any session."""

    id: int
    organisation_id: int
    kind: str
    account_id: int | None
    child_id: int | None
    group_id: int | None
    location_id: int | None
    payload: dict[str, Any]
    created_at: datetime

    @classmethod
    def from_row(cls, row: Event) -> LiveEvent:
        return cls(
            id=row.id,
            organisation_id=row.organisation_id,
            kind=row.kind,
            account_id=row.account_id,
            child_id=row.child_id,
            group_id=row.group_id,
            location_id=row.location_id,
            payload=json.loads(row.payload),
            created_at=row.created_at,
        )


class Listener(Protocol):
    """A live subscription of some viewer in one organisation."""

    @property
    def organisation_id(self) -> int: ...


Fanout = Callable[[LiveEvent, Sequence[Listener]], Awaitable[None]]


class SessionWatcher(Protocol):
    """Something in this process that remembers sessions (e.g. the viewer cache).

    Unlike listeners, it hears of every organisation's revocations, followed or not.
    """

    def revoke(self, account_id: int, token_ids: Collection[int] | None) -> None:
        """The account's given tokens (None: all of them) no longer work."""

    def clear(self) -> None:
        """A revocation may have gone unheard: forget every session."""


class LiveHub:
    """One per process: follows each organisation that has listeners here."""

    def __init__(
        self,
        pubsub: PubSub,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        poll_interval: float = 5.0,
    ) -> None:
        self.pubsub = pubsub
        self.sessionmaker = sessionmaker
        self.poll_interval = poll_interval
        self.fanout: Fanout | None = None
        self.session_watchers: list[SessionWatcher] = []
        self._listeners: dict[int, set[Listener]] = {}
        self._cursor: dict[int, int] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._pending: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._background: list[asyncio.Task[None]] = []
        self._wake_ups = WakeUpSender(pubsub)
        self._connected = False

    async def start(self) -> None:
        """Start following; with pub/sub away this process still serves and polls meanwhile."""
        self.pubsub.on_reconnect(self.resync_all)
        # Revocations published while the connection was down never arrive.
        self.pubsub.on_reconnect(self._sessions_unheard)
        self._wake_ups.start()
        self._background = [
            asyncio.create_task(self._read_wake_ups()),
            asyncio.create_task(self._poll()),
        ]

    async def stop(self) -> None:
        for task in [*self._background, *self._tasks]:
            task.cancel()
        for task in [*self._background, *self._tasks]:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._wake_ups.stop()
        await self.pubsub.disconnect()

    @property
    def ready(self) -> bool:
        """Whether live delivery is whole: pub/sub is up (else events come by polling only)."""
        return self._connected and self.pubsub.healthy

    async def publish(self, events: Sequence[Event]) -> None:
        """Wake every process: this one at once, the others in the background.

        Never waits for Redis: the events are committed, so a wake-up sent late or lost costs
        other processes only time (they poll, and read again when pub/sub returns). Session
        revocations travel in the wake-up itself: every process drops the sessions at once,
        whether or not it follows the organisation.
        """
        for organisation_id in sorted({e.organisation_id for e in events}):
            revoked = [
                [e.account_id, json.loads(e.payload).get("tokenIds")]
                for e in events
                if e.organisation_id == organisation_id and e.kind == SESSION_REVOKED
            ]
            self._sessions_revoked(revoked)
            self.wake(organisation_id)
            self._wake_ups.send(organisation_id, max(e.id for e in events), revoked)

    async def register(self, listener: Listener) -> int:
        """Start delivering to `listener`; returns the cursor it is live from (exclusive)."""
        org = listener.organisation_id
        async with self._lock(org):
            if org not in self._cursor:
                async with self.sessionmaker() as session:
                    latest = await session.scalar(
                        select(func.max(Event.id)).where(Event.organisation_id == org)
                    )
                self._cursor[org] = latest or 0
            self._listeners.setdefault(org, set()).add(listener)
            return self._cursor[org]

    def unregister(self, listener: Listener) -> None:
        listeners = self._listeners.get(listener.organisation_id)
        if listeners is not None:
            listeners.discard(listener)
            if not listeners:
                # Forget the cursor too: with nobody listening the organisation is not followed.
                del self._listeners[listener.organisation_id]
                self._cursor.pop(listener.organisation_id, None)

    async def idle(self) -> None:
        """Wait until every wake-up received so far has been delivered."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def cursor(self, organisation_id: int) -> int:
        """The last event id delivered for the organisation: live listeners get what follows."""
        return self._cursor.get(organisation_id, 0)

    def listeners_of(self, organisation_id: int) -> list[Listener]:
        return list(self._listeners.get(organisation_id, ()))

    def listener_count(self) -> int:
        return sum(len(group) for group in self._listeners.values())

    def wake(self, organisation_id: int) -> None:
        """Read the organisation's new events soon; wake-ups arriving meanwhile coalesce."""
        if organisation_id not in self._listeners or organisation_id in self._pending:
            return
        self._pending.add(organisation_id)
        task = asyncio.create_task(self._sync(organisation_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def resync_all(self) -> None:
        for organisation_id in list(self._listeners):
            self.wake(organisation_id)

    def _sessions_revoked(self, revoked: Sequence[list[Any]]) -> None:
        for account_id, token_ids in revoked:
            for watcher in self.session_watchers:
                watcher.revoke(account_id, token_ids)

    def _sessions_unheard(self) -> None:
        for watcher in self.session_watchers:
            watcher.clear()

    def _lock(self, organisation_id: int) -> asyncio.Lock:
        return self._locks.setdefault(organisation_id, asyncio.Lock())

    async def _sync(self, org: int) -> None:
        async with self._lock(org):
            self._pending.discard(org)
            while org in self._cursor:
                async with self.sessionmaker() as session:
                    rows = (
                        await session.scalars(
                            select(Event)
                            .where(Event.organisation_id == org, Event.id > self._cursor[org])
                            .order_by(Event.id)
                            .limit(BATCH)
                        )
                    ).all()
                for row in rows:
                    event = LiveEvent.from_row(row)
                    self._cursor[org] = event.id
                    await self._deliver(event)
                if len(rows) < BATCH:
                    return

    async def _deliver(self, event: LiveEvent) -> None:
        listeners = list(self._listeners.get(event.organisation_id, ()))
        if not listeners or self.fanout is None:
            return
        try:
            await self.fanout(event, listeners)
        except Exception:
            log.exception("fan-out of event %s failed", event.id)

    async def _connect(self) -> None:
        warned = False
        while True:
            try:
                await self.pubsub.connect()
            except PubSubUnavailable as exc:
                if not warned:
                    warned = True
                    log.warning("%s; serving without live wake-ups, polling meanwhile", exc)
                await asyncio.sleep(CONNECT_RETRY)
                continue
            if warned:
                log.info("pub/sub reachable again")
            self._connected = True
            return

    async def _read_wake_ups(self) -> None:
        await self._connect()
        while True:
            try:
                async with self.pubsub.subscribe(CHANNEL) as subscription:
                    # Anything published before this subscription took hold.
                    self._sessions_unheard()
                    self.resync_all()
                    async for message in subscription:
                        wake_up = json.loads(message)
                        self._sessions_revoked(wake_up.get("revoked", ()))
                        self.wake(int(wake_up["org"]))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("wake-up subscription failed; subscribing again")
            await asyncio.sleep(0.1)

    async def _poll(self) -> None:
        """A slow safety net: pub/sub delivers at most once, the events table always."""
        while True:
            interval = self.poll_interval if self.ready else min(self.poll_interval, DEGRADED_POLL)
            await asyncio.sleep(interval)
            self.resync_all()
