"""Reading a subscriber's missed events from the events table, a page at a time.

A client resuming after a cursor, and a subscriber that fell behind its socket, both read from
here until they reach the hub's position; nothing is skipped however long they were away. A
cursor at or below the organisation's pruning watermark is expired: the events after it may be
gone, and the client must reload instead of silently missing them.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.event_access import event_visible_clause
from gateway.auth.viewer import Viewer
from gateway.live.hub import LiveEvent
from gateway.models import Event, EventWatermark

PAGE = 200


async def missed(
    session: AsyncSession,
    viewer: Viewer,
    kinds: Collection[str],
    after: int,
    upto: int,
    now: datetime,
) -> list[LiveEvent]:
    """Up to `PAGE` events of the kinds the viewer may see, with `after < id <= upto`, in order."""
    rows = await session.scalars(
        select(Event)
        .where(
            Event.id > after,
            Event.id <= upto,
            Event.kind.in_(kinds),
            event_visible_clause(viewer, viewer.today(now)),
        )
        .order_by(Event.id)
        .limit(PAGE)
    )
    return [LiveEvent.from_row(row) for row in rows]


async def pruned_through(session: AsyncSession, organisation_id: int) -> int:
    """The organisation's highest pruned event id (0 when nothing was pruned)."""
    value = await session.scalar(
        select(EventWatermark.pruned_through).where(
            EventWatermark.organisation_id == organisation_id
        )
    )
    return value or 0


async def newest(session: AsyncSession, organisation_id: int) -> int:
    """The organisation's newest event id (0 when it has none)."""
    value = await session.scalar(
        select(func.max(Event.id)).where(Event.organisation_id == organisation_id)
    )
    return value or 0
