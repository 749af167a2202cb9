"""Mutations for messages, reading threads and notifications, and notification settings."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway import models
from gateway.services import messages, notifications
from gateway.services.message_text import MAX_BODY_LENGTH, MAX_SUBJECT_LENGTH
from loaders.notifications import unread_notification_count
from resolvers.context import Info
from resolvers.errors import UserError
from resolvers.mutations.base import attempt, signed_in
from resolvers.types.messages import Message, Thread
from resolvers.types.notifications import (
    NotificationCategory,
    NotificationChannel,
    NotificationSetting,
)


@strawberry.input(
    description=(
        "A message: a reply in a thread (`threadId`), or the start of a new thread about a "
        "child (`childId`), which goes to the staff of the child's current group."
    )
)
class SendMessageInput:
    body: str = strawberry.field(
        description=f"Plain text, 1 to {MAX_BODY_LENGTH} characters after trimming."
    )
    thread_id: strawberry.ID | None = strawberry.field(
        default=None, description="The thread to reply in; leave out to start a thread."
    )
    child_id: strawberry.ID | None = strawberry.field(
        default=None, description="The child a new thread is about; leave out to reply."
    )
    subject: str | None = strawberry.field(
        default=None,
        description=f"Subject of a new thread, at most {MAX_SUBJECT_LENGTH} characters.",
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description=(
            "Chosen by the client per message (e.g. a UUID); sending the same input again with "
            "the same key returns the first message instead of a second one; the same key "
            "with other input is refused (IDEMPOTENCY_KEY_REUSED) and changes nothing."
        ),
    )


@strawberry.type(description="Result of sending a message.")
class SendMessagePayload:
    message: Message | None = strawberry.field(description="The message sent.")
    thread: Thread | None = strawberry.field(description="Its thread, now with this message.")
    errors: list[UserError] = strawberry.field(description="Why nothing was sent, if so.")


@strawberry.input(description="Which thread to mark read, and how far.")
class MarkThreadReadInput:
    thread_id: strawberry.ID = strawberry.field(description="The thread's global ID.")
    message_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Read up to and including this message; default: the newest one.",
    )


@strawberry.type(description="Result of marking a thread read.")
class MarkThreadReadPayload:
    thread: Thread | None = strawberry.field(description="The thread, with its unread count now.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.input(description="How far to mark the notification feed read.")
class MarkNotificationsReadInput:
    up_to: strawberry.ID | None = strawberry.field(
        default=None,
        description="Mark this notification and all older ones read; default: all of them.",
    )


@strawberry.type(description="Result of marking notifications read.")
class MarkNotificationsReadPayload:
    unread_count: int | None = strawberry.field(
        description="How many notifications are still unread."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.input(description="One notification setting to change.")
class NotificationSettingInput:
    category: NotificationCategory = strawberry.field(description="Which notifications.")
    channel: NotificationChannel = strawberry.field(description="On which channel.")
    enabled: bool = strawberry.field(description="Whether they should reach you there.")


@strawberry.input(description="Notification settings to change; the others stay as they are.")
class UpdateNotificationSettingsInput:
    settings: list[NotificationSettingInput] = strawberry.field(
        description="The settings to change, each category and channel at most once."
    )


@strawberry.type(description="Result of changing notification settings.")
class UpdateNotificationSettingsPayload:
    settings: list[NotificationSetting] | None = strawberry.field(
        description="All your notification settings, as they are now."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed, if so.")


async def send_message(
    info: Info,
    input: Annotated[SendMessageInput, strawberry.argument(description="The message.")],
) -> SendMessagePayload:
    ctx = info.context

    async def run() -> models.Message:
        return await messages.send_message(
            ctx.session,
            signed_in(info),
            ctx.now,
            ctx.runtime.events,
            thread_id=None if input.thread_id is None else str(input.thread_id),
            child_id=None if input.child_id is None else str(input.child_id),
            subject=input.subject,
            body=input.body,
            idempotency_key=input.idempotency_key,
        )

    outcome = await attempt(info, run())
    if outcome.value is None:
        return SendMessagePayload(message=None, thread=None, errors=outcome.errors)
    thread = await ctx.loaders.threads_by_id.load(outcome.value.thread_id)
    return SendMessagePayload(
        message=Message.from_model(outcome.value),
        thread=Thread.from_model(thread) if thread else None,
        errors=[],
    )


async def mark_thread_read(
    info: Info,
    input: Annotated[MarkThreadReadInput, strawberry.argument(description="Thread and extent.")],
) -> MarkThreadReadPayload:
    ctx = info.context

    async def run() -> models.Thread:
        return await messages.mark_thread_read(
            ctx.session,
            signed_in(info),
            ctx.now,
            thread_id=str(input.thread_id),
            message_id=None if input.message_id is None else str(input.message_id),
        )

    outcome = await attempt(info, run())
    return MarkThreadReadPayload(
        thread=Thread.from_model(outcome.value) if outcome.value else None,
        errors=outcome.errors,
    )


async def mark_notifications_read(
    info: Info,
    input: Annotated[
        MarkNotificationsReadInput, strawberry.argument(description="How far to mark read.")
    ],
) -> MarkNotificationsReadPayload:
    ctx = info.context

    async def run() -> int:
        return await notifications.mark_notifications_read(
            ctx.session,
            signed_in(info),
            ctx.now,
            up_to=None if input.up_to is None else str(input.up_to),
        )

    outcome = await attempt(info, run())
    if outcome.value is None or ctx.viewer is None:
        return MarkNotificationsReadPayload(unread_count=None, errors=outcome.errors)
    settings = await ctx.loaders.notification_settings_by_account.load(ctx.viewer.account_id)
    unread = await unread_notification_count(
        ctx.loaders.reader, notifications.in_app_kinds(settings or {}), outcome.value
    )
    return MarkNotificationsReadPayload(unread_count=unread, errors=[])


async def update_notification_settings(
    info: Info,
    input: Annotated[
        UpdateNotificationSettingsInput, strawberry.argument(description="Settings to change.")
    ],
) -> UpdateNotificationSettingsPayload:
    ctx = info.context
    changes = [
        (
            models.NotificationCategory(s.category.value),
            models.NotificationChannel(s.channel.value),
            s.enabled,
        )
        for s in input.settings
    ]

    async def run() -> notifications.Settings:
        return await notifications.update_notification_settings(
            ctx.session, signed_in(info), ctx.now, changes
        )

    outcome = await attempt(info, run())
    return UpdateNotificationSettingsPayload(
        settings=NotificationSetting.all_of(outcome.value) if outcome.value else None,
        errors=outcome.errors,
    )


@strawberry.type(description="Sending messages, reading threads and notifications.")
class MessageMutation:
    send_message = strawberry.mutation(
        resolver=send_message,
        description="Send a message: reply in a thread, or start a thread about a child.",
    )
    mark_thread_read = strawberry.mutation(
        resolver=mark_thread_read,
        description="Mark a thread read up to a message (default: all of it); never backwards.",
    )
    mark_notifications_read = strawberry.mutation(
        resolver=mark_notifications_read,
        description="Mark notifications read up to one of them (default: all); never backwards.",
    )
    update_notification_settings = strawberry.mutation(
        resolver=update_notification_settings,
        description="Switch categories of notifications on or off per channel.",
    )
