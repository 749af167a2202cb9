"""A gateway with its Redis down or frozen: it starts, serves, polls, and answers at once."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import httpx
import pytest

from gateway.app import create_app
from gateway.settings import Settings
from tests.api.test_live_resume import cursors, record_news
from tests.api.test_subscriptions import FEED, MESSAGES, send
from tests.builders import World
from tests.redis_server import RedisServer
from tests.support import FrozenClock, GraphQLClient, RunningServer, run_server
from tests.waiting import until
from tests.ws_client import ws_connect

# Redis is the subject; one database backend is enough.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

# Far longer than it takes with a responsive Redis; without background publishing a frozen
# Redis held each mutation for its socket timeout (2 s), twice.
PROMPT = 1.5


def live_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("gateway")
    ]


async def until_ready(http: httpx.AsyncClient, server: RunningServer) -> None:
    async def ready() -> bool:
        return (await http.get(f"{server.url}/readyz")).status_code == 200

    await until(ready, "ready for live")


async def test_a_gateway_starts_and_serves_while_redis_is_down_then_freezes(
    world: World,
    settings: Settings,
    clock: FrozenClock,
    redis_server: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    redis_server.stop()
    on_redis = settings.model_copy(
        update={"broadcast_url": redis_server.url, "live_poll_interval": timedelta(hours=1)}
    )
    app = create_app(on_redis, clock=clock, background_tasks=False)
    async with (
        run_server(app, clock) as server,
        httpx.AsyncClient(timeout=30) as http,
        ws_connect(server.url) as anna,
    ):
        gql = GraphQLClient(http, server.graphql_url)
        assert (await http.get(f"{server.url}/healthz")).status_code == 200
        ready = await http.get(f"{server.url}/readyz")
        assert (ready.status_code, ready.json()) == (503, {"status": "degraded", "live": False})

        await anna.init(world.token("anna"))
        await anna.subscribe("feed", FEED)
        await anna.sync()
        # Written by "another process": only the poll can bring it while pub/sub is away.
        [elsewhere] = await record_news(world, clock.now, 1)
        assert await cursors(anna, 1) == [elsewhere]

        redis_server.start()
        await until_ready(http, server)

        await anna.send({"type": "complete", "id": "feed"})
        await anna.subscribe("m", MESSAGES)
        await anna.sync()
        redis_server.freeze()
        caplog.clear()
        try:
            for n in range(3):
                async with asyncio.timeout(PROMPT):
                    await send(gql, world, "sita", f"tijdens {n}", childId=world.gid("Child", "bo"))
                body = (await anna.next_data())["messageAdded"]["message"]["body"]
                assert body == f"tijdens {n}"  # this process's subscribers hear at once
            await until(lambda: bool(live_warnings(caplog)), "a warning that Redis is away")
            await send(gql, world, "sita", "nog steeds", childId=world.gid("Child", "bo"))
            await anna.next_data()
            await server.app.state.hub.idle()
        finally:
            redis_server.thaw()
    assert len(live_warnings(caplog)) == 1, [r.getMessage() for r in live_warnings(caplog)]
