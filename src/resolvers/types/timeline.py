"""A child's timeline ("Mijn kind"): diary entries and group posts, newest first."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry

from gateway.pagination import Page
from loaders.timeline import DIARY, TimelineRef, timeline_key
from resolvers.context import Info
from resolvers.types.diary import DiaryEntry, GroupPost
from resolvers.types.node import Connection, page_arguments

TimelineItem = Annotated[
    DiaryEntry | GroupPost,
    strawberry.union("TimelineItem", description="A diary entry or a post to the child's group."),
]


@strawberry.type(
    description="A page of a child's timeline, newest first; fetch more with `after: endCursor`."
)
class TimelineConnection(Connection[TimelineItem]):
    pass


async def _item(info: Info, ref: TimelineRef) -> DiaryEntry | GroupPost | None:
    loaders = info.context.loaders
    if ref.kind == DIARY:
        entry = await loaders.diary_entries_by_id.load(ref.id)
        return DiaryEntry.from_model(entry) if entry else None
    post = await loaders.group_posts_by_id.load(ref.id)
    return GroupPost.from_model(post) if post else None


async def timeline_of(
    info: Info, child_id: int, first: int | None, after: str | None
) -> TimelineConnection:
    """One page; the items come through the by-id loaders, batched over every child asked."""
    request = page_arguments(first, after, (str, str, str, int))
    page = await info.context.loaders.timeline_pages_by_child.load(timeline_key(child_id, request))
    items = await asyncio.gather(*(_item(info, ref) for ref in page.items))
    # An item deleted between the two reads is left out rather than shown as null.
    kept = [(c, item) for c, item in zip(page.cursors, items, strict=True) if item is not None]
    built = Connection[TimelineItem].build(
        Page(
            items=[item for _, item in kept],
            cursors=[c for c, _ in kept],
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            total_count=page.total_count,
            end_cursor=page.end_cursor,
        )
    )
    return TimelineConnection(
        edges=built.edges, page_info=built.page_info, total_count=built.total_count
    )
