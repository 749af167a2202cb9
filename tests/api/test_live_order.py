"""Writers meeting in one thread: the live order is the order the thread shows on reload.

On PostgreSQL a message's id and its event's id came from two moments of a transaction, so a
writer could take a message id, wait for the event lock held by another writer, and end with
the smaller message id but the larger event id: live and on reload the two appear swapped.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from gateway.ids import pk_of
from gateway.live import events
from gateway.models import Thread
from tests.api.test_subscriptions import MESSAGES, send
from tests.builders import World
from tests.live_writes import add_message
from tests.support import GraphQLClient, RunningServer
from tests.waiting import until
from tests.ws_client import ws_connect

# SQLite has one writer at a time: nobody waits halfway through a transaction.
pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)

THREAD = """
query($id: ID!) { thread(id: $id) { messages(first: 10) { edges { node { body } } } } }
"""
WAITING = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"


async def until_someone_waits(world: World) -> None:
    """Until a transaction waits for an event lock (PostgreSQL cannot announce it)."""
    async with world.db.engine.connect() as connection:

        async def waiting() -> bool:
            return bool(await connection.scalar(text(WAITING)))

        await until(waiting, "a writer waiting for the event lock")


async def test_a_writer_waiting_for_another_takes_its_place_after_it(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    first = await send(gql, world, "sita", "begin", childId=world.gid("Child", "bo"))
    thread_id = pk_of(first["thread"]["id"], "Thread")
    async with ws_connect(server.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("m", MESSAGES, {"threadId": first["thread"]["id"]})
        await anna.sync()
        async with world.db.sessionmaker() as other:  # a writer on another process
            thread = await other.get(Thread, thread_id)
            assert thread is not None
            await events.take_turn(other, thread.organisation_id)
            waiting = asyncio.create_task(
                send(gql, world, "bram", "second", threadId=first["thread"]["id"])
            )
            await until_someone_waits(world)
            sita = world.people["sita"].account_id
            event = await add_message(other, thread, sita, "first", server.clock())
            await other.commit()
        await server.app.state.hub.publish([event])
        await waiting
        live = [(await anna.next_data())["messageAdded"]["message"]["body"] for _ in range(2)]

    shown = await gql.data(THREAD, {"id": first["thread"]["id"]}, token=world.token("anna"))
    newest_first = [e["node"]["body"] for e in shown["thread"]["messages"]["edges"]]
    assert live == ["first", "second"]
    assert list(reversed(newest_first)) == ["begin", *live]
