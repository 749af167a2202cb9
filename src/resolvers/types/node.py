"""The Relay `Node` interface and the generic cursor connection."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

import strawberry

from gateway.errors import DomainError, ErrorCode, PublicError
from gateway.pagination import CursorKey, Page, PageRequest, page_request

NodeT = TypeVar("NodeT")

First = Annotated[
    int | None, strawberry.argument(description="Page size, at most 100; default 20.")
]
After = Annotated[
    str | None, strawberry.argument(description="Continue after this cursor (`endCursor`).")
]


def page_arguments(first: int | None, after: str | None, key: CursorKey) -> PageRequest:
    """`first`/`after` checked; a bad value is the client's error, not an empty page."""
    try:
        return page_request(first, after, key)
    except DomainError as error:
        raise PublicError(ErrorCode.INVALID_INPUT, error.message) from None


@strawberry.interface(
    description="An object with a global, opaque ID that `node(id:)` can fetch again."
)
class Node:
    id: strawberry.ID = strawberry.field(
        description="Opaque global identifier; do not parse it, pass it back."
    )


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    has_previous_page: bool = strawberry.field(
        description="Whether items come before this page (true when `after` was given)."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first item, if any.")
    end_cursor: str | None = strawberry.field(
        description="Pass it as `after` for the next page: the last item's cursor; on an empty "
        "page (e.g. `first: 0`) the `after` cursor given, null at the start of the list."
    )


@strawberry.type(description="One item of a page, with the cursor that points at it.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Pass as `after` to continue after this item.")
    node: NodeT = strawberry.field(description="The item.")


@strawberry.type(
    description="A page of a list that grows; fetch more with `first` and `after: endCursor`."
)
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The items of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether there is more.")
    total_count: int = strawberry.field(description="How many items the whole list has.")

    @classmethod
    def build(cls, page: Page[NodeT]) -> Connection[NodeT]:
        return cls(
            edges=[Edge(cursor=c, node=n) for c, n in zip(page.cursors, page.items, strict=True)],
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.end_cursor,
            ),
            total_count=page.total_count,
        )
