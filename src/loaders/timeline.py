"""A child's timeline: its diary entries and its groups' posts, interleaved, newest first.

One windowed query over the union of both, ranked per child, serves the page of every child
in a request (per distinct page shape); the items themselves then come through the by-id
loaders, so a page of 25 timelines costs what one costs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal, or_, select, union_all

from gateway.auth import access
from gateway.errors import ErrorCode, PublicError
from gateway.models import DiaryEntry, GroupPost, Placement
from gateway.pagination import Page, PageRequest, make_page
from loaders.base import Reader

DIARY = "diary"
POST = "post"

# The cursor: (day, created at, kind, id) of the last item, in the timeline's order.
Cursor = tuple[date, datetime, str, int]
# (child id, page size, cursor to continue after, if any)
TimelineKey = tuple[int, int, Cursor | None]


@dataclass(frozen=True, slots=True)
class TimelineRef:
    """Which item sits at a place in a timeline; the item itself comes from its loader."""

    kind: str
    id: int
    day: date
    created_at: datetime


def timeline_key(child_id: int, request: PageRequest) -> TimelineKey:
    """The loader key for a page; a cursor we did not make is the client's error."""
    if request.after is None:
        return (child_id, request.first, None)
    try:
        day, created, kind, pk = request.after
        if kind not in (DIARY, POST) or not isinstance(pk, int) or isinstance(pk, bool):
            raise ValueError(kind)
        cursor = (date.fromisoformat(day), datetime.fromisoformat(created), str(kind), pk)
    except (TypeError, ValueError):
        raise PublicError(ErrorCode.INVALID_INPUT, "'after' is not a valid cursor.") from None
    if cursor[1].tzinfo is None:
        raise PublicError(ErrorCode.INVALID_INPUT, "'after' is not a valid cursor.")
    return (child_id, request.first, cursor)


def _cursor_of(ref: TimelineRef) -> list[Any]:
    return _encodable((ref.day, ref.created_at, ref.kind, ref.id))


def _encodable(cursor: Cursor) -> list[Any]:
    """The cursor as it is handed out, so `first: 0` after it hands back the very same one."""
    day, created, kind, pk = cursor
    return [day.isoformat(), created.isoformat(), kind, pk]


def _union(reader: Reader, child_ids: Sequence[int]) -> Any:
    """(child_id, kind, id, day, created_at) of every item visible on these children's timelines."""
    viewer, today = reader.viewer, reader.today
    entries = select(
        DiaryEntry.child_id.label("child_id"),
        literal(DIARY).label("kind"),
        DiaryEntry.id.label("id"),
        DiaryEntry.entry_date.label("day"),
        DiaryEntry.created_at.label("created_at"),
    ).where(DiaryEntry.child_id.in_(child_ids), access.diary_entry_visible(viewer, today))
    posts = (
        select(
            Placement.child_id.label("child_id"),
            literal(POST).label("kind"),
            GroupPost.id.label("id"),
            GroupPost.post_date.label("day"),
            GroupPost.created_at.label("created_at"),
        )
        .join(
            Placement,
            and_(
                Placement.group_id == GroupPost.group_id,
                Placement.start_date <= GroupPost.post_date,
                or_(Placement.end_date.is_(None), Placement.end_date >= GroupPost.post_date),
            ),
        )
        .where(
            Placement.child_id.in_(child_ids),
            access.child_visible(Placement.child_id, viewer, today),
            access.group_post_visible(viewer, today),
        )
        .distinct()
    )
    return union_all(entries, posts).subquery("timeline")


def _before(columns: Any, cursor: Cursor) -> ColumnElement[bool]:
    """Items strictly after the cursor in newest-first order."""
    day, created, kind, pk = cursor
    return or_(
        columns.day < day,
        and_(columns.day == day, columns.created_at < created),
        and_(columns.day == day, columns.created_at == created, columns.kind < kind),
        and_(
            columns.day == day,
            columns.created_at == created,
            columns.kind == kind,
            columns.id < pk,
        ),
    )


async def timeline_pages_by_child(
    reader: Reader, keys: Sequence[TimelineKey]
) -> list[Page[TimelineRef]]:
    child_ids = sorted({child_id for child_id, _, _ in keys})
    every = _union(reader, child_ids)
    totals = dict(
        await reader.rows(select(every.c.child_id, func.count()).group_by(every.c.child_id))
    )
    shapes: defaultdict[tuple[int, Cursor | None], list[int]] = defaultdict(list)
    for child_id, first, after in keys:
        shapes[(first, after)].append(child_id)
    pages: dict[TimelineKey, Page[TimelineRef]] = {}
    for (first, after), ids in shapes.items():
        items = _union(reader, ids)
        order = (
            items.c.day.desc(),
            items.c.created_at.desc(),
            items.c.kind.desc(),
            items.c.id.desc(),
        )
        rank = func.row_number().over(partition_by=items.c.child_id, order_by=order).label("rank")
        ranked_query = select(items, rank)
        if after is not None:
            ranked_query = ranked_query.where(_before(items.c, after))
        ranked = ranked_query.subquery("ranked")
        rows = await reader.rows(
            select(ranked.c.child_id, ranked.c.kind, ranked.c.id, ranked.c.day, ranked.c.created_at)
            .where(ranked.c.rank <= first + 1)
            .order_by(ranked.c.child_id, ranked.c.rank)
        )
        grouped: defaultdict[int, list[TimelineRef]] = defaultdict(list)
        for child_id, kind, pk, day, created in rows:
            grouped[child_id].append(TimelineRef(kind, pk, day, created))
        for child_id in ids:
            request = PageRequest(first=first, after=None if after is None else _encodable(after))
            pages[(child_id, first, after)] = make_page(
                grouped[child_id], request, _cursor_of, totals.get(child_id, 0)
            )
    return [pages[key] for key in keys]
