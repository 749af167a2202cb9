"""Protocol details: the legacy `stop` is acknowledged, and a client closing is no error."""

from __future__ import annotations

import logging

import pytest

from tests.api.test_subscriptions import FEED, news_for
from tests.builders import World
from tests.support import RunningServer
from tests.ws_client import LEGACY, TRANSPORT, ws_connect

CYCLES = 30


async def test_a_legacy_stop_is_answered_with_complete(server: RunningServer, world: World) -> None:
    async with ws_connect(server.url, LEGACY) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("feed", FEED)
        await anna.send({"type": "stop", "id": "feed"})

        assert await anna.receive() == {"type": "complete", "id": "feed"}


async def test_clients_closing_mid_stream_raise_nothing_on_the_server(
    server: RunningServer, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    await news_for(server, world, "zon")
    async with ws_connect(server.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("feed", FEED, {"after": "0"})
        cursor = (await anna.next_data())["notifications"]["cursor"]
    for _ in range(5):
        await news_for(server, world, "zon")
    # uvicorn's own logger does not propagate to the root, where caplog listens.
    uvicorn_errors = logging.getLogger("uvicorn.error")
    uvicorn_errors.addHandler(caplog.handler)
    try:
        for n in range(CYCLES):
            protocol = TRANSPORT if n % 2 else LEGACY
            async with ws_connect(server.url, protocol) as client:
                await client.init(world.token("anna"))
                # Results are on their way while the client goes.
                await client.subscribe("feed", FEED, {"after": cursor})
                await client.socket.send('{"type": "ping"}')
        await server.app.state.hub.idle()
    finally:
        uvicorn_errors.removeHandler(caplog.handler)

    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
