"""A phone coming back (reconnect, init, subscribe) costs the database nothing."""

from __future__ import annotations

from tests.api.test_subscriptions import FEED
from tests.builders import World
from tests.support import RunningServer
from tests.ws_client import ws_connect


async def test_coming_back_within_the_scope_lifetime_runs_no_statement(
    server: RunningServer, world: World
) -> None:
    async with ws_connect(server.url) as bram:
        await bram.init(world.token("bram"))  # keeps the organisation followed meanwhile
        async with ws_connect(server.url) as anna:
            await anna.init(world.token("anna"))
            await anna.subscribe("feed", FEED)
            await anna.sync()
        server.statements.statements.clear()

        async with ws_connect(server.url) as again:
            assert (await again.init(world.token("anna")))["type"] == "connection_ack"
            await again.subscribe("feed", FEED)
            await again.sync()

    assert server.statements.statements == []
