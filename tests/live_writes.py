"""Writing messages the way another process would, straight to the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.ids import to_global_id
from gateway.live import Audience, events
from gateway.models import Event, Message, Thread


async def add_message(
    session: AsyncSession, thread: Thread, author_account_id: int, body: str, now: datetime
) -> Event:
    """A message and its event in the caller's transaction, as `send_message` writes them."""
    message = Message(
        thread_id=thread.id, author_account_id=author_account_id, body=body, created_at=now
    )
    session.add(message)
    await session.flush()
    event = await events.record(
        session,
        "message.added",
        Audience(thread.organisation_id, child_id=thread.child_id, group_id=thread.group_id),
        {
            "threadId": to_global_id("Thread", thread.id),
            "messageId": to_global_id("Message", message.id),
            "authorAccountId": author_account_id,
        },
        now,
    )
    message.event_id = event.id
    return event
