"""Loaders for the viewer's notification feed, settings and seen-marker.

The feed is the `events` table filtered by `services.notifications.in_feed` (the events the
viewer may see, of notification kinds, without what the viewer wrote or uploaded) and by the
viewer's in-app settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, select

from gateway.models import Event, NotificationMarker, NotificationSetting
from gateway.pagination import Page, PageRequest, make_page
from gateway.services.notifications import (
    CATEGORY_OF_KIND,
    Settings,
    effective_settings,
    in_feed,
)
from loaders.base import Reader, one_per_key
from loaders.messages import int_cursor


@dataclass(frozen=True, slots=True)
class Feed:
    page: Page[Event]
    unread_count: int


def _feed(reader: Reader, kinds: Sequence[str]) -> ColumnElement[bool]:
    return in_feed(reader.viewer, reader.today, kinds)


async def notifications_by_id(reader: Reader, keys: Sequence[int]) -> list[Event | None]:
    rows = await reader.all(
        select(Event).where(Event.id.in_(keys), _feed(reader, list(CATEGORY_OF_KIND)))
    )
    return one_per_key(rows, lambda e: e.id, keys)


async def notification_settings_by_account(
    reader: Reader, keys: Sequence[int]
) -> list[Settings | None]:
    """Only the viewer's own settings are readable; anyone else's are None."""
    own = reader.viewer.account_id if reader.viewer else None
    rows = await reader.all(
        select(NotificationSetting).where(
            NotificationSetting.account_id.in_([k for k in keys if k == own])
        )
    )
    return [effective_settings(rows) if k == own else None for k in keys]


async def notification_markers_by_account(reader: Reader, keys: Sequence[int]) -> list[int]:
    """The event id each account has seen its feed up to (0: nothing seen); own account only."""
    own = reader.viewer.account_id if reader.viewer else None
    rows = await reader.rows(
        select(NotificationMarker.account_id, NotificationMarker.seen_up_to_event_id).where(
            NotificationMarker.account_id.in_([k for k in keys if k == own])
        )
    )
    markers = dict(rows)
    return [int(markers.get(k, 0)) for k in keys]


async def notifications_page(
    reader: Reader, request: PageRequest, kinds: Sequence[str], seen_up_to: int
) -> Feed:
    """Newest first; counts all and unread notifications in one extra statement."""
    feed = _feed(reader, kinds)
    statement = select(Event).where(feed)
    after = int_cursor(request)
    if after is not None:
        statement = statement.where(Event.id < after[0])
    rows = await reader.all(statement.order_by(Event.id.desc()).limit(request.first + 1))
    counts = await reader.rows(
        select(func.count(), func.count(case((Event.id > seen_up_to, Event.id))))
        .select_from(Event)
        .where(feed)
    )
    total, unread = counts[0]
    return Feed(page=make_page(rows, request, lambda e: [e.id], total), unread_count=unread)


async def unread_notification_count(reader: Reader, kinds: Sequence[str], seen_up_to: int) -> int:
    counts = await reader.rows(
        select(func.count()).select_from(Event).where(_feed(reader, kinds), Event.id > seen_up_to)
    )
    return int(counts[0][0])
