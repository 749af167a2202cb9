"""Two gateway processes sharing PostgreSQL and a Redis of the test's own.

A message sent through one process reaches subscribers on both; when Redis goes away and comes
back while they stay connected, every subscriber still ends with every message once, in order.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.builders import World
from tests.processes import serve_process
from tests.redis_server import RedisServer
from tests.support import Database, GraphQLClient
from tests.ws_client import LEGACY, WsClient, ws_connect

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)

SEND = """
mutation($input: SendMessageInput!) {
  sendMessage(input: $input) { thread { id } errors { code } }
}
"""
MESSAGES = "subscription { messageAdded { cursor message { body } } }"


@asynccontextmanager
async def gateway_process(database_url: str, redis_url: str, folder: Path) -> AsyncIterator[str]:
    """`ouderportaal serve` in a process of its own, until the block ends."""
    env = {
        "DATABASE_URL": database_url,
        "BROADCAST_URL": redis_url,
        "MAIL_URL": f"outbox://{folder / f'outbox-{secrets.token_hex(4)}'}",
        # Far beyond the test: delivery after the outage must come from the reconnect.
        "LIVE_POLL_INTERVAL": "3600",
    }
    async with serve_process(env, folder / f"serve-{secrets.token_hex(4)}.log") as served:
        yield served.url


async def send(http: httpx.AsyncClient, url: str, token: str, body: str, child_id: str) -> None:
    client = GraphQLClient(http, f"{url}/graphql")
    data = await client.data(SEND, {"input": {"body": body, "childId": child_id}}, token=token)
    assert data["sendMessage"]["errors"] == []


async def bodies(client: WsClient, count: int) -> list[str]:
    return [(await client.next_data())["messageAdded"]["message"]["body"] for _ in range(count)]


@pytest.fixture
async def live_world(db: Database) -> World:
    # The processes run on the real clock, so the personas' tokens must be valid now.
    return await World.build(db, datetime.now(UTC))


async def test_messages_cross_processes_and_survive_a_redis_restart(
    db: Database, live_world: World, redis_server: RedisServer, tmp_path: Path
) -> None:
    world, bo = live_world, live_world.gid("Child", "bo")
    async with (
        gateway_process(db.url, redis_server.url, tmp_path) as first,
        gateway_process(db.url, redis_server.url, tmp_path) as second,
        httpx.AsyncClient(timeout=30) as http,
        ws_connect(second) as anna,
        ws_connect(first, LEGACY) as bram,
        ws_connect(second) as sita,
    ):
        for client, name in ((anna, "anna"), (bram, "bram"), (sita, "sita")):
            assert (await client.init(world.token(name)))["type"] == "connection_ack"
            await client.subscribe("m", MESSAGES)

        await send(http, first, world.token("sita"), "voor", bo)
        assert await bodies(anna, 1) == ["voor"]  # written by the first, delivered by the second

        redis_server.stop()
        await send(http, first, world.token("sita"), "tijdens 1", bo)
        await send(http, second, world.token("bram"), "tijdens 2", bo)
        redis_server.start()
        # Both written by the first: the second hears of them only through Redis, so its
        # subscribers get them only if its connection to Redis came back.
        await send(http, first, world.token("sita"), "na", bo)
        await send(http, first, world.token("anna"), "slot", bo)

        expected = ["tijdens 1", "tijdens 2", "na", "slot"]
        assert await bodies(anna, 4) == expected
        assert await bodies(bram, 5) == ["voor", *expected]
        assert await bodies(sita, 5) == ["voor", *expected]
