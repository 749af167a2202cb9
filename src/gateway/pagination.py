"""Keyset pagination for cursor connections."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, or_

from gateway.errors import DomainError, ErrorCode
from gateway.ids import decode_cursor, encode_cursor

T = TypeVar("T")
U = TypeVar("U")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class PageRequest:
    first: int
    after: list[Any] | None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool
    total_count: int
    # Where to continue from: the last item's cursor, or, on an empty page (`first: 0`, or
    # past the end), the `after` cursor it was asked with; None only at the list's start.
    end_cursor: str | None = None

    def map(self, convert: Callable[[T], U]) -> Page[U]:
        return Page(
            items=[convert(item) for item in self.items],
            cursors=self.cursors,
            has_next_page=self.has_next_page,
            has_previous_page=self.has_previous_page,
            total_count=self.total_count,
            end_cursor=self.end_cursor,
        )


def page_request(first: int | None, after: str | None, arity: int) -> PageRequest:
    """Validate `first`/`after`; a bad value is the client's error, not an empty page."""
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise DomainError(
            ErrorCode.INVALID_INPUT, f"'first' must be between 0 and {MAX_PAGE_SIZE}.", ["first"]
        )
    decoded = None
    if after is not None:
        decoded = decode_cursor(after, arity)
        if decoded is None:
            raise DomainError(ErrorCode.INVALID_INPUT, "'after' is not a valid cursor.", ["after"])
    return PageRequest(first=size, after=decoded)


def after_condition(
    columns: Sequence[SQLColumnExpression[Any]], values: list[Any]
) -> ColumnElement[bool]:
    """Rows strictly after `values` in ascending order of `columns` (a row-value comparison)."""
    clauses = []
    for index, column in enumerate(columns):
        equal_before = [columns[i] == values[i] for i in range(index)]
        clauses.append(and_(*equal_before, column > values[index]))
    return or_(*clauses)


def make_page(
    rows: Sequence[T],
    request: PageRequest,
    key: Callable[[T], list[Any]],
    total_count: int,
) -> Page[T]:
    """Turn `first + 1` fetched rows into a page; the extra row only tells there is more.

    Every page answers `has_next_page` truthfully and an `end_cursor` that continues right
    after it, also an empty one: `first: 0` after a cursor hands that cursor back, so a client
    that pages with `after: endCursor` neither skips nor repeats items (at the start of the
    list the cursor is null, and `after: null` is the start again).
    """
    items = list(rows[: request.first])
    cursors = [encode_cursor(key(item)) for item in items]
    if cursors:
        end_cursor: str | None = cursors[-1]
    else:
        end_cursor = None if request.after is None else encode_cursor(request.after)
    return Page(
        items=items,
        cursors=cursors,
        has_next_page=len(rows) > request.first,
        has_previous_page=request.after is not None,
        total_count=total_count,
        end_cursor=end_cursor,
    )
