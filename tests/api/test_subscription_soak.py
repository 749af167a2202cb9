"""Memory stays flat on a long-lived subscription, however many events it delivers.

graphql-core 3.3.2's per-event executor shares a memo with its subscription and grows by about
1.4 KiB per event; the fan-out executes each event afresh instead. This soak test would catch
that growth: it is measured in this process, where the server runs.
"""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from gateway.live import Audience, events
from tests.builders import World
from tests.support import RunningServer
from tests.ws_client import WsClient, ws_connect

# Memory of the fan-out does not depend on the database; one backend keeps the suite short.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

FEED = "subscription { notifications { cursor notification { kind child { name } } } }"
WARM_UP = 200
SOAK = 1000
# graphql-core's leak would show as 1.4 MB over the soak; allow noise of a tenth of that.
ALLOWED_GROWTH = 140_000


async def deliver(server: RunningServer, world: World, client: WsClient, count: int) -> None:
    async with world.db.sessionmaker() as session:
        recorded = [
            await events.record(
                session,
                "diary.added",
                Audience(organisation_id=world.ids["zon"], child_id=world.ids["bo"]),
                {"n": n},
                server.clock(),
            )
            for n in range(count)
        ]
        await session.commit()
    await server.app.state.hub.publish(recorded)
    for _ in range(count):
        data = await client.next_data()
        assert data["notifications"]["notification"]["child"] == {"name": "Bo Vos"}


def traced() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


async def test_memory_does_not_grow_with_delivered_events(
    server: RunningServer, world: World
) -> None:
    server.statements.paused = True  # the test's statement log would grow, not the server
    async with ws_connect(server.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("feed", FEED)
        tracemalloc.start()
        try:
            await deliver(server, world, anna, WARM_UP)
            await server.app.state.hub.idle()
            before = traced()
            await deliver(server, world, anna, SOAK)
            await server.app.state.hub.idle()
            growth = traced() - before
        finally:
            tracemalloc.stop()

    server.statements.paused = False
    assert growth < ALLOWED_GROWTH, f"grew {growth} bytes over {SOAK} events"
