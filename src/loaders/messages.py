"""Loaders for threads and messages; every query is scoped by `access.thread_in_scope`.

Per-thread values (last message, unread count, a page of messages) are each one grouped query
for all threads of a request, so a list of threads costs the same whatever its length.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased

from gateway.auth import access
from gateway.errors import ErrorCode, PublicError
from gateway.models import Account, Guardian, Message, Role, StaffMember, Thread, ThreadRead
from gateway.pagination import Page, PageRequest, make_page
from loaders.base import KEYS, Reader, many_per_key, one_per_key, prepared, prepared_rows

# (thread id, page size, id of the message to continue after, if any)
MessagePageKey = tuple[int, int, int | None]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote a message, as the other side may see it: a name and a role, no contact."""

    name: str
    role: Role


def int_cursor(request: PageRequest) -> list[int] | None:
    """The cursor's values, which are all integers here; anything else is a forged cursor."""
    if request.after is None:
        return None
    values: list[Any] = request.after
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise PublicError(ErrorCode.INVALID_INPUT, "'after' is not a valid cursor.")
    return values


def message_page_key(thread_id: int, request: PageRequest) -> MessagePageKey:
    after = int_cursor(request)
    return (thread_id, request.first, after[0] if after else None)


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


_THREADS_BY_ID = prepared(select(Thread).where(Thread.id.in_(KEYS), access.thread_in_scope()))


async def threads_by_id(reader: Reader, keys: Sequence[int]) -> list[Thread | None]:
    rows = await reader.all(_THREADS_BY_ID, keys)
    return one_per_key(rows, lambda t: t.id, keys)


_MESSAGES_BY_ID = prepared(
    select(Message)
    .join(Thread, Thread.id == Message.thread_id)
    .where(Message.id.in_(KEYS), access.thread_in_scope())
)


async def messages_by_id(reader: Reader, keys: Sequence[int]) -> list[Message | None]:
    rows = await reader.all(_MESSAGES_BY_ID, keys)
    return one_per_key(rows, lambda m: m.id, keys)


_LAST_MESSAGE_BY_THREAD = prepared(
    select(Message)
    .join(Thread, Thread.id == Message.thread_id)
    .where(
        Message.id.in_(
            select(func.max(Message.id))
            .where(Message.thread_id.in_(KEYS))
            .group_by(Message.thread_id)
        ),
        access.thread_in_scope(),
    )
)


async def last_message_by_thread(reader: Reader, keys: Sequence[int]) -> list[Message | None]:
    rows = await reader.all(_LAST_MESSAGE_BY_THREAD, keys)
    return one_per_key(rows, lambda m: m.thread_id, keys)


_UNREAD_COUNTS_BY_THREAD = prepared_rows(
    select(Message.thread_id, func.count())
    .join(Thread, Thread.id == Message.thread_id)
    .outerjoin(
        ThreadRead,
        and_(
            ThreadRead.thread_id == Message.thread_id,
            ThreadRead.account_id == bindparam("account_id"),
        ),
    )
    .where(
        Message.thread_id.in_(KEYS),
        access.thread_in_scope(),
        Message.author_account_id != bindparam("account_id"),
        Message.id > func.coalesce(ThreadRead.last_read_message_id, 0),
    )
    .group_by(Message.thread_id)
)


async def unread_counts_by_thread(reader: Reader, keys: Sequence[int]) -> list[int]:
    """Messages of others after the viewer's read marker (all of them without a marker)."""
    viewer = reader.viewer
    if viewer is None:
        return [0 for _ in keys]
    rows = await reader.rows(_UNREAD_COUNTS_BY_THREAD, keys, account_id=viewer.account_id)
    counts = {thread_id: count for thread_id, count in rows}
    return [counts.get(k, 0) for k in keys]


_MESSAGE_COUNTS_BY_THREAD = prepared_rows(
    select(Message.thread_id, func.count())
    .join(Thread, Thread.id == Message.thread_id)
    .where(Message.thread_id.in_(KEYS), access.thread_in_scope())
    .group_by(Message.thread_id)
)


async def message_pages_by_thread(
    reader: Reader, keys: Sequence[MessagePageKey]
) -> list[Page[Message]]:
    """A newest-first page of messages per thread: one windowed query per distinct page shape."""
    thread_ids = sorted({thread_id for thread_id, _, _ in keys})
    visible = access.thread_in_scope()
    totals = dict(await reader.rows(_MESSAGE_COUNTS_BY_THREAD, thread_ids))
    shapes: defaultdict[tuple[int, int | None], list[int]] = defaultdict(list)
    for thread_id, first, after in keys:
        shapes[(first, after)].append(thread_id)
    pages: dict[MessagePageKey, Page[Message]] = {}
    for (first, after), ids in shapes.items():
        rows = await reader.all(prepared(_newest_per_thread(ids, first, after, visible)))
        grouped = many_per_key(rows, lambda m: m.thread_id, ids)
        for thread_id, messages in zip(ids, grouped, strict=True):
            request = PageRequest(first=first, after=None if after is None else [after])
            pages[(thread_id, first, after)] = make_page(
                messages, request, lambda m: [m.id], totals.get(thread_id, 0)
            )
    return [pages[key] for key in keys]


def _newest_per_thread(
    thread_ids: Sequence[int], first: int, after: int | None, visible: ColumnElement[bool]
) -> Any:
    """The `first + 1` newest messages of each thread older than `after`, newest first."""
    rank = (
        func.row_number()
        .over(partition_by=Message.thread_id, order_by=Message.id.desc())
        .label("rank")
    )
    inner = (
        select(Message, rank)
        .join(Thread, Thread.id == Message.thread_id)
        .where(Message.thread_id.in_(thread_ids), visible)
    )
    if after is not None:
        inner = inner.where(Message.id < after)
    ranked = inner.subquery()
    message = aliased(Message, ranked)
    return (
        select(message)
        .where(ranked.c.rank <= first + 1)
        .order_by(ranked.c.thread_id, ranked.c.id.desc())
    )


_AUTHORS_BY_ACCOUNT = prepared_rows(
    select(
        Account.id,
        Account.role,
        func.coalesce(Guardian.first_name, StaffMember.first_name),
        func.coalesce(Guardian.last_name, StaffMember.last_name),
    )
    .outerjoin(Guardian, Guardian.id == Account.guardian_id)
    .outerjoin(StaffMember, StaffMember.id == Account.staff_member_id)
    .where(Account.id.in_(KEYS), access.organisation_in_scope(Account.organisation_id))
)


async def authors_by_account(reader: Reader, keys: Sequence[int]) -> list[Author | None]:
    rows = await reader.rows(_AUTHORS_BY_ACCOUNT, keys)
    authors = {pk: Author(name=f"{first} {last}", role=role) for pk, role, first, last in rows}
    return [authors.get(k) for k in keys]


async def threads_page(reader: Reader, request: PageRequest) -> Page[Thread]:
    """The viewer's threads, latest activity first."""
    visible = access.thread_in_scope()
    statement = select(Thread).where(visible)
    after = int_cursor(request)
    if after is not None:
        try:
            moment = _EPOCH + timedelta(microseconds=after[0])
        except OverflowError:
            raise PublicError(ErrorCode.INVALID_INPUT, "'after' is not a valid cursor.") from None
        statement = statement.where(
            or_(
                Thread.last_message_at < moment,
                and_(Thread.last_message_at == moment, Thread.id < after[1]),
            )
        )
    page = statement.order_by(Thread.last_message_at.desc(), Thread.id.desc())
    rows = await reader.all(prepared(page.limit(request.first + 1)))
    total = await reader.all(prepared(select(func.count()).select_from(Thread).where(visible)))
    return make_page(rows, request, lambda t: [_micros(t.last_message_at), t.id], total[0])
