"""Rate limits per token and per address: 429 with Retry-After over HTTP, errors on sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx

from gateway.app import create_app
from gateway.settings import Settings
from tests.builders import World
from tests.redis_server import RedisServer
from tests.support import FrozenClock, RunningServer, run_server
from tests.ws_client import ws_connect

ME = {"query": "{ me { email } }"}
# A window far longer than a test, so none straddles two windows but by a hair's chance.
HOUR = timedelta(hours=1)


@asynccontextmanager
async def limited(
    settings: Settings, clock: FrozenClock, **limits: object
) -> AsyncIterator[tuple[RunningServer, httpx.AsyncClient]]:
    update = {"rate_limit_window": HOUR, **limits}
    app = create_app(settings.model_copy(update=update), clock=clock, background_tasks=False)
    async with run_server(app, clock) as server, httpx.AsyncClient(base_url=server.url) as client:
        yield server, client


def bearer(world: World, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.token(name)}"}


async def test_a_token_over_its_limit_gets_429_with_retry_after(
    settings: Settings, clock: FrozenClock, world: World
) -> None:
    async with limited(settings, clock, rate_limit_per_token=3) as (_, client):
        allowed = [
            await client.post("/graphql", json=ME, headers=bearer(world, "anna")) for _ in range(3)
        ]
        refused = await client.post("/graphql", json=ME, headers=bearer(world, "anna"))
        other = await client.post("/graphql", json=ME, headers=bearer(world, "bram"))

    assert [r.status_code for r in allowed] == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    [error] = refused.json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] == int(refused.headers["retry-after"])
    assert other.status_code == 200  # Bram has a limit of his own
    assert other.json()["data"]["me"]["email"]


async def test_an_address_over_its_limit_gets_429_whatever_tokens_it_sends(
    settings: Settings, clock: FrozenClock, world: World
) -> None:
    async with limited(settings, clock, rate_limit_per_address=4) as (_, client):
        tokens = [{"Authorization": f"Bearer op_made_up_{n}"} for n in range(4)]
        allowed = [await client.post("/graphql", json=ME, headers=t) for t in tokens]
        refused = await client.post("/graphql", json=ME, headers=bearer(world, "anna"))
        preflight = await client.options("/graphql")

    # Made-up tokens are refused (401), and still counted against their address.
    assert [r.status_code for r in allowed] == [401] * 4
    assert refused.status_code == 429
    assert "retry-after" in refused.headers
    assert preflight.status_code != 429  # preflights are not counted or refused


async def test_socket_messages_over_the_limit_get_an_error_and_the_socket_stays(
    settings: Settings, clock: FrozenClock, world: World
) -> None:
    async with (
        limited(settings, clock, rate_limit_per_token=2) as (server, _),
        ws_connect(server.url) as anna,
    ):
        await anna.init(world.token("anna"))
        answers = []
        for n in range(3):
            await anna.subscribe(f"q{n}", ME["query"])
            answers.append(await anna.receive())
            if answers[-1]["type"] == "next":
                assert (await anna.receive())["type"] == "complete"
        await anna.send({"type": "ping"})
        pong = await anna.socket.recv()

    assert [a["type"] for a in answers] == ["next", "next", "error"]
    assert answers[2]["id"] == "q2"
    assert answers[2]["payload"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert answers[2]["payload"][0]["extensions"]["retryAfter"] >= 1
    assert '"pong"' in str(pong)


async def test_with_redis_every_process_counts_the_same_token(
    settings: Settings, clock: FrozenClock, world: World, redis_server: RedisServer
) -> None:
    shared = {"broadcast_url": redis_server.url, "rate_limit_per_token": 3}
    async with (
        limited(settings, clock, **shared) as (_, first),
        limited(settings, clock, **shared) as (_, second),
    ):
        statuses = [
            (await client.post("/graphql", json=ME, headers=bearer(world, "anna"))).status_code
            for client in (first, second, first, second)
        ]
        refused = await second.post("/graphql", json=ME, headers=bearer(world, "anna"))
        redis_server.stop()
        without_redis = await first.post("/graphql", json=ME, headers=bearer(world, "anna"))

    assert statuses == [200, 200, 200, 429]
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert without_redis.status_code == 200  # no counter: no limit rather than no service


def test_limits_are_on_in_production_and_off_elsewhere_unless_set() -> None:
    def of(**values: object) -> tuple[int, int]:
        settings = Settings(_env_file=None, **values)  # type: ignore[arg-type]
        return settings.token_rate_limit, settings.address_rate_limit

    production = {"environment": "production", "secret_key": "a-production-secret-key"}
    assert of(**production) == (1_200, 6_000)
    assert of(environment="development") == (0, 0)
    assert of(**production, rate_limit_per_token=0, rate_limit_per_address=50) == (0, 50)
    assert of(environment="development", rate_limit_per_token=7) == (7, 0)
