"""The viewer cache: a known token costs no statement, and a logout still ends it everywhere.

Two gateways share the database and a real Redis, as two processes would; each keeps a cache of
its own, so only the `session.revoked` message can tell the second one of a logout on the first.
That message takes a pub/sub hop (well under a millisecond, the same hop that closes the
session's open sockets), so the second gateway is given a moment, far short of the cache's
ten-minute lifetime here, rather than none.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from gateway.app import create_app
from gateway.settings import Settings
from tests.builders import PASSWORD, World
from tests.redis_server import RedisServer
from tests.support import Database, FrozenClock, GraphQLClient, RunningServer, run_server
from tests.ws_client import ws_connect

ME = "{ me { email } }"
LOGOUT = (
    "mutation($input: LogoutInput) { logout(input: $input) { revokedSessions errors { code } } }"
)
ANNA = {"me": {"email": "anna@example.nl"}}
PUBSUB_HOP = 2.0  # seconds; a generous bound for one pub/sub message on a busy machine


async def refused_soon(client: GraphQLClient, token: str) -> None:
    """The token stops working within the pub/sub hop."""
    deadline = asyncio.get_running_loop().time() + PUBSUB_HOP
    while not await client.token_refused(token):
        assert asyncio.get_running_loop().time() < deadline, "revocation not heard"
        await asyncio.sleep(0.005)


@asynccontextmanager
async def gateway(
    settings: Settings, redis_url: str, clock: FrozenClock, folder: Path
) -> AsyncIterator[RunningServer]:
    own = settings.model_copy(
        update={
            "broadcast_url": redis_url,
            "mail_url": f"outbox://{folder}",
            # Far beyond the test: only the revocation message can end a cached session.
            "viewer_cache_ttl": timedelta(minutes=10),
        }
    )
    app = create_app(own, clock=clock, background_tasks=False)
    async with run_server(app, clock) as running:
        yield running


@pytest.fixture
async def pair(
    db: Database,
    settings: Settings,
    redis_server: RedisServer,
    clock: FrozenClock,
    tmp_path: Path,
) -> AsyncIterator[tuple[GraphQLClient, GraphQLClient, RunningServer]]:
    """Gateways A and B (and B's server, to count its statements)."""
    async with (
        gateway(settings, redis_server.url, clock, tmp_path / "a") as a,
        gateway(settings, redis_server.url, clock, tmp_path / "b") as b,
        httpx.AsyncClient(timeout=30) as http,
    ):
        yield GraphQLClient(http, a.graphql_url), GraphQLClient(http, b.graphql_url), b


async def statements_for(
    server: RunningServer, client: GraphQLClient, token: str
) -> tuple[dict[str, object], int]:
    server.statements.statements.clear()
    data = await client.data(ME, token=token)
    return data, len(server.statements.statements)


async def test_a_known_token_is_answered_without_looking_it_up_again(
    pair: tuple[GraphQLClient, GraphQLClient, RunningServer], world: World
) -> None:
    _, b, server = pair
    token = world.token("anna")

    first, first_count = await statements_for(server, b, token)
    second, second_count = await statements_for(server, b, token)

    assert first == second == ANNA
    assert second_count == first_count - 1


async def test_a_logout_on_one_gateway_ends_the_session_on_the_other_at_once(
    pair: tuple[GraphQLClient, GraphQLClient, RunningServer], world: World
) -> None:
    a, b, _ = pair
    token, other = world.token("anna"), world.token("bram")
    assert await b.data(ME, token=token) == ANNA  # now cached on B
    assert await b.data(ME, token=other) == {"me": {"email": "bram@example.nl"}}

    assert (await a.data(LOGOUT, token=token))["logout"]["errors"] == []

    assert await a.token_refused(token)
    await refused_soon(b, token)
    assert await b.data(ME, token=other) == {"me": {"email": "bram@example.nl"}}


async def test_logout_everywhere_ends_every_cached_session_of_the_account(
    pair: tuple[GraphQLClient, GraphQLClient, RunningServer], world: World
) -> None:
    a, b, _ = pair
    login = """mutation($input: LoginInput!) { login(input: $input) { token errors { code } } }"""
    credentials = {"domain": "zon.example", "email": "anna@example.nl", "password": PASSWORD}
    second = (await a.data(login, {"input": credentials}))["login"]["token"]
    for token in (world.token("anna"), second):
        assert await b.data(ME, token=token) == ANNA

    result = await a.data(LOGOUT, {"input": {"everywhere": True}}, token=second)

    assert result["logout"]["revokedSessions"] == 2
    for token in (world.token("anna"), second):
        await refused_soon(b, token)


async def test_a_logout_on_one_gateway_refuses_a_new_socket_on_the_other(
    pair: tuple[GraphQLClient, GraphQLClient, RunningServer], world: World
) -> None:
    a, b, server = pair
    token = world.token("anna")
    assert await b.data(ME, token=token) == ANNA

    await a.data(LOGOUT, token=token)
    await refused_soon(b, token)

    async with ws_connect(server.url) as socket:
        await socket.send({"type": "connection_init", "payload": {"token": token}})
        assert (await socket.closed())[0] == 4403


async def test_a_cached_token_still_expires_on_time(
    pair: tuple[GraphQLClient, GraphQLClient, RunningServer], world: World, clock: FrozenClock
) -> None:
    _, b, _ = pair
    token = world.token("anna")
    assert await b.data(ME, token=token) == ANNA

    clock.advance(timedelta(days=30))  # the personas' tokens live 30 days

    assert await b.token_refused(token)


async def test_a_gateway_that_lost_pub_sub_forgets_every_cached_session(
    pair: tuple[GraphQLClient, GraphQLClient, RunningServer],
    world: World,
    redis_server: RedisServer,
) -> None:
    """Revocations published while Redis was away never arrive: the cache starts over."""
    _, b, server = pair
    assert await b.data(ME, token=world.token("anna")) == ANNA
    viewers = server.app.state.runtime.viewers
    assert len(viewers) == 1

    redis_server.stop()
    redis_server.start()

    deadline = asyncio.get_running_loop().time() + 30
    while len(viewers):
        assert asyncio.get_running_loop().time() < deadline, "cache kept across the outage"
        await asyncio.sleep(0.05)
