"""Reconnect storm: N clients open a socket, `connection_init` and subscribe, all at once.

Prints the rate (connect + init + subscribe per second) and the gateway's CPU per connect, for
a first wave (every token new to the process) and for a second wave of the same clients coming
back (as after a deploy of another process or a network blip: tokens known, scopes cached), in
one gateway process on a SQLite file, with the in-memory pub/sub.

    .venv/bin/python bench/storm.py [--clients 1000] [--waves 3] [--field notifications]

`--field messageAdded` subscribes to a field without per-subscriber state to prepare
(`notifications` loads the viewer's in-app settings when it starts).

A client counts as back when the `pong` to a `ping` sent after its `subscribe` arrives: the
server handles one socket's messages in order, so by then the subscription is in place.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fanout import QUERY as FEED
from fanout import cpu_seconds, free_port, seed, wait_for_http  # bench/ is on the path
from raw_ws import RawClient, open_client

QUERIES = {
    "notifications": FEED,
    "messageAdded": "subscription { messageAdded { cursor message { body } } }",
}


async def connect(port: int, token: str, query: str) -> RawClient:
    client = await open_client("127.0.0.1", port)
    client.send({"type": "connection_init", "payload": {"token": token}})
    assert (await client.next_message())["type"] == "connection_ack"
    client.send({"id": "1", "type": "subscribe", "payload": {"query": query}})
    client.send({"type": "ping"})
    assert (await client.next_message())["type"] == "pong"
    return client


async def wave(port: int, pid: int, tokens: list[str], query: str) -> tuple[float, float]:
    """Rate per second and CPU ms per connect of one storm."""
    cpu = cpu_seconds(pid)
    started = time.perf_counter()
    clients = await asyncio.gather(*(connect(port, token, query) for token in tokens))
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds(pid) - cpu
    for client in clients:
        client.close()
    return len(tokens) / elapsed, cpu / len(tokens) * 1000


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--waves", type=int, default=3)
    parser.add_argument("--field", choices=sorted(QUERIES), default="notifications")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        seeded = await seed(Path(folder), args.clients)
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": seeded.database_url,
            # The rate limits would measure themselves, not the path under test.
            "RATE_LIMIT_PER_ADDRESS": "0",
            "RATE_LIMIT_PER_TOKEN": "0",
            "BROADCAST_URL": "memory://",
            "ENVIRONMENT": "production",
            "SECRET_KEY": "bench-secret-bench-secret",
            "LIVE_POLL_INTERVAL": "3600",
            "LOG_LEVEL": "WARNING",
        }
        command = [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port)]
        if os.environ.get("BENCH_SERVER"):  # a wrapper script, e.g. one that profiles
            command[1:4] = [os.environ["BENCH_SERVER"]]
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)  # noqa: ASYNC220
        try:
            await wait_for_http(f"http://127.0.0.1:{port}/healthz", process)
            results = []
            for _ in range(args.waves):
                results.append(await wave(port, process.pid, seeded.tokens, QUERIES[args.field]))
                await asyncio.sleep(0.5)  # the server notices the closes: not this wave's work
        finally:
            process.terminate()
            process.wait()
    print(f"reconnect storm: {args.clients} clients at once on {args.field}, one gateway process")
    print(f"{'':28} {'connects/s':>11} {'CPU ms/connect':>15}")
    for number, (rate, cpu) in enumerate(results):
        name = "first wave (tokens new)" if number == 0 else f"wave {number + 1} (coming back)"
        print(f"{name:28} {rate:11.0f} {cpu:15.2f}")
    first, last = results[0], results[-1]
    print(f"ratio last/first wave: rate {last[0] / first[0]:.2f}, CPU {last[1] / first[1]:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
