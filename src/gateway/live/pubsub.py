"""Process-wide publish/subscribe hub for realtime events, chosen by URL.

`memory://` uses broadcaster's `MemoryBackend` as is; `redis://host:port/db` uses
`gateway.live.pubsub_redis.RedisBackend`, a replacement for broadcaster's own Redis backend behind
the same `BroadcastBackend` interface. The hub replaces broadcaster's `Broadcast` class, which with
broadcaster 0.3.1 cannot be used on Redis:

* Concurrent first subscribers overwrite each other: `Broadcast.subscribe` awaits the backend's
  SUBSCRIBE before recording the subscriber, so each of N simultaneous first subscribers
  replaces the previous one's queue (10 concurrent subscribers: one receives events, the other
  nine fail with KeyError on leaving). Here the subscriber is recorded before anything is
  awaited, the backend call happens under a per-channel lock, and the last subscriber to leave
  unsubscribes at the backend under the same lock.
* A slow consumer stalls everyone: `Broadcast` awaits `queue.put` on unbounded queues. Here each
  subscription has a bounded queue filled with `put_nowait`; a full queue ends that subscription
  with `overflowed` set, so its client reconnects and catches up by cursor.
* A lost Redis connection leaves subscribers hanging (encode/broadcaster#144): handled by the
  Redis backend, which reconnects, re-subscribes and then calls back into the hub, which runs the
  `on_reconnect` callbacks.
* broadcaster's memory backend passes objects through while the Redis one delivers strings, so
  `publish` accepts only `str` (JSON), and a memory-only test cannot hide an object.

During a Redis outage subscriptions stay open, and `subscribe` still succeeds: the channel is
recorded and subscribed with all others on reconnection, before `on_reconnect` runs. `publish`
raises `PubSubUnavailable` at once instead of waiting: callers write events to the durable events
table first, so they may ignore it; subscribers catch up in `on_reconnect`.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from broadcaster import BroadcastBackend, Event
from broadcaster._backends.memory import MemoryBackend

__all__ = ["PubSub", "PubSubUnavailable", "ReconnectCallback", "Subscription"]

logger = logging.getLogger(__name__)

ReconnectCallback = Callable[[], Awaitable[None]] | Callable[[], None]


class PubSubUnavailable(Exception):
    """The message broker cannot be reached right now; nothing was published."""


class Subscription:
    """The messages of one channel for one subscriber, in publish order.

    Iterate with `async for`; iteration ends when the subscription is left, the hub disconnects
    or the queue overflowed (`overflowed` is then set and the backlog is dropped).
    """

    def __init__(self, channel: str, queue_size: int) -> None:
        self.channel = channel
        self.overflowed = False
        self._queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=queue_size)
        self._closed = False

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> str:
        if self.overflowed or (self._closed and self._queue.empty()):
            raise StopAsyncIteration
        message = await self._queue.get()
        if message is None:
            raise StopAsyncIteration
        return message

    def _deliver(self, message: str) -> None:
        if self._closed:
            return
        try:
            self._queue.put_nowait(message)
        except asyncio.QueueFull:
            logger.warning("pub/sub subscriber on %r fell behind; ending it", self.channel)
            self.overflowed = True
            self._close()

    def _close(self) -> None:
        if self._closed:
            return
        self._closed = True
        # Wakes a consumer waiting on an empty queue; a full queue has no one waiting on it.
        with suppress(asyncio.QueueFull):
            self._queue.put_nowait(None)


@dataclass(eq=False)
class _Channel:
    subscribers: set[Subscription] = field(default_factory=set)
    # Serialises the backend's SUBSCRIBE and UNSUBSCRIBE of this channel.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # backend.subscribe was called and not yet undone: whoever leaves last must unsubscribe.
    requested: bool = False
    # backend.subscribe returned: a new subscriber can rely on it without asking again.
    confirmed: bool = False


class PubSub:
    """Publish JSON strings to channels and subscribe to them, over memory or Redis.

    `health_check_interval` (Redis only): seconds of silence after which the subscriber
    connection is PINGed; a second silent interval counts as a lost connection.
    """

    def __init__(
        self, url: str, *, queue_size: int = 1000, health_check_interval: float = 5.0
    ) -> None:
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        self._queue_size = queue_size
        self._backend = self._create_backend(url, health_check_interval)
        self._channels: dict[str, _Channel] = {}
        self._reader: asyncio.Task[None] | None = None
        self._callbacks: list[ReconnectCallback] = []
        self._callback_tasks: set[asyncio.Future[Any]] = set()

    def _create_backend(self, url: str, health_check_interval: float) -> BroadcastBackend:
        scheme = urlsplit(url).scheme
        if scheme == "memory":
            return MemoryBackend(url)
        if scheme in ("redis", "rediss"):
            # Imported here: redis-py is an optional dependency.
            from gateway.live.pubsub_redis import RedisBackend

            return RedisBackend(
                url, on_reconnect=self._reconnected, health_check_interval=health_check_interval
            )
        raise ValueError(f"unsupported pub/sub URL scheme {scheme!r}: use memory:// or redis://")

    async def connect(self) -> None:
        """Connect to the broker; raises `PubSubUnavailable` if Redis cannot be reached."""
        if self._reader is not None:
            raise RuntimeError("PubSub is already connected")
        await self._backend.connect()
        self._reader = asyncio.create_task(self._read(), name="pubsub-reader")
        self._reader.add_done_callback(self._reader_done)

    @property
    def healthy(self) -> bool:
        """Connected, and (on Redis) not in the middle of an outage."""
        if self._reader is None or self._reader.done():
            return False
        return bool(getattr(self._backend, "is_connected", True))

    async def disconnect(self) -> None:
        """End every subscription and close the broker connections."""
        reader, self._reader = self._reader, None
        if reader is None:
            return
        reader.remove_done_callback(self._reader_done)
        for task in [reader, *self._callback_tasks]:
            task.cancel()
        await asyncio.wait([reader, *self._callback_tasks])
        self._end_all()
        await self._backend.disconnect()

    async def publish(self, channel: str, message: str) -> None:
        """Send `message` to every subscriber of `channel`, in this process and others."""
        if not isinstance(message, str):
            raise TypeError(f"publish takes a JSON string, not {type(message).__name__}")
        self._check_running()
        await self._backend.publish(channel, message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        """Subscribe to `channel`; once this has entered, no later publish is missed.

        Leaving the block ends the subscription, and the last subscriber of a channel
        unsubscribes it at the broker.
        """
        self._check_running()
        subscription = Subscription(channel, self._queue_size)
        # Recorded before any await, so concurrent first subscribers share one _Channel.
        state = self._channels.setdefault(channel, _Channel())
        state.subscribers.add(subscription)
        try:
            async with state.lock:
                if not state.confirmed:
                    state.requested = True
                    await self._backend.subscribe(channel)
                    state.confirmed = True
            yield subscription
        finally:
            subscription._close()
            state.subscribers.discard(subscription)
            # Shielded: a cancelled WebSocket task must still release the channel at Redis.
            await asyncio.shield(self._release(channel, state))

    def _check_running(self) -> None:
        if self._reader is None:
            raise RuntimeError("PubSub is not connected")
        if self._reader.done():
            raise PubSubUnavailable("the pub/sub reader has stopped; see the log")

    async def _release(self, channel: str, state: _Channel) -> None:
        async with state.lock:
            if state.subscribers:
                return
            if state.requested:
                state.requested = state.confirmed = False
                await self._backend.unsubscribe(channel)
            # A subscriber may have joined while UNSUBSCRIBE was in flight; it re-subscribes.
            if not state.subscribers and self._channels.get(channel) is state:
                del self._channels[channel]

    def on_reconnect(self, callback: ReconnectCallback) -> None:
        """Call `callback` each time a lost broker connection is back and re-subscribed.

        Messages published during the outage are lost; the callback is where to catch up
        from the durable events table. Coroutine callbacks run as tasks of their own.
        """
        self._callbacks.append(callback)

    def _reconnected(self) -> None:
        for callback in list(self._callbacks):
            try:
                result = callback()
            except Exception:
                logger.exception("pub/sub on_reconnect callback %r failed", callback)
                continue
            if inspect.isawaitable(result):
                task = asyncio.ensure_future(result)
                self._callback_tasks.add(task)
                task.add_done_callback(self._callback_done)

    def _callback_done(self, task: asyncio.Future[Any]) -> None:
        self._callback_tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            logger.error("pub/sub on_reconnect callback failed", exc_info=error)

    async def _read(self) -> None:
        while True:
            self._dispatch(await self._backend.next_published())

    def _dispatch(self, event: Event) -> None:
        state = self._channels.get(event.channel)
        if state is None:
            return
        # Never awaits: a slow subscriber overflows instead of holding up the others.
        for subscription in tuple(state.subscribers):
            subscription._deliver(event.message)

    def _reader_done(self, task: asyncio.Task[None]) -> None:
        # Only a bug ends the reader early; ending the subscriptions lets their clients
        # reconnect instead of waiting forever.
        if not task.cancelled():
            logger.error("pub/sub reader stopped", exc_info=task.exception())
        self._end_all()

    def _end_all(self) -> None:
        for state in self._channels.values():
            # Their late releases must not touch the backend any more.
            state.requested = state.confirmed = False
            for subscription in state.subscribers:
                subscription._close()
        self._channels.clear()
