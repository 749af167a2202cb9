"""Attack benchmark: a small query's latency while worst-case documents and logins arrive.

A steady client sends `{ __typename }` one request after the other; its p50/p99 with no attack
are the baseline, measured in the same run. Then, phase by phase, anonymous attackers send
worst-case documents in a loop (a selection repeated to 8 KB and to 96 KB, aliased and nested
variants, fragment spreads), and in the last phase bursts of 40 simultaneous logins arrive.
A request that holds the event loop shows as the steady client's latency; `ms/att` is the
server's CPU per attack request in that phase (the steady client's share included).

    .venv/bin/python bench/attack.py [--seconds 3] [--attackers 2] [--source DIR]

`--source` runs the gateway from another checkout's `src` (e.g. a worktree of an older commit),
to compare before and after on the same machine. The database is a SQLite file with the demo
organisation, in a temporary folder; the gateway listens on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from gateway.db import create_engine, create_sessionmaker
from gateway.demo import demo_accounts

STEADY = "{ __typename }"
LOGIN = "mutation($input: LoginInput!) { login(input: $input) { token errors { code message } } }"
LOGINS_AT_ONCE = 40
DRAIN_TIMEOUT = 30.0  # the old code needs seconds per document: let the last ones finish
TICKS = os.sysconf("SC_CLK_TCK")
MODERN = {"Accept": "application/graphql-response+json"}  # refusals then come as 400


def repeated(size: int, unit: str = " me { id email }") -> str:
    return "{" + unit * (size // len(unit)) + " }"


def aliased(size: int) -> str:
    parts, n = [], 0
    while sum(map(len, parts)) < size:
        parts.append(f" a{n}: me {{ id email }}")
        n += 1
    return "{" + "".join(parts) + " }"


def nested(size: int) -> str:
    inner = " guardian { children { name" + " name" * 40 + " } }"
    return repeated(size, f" me {{{inner} }}")


def spreads(count: int) -> str:
    names = " ".join(f"...F{n}" for n in range(count))
    fragments = " ".join(f"fragment F{n} on Account {{ id email }}" for n in range(count))
    return f"{{ me {{ {names} }} }} {fragments}"


ATTACKS: list[tuple[str, str | None]] = [
    ("repeated selection, 8 KB", repeated(8 * 1024)),
    ("repeated selection, 96 KB", repeated(96 * 1024)),
    ("aliased repeats, 8 KB", aliased(8 * 1024)),
    ("nested repeats, 8 KB", nested(8 * 1024)),
    ("200 fragment spreads", spreads(200)),
    (f"{LOGINS_AT_ONCE} logins at once, repeatedly", None),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def percentile(values: list[float], share: float) -> float:
    """Nearest rank, so a handful of samples (a frozen server) still gives a figure."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Phase:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)
    cpu_s: float = 0.0


async def steady(http: httpx.AsyncClient, url: str, until: float, phase: Phase) -> None:
    while time.perf_counter() < until:
        started = time.perf_counter()
        response = await http.post(url, json={"query": STEADY})
        phase.latencies_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text


async def attacker(
    http: httpx.AsyncClient, url: str, document: str, until: float, phase: Phase
) -> None:
    while time.perf_counter() < until:
        # A comment first makes each text new, as an attacker would: no cache answers for it.
        text = f"# {uuid.uuid4().hex}\n{document}"
        response = await http.post(url, json={"query": text}, headers=MODERN)
        code = (response.json().get("errors") or [{}])[0].get("extensions", {}).get("code")
        phase.answers[f"{response.status_code} {code or ''}".strip()] += 1


Attack = Callable[[httpx.AsyncClient, str, float, Phase], Awaitable[None]]


def flood(document: str, attackers: int) -> Attack:
    async def attack(http: httpx.AsyncClient, url: str, until: float, phase: Phase) -> None:
        await asyncio.gather(
            *(attacker(http, url, document, until, phase) for _ in range(attackers))
        )

    return attack


def login_bursts(credentials: dict[str, str]) -> Attack:
    body = {"query": LOGIN, "variables": {"input": credentials}}

    async def attack(http: httpx.AsyncClient, url: str, until: float, phase: Phase) -> None:
        async def one() -> None:
            answer = (await http.post(url, json=body)).json()
            if (answer.get("data") or {}).get("login", {}).get("token"):
                phase.answers["login ok"] += 1
            else:
                error = (answer.get("errors") or [{}])[0]
                phase.answers[f"login {error.get('extensions', {}).get('code')}"] += 1
                if len(sys.argv) and phase.answers.total() == 1:
                    print(f"  first failed login: {error.get('message')}", file=sys.stderr)

        while time.perf_counter() < until:
            await asyncio.gather(*(one() for _ in range(LOGINS_AT_ONCE)))

    return attack


async def run_phase(url: str, pid: int, name: str, seconds: float, attack: Attack | None) -> Phase:
    phase = Phase(name)
    limits = httpx.Limits(max_connections=LOGINS_AT_ONCE + 8)
    timeout = httpx.Timeout(DRAIN_TIMEOUT + seconds)
    async with (
        httpx.AsyncClient(timeout=timeout) as quiet,
        httpx.AsyncClient(timeout=timeout, limits=limits) as loud,
    ):
        await quiet.post(url, json={"query": STEADY})  # connected before the clock starts
        cpu = cpu_seconds(pid)
        until = time.perf_counter() + seconds
        tasks = [asyncio.create_task(steady(quiet, url, until, phase))]
        if attack is not None:
            tasks.append(asyncio.create_task(attack(loud, url, until, phase)))
        done, pending = await asyncio.wait(tasks, timeout=seconds + DRAIN_TIMEOUT)
        for task in pending:  # a document the old code is still validating: give up on it
            task.cancel()
            phase.answers["unanswered"] += 1
        for task in done:
            task.result()
        phase.cpu_s = cpu_seconds(pid) - cpu
    await asyncio.sleep(0.5 if not pending else 5)  # let the server finish what it holds
    return phase


async def seed(environment: dict[str, str]) -> dict[str, str]:
    """The demo organisation, created by the gateway under test; one demo login."""
    seeding = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway.cli", "seed-demo",
        env=environment, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    if await seeding.wait() != 0:
        raise RuntimeError("seeding the demo organisation failed")
    engine = create_engine(environment["DATABASE_URL"])
    async with create_sessionmaker(engine)() as session:
        account = (await demo_accounts(session))[0]
    await engine.dispose()
    return {"domain": account.domain, "email": account.email, "password": account.password}


async def wait_for_http(url: str, process: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(600):
            if process.poll() is not None:
                raise RuntimeError("gateway exited during start-up")
            with contextlib.suppress(httpx.TransportError):
                if (await http.get(url)).status_code == 200:
                    return
            await asyncio.sleep(0.05)
    raise TimeoutError(url)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each phase")
    parser.add_argument("--attackers", type=int, default=2, help="concurrent attack loops")
    parser.add_argument("--source", type=Path, help="run the gateway from this src folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        environment = {
            **os.environ,
            "DATABASE_URL": f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}",
            # The rate limits would measure themselves, not the path under test.
            "RATE_LIMIT_PER_ADDRESS": "0",
            "RATE_LIMIT_PER_TOKEN": "0",
            "ENVIRONMENT": "production",
            "SECRET_KEY": "bench-secret-bench-secret",
            "LOG_LEVEL": "WARNING",
        }
        if args.source:
            environment["PYTHONPATH"] = str(args.source.resolve())
        credentials = await seed(environment)
        command = [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port)]
        process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)  # noqa: ASYNC220
        url = f"http://127.0.0.1:{port}/graphql"
        try:
            await wait_for_http(f"http://127.0.0.1:{port}/healthz", process)
            phases = [await run_phase(url, process.pid, "no attack (baseline)", args.seconds, None)]
            for name, document in ATTACKS:
                attack = flood(document, args.attackers) if document else login_bursts(credentials)
                phases.append(await run_phase(url, process.pid, name, args.seconds, attack))
                print(f"  {name}: done", file=sys.stderr, flush=True)
        finally:
            process.terminate()
            process.wait()
    print(f"attack bench: {args.seconds:g} s per phase, {args.attackers} attackers, "
          f"gateway from {args.source or 'this checkout'}")  # fmt: skip
    header = f"{'reqs':>5} {'p50 ms':>8} {'p99 ms':>8} {'p99/base':>9} {'CPU s':>6} {'ms/att':>7}"
    print(f"{'':36} {header}  attack answers")
    base = percentile(phases[0].latencies_ms, 0.99)
    for phase in phases:
        p50 = statistics.median(phase.latencies_ms)
        p99 = percentile(phase.latencies_ms, 0.99)
        answers = ", ".join(f"{count} x {what}" for what, count in phase.answers.most_common())
        attacks = phase.answers.total()
        per_attack = f"{phase.cpu_s * 1000 / attacks:7.1f}" if attacks else f"{'-':>7}"
        print(
            f"{phase.name:36} {len(phase.latencies_ms):5} {p50:8.1f} {p99:8.1f} "
            f"{p99 / base:9.1f} {phase.cpu_s:6.1f} {per_attack}  {answers or '-'}"
        )


if __name__ == "__main__":
    asyncio.run(main())
