"""Pruning the events table: live clients catch up from it, but not for ever.

Each organisation's pruning leaves a watermark (`EventWatermark`): a client resuming from a
cursor at or below it has missed events that are gone, and is told so instead of getting a gap.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.models import Event, EventWatermark
from gateway.services.upsert import keep_highest, upsert


async def prune_events(session: AsyncSession, now: datetime, retention: timedelta) -> int:
    """Delete events older than the retention period; returns how many.

    Per organisation everything up to its newest expired event goes, so the watermark is exact:
    ids at or below it are gone, ids above it are all still there.
    """
    expired = (
        await session.execute(
            select(Event.organisation_id, func.max(Event.id))
            .where(Event.created_at < now - retention)
            .group_by(Event.organisation_id)
        )
    ).all()
    pruned = 0
    for organisation_id, through in expired:
        result = await session.execute(
            delete(Event).where(Event.organisation_id == organisation_id, Event.id <= through)
        )
        pruned += int(getattr(result, "rowcount", 0) or 0)
        await upsert(
            session,
            EventWatermark,
            {"organisation_id": organisation_id, "pruned_through": through},
            ["organisation_id"],
            {"pruned_through": keep_highest("pruned_through")},
        )
    await session.commit()
    return pruned
