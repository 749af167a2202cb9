"""Guardians and staff writing to each other: starting threads, replying, reading.

A thread is about one child and one group. A guardian starts one about their child (it goes to
the staff of the child's current group) or replies in one they see; staff of the group reply,
or start one about a child of their group. Each send is one transaction that also records a
`message.added` event; the event is published only after the commit.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth import access
from gateway.auth.viewer import Viewer
from gateway.errors import DomainError, ErrorCode
from gateway.ids import pk_of, to_global_id
from gateway.live import events
from gateway.models import Child, Event, Message, Placement, StaffGroup, Thread, ThreadRead
from gateway.placements import PlacementStatus, current_placement, placement_status
from gateway.services.idempotency import check_same_input, fingerprint, reused
from gateway.services.message_text import clean_body, clean_key, clean_subject, invalid
from gateway.services.upsert import keep_highest, take_new, upsert


async def send_message(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    publisher: events.EventPublisher,
    *,
    thread_id: str | None,
    child_id: str | None,
    subject: str | None,
    body: str,
    idempotency_key: str | None,
) -> Message:
    """Reply in `thread_id`, or start a thread about `child_id` (exactly one of them)."""
    if (thread_id is None) == (child_id is None):
        raise invalid("Give either a thread to reply in or a child to start a thread about.")
    if thread_id is not None and subject is not None:
        raise invalid("A reply has no subject of its own.", "subject")
    text, title, key = clean_body(body), clean_subject(subject), clean_key(idempotency_key)
    asked = fingerprint(
        "sendMessage",
        {
            "threadId": None if thread_id is None else pk_of(thread_id, "Thread"),
            "childId": None if child_id is None else pk_of(child_id, "Child"),
            "subject": title,
            "body": text,
        },
    )
    today = viewer.today(now)
    if thread_id is not None:
        thread = await _thread_to_reply_in(session, viewer, today, pk_of(thread_id, "Thread"))
        same_target = Message.thread_id == thread.id
        is_new = False
    else:
        child, group_id = await _child_to_write_about(session, viewer, today, child_id)
        thread = Thread(
            organisation_id=viewer.organisation_id,
            child_id=child.id,
            group_id=group_id,
            subject=title,
            created_by_account_id=viewer.account_id,
            created_at=now,
            last_message_at=now,
        )
        same_target = Message.thread_id.in_(select(Thread.id).where(Thread.child_id == child.id))
        is_new = True
    if key is not None:
        earlier = await _by_key(session, viewer, key)
        if earlier is not None:
            return await _replay(session, earlier, same_target, text, asked)
    try:
        message, event = await _write(session, viewer, now, thread, is_new, text, key, asked)
    except IntegrityError:
        # The same author's same key was committed by a concurrent request in the meantime.
        await session.rollback()
        earlier = await _by_key(session, viewer, key) if key is not None else None
        if earlier is None:
            raise
        return await _replay(session, earlier, same_target, text, asked)
    await publisher.publish([event])
    return message


async def _write(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    thread: Thread,
    is_new: bool,
    text: str,
    key: str | None,
    asked: str,
) -> tuple[Message, Event]:
    """Add the message (and a new thread) with its event, and commit.

    The event lock comes first: a thread lists its messages by id and the live feed by event
    id, and only so do both follow the order of the commits when writers meet.
    """
    await events.take_turn(session, viewer.organisation_id)
    if is_new:
        session.add(thread)
        await session.flush()
    thread.last_message_at = now
    message = Message(
        thread_id=thread.id,
        author_account_id=viewer.account_id,
        body=text,
        created_at=now,
        idempotency_key=key,
        idempotency_fingerprint=asked if key is not None else None,
    )
    session.add(message)
    await session.flush()
    event = await events.record(
        session,
        "message.added",
        events.Audience(viewer.organisation_id, child_id=thread.child_id, group_id=thread.group_id),
        {
            "threadId": to_global_id("Thread", thread.id),
            "messageId": to_global_id("Message", message.id),
            # Lets the live feed leave out your own messages without a query per event.
            "authorAccountId": viewer.account_id,
        },
        now,
    )
    message.event_id = event.id
    await session.commit()
    return message, event


async def _thread_to_reply_in(
    session: AsyncSession, viewer: Viewer, today: date, pk: int | None
) -> Thread:
    thread = None
    if pk is not None:
        thread = await session.scalar(
            select(Thread).where(Thread.id == pk, access.thread_visible(viewer, today))
        )
    if thread is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such thread.", ["input", "threadId"])
    if viewer.is_guardian and not await _placed_in(
        session, thread.child_id, thread.group_id, today
    ):
        # Its staff no longer see the child, so nobody would read the reply.
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "This conversation is closed: the child no longer attends this group.",
            ["input", "threadId"],
        )
    return thread


async def _placed_in(session: AsyncSession, child_id: int, group_id: int, today: date) -> bool:
    """Whether the child has a running or upcoming placement in the group."""
    found = await session.scalar(
        select(Placement.id)
        .where(
            Placement.child_id == child_id,
            Placement.group_id == group_id,
            or_(Placement.end_date.is_(None), Placement.end_date >= today),
        )
        .limit(1)
    )
    return found is not None


async def _child_to_write_about(
    session: AsyncSession, viewer: Viewer, today: date, child_id: str | None
) -> tuple[Child, int]:
    """The child and the group a new thread goes to: the group of its current placement."""
    pk = pk_of(child_id or "", "Child")
    child = None
    if pk is not None:
        child = await session.scalar(
            select(Child).where(Child.id == pk, access.child_visible(Child.id, viewer, today))
        )
    if child is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such child.", ["input", "childId"])
    placements = (
        await session.scalars(
            select(Placement).where(
                Placement.child_id == child.id,
                Placement.organisation_id == viewer.organisation_id,
            )
        )
    ).all()
    current = current_placement(placements, today)
    if current is None or placement_status(current, today) is PlacementStatus.ENDED:
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "The child's care has ended; contact the location instead.",
            ["input", "childId"],
        )
    if viewer.is_staff:
        own = await session.scalar(
            select(StaffGroup.group_id).where(
                StaffGroup.staff_member_id == viewer.staff_member_id,
                StaffGroup.group_id == current.group_id,
            )
        )
        if own is None:
            raise DomainError(
                ErrorCode.FORBIDDEN,
                "Only the staff of the child's current group can start a conversation about it.",
                ["input", "childId"],
            )
    return child, current.group_id


async def _by_key(session: AsyncSession, viewer: Viewer, key: str) -> Message | None:
    return await session.scalar(
        select(Message).where(
            Message.author_account_id == viewer.account_id, Message.idempotency_key == key
        )
    )


async def _replay(
    session: AsyncSession,
    earlier: Message,
    same_target: ColumnElement[bool],
    body: str,
    asked: str,
) -> Message:
    """A retried send returns the first message; the same key for another message is refused."""
    check_same_input(earlier.idempotency_fingerprint, asked)
    # Messages from before fingerprints were kept: compare what they still tell.
    matches = earlier.body == body and await session.scalar(
        select(Message.id).where(Message.id == earlier.id, same_target)
    )
    if not matches:
        raise reused()
    return earlier


async def mark_thread_read(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    *,
    thread_id: str,
    message_id: str | None,
) -> Thread:
    """Mark the thread read up to `message_id` (default: its newest message); never backwards."""
    today = viewer.today(now)
    pk = pk_of(thread_id, "Thread")
    thread = None
    if pk is not None:
        thread = await session.scalar(
            select(Thread).where(Thread.id == pk, access.thread_visible(viewer, today))
        )
    if thread is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such thread.", ["input", "threadId"])
    in_thread = select(func.max(Message.id)).where(Message.thread_id == thread.id)
    if message_id is not None:
        in_thread = in_thread.where(Message.id == pk_of(message_id, "Message"))
    up_to = await session.scalar(in_thread)
    if up_to is None:
        if message_id is not None:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such message in this thread.", ["input", "messageId"]
            )
        return thread
    await upsert(
        session,
        ThreadRead,
        {
            "account_id": viewer.account_id,
            "thread_id": thread.id,
            "last_read_message_id": up_to,
            "read_at": now,
        },
        key=["account_id", "thread_id"],
        merge={
            "last_read_message_id": keep_highest("last_read_message_id"),
            "read_at": take_new("read_at"),
        },
    )
    await session.commit()
    return thread
