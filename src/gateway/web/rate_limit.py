"""Rate limits per bearer token and per client address, over HTTP and socket messages.

Fixed windows: each (token or address, window) has a counter; over the limit a request gets 429
with `Retry-After` (the seconds to the window's end), a socket message an error with
`RATE_LIMITED`. The counters live in this process, or in Redis when `BROADCAST_URL` is Redis so
that every process counts the same client together (INCR, then EXPIRE with the window). Redis
away means no limit rather than no service: requests pass, the outage is logged once, and Redis is
left alone for a few seconds, so that a hung Redis costs one short timeout, not one per request.

Every request counts against its address; one with a token also against that token, so
rotating made-up tokens does not escape the address limit. Tokens are keyed by a digest, never
stored. Only the GraphQL endpoint is limited: a timeline page loads many /media files.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import orjson
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.auth.viewer import bearer_token

log = logging.getLogger(__name__)

RATE_LIMITED = "RATE_LIMITED"
PAUSE_AFTER_FAILURE = 5.0  # seconds without counting after the counter failed


class Counter(Protocol):
    async def increment(self, keys: list[str], window: int, ttl: float) -> list[int]:
        """Count one more hit on each of `keys` in `window`; their counts so far."""

    async def close(self) -> None: ...


class MemoryCounter:
    """Counters of the current window only: older windows are dropped as time moves on."""

    def __init__(self) -> None:
        self._window = -1
        self._counts: dict[str, int] = {}

    async def increment(self, keys: list[str], window: int, ttl: float) -> list[int]:
        if window != self._window:
            self._window, self._counts = window, {}
        for key in keys:
            self._counts[key] = self._counts.get(key, 0) + 1
        return [self._counts[key] for key in keys]

    async def close(self) -> None:
        self._counts = {}


class RedisCounter:
    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis

        self._redis: Any = Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)

    async def increment(self, keys: list[str], window: int, ttl: float) -> list[int]:
        # One round trip for all keys.
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in keys:
                name = f"ouderportaal:rate:{window}:{key}"
                pipe.incr(name)
                pipe.expire(name, math.ceil(ttl) + 1)
            replies = await pipe.execute()
        return [int(count) for count in replies[::2]]

    async def close(self) -> None:
        await self._redis.aclose()


@dataclass(frozen=True)
class Limits:
    per_token: int  # 0: no limit
    per_address: int
    window: float  # seconds


class RateLimiter:
    def __init__(
        self, counter: Counter, limits: Limits, now: Callable[[], float] = time.time
    ) -> None:
        self.counter = counter
        self.limits = limits
        self._now = now
        self._paused_until = 0.0
        self._failing = False

    async def retry_after(self, address: str | None, token: str | None) -> int | None:
        """Count one request; None if it may go ahead, else the seconds to wait."""
        now = self._now()
        if now < self._paused_until:
            return None
        window = int(now // self.limits.window)
        checks = [("a:" + (address or "-"), self.limits.per_address)]
        if token is not None:
            digest = hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()[:32]
            checks.append(("t:" + digest, self.limits.per_token))
        checks = [(key, limit) for key, limit in checks if limit > 0]
        if not checks:
            return None
        try:
            counts = await self.counter.increment(
                [k for k, _ in checks], window, self.limits.window
            )
        except Exception as exc:  # Redis away: no limit rather than no service
            if not self._failing:  # once per outage; pub/sub warns of Redis itself
                log.info("rate limit counter unavailable, requests pass: %r", exc)
            self._failing = True
            self._paused_until = now + PAUSE_AFTER_FAILURE
            return None
        if self._failing:
            self._failing = False
            log.info("rate limit counter available again")
        if all(count <= limit for count, (_, limit) in zip(counts, checks, strict=True)):
            return None
        return max(1, math.ceil((window + 1) * self.limits.window - now))

    async def close(self) -> None:
        await self.counter.close()


def rate_limiter(
    broadcast_url: str, *, per_token: int, per_address: int, window: float
) -> RateLimiter:
    redis = broadcast_url.startswith(("redis://", "rediss://"))
    counter: Counter = RedisCounter(broadcast_url) if redis else MemoryCounter()
    return RateLimiter(counter, Limits(per_token, per_address, window))


def client_address(scope: Scope) -> str | None:
    client = scope.get("client")
    return str(client[0]) if client else None


class RateLimitHTTP:
    """ASGI middleware: 429 with `Retry-After` for HTTP requests to `path` over the limits."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, path: str = "/graphql") -> None:
        self.app = app
        self.limiter = limiter
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        token = bearer_token(Headers(scope=scope).get("authorization"))
        wait = await self.limiter.retry_after(client_address(scope), token)
        if wait is None:
            await self.app(scope, receive, send)
            return
        body = orjson.dumps({"errors": [refusal(wait)]})
        headers = [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(wait).encode()),
        ]
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def refusal(wait: int) -> dict[str, Any]:
    """The GraphQL error of a refused request or socket message."""
    return {
        "message": f"Too many requests; try again in {wait} s.",
        "extensions": {"code": RATE_LIMITED, "retryAfter": wait},
    }
