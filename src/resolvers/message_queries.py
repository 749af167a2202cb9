"""Root query fields for messages and notifications."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.ids import pk_of
from gateway.services.notifications import in_app_kinds
from loaders.messages import threads_page
from loaders.notifications import notifications_page
from resolvers.context import Info
from resolvers.types.messages import Thread
from resolvers.types.node import After, Connection, First, page_arguments
from resolvers.types.notifications import (
    Notification,
    NotificationConnection,
    NotificationSetting,
)


@strawberry.type(description="Threads with staff, the notification feed and its settings.")
class MessageQuery:
    @strawberry.field(
        description=(
            "Your threads, latest activity first: guardians see their children's, staff "
            "those of their groups."
        )
    )
    async def threads(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Thread]:
        info.context.require_viewer()
        page = await threads_page(
            info.context.loaders.reader, page_arguments(first, after, (int, int))
        )
        return Connection[Thread].build(page.map(Thread.from_model))

    @strawberry.field(description="One thread by ID; null when missing or not yours.")
    async def thread(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The thread's global ID.")],
    ) -> Thread | None:
        info.context.require_viewer()
        pk = pk_of(str(id), "Thread")
        row = await info.context.loaders.threads_by_id.load(pk) if pk is not None else None
        return Thread.from_model(row) if row else None

    @strawberry.field(
        description=(
            "Your notification feed, newest first: new messages, request decisions, diary "
            "entries, photos and news that concern you, as your in-app settings allow. "
            "Your own messages are left out."
        )
    )
    async def notifications(
        self, info: Info, first: First = None, after: After = None
    ) -> NotificationConnection:
        viewer = info.context.require_viewer()
        loaders = info.context.loaders
        settings = await loaders.notification_settings_by_account.load(viewer.account_id)
        seen = await loaders.notification_markers_by_account.load(viewer.account_id)
        feed = await notifications_page(
            loaders.reader,
            page_arguments(first, after, (int,)),
            in_app_kinds(settings) if settings is not None else [],
            seen,
        )
        generic = Connection[Notification].build(feed.page.map(Notification.from_model))
        return NotificationConnection(
            edges=generic.edges,
            page_info=generic.page_info,
            total_count=generic.total_count,
            unread_count=feed.unread_count,
        )

    @strawberry.field(description="Your notification settings: every category on every channel.")
    async def notification_settings(self, info: Info) -> list[NotificationSetting]:
        viewer = info.context.require_viewer()
        settings = await info.context.loaders.notification_settings_by_account.load(
            viewer.account_id
        )
        return NotificationSetting.all_of(settings or {})
