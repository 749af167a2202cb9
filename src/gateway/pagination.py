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
# What a connection's cursor holds: the type of each value of its sort key, in order.
CursorKey = tuple[type[int] | type[str], ...]
# Integers a database column holds (BIGINT); a larger one would fail in the driver.
_MIN_INT, _MAX_INT = -(2**63), 2**63 - 1


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


def _fits(values: list[Any], key: CursorKey) -> bool:
    """Whether decoded cursor values have the key's types, within what a column can hold.

    Cursors come back from clients, so they may be forged: `[null, null]`, a float, an integer
    past 64 bits or a string with an unpaired surrogate would reach SQL and fail there.
    """
    for value, kind in zip(values, key, strict=True):
        if kind is int:
            if type(value) is not int or not _MIN_INT <= value <= _MAX_INT:
                return False
        elif not isinstance(value, str) or not _is_text(value):
            return False
    return True


def _is_text(value: str) -> bool:
    """Whether a database takes the string: no NUL (PostgreSQL refuses it), no lone surrogate."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


def page_request(first: int | None, after: str | None, key: CursorKey) -> PageRequest:
    """Validate `first`/`after`; a bad value is the client's error, not an empty page.

    `key` says what the connection's cursors hold, e.g. `(str, int)` for a name and an id.
    """
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise DomainError(
            ErrorCode.INVALID_INPUT, f"'first' must be between 0 and {MAX_PAGE_SIZE}.", ["first"]
        )
    decoded = None
    if after is not None:
        decoded = decode_cursor(after, len(key))
        if decoded is None or not _fits(decoded, key):
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
