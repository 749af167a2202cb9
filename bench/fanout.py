"""Fan-out benchmark: N WebSocket subscribers on one gateway process, one event stream.

Prints publish→receive latency (p50/p99), server CPU per delivery and server memory per idle
connection, for the gateway as configured (shared execution) and for the baseline measured in
the same run (LIVE_SHARED_EXECUTION=false: every subscriber's selection executed and encoded
separately, as plain Strawberry subscriptions do).

    .venv/bin/python bench/fanout.py [--subscribers 1000] [--events 30]

Needs `redis-server` on the PATH: the bench publishes its wake-ups through a Redis of its own,
as a second gateway process would. The database is a SQLite file in a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import redis.asyncio as redis
from raw_ws import RawClient, open_client  # bench/ is the script's folder

from gateway.db import create_engine, create_sessionmaker
from gateway.live import Audience, events
from gateway.migrate import migrate
from gateway.models import (
    Account,
    CareType,
    Child,
    Group,
    Guardian,
    Guardianship,
    Location,
    Organisation,
    Placement,
    Role,
)
from gateway.services.accounts import issue_token

WARM_UP = 3
QUERY = "subscription { notifications { cursor notification { kind createdAt group { name } } } }"
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_bytes(pid: int) -> int:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE


@dataclass
class Seeded:
    database_url: str
    organisation_id: int
    group_id: int
    tokens: list[str]


async def seed(folder: Path, subscribers: int) -> Seeded:
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    await migrate(url)
    engine = create_engine(url)
    now = datetime.now(UTC)
    tokens = []
    async with create_sessionmaker(engine)() as session:
        org = Organisation(name="Bench", domain="bench.example")
        session.add(org)
        await session.flush()
        location = Location(organisation_id=org.id, name="Bench")
        session.add(location)
        await session.flush()
        group = Group(organisation_id=org.id, location_id=location.id, name="Groot", capacity=2000)
        session.add(group)
        await session.flush()
        for n in range(subscribers):
            guardian = Guardian(organisation_id=org.id, first_name=f"Ouder{n}", last_name="Bench")
            child = Child(
                organisation_id=org.id,
                first_name=f"Kind{n}",
                last_name="Bench",
                birth_date=date(2024, 1, 1),
            )
            session.add_all([guardian, child])
            await session.flush()
            account = Account(
                organisation_id=org.id,
                email=f"ouder{n}@bench.example",
                role=Role.GUARDIAN,
                guardian_id=guardian.id,
            )
            session.add_all(
                [
                    account,
                    Guardianship(child_id=child.id, guardian_id=guardian.id),
                    Placement(
                        organisation_id=org.id,
                        child_id=child.id,
                        group_id=group.id,
                        care_type=CareType.DAYCARE,
                        start_date=now.date() - timedelta(days=30),
                        end_date=None,
                    ),
                ]
            )
            await session.flush()
            tokens.append((await issue_token(session, account, now, timedelta(days=1))).token)
        await session.commit()
        seeded = Seeded(url, org.id, group.id, tokens)
    await engine.dispose()
    return seeded


async def wait_for_http(url: str, process: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(600):
            if process.poll() is not None:
                raise RuntimeError("gateway exited during start-up")
            try:
                if (await http.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise TimeoutError(url)


def received(client: RawClient) -> dict[int, float]:
    """Arrival time per event id of the results the client got."""
    times = {}
    for at, text in client.frames:
        if '"next"' in text:
            times[int(json.loads(text)["payload"]["data"]["notifications"]["cursor"])] = at
    return times


async def run(seeded: Seeded, redis_url: str, events_count: int, shared: bool) -> dict[str, float]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": seeded.database_url,
        # The rate limits would measure themselves, not the path under test.
        "RATE_LIMIT_PER_ADDRESS": "0",
        "RATE_LIMIT_PER_TOKEN": "0",
        "BROADCAST_URL": redis_url,
        "ENVIRONMENT": "production",
        "SECRET_KEY": "bench-secret-bench-secret",
        "LIVE_POLL_INTERVAL": "3600",
        "LIVE_SHARED_EXECUTION": "true" if shared else "false",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port)]
    if os.environ.get("BENCH_SERVER") and shared:  # a wrapper script, e.g. one that profiles
        command[1:4] = [os.environ["BENCH_SERVER"]]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)  # noqa: ASYNC220
    try:
        await wait_for_http(f"http://127.0.0.1:{port}/healthz", process)
        idle_rss = rss_bytes(process.pid)
        subscribers = []
        for token in seeded.tokens:
            client = await open_client("127.0.0.1", port)
            client.send({"type": "connection_init", "payload": {"token": token}})
            assert (await client.next_message())["type"] == "connection_ack"
            client.send({"id": "1", "type": "subscribe", "payload": {"query": QUERY}})
            subscribers.append(client)
            if len(subscribers) % 250 == 0:
                print(f"  {len(subscribers)} subscribed", file=sys.stderr, flush=True)
        await asyncio.sleep(0.5)  # let the last subscriptions settle before measuring memory
        per_connection = (rss_bytes(process.pid) - idle_rss) / len(subscribers)

        engine = create_engine(seeded.database_url)
        sessionmaker = create_sessionmaker(engine)
        publisher = redis.from_url(redis_url)
        published: dict[int, float] = {}
        # A collection in this process would delay the arrival stamps: measure the server.
        gc.disable()
        cpu_before = cpu_seconds(process.pid)
        for number in range(WARM_UP + events_count):
            if number == WARM_UP:  # first queries compile and caches fill: not measured
                published.clear()
                for s in subscribers:
                    s.frames.clear()
                cpu_before = cpu_seconds(process.pid)
            async with sessionmaker() as session:
                event = await events.record(
                    session,
                    "news.published",
                    Audience(organisation_id=seeded.organisation_id, group_id=seeded.group_id),
                    {},
                    datetime.now(UTC),
                )
                await session.commit()
            published[event.id] = time.perf_counter()
            await publisher.publish(
                "events", json.dumps({"org": seeded.organisation_id, "id": event.id})
            )
            deadline = time.perf_counter() + 120
            expected = len(subscribers) * (len(published) if number >= WARM_UP else number + 1)
            while sum(len(s.frames) for s in subscribers) < expected:
                if time.perf_counter() > deadline:
                    missing = [
                        i for i, s in enumerate(subscribers) if len(s.frames) < len(published)
                    ]
                    raise RuntimeError(
                        f"event {event.id}: {len(missing)} subscribers are missing frames"
                    )
                await asyncio.sleep(0.001)
        cpu = cpu_seconds(process.pid) - cpu_before
        gc.enable()
        latencies = [
            (at - published[event_id]) * 1000
            for s in subscribers
            for event_id, at in received(s).items()
        ]
        assert len(latencies) == len(subscribers) * events_count
        for s in subscribers:
            s.close()
        await publisher.aclose()
        await engine.dispose()
        deliveries = events_count * len(subscribers)
        quantiles = statistics.quantiles(latencies, n=100)
        return {
            "p50_ms": quantiles[49],
            "p99_ms": quantiles[98],
            "cpu_us_per_delivery": cpu / deliveries * 1e6,
            "kib_per_connection": per_connection / 1024,
        }
    finally:
        process.terminate()
        process.wait()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=30)
    parser.add_argument(
        "--baseline-events",
        type=int,
        default=0,
        help="events for the slow baseline (default: same)",
    )
    args = parser.parse_args()
    executable = shutil.which("redis-server")
    if executable is None:
        raise SystemExit("bench/fanout.py needs redis-server on the PATH")
    with tempfile.TemporaryDirectory() as folder:
        redis_port = free_port()
        redis_process = subprocess.Popen(  # noqa: ASYNC220
            [executable, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            seeded = await seed(Path(folder), args.subscribers)
            redis_url = f"redis://127.0.0.1:{redis_port}/0"
            results = {
                "baseline (each subscriber executed alone)": await run(
                    seeded, redis_url, args.baseline_events or args.events, shared=False
                ),
                "gateway (shared execution)": await run(
                    seeded, redis_url, args.events, shared=True
                ),
            }
        finally:
            redis_process.terminate()
            redis_process.wait()
    print(f"fan-out: {args.subscribers} subscribers, {args.events} events each")
    print(f"{'':44} {'p50 ms':>8} {'p99 ms':>8} {'CPU µs/delivery':>16} {'KiB/connection':>15}")
    for name, r in results.items():
        print(
            f"{name:44} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} "
            f"{r['cpu_us_per_delivery']:16.1f} {r['kib_per_connection']:15.1f}"
        )
    base, ours = results.values()
    print(
        f"ratio gateway/baseline: p99 {ours['p99_ms'] / base['p99_ms']:.2f}, "
        f"CPU {ours['cpu_us_per_delivery'] / base['cpu_us_per_delivery']:.2f}"
    )


if __name__ == "__main__":
    asyncio.run(main())
