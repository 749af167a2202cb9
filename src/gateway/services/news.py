"""Publishing news: staff with the news-editor role for the location (or the organisation).

An item becomes visible at `publish_at` and is announced then, exactly once: at once when it is
published for now, else by `announce_due_news`, the periodic task (readers never depend on
that task: visibility is `publish_at <= now`, the task only sends the notification).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth import access
from gateway.auth.viewer import Viewer
from gateway.domain.rich_text import plain_text, sanitise_html
from gateway.errors import DomainError, ErrorCode
from gateway.ids import pk_of, to_global_id
from gateway.live import Audience, EventPublisher, events
from gateway.models import Event, Location, NewsItem, StaffRole, StaffRoleKind
from gateway.services.idempotency import check_same_input, fingerprint

log = logging.getLogger(__name__)

NEWS_PUBLISHED = "news.published"
MAX_TITLE = 200
MAX_BODY = 100_000
MAX_AHEAD = timedelta(days=366)
BATCH = 100


@dataclass(frozen=True, slots=True)
class NewsDraft:
    title: str
    body_html: str
    location_id: str | None = None
    publish_at: datetime | None = None
    idempotency_key: str | None = None


async def _target_location(session: AsyncSession, viewer: Viewer, global_id: str) -> int:
    pk = pk_of(global_id, "Location")
    location = (
        await session.scalar(
            select(Location.id).where(
                Location.id == pk, access.in_organisation(Location.organisation_id, viewer)
            )
        )
        if pk is not None
        else None
    )
    if location is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such location.", ["input", "locationId"])
    return location


async def may_publish(session: AsyncSession, viewer: Viewer, location_id: int | None) -> bool:
    """Whether the viewer holds the news-editor role for that location (None: organisation)."""
    if viewer.staff_member_id is None:
        return False
    scope: ColumnElement[bool] = StaffRole.location_id.is_(None)
    if location_id is not None:
        scope = or_(scope, StaffRole.location_id == location_id)
    role = await session.scalar(
        select(StaffRole.id).where(
            StaffRole.staff_member_id == viewer.staff_member_id,
            StaffRole.organisation_id == viewer.organisation_id,
            StaffRole.role == StaffRoleKind.NEWS_EDITOR,
            scope,
        )
    )
    return role is not None


def _checked(draft: NewsDraft, now: datetime) -> tuple[str, str, datetime]:
    title = " ".join(draft.title.split())
    if not title or len(title) > MAX_TITLE:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            f"Give a title of at most {MAX_TITLE} characters.",
            ["input", "title"],
        )
    if len(draft.body_html) > MAX_BODY:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            f"The text has at most {MAX_BODY} characters.",
            ["input", "bodyHtml"],
        )
    body = sanitise_html(draft.body_html)
    if not plain_text(body):
        raise DomainError(ErrorCode.INVALID_INPUT, "Write some text.", ["input", "bodyHtml"])
    publish_at = draft.publish_at or now
    if publish_at.tzinfo is None:
        raise DomainError(
            ErrorCode.INVALID_INPUT, "Give the moment with its offset.", ["input", "publishAt"]
        )
    if publish_at > now + MAX_AHEAD:
        raise DomainError(
            ErrorCode.INVALID_INPUT, "Schedule at most a year ahead.", ["input", "publishAt"]
        )
    return title, body, max(publish_at, now)


async def _announce(session: AsyncSession, item: NewsItem, now: datetime) -> Event:
    return await events.record(
        session,
        NEWS_PUBLISHED,
        Audience(organisation_id=item.organisation_id, location_id=item.location_id),
        {"newsItemId": to_global_id("NewsItem", item.id), "title": item.title},
        now,
    )


async def publish_news(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    publisher: EventPublisher,
    draft: NewsDraft,
) -> NewsItem:
    """Store a sanitised item; announce it now, or leave it to the scheduler for `publish_at`."""
    if not viewer.is_staff:
        raise DomainError(ErrorCode.FORBIDDEN, "Only staff publish news.", None)
    title, body, publish_at = _checked(draft, now)
    location_id = (
        await _target_location(session, viewer, draft.location_id) if draft.location_id else None
    )
    if not await may_publish(session, viewer, location_id):
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "You have no role that allows publishing news there.",
            ["input", "locationId"],
        )
    key = draft.idempotency_key
    if key is not None and len(key) > 100:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            "The key has at most 100 characters.",
            ["input", "idempotencyKey"],
        )
    asked = fingerprint(
        "publishNews",
        # The moment as asked (left out: "now", whenever the retry comes), not as clamped.
        {
            "locationId": location_id,
            "title": title,
            "bodyHtml": body,
            "publishAt": draft.publish_at,
        },
    )
    existing = await _by_key(session, viewer, key)
    if existing is not None:
        check_same_input(existing.idempotency_fingerprint, asked)
        return existing
    item = NewsItem(
        organisation_id=viewer.organisation_id,
        location_id=location_id,
        title=title,
        body_html=body,
        author_account_id=viewer.account_id,
        created_at=now,
        publish_at=publish_at,
        announced_at=now if publish_at <= now else None,
        idempotency_key=key,
        idempotency_fingerprint=asked if key is not None else None,
    )
    session.add(item)
    try:
        await session.flush()
    except IntegrityError:
        # The same key won a race in another request: that one is the item.
        await session.rollback()
        again = await _by_key(session, viewer, key)
        if again is None:
            raise
        check_same_input(again.idempotency_fingerprint, asked)
        return again
    announced = [await _announce(session, item, now)] if item.announced_at else []
    await session.commit()
    await publisher.publish(announced)
    return item


async def _by_key(session: AsyncSession, viewer: Viewer, key: str | None) -> NewsItem | None:
    if key is None:
        return None
    return await session.scalar(
        select(NewsItem).where(
            NewsItem.author_account_id == viewer.account_id, NewsItem.idempotency_key == key
        )
    )


async def announce_due_news(session: AsyncSession, now: datetime, publisher: EventPublisher) -> int:
    """Announce every scheduled item whose moment has come; returns how many."""
    total = 0
    while True:
        due = list(
            await session.scalars(
                select(NewsItem)
                .where(and_(NewsItem.announced_at.is_(None), NewsItem.publish_at <= now))
                .order_by(NewsItem.publish_at, NewsItem.id)
                .limit(BATCH)
            )
        )
        if not due:
            return total
        recorded = []
        for item in due:
            # Guarded: another process announcing at the same time must not announce twice.
            claimed = await session.execute(
                update(NewsItem)
                .where(NewsItem.id == item.id, NewsItem.announced_at.is_(None))
                .values(announced_at=now)
                .execution_options(synchronize_session=False)
            )
            if getattr(claimed, "rowcount", 0) == 1:
                recorded.append(await _announce(session, item, now))
        await session.commit()
        await publisher.publish(recorded)
        total += len(recorded)
        if len(due) < BATCH:
            return total
