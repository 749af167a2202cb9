"""A client that stops reading its socket: nothing lost in the middle, pings answered, and the
server still shuts down while it holds a backlog."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any
from urllib.parse import urlsplit

from gateway.app import create_app
from gateway.ids import pk_of
from gateway.models import Thread
from gateway.settings import Settings
from tests.api.test_subscriptions import GraphQLClient, send
from tests.builders import World
from tests.live_writes import add_message
from tests.support import FrozenClock, RunningServer, run_server
from tests.ws_client import TIMEOUT, WsClient, ws_connect

MESSAGES = "subscription { messageAdded { cursor message { body } } }"
# Escaped as \u20ac in JSON: six bytes a character, so a few frames fill the socket buffers.
BODY = "€" * 5000
LIMIT = 20


def backlog() -> int:
    """Enough messages to overflow what the kernel may buffer for the server (tcp_wmem max)."""
    try:
        with open("/proc/sys/net/ipv4/tcp_wmem") as limits:
            most = int(limits.read().split()[2])
    except (OSError, ValueError, IndexError):
        most = 4 << 20
    return (most + (1 << 20)) // len(json.dumps(BODY))


def lagging_socket(url: str) -> socket.socket:
    """A connected TCP socket with a small receive buffer, so that not reading shows soon."""
    parts = urlsplit(url)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((parts.hostname, parts.port))
    sock.setblocking(False)
    return sock


async def write_messages(
    server: RunningServer, world: World, thread_id: int, count: int
) -> list[int]:
    """`count` messages with their events in one transaction, then one wake-up for all."""
    async with world.db.sessionmaker() as session:
        thread = await session.get(Thread, thread_id)
        assert thread is not None
        sita = world.people["sita"].account_id
        recorded = [
            await add_message(session, thread, sita, BODY, server.clock()) for _ in range(count)
        ]
        await session.commit()
    await server.app.state.hub.publish(recorded)
    return [event.id for event in recorded]


async def read_all(client: WsClient, count: int) -> tuple[list[int], int | None]:
    """The cursors of the next `count` results, and after how many of them a pong came."""
    cursors: list[int] = []
    pong_after = None
    while len(cursors) < count:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(client.socket.recv(), TIMEOUT))
        if message["type"] == "pong":
            pong_after = len(cursors)
        elif message["type"] == "next":
            cursors.append(int(message["payload"]["data"]["messageAdded"]["cursor"]))
        else:
            assert message["type"] == "ping", message
    return cursors, pong_after


async def test_a_client_that_stops_reading_misses_nothing_and_shutdown_still_ends(
    gql: GraphQLClient, world: World, settings: Settings, clock: FrozenClock
) -> None:
    small = settings.model_copy(update={"live_outbox_limit": LIMIT})
    app = create_app(small, clock=clock, background_tasks=False)
    first = await send(gql, world, "sita", "begin", childId=world.gid("Child", "bo"))
    thread_id = pk_of(first["thread"]["id"], "Thread")
    assert thread_id is not None
    running = run_server(app, clock)
    slow = await running.__aenter__()
    stopped = False
    try:
        sock = lagging_socket(slow.url)
        async with ws_connect(slow.url, sock=sock, max_queue=1) as anna:
            await anna.init(world.token("anna"))
            await anna.subscribe("m", MESSAGES)
            await anna.send({"type": "ping"})
            assert (await anna.socket.recv()) == '{"type":"pong"}'  # subscribed by now

            written = await write_messages(slow, world, thread_id, backlog())
            await slow.app.state.hub.idle()  # the fan-out is through: most went nowhere
            [connection] = slow.app.state.hub.listeners_of(world.ids["zon"])
            assert connection.subscriptions["m"].catching_up  # fell behind, reads the table
            await anna.send({"type": "ping"})
            # Reading at last, and with a usual window: a tiny one makes loopback crawl.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            received, pong_after = await read_all(anna, len(written))

            assert received == written  # in order, none lost, none twice
            assert pong_after is not None
            assert pong_after < len(written)  # answered ahead of the backlog
            # Live again afterwards.
            [live] = await write_messages(slow, world, thread_id, 1)
            assert (await read_all(anna, 1))[0] == [live]

            # A backlog the client never reads must not hold up a graceful shutdown.
            await write_messages(slow, world, thread_id, backlog())
            await slow.app.state.hub.idle()
            async with asyncio.timeout(TIMEOUT):
                stopped = True
                await running.__aexit__(None, None, None)
    finally:
        if not stopped:
            await running.__aexit__(None, None, None)
