"""Payloads of live subscriptions: the object, and the cursor to resume after it."""

from __future__ import annotations

from typing import Any

import strawberry

from gateway import models
from gateway.ids import pk_of
from resolvers.context import Info
from resolvers.types.care import CareRequest, RequestStatus
from resolvers.types.messages import Message, Thread
from resolvers.types.notifications import Notification


@strawberry.type(description="A notification as it happens.")
class NotificationEvent:
    cursor: str = strawberry.field(
        description="Pass as `after` when subscribing again to continue after this event."
    )
    notification: Notification = strawberry.field(description="What happened.")

    @classmethod
    def build(cls, cursor: str, row: models.Event) -> NotificationEvent:
        return cls(cursor=cursor, notification=Notification.from_model(row))


@strawberry.type(description="A new message in one of your threads.")
class MessageAdded:
    cursor: str = strawberry.field(
        description="Pass as `after` when subscribing again to continue after this message."
    )
    payload: strawberry.Private[dict[str, Any]]

    @classmethod
    def build(cls, cursor: str, payload: dict[str, Any]) -> MessageAdded:
        return cls(cursor=cursor, payload=payload)

    @strawberry.field(description="The message; null if it is no longer yours to see.")
    async def message(self, info: Info) -> Message | None:
        pk = pk_of(str(self.payload.get("messageId", "")), "Message")
        row = await info.context.loaders.messages_by_id.load(pk) if pk else None
        return Message.from_model(row) if row else None

    @strawberry.field(description="The thread the message is in.")
    async def thread(self, info: Info) -> Thread | None:
        pk = pk_of(str(self.payload.get("threadId", "")), "Thread")
        row = await info.context.loaders.threads_by_id.load(pk) if pk else None
        return Thread.from_model(row) if row else None


@strawberry.type(description="A request of yours changed status (approved, rejected, lapsed …).")
class RequestStatusChanged:
    cursor: str = strawberry.field(
        description="Pass as `after` when subscribing again to continue after this change."
    )
    status: RequestStatus = strawberry.field(description="The status it has now.")
    previous_status: RequestStatus | None = strawberry.field(
        description="The status it had before; null when the request was just submitted."
    )
    payload: strawberry.Private[dict[str, Any]]

    @classmethod
    def build(cls, cursor: str, payload: dict[str, Any]) -> RequestStatusChanged:
        previous = payload.get("previousStatus")
        return cls(
            cursor=cursor,
            status=RequestStatus[str(payload["status"])],
            previous_status=RequestStatus[str(previous)] if previous else None,
            payload=payload,
        )

    @strawberry.field(description="The request, as it is now.")
    async def request(self, info: Info) -> CareRequest | None:
        pk = pk_of(str(self.payload.get("requestId", "")), "CareRequest")
        row = await info.context.loaders.care_requests_by_id.load(pk) if pk else None
        return CareRequest.from_model(row) if row else None
