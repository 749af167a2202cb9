"""GraphQL over HTTP, side by side with the floor: a bare Starlette JSON endpoint.

    .venv/bin/python bench/http_reads.py [--rounds 3] [--seconds 1.0] [--connections 4]

Serves the demo organisation (SQLite in a temporary folder) from a gateway process run like
`ouderportaal serve`, and the floor from a process running a one-route Starlette app on the same
uvicorn settings. A small keep-alive HTTP/1.1 client in this process sends each case for
`--seconds`, cases alternating within each of `--rounds` rounds; the table shows medians over
the rounds of req/s, p50/p99 latency, server CPU ms per request (from /proc), the SQL statements
one request takes, and the ratio to the floor's req/s and CPU. The large staff result is also
compared with graphql-core executing the same result in-process (parsed and validated once,
default resolvers over the finished data): `in-process CPU / gateway server CPU` per request.
"""

from __future__ import annotations

import sys

# This file's folder comes first on the path, where its name would hide the standard library's
# `http` from everything imported after it; its siblings are still found at the end of the path.
sys.path.append(sys.path.pop(0))

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from http_inprocess import count_objects, execution_cpu_ms  # bench/ is the script's folder
from http_queries import (
    AGENDA,
    CHILD_COUNT,
    CHILDREN,
    NOTIFICATIONS,
    REPORT_ABSENCE,
    REQUESTS,
    STAFF_CHILDREN,
    THREADS,
    TYPENAME,
)

TICKS = os.sysconf("SC_CLK_TCK")
WARM_UP_REQUESTS = 30


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


# --- the two servers (run as `bench/http_reads.py --serve floor|gateway PORT`) --------------


def serve(kind: str, port: int) -> None:
    import logging

    import uvicorn
    from sqlalchemy import event
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route
    from starlette.types import ASGIApp, Receive, Scope, Send

    from gateway.app import create_app, server_options
    from gateway.settings import get_settings

    settings = get_settings()
    # As `ouderportaal` configures logging, so the access log costs what it costs there.
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(message)s")
    if kind == "floor":

        async def floor(request: Request) -> Response:
            await request.body()
            return JSONResponse({"data": {"__typename": "Query"}})

        app: ASGIApp = Starlette(routes=[Route("/graphql", floor, methods=["POST"])])
    else:
        gateway = create_app(settings)
        statements = [0]

        def count(*_args: Any) -> None:
            statements[0] += 1

        async def counting(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and scope["path"] == "/__bench/statements":
                engine = gateway.state.runtime.engine.sync_engine
                if not event.contains(engine, "before_cursor_execute", count):
                    event.listen(engine, "before_cursor_execute", count)
                await JSONResponse({"count": statements[0]})(scope, receive, send)
                return
            await gateway(scope, receive, send)

        app = counting
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level=settings.log_level.lower(),
        **server_options(settings),
    )


# --- the client -----------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    body: bytes
    token: str | None = None
    server: str = "gateway"  # or "floor", or "baseline" (the gateway of --baseline-src)

    def request(self) -> bytes:
        headers = [
            "POST /graphql HTTP/1.1",
            "Host: 127.0.0.1",
            "Content-Type: application/json",
            "Accept: application/graphql-response+json",
            f"Content-Length: {len(self.body)}",
        ]
        if self.token:
            headers.append(f"Authorization: Bearer {self.token}")
        return ("\r\n".join(headers) + "\r\n\r\n").encode() + self.body


@dataclass
class Figures:
    rps: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    statements: int | None = None


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> bytes:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = head[9:12]
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length)
    if status != b"200":
        raise RuntimeError(f"HTTP {status.decode()}: {body[:300]!r}")
    return body


async def load(port: int, request: bytes, seconds: float, connections: int) -> list[float]:
    """Latencies (ms) of as many requests as `connections` clients manage in `seconds`."""
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while (started := time.perf_counter()) < deadline:
                await exchange(reader, writer, request)
                latencies.append((time.perf_counter() - started) * 1000)
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(connections)))
    return latencies


async def one(port: int, case: Case) -> dict[str, Any]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        result: dict[str, Any] = json.loads(await exchange(reader, writer, case.request()))
    finally:
        writer.close()
    if "errors" in result:
        raise RuntimeError(f"{case.name}: {result['errors']}")
    return result


async def statement_count(port: int) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        request = b"GET /__bench/statements HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        return int(json.loads(await exchange(reader, writer, request))["count"])
    finally:
        writer.close()


# --- demo data and tokens -------------------------------------------------------------------


@dataclass
class Demo:
    database_url: str
    guardian_token: str
    staff_tokens: list[str]
    child_id: str


async def seed(folder: Path) -> Demo:
    from sqlalchemy import select

    from gateway.db import create_engine, create_sessionmaker
    from gateway.demo import seed_demo
    from gateway.demo.organisation import DEMO_DOMAIN
    from gateway.ids import to_global_id
    from gateway.migrate import migrate
    from gateway.models import Account, Guardianship, Organisation, Role
    from gateway.services.accounts import issue_token

    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    await migrate(url)
    engine = create_engine(url)
    now = datetime.now(UTC)
    ttl = timedelta(days=1)
    async with create_sessionmaker(engine)() as session:
        await seed_demo(session, now.date(), now)
        await session.commit()
        # The guardian of the first child (one of a sibling pair), and every demo staff member.
        by_child = select(Guardianship).order_by(Guardianship.child_id)
        first = (await session.scalars(by_child)).first()
        assert first is not None
        guardian = await session.scalar(
            select(Account).where(Account.guardian_id == first.guardian_id)
        )
        assert guardian is not None
        staff = (
            await session.scalars(
                select(Account)
                .join(Organisation, Organisation.id == Account.organisation_id)
                .where(Account.role == Role.STAFF, Organisation.domain == DEMO_DOMAIN)
            )
        ).all()
        demo = Demo(
            url,
            (await issue_token(session, guardian, now, ttl)).token,
            [(await issue_token(session, account, now, ttl)).token for account in staff],
            to_global_id("Child", first.child_id),
        )
        await session.commit()
    await engine.dispose()
    return demo


# --- the run --------------------------------------------------------------------------------


async def start(
    kind: str, demo: Demo, folder: Path, src: str | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **os.environ,
        **({"PYTHONPATH": src} if src else {}),
        "DATABASE_URL": demo.database_url,
        # The rate limits would measure themselves, not the path under test.
        "RATE_LIMIT_PER_ADDRESS": "0",
        "RATE_LIMIT_PER_TOKEN": "0",
        "ENVIRONMENT": "production",
        "SECRET_KEY": "bench-secret-bench-secret",
        "MAIL_URL": f"outbox://{folder / 'outbox'}",
        "LIVE_POLL_INTERVAL": "3600",
    }
    command = [sys.executable, __file__, "--serve", kind, str(port)]
    if os.environ.get("BENCH_SERVER") and kind == "gateway":  # e.g. a profiling wrapper
        command[1:2] = [os.environ["BENCH_SERVER"]]
    quiet = subprocess.DEVNULL
    process = subprocess.Popen(command, env=env, stdout=quiet, stderr=quiet)  # noqa: ASYNC220
    probe = Case("probe", json.dumps({"query": TYPENAME}).encode())
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"the {kind} server exited during start-up")
        try:
            await one(port, probe)
            return process, port
        except OSError:
            await asyncio.sleep(0.05)
    raise TimeoutError(kind)


def body(query: str, variables: dict[str, Any] | None = None) -> bytes:
    return json.dumps({"query": query, "variables": variables or {}}).encode()


async def cases(port: int, demo: Demo) -> list[Case]:
    today = date.today()
    monday = today + timedelta(days=7 - today.weekday())
    absence = {"childIds": [demo.child_id], "reason": "Vakantie"}
    absence |= {"from": monday.isoformat(), "to": (monday + timedelta(days=4)).isoformat()}
    reported = await one(port, Case("absence", body(REPORT_ABSENCE, {"input": absence}),
                                    demo.guardian_token))  # fmt: skip
    if reported["data"]["reportAbsence"]["errors"]:
        print(f"note: no absence reported: {reported['data']}", file=sys.stderr)
    counts = [
        (await one(port, Case("count", body(CHILD_COUNT), token)))["data"]["children"]
        for token in demo.staff_tokens
    ]
    staff = max(zip(counts, demo.staff_tokens, strict=True), key=lambda p: p[0]["totalCount"])
    month = {"childId": demo.child_id, "from": today.replace(day=1).isoformat()}
    month["to"] = (today.replace(day=1) + timedelta(days=31)).replace(day=1).isoformat()
    guardian = demo.guardian_token
    return [
        Case("floor (Starlette JSON)", body(TYPENAME), server="floor"),
        Case("{ __typename }", body(TYPENAME)),
        Case("children (parent)", body(CHILDREN), guardian),
        Case("agenda, a month", body(AGENDA, month), guardian),
        Case("threads", body(THREADS), guardian),
        Case("requests", body(REQUESTS), guardian),
        Case("notifications", body(NOTIFICATIONS), guardian),
        Case(f"staff: {staff[0]['totalCount']} children", body(STAFF_CHILDREN), staff[1]),
    ]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        demo = await seed(folder)
        servers = {
            "floor": await start("floor", demo, folder),
            "gateway": await start("gateway", demo, folder),
        }
        if args.baseline_src:
            servers["baseline"] = await start("gateway", demo, folder, args.baseline_src)
        try:
            measured = await cases(servers["gateway"][1], demo)
            large = measured[-1]
            if args.baseline_src:  # each case right after its baseline, in every round
                measured = [measured[0]] + [
                    c
                    for case in measured[1:]
                    for c in (Case(f"{case.name} [before]", case.body, case.token, "baseline"),
                              case)
                ]  # fmt: skip
            figures = {case.name: Figures() for case in measured}
            results: dict[str, dict[str, Any]] = {}
            for case in measured:
                port = servers[case.server][1]
                results[case.name] = await one(port, case)
                for _ in range(WARM_UP_REQUESTS):
                    await one(port, case)
                if case.server != "floor":
                    before = await statement_count(port)
                    await one(port, case)
                    figures[case.name].statements = await statement_count(port) - before
            for _ in range(args.rounds):
                for case in measured:
                    process, port = servers[case.server]
                    cpu = cpu_seconds(process.pid)
                    latencies = await load(port, case.request(), args.seconds, args.connections)
                    cpu = cpu_seconds(process.pid) - cpu
                    quantiles = statistics.quantiles(latencies, n=100)
                    f = figures[case.name]
                    f.rps.append(len(latencies) / args.seconds)
                    f.p50.append(quantiles[49])
                    f.p99.append(quantiles[98])
                    f.cpu_ms.append(cpu / len(latencies) * 1000)
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait()
    in_process_ms = execution_cpu_ms(STAFF_CHILDREN, results[large.name]["data"], args.seconds)
    report(args, figures, large.name, results[large.name]["data"], in_process_ms)


def report(
    args: argparse.Namespace,
    figures: dict[str, Figures],
    large: str,
    large_data: dict[str, Any],
    in_process_ms: float,
) -> None:
    print(
        f"GraphQL over HTTP: {args.rounds} alternating rounds of {args.seconds:g}s per case, "
        f"{args.connections} keep-alive connections; medians over the rounds"
    )
    floor = figures[next(iter(figures))]
    floor_rps, floor_cpu = median(floor.rps), median(floor.cpu_ms)
    print(
        f"{'':35} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'CPU ms/req':>10} {'SQL':>4} "
        f"{'x floor req/s':>13} {'x floor CPU':>11}"
    )
    for name, f in figures.items():
        rps, cpu = median(f.rps), median(f.cpu_ms)
        sql = "-" if f.statements is None else str(f.statements)
        print(
            f"{name:35} {rps:7.0f} {median(f.p50):7.2f} {median(f.p99):7.2f} {cpu:10.2f} "
            f"{sql:>4} {rps / floor_rps:13.3f} {floor_cpu / cpu:11.3f}"
        )
    objects, fields = count_objects(large_data)
    gateway_cpu = median(figures[large].cpu_ms)
    print(
        f"large result ({objects} objects, {fields} fields): graphql-core in-process "
        f"{in_process_ms:.2f} ms CPU, gateway {gateway_cpu:.2f} ms CPU per request: "
        f"ratio {in_process_ms / gateway_cpu:.2f}"
    )
    baseline = figures.get(f"{large} [before]")
    if baseline is not None:
        print(f"  [before]: {median(baseline.cpu_ms):.2f} ms CPU per request: "
              f"ratio {in_process_ms / median(baseline.cpu_ms):.2f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument(
        "--baseline-src",
        metavar="DIR",
        help="also serve the gateway from this source tree (e.g. `git archive` of an older "
        "commit's src/) and measure each case against it in the same rounds",
    )
    parser.add_argument("--serve", nargs=2, metavar=("KIND", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
    else:
        asyncio.run(run(args))


if __name__ == "__main__":
    main()
