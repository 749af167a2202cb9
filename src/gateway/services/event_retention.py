"""Pruning the events table: live clients catch up from it, but not for ever."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.models import Event
from gateway.runtime import Runtime

log = logging.getLogger(__name__)

INTERVAL = timedelta(hours=1)


async def prune_events(session: AsyncSession, now: datetime, retention: timedelta) -> int:
    """Delete events older than the retention period; returns how many."""
    result = await session.execute(delete(Event).where(Event.created_at < now - retention))
    await session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


async def prune_events_periodically(runtime: Runtime) -> None:
    while True:
        try:
            async with runtime.sessionmaker() as session:
                pruned = await prune_events(
                    session, runtime.clock(), runtime.settings.event_retention
                )
            if pruned:
                log.info("pruned %d events older than the retention period", pruned)
        except Exception:
            log.exception("pruning events failed; retrying next round")
        await asyncio.sleep(INTERVAL.total_seconds())
