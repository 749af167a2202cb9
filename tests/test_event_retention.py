"""Events older than the retention period are pruned; newer ones stay for catching up."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from gateway.live import Audience, events
from gateway.models import Event
from gateway.services.event_retention import prune_events
from tests.builders import World
from tests.support import FrozenClock


async def test_only_events_past_retention_are_pruned(world: World, clock: FrozenClock) -> None:
    audience = Audience(organisation_id=world.ids["zon"])
    async with world.db.sessionmaker() as session:
        old = await events.record(
            session, "news.published", audience, {}, clock.now - timedelta(days=31)
        )
        kept = await events.record(
            session, "news.published", audience, {}, clock.now - timedelta(days=29)
        )
        await session.commit()

        pruned = await prune_events(session, clock.now, timedelta(days=30))

        remaining = list(await session.scalars(select(Event.id)))
    assert pruned == 1
    assert remaining == [kept.id]
    assert old.id not in remaining
