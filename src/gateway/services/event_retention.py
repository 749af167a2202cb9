"""Pruning the events table: live clients catch up from it, but not for ever."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.models import Event


async def prune_events(session: AsyncSession, now: datetime, retention: timedelta) -> int:
    """Delete events older than the retention period; returns how many."""
    result = await session.execute(delete(Event).where(Event.created_at < now - retention))
    await session.commit()
    return int(getattr(result, "rowcount", 0) or 0)
