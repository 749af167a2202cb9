"""Redis backend for `gateway.live.pubsub`, replacing broadcaster 0.3.1's `RedisBackend`.

It keeps broadcaster's `BroadcastBackend` interface; every method had to change:

* broadcaster sets its "ready" event before sending SUBSCRIBE. With redis-py 8 its listener wakes
  while redis-py has not yet recorded the channel, finds nothing subscribed, leaves `listen()`
  and sleeps for good: no message is ever delivered. Here the read loop reads from the moment the
  connection exists, subscribed or not, and `subscribe()` returns only once Redis's own
  confirmation has been read, so a message published after it returns is delivered.
* broadcaster's listener task dies with the first ConnectionError and its subscribers wait
  forever (encode/broadcaster#144). Here a read error, or a PING left unanswered for a
  health-check interval, drops the connection; a new one is opened at once and then with
  jittered exponential back-off (0.05 s doubling to 2 s), every wanted channel is subscribed
  again and, once Redis has confirmed them, `on_reconnect` is called.
* redis-py's `PubSub` object reconnects and re-subscribes by itself inside whichever call hits
  the error, on the very connection a concurrent reader is using. A plain redis-py `Connection`
  per attempt, used only here, keeps one place in charge of reconnecting.

One connection carries all subscriptions of the process; publishing uses a separate client.
Publishing retries once at once (a pooled connection is stale after a Redis restart) and then
raises `PubSubUnavailable`; a message is published at least once.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from typing import Any, Literal
from urllib.parse import urlsplit

from broadcaster import BroadcastBackend, Event
from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection, ConnectionPool
from redis.asyncio.retry import Retry
from redis.backoff import EqualJitterBackoff, NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from gateway.live.pubsub import PubSubUnavailable

__all__ = ["RedisBackend"]

logger = logging.getLogger(__name__)

# What a broken or confused connection raises; the cure is always a new connection.
_CONNECTION_ERRORS = (RedisError, OSError)

_Confirmation = tuple[bytes, str]  # (b"subscribe" | b"unsubscribe", channel)


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def _text(value: Any) -> str:
    # errors="replace": a stray non-UTF-8 publisher must not stop the read loop.
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


class RedisBackend(BroadcastBackend):
    """Redis pub/sub with confirmed subscriptions and automatic reconnection."""

    def __init__(
        self,
        url: str,
        *,
        on_reconnect: Callable[[], None] = lambda: None,
        health_check_interval: float = 5.0,
        connect_timeout: float = 2.0,
    ) -> None:
        # BroadcastBackend.__init__ only raises NotImplementedError.
        self._url = _redacted(url)
        self._on_reconnect = on_reconnect
        self._health_check_interval = health_check_interval
        self._connect_timeout = connect_timeout
        # RESP2 keeps pub/sub frames plain arrays; no socket timeout, because reads pass their
        # own and a timed-out write would hand the send to a task racing our disconnect.
        self._connections = ConnectionPool.from_url(
            url,
            protocol=2,
            socket_timeout=None,
            socket_connect_timeout=connect_timeout,
            socket_keepalive=True,
            retry=Retry(NoBackoff(), 0),
        )
        self._publisher = Redis.from_url(
            url,
            socket_timeout=connect_timeout,
            socket_connect_timeout=connect_timeout,
            retry=Retry(NoBackoff(), 1),
        )
        self._backoff = EqualJitterBackoff(cap=2.0, base=0.05)
        self._wanted: set[str] = set()
        self._connection: AbstractConnection | None = None
        self._waiters: defaultdict[_Confirmation, deque[asyncio.Future[bool]]] = defaultdict(deque)
        self._ping_unanswered = False
        self._resubscriber: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        try:
            await self._publisher.ping()
            self._connection = await self._open()
        except _CONNECTION_ERRORS as exc:
            await self._publisher.aclose()
            raise PubSubUnavailable(f"Redis at {self._url} is unreachable: {exc}") from exc

    @property
    def is_connected(self) -> bool:
        """False from a lost connection until a new one is open."""
        return self._connection is not None

    async def disconnect(self) -> None:
        if self._resubscriber is not None:
            self._resubscriber.cancel()
            await asyncio.wait([self._resubscriber])
        connection, self._connection = self._connection, None
        self._release_waiters()
        if connection is not None:
            await connection.disconnect()
        await self._publisher.aclose()

    async def subscribe(self, channel: str) -> None:
        """Subscribe, returning once Redis confirmed it or the connection was lost.

        During an outage the channel is only recorded; the next connection subscribes it
        before `on_reconnect` is called.
        """
        self._wanted.add(channel)
        await self._request("SUBSCRIBE", [channel])

    async def unsubscribe(self, channel: str) -> None:
        self._wanted.discard(channel)
        await self._request("UNSUBSCRIBE", [channel])

    async def publish(self, channel: str, message: Any) -> None:
        try:
            await self._publisher.publish(channel, message)
        except _CONNECTION_ERRORS as exc:
            raise PubSubUnavailable(f"Redis at {self._url} is unreachable: {exc}") from exc

    async def next_published(self) -> Event:
        while True:
            connection = self._connection or await self._reconnect()
            try:
                frame = await connection.read_response(
                    timeout=self._health_check_interval, push_request=True
                )
                if frame is None:  # a whole interval without a word
                    await self._check_health(connection)
                    continue
            except _CONNECTION_ERRORS as exc:
                logger.warning(
                    "lost Redis pub/sub connection to %s (%s: %s)",
                    self._url,
                    type(exc).__name__,
                    exc,
                )
                await self._drop(connection)
                continue
            self._ping_unanswered = False
            event = self._handle(frame)
            if event is not None:
                return event

    async def _check_health(self, connection: AbstractConnection) -> None:
        if self._ping_unanswered:
            raise RedisTimeoutError(f"no reply to PING within {self._health_check_interval} s")
        if not connection.is_connected:
            # A failed write elsewhere closed it; sending now would make redis-py quietly open
            # a fresh, unsubscribed socket on this same object.
            raise RedisConnectionError("connection closed after a failed write")
        self._ping_unanswered = True
        await connection.send_command("PING", check_health=False)

    def _handle(self, frame: Any) -> Event | None:
        # PING replies are [b"pong", b""] while subscribed and b"PONG" otherwise: ignored.
        if not isinstance(frame, list) or len(frame) != 3:
            return None
        kind, channel = frame[0], _text(frame[1])
        if kind == b"message":
            return Event(channel=channel, message=_text(frame[2]))
        waiters = self._waiters.get((kind, channel))
        if waiters:
            # Redis answers in order, so the oldest waiter of this kind and channel is it.
            waiter = waiters.popleft()
            if not waiters:
                del self._waiters[kind, channel]
            if not waiter.done():  # its caller may have been cancelled
                waiter.set_result(True)
        return None

    async def _request(
        self, command: Literal["SUBSCRIBE", "UNSUBSCRIBE"], channels: Sequence[str]
    ) -> bool:
        """Send `command` and wait for each channel's confirmation; False if none can come."""
        connection = self._connection
        if connection is None or not connection.is_connected or not channels:
            return False
        loop = asyncio.get_running_loop()
        kind = command.lower().encode()
        waiters = [loop.create_future() for _ in channels]
        for channel, waiter in zip(channels, waiters, strict=True):
            self._waiters[kind, channel].append(waiter)
        try:
            # Nothing yields between the check above and the write, so the command goes to the
            # connection checked; redis-py would otherwise silently reconnect a dropped one.
            await connection.send_command(command, *channels, check_health=False)
        except _CONNECTION_ERRORS:
            return False  # the read loop meets the same error and releases the waiters
        return all(await asyncio.gather(*waiters))

    async def _open(self) -> AbstractConnection:
        # redis-py leaves make_connection and connect unannotated.
        connection: AbstractConnection = self._connections.make_connection()  # type: ignore[no-untyped-call]
        try:
            # The handshake reads without a socket timeout; a frozen server must not hang it.
            async with asyncio.timeout(self._connect_timeout):
                await connection.connect()  # type: ignore[no-untyped-call]
        except BaseException:
            await connection.disconnect(nowait=True)
            raise
        return connection

    async def _drop(self, connection: AbstractConnection) -> None:
        if self._connection is connection:
            self._connection = None
        self._ping_unanswered = False
        self._release_waiters()
        await connection.disconnect(nowait=True)

    def _release_waiters(self) -> None:
        waiters, self._waiters = self._waiters, defaultdict(deque)
        for queue in waiters.values():
            for waiter in queue:
                if not waiter.done():
                    waiter.set_result(False)

    async def _reconnect(self) -> AbstractConnection:
        failures = 0
        while True:
            try:
                connection = await self._open()
            except (*_CONNECTION_ERRORS, TimeoutError) as exc:
                failures = min(failures + 1, 16)  # 2**failures must stay a float
                delay = self._backoff.compute(failures)
                logger.info(
                    "Redis at %s still unreachable (%s: %s)", self._url, type(exc).__name__, exc
                )
                await asyncio.sleep(delay)
                continue
            logger.warning("reconnected to Redis at %s", self._url)
            self._connection = connection
            # A task of its own: the confirmations arrive through this read loop.
            self._resubscriber = asyncio.create_task(self._resubscribe(connection))
            return connection

    async def _resubscribe(self, connection: AbstractConnection) -> None:
        channels = sorted(self._wanted)
        if channels and not await self._request("SUBSCRIBE", channels):
            return  # lost again; the next connection tries anew
        if self._connection is connection:
            try:
                self._on_reconnect()
            except Exception:
                logger.exception("pub/sub reconnect callback failed")
