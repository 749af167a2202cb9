"""The notification feed and notification settings."""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from gateway import models
from gateway.ids import pk_of, to_global_id
from gateway.services.notifications import CATEGORY_OF_KIND, SUBJECT_KEY
from resolvers.context import Info
from resolvers.types.children import Child
from resolvers.types.messages import Thread
from resolvers.types.node import Connection, Node
from resolvers.types.organisation import Group


@strawberry.enum(description="What happened.")
class NotificationKind(Enum):
    MESSAGE_ADDED = strawberry.enum_value("message.added", description="A new message.")
    REQUEST_STATUS_CHANGED = strawberry.enum_value(
        "request.status_changed", description="A request was approved, rejected or lapsed."
    )
    DIARY_ADDED = strawberry.enum_value("diary.added", description="A new diary entry.")
    PHOTO_ADDED = strawberry.enum_value("photo.added", description="New photos.")
    DIARY_EXPORT_READY = strawberry.enum_value(
        "diary.export_ready", description="A diary download you asked for is ready."
    )
    NEWS_PUBLISHED = strawberry.enum_value("news.published", description="A news item.")


@strawberry.enum(description="A group of notifications that can be switched on or off.")
class NotificationCategory(Enum):
    MESSAGES = strawberry.enum_value("messages", description="Messages from and to staff.")
    DIARY_PHOTOS = strawberry.enum_value("diary_photos", description="Diary entries and photos.")
    NEWS = strawberry.enum_value("news", description="News of the location or organisation.")
    REQUEST_STATUS = strawberry.enum_value(
        "request_status", description="Decisions on requests (extra days, flex days)."
    )


@strawberry.enum(description="How a notification reaches you.")
class NotificationChannel(Enum):
    IN_APP = strawberry.enum_value("in_app", description="In the app's notification feed.")
    PUSH = strawberry.enum_value("push", description="As a push notification on your phone.")
    EMAIL = strawberry.enum_value("email", description="By e-mail.")


@strawberry.type(description="Whether one category of notifications reaches you on one channel.")
class NotificationSetting:
    category: NotificationCategory = strawberry.field(description="What the notifications are.")
    channel: NotificationChannel = strawberry.field(description="How they reach you.")
    enabled: bool = strawberry.field(description="Whether they do.")

    @classmethod
    def all_of(
        cls, settings: dict[tuple[models.NotificationCategory, models.NotificationChannel], bool]
    ) -> list[NotificationSetting]:
        return [
            cls(
                category=NotificationCategory(category.value),
                channel=NotificationChannel(channel.value),
                enabled=enabled,
            )
            for (category, channel), enabled in settings.items()
        ]


@strawberry.type(description="Something that happened that concerns you, in your feed.")
class Notification(Node):
    model: strawberry.Private[models.Event]
    kind: NotificationKind = strawberry.field(description="What happened.")
    created_at: datetime = strawberry.field(description="When it happened.")

    @classmethod
    def from_model(cls, m: models.Event) -> Notification:
        return cls(
            id=strawberry.ID(to_global_id("Notification", m.id)),
            model=m,
            kind=NotificationKind(m.kind),
            created_at=m.created_at,
        )

    def _payload(self) -> dict[str, Any]:
        value = json.loads(self.model.payload)
        return value if isinstance(value, dict) else {}

    @strawberry.field(description="The category it is switched on and off with.")
    def category(self) -> NotificationCategory:
        return NotificationCategory(CATEGORY_OF_KIND[self.model.kind].value)

    @strawberry.field(description="Whether you have marked it read (`markNotificationsRead`).")
    async def is_read(self, info: Info) -> bool:
        viewer = info.context.require_viewer()
        seen = await info.context.loaders.notification_markers_by_account.load(viewer.account_id)
        return self.model.id <= seen

    @strawberry.field(description="The child it is about, if it is about one child.")
    async def child(self, info: Info) -> Child | None:
        if self.model.child_id is None:
            return None
        row = await info.context.loaders.children_by_id.load(self.model.child_id)
        return Child.from_model(row) if row else None

    @strawberry.field(description="The group it is about, if any.")
    async def group(self, info: Info) -> Group | None:
        if self.model.group_id is None:
            return None
        row = await info.context.loaders.groups_by_id.load(self.model.group_id)
        return Group.from_model(row) if row else None

    @strawberry.field(description="For a new message: its thread, to open it from the feed.")
    async def thread(self, info: Info) -> Thread | None:
        pk = pk_of(str(self._payload().get("threadId", "")), "Thread")
        if pk is None:
            return None
        row = await info.context.loaders.threads_by_id.load(pk)
        return Thread.from_model(row) if row else None

    @strawberry.field(
        description=(
            "What it is about: the message, request, diary entry, photo or news item; "
            "null when it is gone or no longer yours to see."
        )
    )
    async def subject(self, info: Info) -> Node | None:
        from resolvers.nodes import resolve_node  # nodes imports this module

        global_id = self._payload().get(SUBJECT_KEY.get(self.model.kind, ""))
        return await resolve_node(info, global_id) if isinstance(global_id, str) else None


@strawberry.type(description="A page of your notifications, newest first, with the unread count.")
class NotificationConnection(Connection[Notification]):
    unread_count: int = strawberry.field(
        description="How many notifications (in the whole feed) you have not marked read."
    )
