"""What the notification feed holds, notification settings, and marking the feed seen.

The feed is the `events` table seen through `event_access.event_visible_clause`, the rule that
live subscriptions use too: no copy per recipient, so a new kind of event shows up for
everyone it concerns as soon as a feature records it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth import event_access
from gateway.auth.viewer import Viewer
from gateway.errors import DomainError, ErrorCode
from gateway.ids import pk_of
from gateway.models import (
    DiaryEntry,
    Event,
    GroupPost,
    Message,
    NotificationCategory,
    NotificationChannel,
    NotificationMarker,
    NotificationSetting,
    Photo,
)
from gateway.services.upsert import keep_highest, take_new, upsert

Category = NotificationCategory
Channel = NotificationChannel

# Event kinds that are notifications, by the category a viewer switches them with.
CATEGORY_OF_KIND: Mapping[str, NotificationCategory] = {
    "message.added": Category.MESSAGES,
    "request.status_changed": Category.REQUEST_STATUS,
    "diary.added": Category.DIARY_PHOTOS,
    "photo.added": Category.DIARY_PHOTOS,
    "diary.export_ready": Category.DIARY_PHOTOS,
    "news.published": Category.NEWS,
}

# The payload key that names what a notification is about, per kind.
SUBJECT_KEY: Mapping[str, str] = {
    "message.added": "messageId",
    "request.status_changed": "requestId",
    "diary.added": "diaryEntryId",
    "photo.added": "photoId",
    "diary.export_ready": "diaryExportId",
    "news.published": "newsItemId",
}

Settings = dict[tuple[NotificationCategory, NotificationChannel], bool]


def default_enabled(category: NotificationCategory, channel: NotificationChannel) -> bool:
    """Without a stored choice: everything in the app and as push; e-mail only for requests.

    E-mail for every message or photo would flood inboxes; a decision on a request is the one
    thing a parent may need to act on away from the app.
    """
    if channel is Channel.EMAIL:
        return category is Category.REQUEST_STATUS
    return True


def effective_settings(rows: Iterable[NotificationSetting]) -> Settings:
    """Every category and channel, stored choices over defaults."""
    settings = {
        (category, channel): default_enabled(category, channel)
        for category in Category
        for channel in Channel
    }
    settings.update({(row.category, row.channel): row.enabled for row in rows})
    return settings


def in_app_kinds(settings: Settings) -> list[str]:
    """The event kinds the in-app feed shows with these settings."""
    return [
        kind
        for kind, category in CATEGORY_OF_KIND.items()
        if settings.get((category, Channel.IN_APP), False)
    ]


async def settings_of(session: AsyncSession, account_id: int) -> Settings:
    rows = await session.scalars(
        select(NotificationSetting).where(NotificationSetting.account_id == account_id)
    )
    return effective_settings(rows)


async def update_notification_settings(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    changes: Sequence[tuple[NotificationCategory, NotificationChannel, bool]],
) -> Settings:
    """Store the given choices (others keep theirs); one transaction."""
    if not changes:
        raise DomainError(
            ErrorCode.INVALID_INPUT, "Give at least one setting to change.", ["input", "settings"]
        )
    seen: set[tuple[NotificationCategory, NotificationChannel]] = set()
    for index, (category, channel, _) in enumerate(changes):
        if (category, channel) in seen:
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                "Each category and channel may be given once.",
                ["input", "settings", str(index)],
            )
        seen.add((category, channel))
    for category, channel, enabled in changes:
        await upsert(
            session,
            NotificationSetting,
            {
                "account_id": viewer.account_id,
                "category": category,
                "channel": channel,
                "enabled": enabled,
                "changed_at": now,
            },
            key=["account_id", "category", "channel"],
            merge={"enabled": take_new("enabled"), "changed_at": take_new("changed_at")},
        )
    await session.commit()
    return await settings_of(session, viewer.account_id)


def in_feed(
    viewer: Viewer | None, today: date, kinds: Sequence[str] = tuple(CATEGORY_OF_KIND)
) -> ColumnElement[bool]:
    """Condition on `Event`: a notification of the viewer's feed (of those kinds).

    The one rule for the feed, `node(id:)` and `markNotificationsRead`, so that what one of
    them reports missing, the others do not accept: events the viewer may see, of a
    notification kind, except those about what the viewer wrote or uploaded themself.
    """
    if viewer is None:
        return false()
    own = [
        exists(select(column).where(column == Event.id, author == viewer.account_id))
        for column, author in (
            (Message.event_id, Message.author_account_id),
            (DiaryEntry.event_id, DiaryEntry.author_account_id),
            (GroupPost.event_id, GroupPost.author_account_id),
            (Photo.event_id, Photo.uploader_account_id),
        )
    ]
    return and_(
        event_access.event_visible_clause(viewer, today),
        Event.kind.in_(list(kinds)),
        ~or_(*own),
    )


async def mark_notifications_read(
    session: AsyncSession, viewer: Viewer, now: datetime, *, up_to: str | None
) -> int:
    """Mark the feed seen up to a notification (default: all of it so far); never backwards.

    Returns the event id the marker stands at now.
    """
    newest = select(func.max(Event.id)).where(in_feed(viewer, viewer.today(now)))
    if up_to is not None:
        newest = newest.where(Event.id == pk_of(up_to, "Notification"))
    event_id = await session.scalar(newest)
    if event_id is None:
        if up_to is not None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such notification.", ["input", "upTo"])
        event_id = 0
    await upsert(
        session,
        NotificationMarker,
        {"account_id": viewer.account_id, "seen_up_to_event_id": event_id, "seen_at": now},
        key=["account_id"],
        merge={
            "seen_up_to_event_id": keep_highest("seen_up_to_event_id"),
            "seen_at": take_new("seen_at"),
        },
    )
    await session.commit()
    marker = await session.scalar(
        select(NotificationMarker.seen_up_to_event_id).where(
            NotificationMarker.account_id == viewer.account_id
        )
    )
    return int(marker or 0)
