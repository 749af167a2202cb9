"""Root subscription fields, and how each follows the event log.

The fields are declared here for the schema (types, arguments, descriptions); they are served
by `gateway.web.graphql_ws`, which executes a field's selection once per event with the value built
by `LIVE_FIELDS[name].root` as its root value. Strawberry's own subscribe path is not used: it
would run every subscriber's selection separately.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Mapping
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.viewer import Viewer
from gateway.ids import pk_of
from gateway.live import LiveEvent, LiveField
from gateway.models import Event
from gateway.services.notifications import CATEGORY_OF_KIND, in_app_kinds, settings_of
from resolvers.context import Info
from resolvers.types.live import MessageAdded, NotificationEvent, RequestStatusChanged

Cursor = Annotated[
    str | None,
    strawberry.argument(
        description="Resume after this `cursor`: first what you missed, in order, then live."
    ),
]
NOT_HERE = "Subscriptions are served over WebSocket at /graphql (graphql-transport-ws)."


@strawberry.type(description="Live updates, over WebSocket (graphql-transport-ws or graphql-ws).")
class Subscription:
    @strawberry.subscription(
        description="Everything that concerns you as it happens: messages, request decisions, "
        "diary entries, photos and news (per your in-app notification settings)."
    )
    async def notifications(
        self, info: Info, after: Cursor = None
    ) -> AsyncGenerator[NotificationEvent, None]:
        raise NotImplementedError(NOT_HERE)
        yield  # pragma: no cover

    @strawberry.subscription(description="New messages in your threads, or in one thread.")
    async def message_added(
        self,
        info: Info,
        thread_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this thread; all your threads when left out."),
        ] = None,
        after: Cursor = None,
    ) -> AsyncGenerator[MessageAdded, None]:
        raise NotImplementedError(NOT_HERE)
        yield  # pragma: no cover

    @strawberry.subscription(
        description="Status changes of requests (extra days, flex days) for your children."
    )
    async def request_status_changed(
        self,
        info: Info,
        child_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this child's requests; all when left out."),
        ] = None,
        after: Cursor = None,
    ) -> AsyncGenerator[RequestStatusChanged, None]:
        raise NotImplementedError(NOT_HERE)
        yield  # pragma: no cover


def _row(event: LiveEvent) -> Event:
    """A detached `Event` for types that render rows of the events table."""
    return Event(
        id=event.id,
        organisation_id=event.organisation_id,
        kind=event.kind,
        child_id=event.child_id,
        group_id=event.group_id,
        location_id=event.location_id,
        account_id=event.account_id,
        payload=json.dumps(event.payload),
        created_at=event.created_at,
    )


def _in_thread(
    event: LiveEvent, arguments: Mapping[str, Any], _viewer: Viewer, _state: Any
) -> bool:
    wanted = arguments.get("threadId")
    if wanted is None:
        return True
    return pk_of(str(wanted), "Thread") == pk_of(str(event.payload.get("threadId", "")), "Thread")


def _of_child(event: LiveEvent, arguments: Mapping[str, Any], _viewer: Viewer, _state: Any) -> bool:
    wanted = arguments.get("childId")
    return wanted is None or pk_of(str(wanted), "Child") == event.child_id


async def _in_app_kinds(session: AsyncSession, viewer: Viewer) -> frozenset[str]:
    return frozenset(in_app_kinds(await settings_of(session, viewer.account_id)))


def _for_feed(event: LiveEvent, _arguments: Mapping[str, Any], viewer: Viewer, kinds: Any) -> bool:
    """As in the feed: the categories switched on in the app, and not your own messages."""
    return event.kind in kinds and event.payload.get("authorAccountId") != viewer.account_id


FEED_KINDS = frozenset(CATEGORY_OF_KIND)

LIVE_FIELDS: dict[str, LiveField] = {
    "notifications": LiveField(
        kinds=FEED_KINDS,
        root=lambda event: NotificationEvent.build(str(event.id), _row(event)),
        accepts=_for_feed,
        prepare=_in_app_kinds,
    ),
    "requestStatusChanged": LiveField(
        kinds=frozenset({"request.status_changed"}),
        root=lambda event: RequestStatusChanged.build(str(event.id), event.payload),
        accepts=_of_child,
    ),
    "messageAdded": LiveField(
        kinds=frozenset({"message.added"}),
        root=lambda event: MessageAdded.build(str(event.id), event.payload),
        accepts=_in_thread,
    ),
}

# Fields whose value is the same for every viewer allowed to see the object, so subscribers
# selecting only these share one execution per event. Anything not listed is per account.
SHARED_FIELDS: dict[str, frozenset[str]] = {
    "NotificationEvent": frozenset({"cursor", "notification"}),
    "Notification": frozenset({"id", "kind", "createdAt", "category", "child", "group", "thread"}),
    "MessageAdded": frozenset({"cursor", "message", "thread"}),
    "Message": frozenset({"id", "body", "sentAt", "author", "thread"}),
    "MessageAuthor": frozenset({"name", "role"}),
    "Thread": frozenset({"id", "child", "group", "startedBy", "lastMessage"}),
    "Child": frozenset({"id", "firstName", "lastName", "name", "birthDate"}),
    "Group": frozenset({"id", "name", "capacity"}),
    "RequestStatusChanged": frozenset({"cursor", "status", "previousStatus", "request"}),
    "CareRequest": frozenset(
        {
            "id",
            "kind",
            "status",
            "payment",
            "comment",
            "expiresAt",
            "createdAt",
            "decidedAt",
            "decisionNote",
            "decidedBy",
            "createdBy",
            "enteredByStaff",
            "hours",
            "child",
            "group",
            "days",
        }
    ),
    "CareRequestDay": frozenset(
        {"date", "startTime", "endTime", "hours", "creditedSwapHours", "slotName"}
    ),
}

__all__ = ["LIVE_FIELDS", "SHARED_FIELDS", "Subscription"]
