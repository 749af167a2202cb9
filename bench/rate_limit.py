"""What counting a request costs: the rate limiter in memory and in Redis, per request.

Each request counts twice (its address and its token). Prints microseconds per request for
the in-process counter and for Redis (one INCR+EXPIRE round trip per key), beside the cost of
the round trip alone (a PING), so the figures read as ratios on any machine.

    .venv/bin/python bench/rate_limit.py [--redis redis://127.0.0.1:6379/0] [--requests 2000]
"""

from __future__ import annotations

import sys

# bench/http.py would hide the standard library's `http` (see there).
sys.path.append(sys.path.pop(0))

import argparse
import asyncio
import time

from redis.asyncio import Redis

from gateway.web.rate_limit import rate_limiter


async def per_request(url: str, requests: int) -> float:
    limiter = rate_limiter(url, per_token=10**9, per_address=10**9, window=60)
    started = time.perf_counter()
    for n in range(requests):
        assert await limiter.retry_after(f"10.0.{n % 250}.1", f"op_token_{n % 50}") is None
    elapsed = time.perf_counter() - started
    await limiter.close()
    return elapsed / requests * 1e6


async def ping(url: str, requests: int) -> float:
    redis = Redis.from_url(url)
    started = time.perf_counter()
    for _ in range(requests):
        await redis.ping()
    elapsed = time.perf_counter() - started
    await redis.aclose()
    return elapsed / requests * 1e6


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    memory = await per_request("memory://", args.requests)
    redis = await per_request(args.redis, args.requests)
    round_trip = await ping(args.redis, args.requests)
    print(f"in memory: {memory:.1f} µs per request")
    print(f"redis:     {redis:.1f} µs per request ({redis / round_trip:.1f} PING round trips)")


if __name__ == "__main__":
    asyncio.run(main())
