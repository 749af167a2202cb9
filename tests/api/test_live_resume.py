"""Resuming live subscriptions: after long absences, from pruned cursors, on another process."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from gateway.app import create_app
from gateway.live import Audience, events
from gateway.services.event_retention import prune_events
from gateway.settings import Settings
from tests.api.test_subscriptions import FEED, news_for
from tests.builders import World
from tests.support import FrozenClock, RunningServer, run_server
from tests.ws_client import LEGACY, TRANSPORT, WsClient, ws_connect


async def record_news(world: World, when: Any, count: int) -> list[int]:
    """`count` organisation-wide events, written without telling any process."""
    async with world.db.sessionmaker() as session:
        recorded = [
            await events.record(
                session, "news.published", Audience(organisation_id=world.ids["zon"]), {}, when
            )
            for _ in range(count)
        ]
        await session.commit()
    return [event.id for event in recorded]


async def cursors(client: WsClient, count: int) -> list[int]:
    return [int((await client.next_data())["notifications"]["cursor"]) for _ in range(count)]


async def test_a_long_absence_is_replayed_in_full_then_live(
    server: RunningServer, world: World
) -> None:
    async with ws_connect(server.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("feed", FEED)
        await anna.sync()
        await news_for(server, world, "zon")
        [cursor] = await cursors(anna, 1)

    missed = await record_news(world, server.clock(), 1005)

    async with ws_connect(server.url) as again:
        await again.init(world.token("anna"))
        await again.subscribe("feed", FEED, {"after": str(cursor)})
        replayed = await cursors(again, len(missed))
        await news_for(server, world, "zon")
        [live] = await cursors(again, 1)

    assert replayed == missed
    assert live > missed[-1]


async def test_a_pruned_cursor_is_refused_with_cursor_expired(
    server: RunningServer, world: World, clock: FrozenClock
) -> None:
    old = await record_news(world, clock.now - timedelta(days=40), 2)
    [recent] = await record_news(world, clock.now, 1)
    async with world.db.sessionmaker() as session:
        assert await prune_events(session, clock.now, timedelta(days=30)) == 2

    for protocol in (TRANSPORT, LEGACY):
        async with ws_connect(server.url, protocol) as anna:
            await anna.init(world.token("anna"))
            await anna.subscribe("expired", FEED, {"after": str(old[0])})
            refused = await anna.receive()
            # Just at the watermark nothing is lost: everything after it is still there.
            await anna.subscribe("kept", FEED, {"after": str(old[1])})
            resumed = await anna.receive()

        assert refused["type"] == "error"
        assert refused["id"] == "expired"
        errors = refused["payload"] if protocol == TRANSPORT else [refused["payload"]]
        assert [e["extensions"]["code"] for e in errors] == ["CURSOR_EXPIRED"]
        assert resumed["id"] == "kept"
        assert resumed["payload"]["data"]["notifications"]["cursor"] == str(recent)


async def test_a_cursor_means_the_same_on_another_process(
    server: RunningServer, world: World, settings: Settings, clock: FrozenClock
) -> None:
    # A second gateway on the same database that hears nothing of the first: it lags behind.
    lagging = settings.model_copy(update={"live_poll_interval": timedelta(hours=1)})
    app = create_app(lagging, clock=clock, background_tasks=False)
    async with run_server(app, clock) as other, ws_connect(other.url) as bram:
        await bram.init(world.token("bram"))
        await bram.subscribe("feed", FEED)  # so that the other process follows the organisation
        await bram.sync()
        async with ws_connect(server.url) as anna:
            await anna.init(world.token("anna"))
            await anna.subscribe("feed", FEED)
            await anna.sync()
            for _ in range(3):
                await news_for(server, world, "zon")
            seen = await cursors(anna, 3)

        async with ws_connect(other.url) as again:
            await again.init(world.token("anna"))
            await again.subscribe("feed", FEED, {"after": str(seen[-1])})
            await news_for(other, world, "zon")
            [first] = await cursors(again, 1)
            bram_saw = await cursors(bram, 4)

    assert first == bram_saw[-1]  # the new event, not the three already seen
    assert bram_saw[:3] == seen
