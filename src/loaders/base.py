"""Shared plumbing for the per-request DataLoaders."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import BindParameter, Select, bindparam
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import visitors

from gateway.auth.access import Scope
from gateway.auth.viewer import Viewer

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

# The batch's keys, in a statement built once: `Thing.key.in_(KEYS)`.
KEYS: BindParameter[Any] = bindparam("keys", expanding=True)


AnySelect = Select[*tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Prepared(Generic[T]):
    """A statement built once, with the names of the parameters it binds; T: what `all` gives."""

    statement: AnySelect
    parameters: frozenset[str]


def prepared(statement: Select[T]) -> Prepared[T]:
    """A one-column (e.g. one entity) statement, built once at import time.

    Built once, its SQL is compiled once and found in SQLAlchemy's cache without rebuilding it.
    """
    return prepared_rows(statement)


def prepared_rows(statement: AnySelect) -> Prepared[Any]:
    """A statement of several columns, for `Reader.rows`."""
    names = {e.key for e in visitors.iterate(statement) if isinstance(e, BindParameter)}
    return Prepared(statement, frozenset(str(name) for name in names))


@dataclass
class Reader:
    """The session a request reads through, with the viewer every query is scoped to.

    An AsyncSession must not run two statements at once, but GraphQL resolves sibling
    fields concurrently, so two loaders can dispatch together: the lock serialises them.
    """

    session: AsyncSession
    viewer: Viewer | None
    today: date
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # The request's clock, for rules that turn at a moment (a request's expiry, scheduled
    # news); None: the system clock at the time of reading.
    now: datetime | None = None
    scope: Scope = field(init=False)

    def moment(self) -> datetime:
        return self.now if self.now is not None else datetime.now(UTC)

    def __post_init__(self) -> None:
        self.scope = Scope(self.session, self.viewer, self.today, self.lock)

    async def all(
        self,
        statement: Select[T] | Prepared[T],
        keys: Iterable[Any] | None = None,
        **values: Any,
    ) -> Sequence[T]:
        """The first column of every row; a `Prepared` statement gets `keys`, `values` and the
        viewer's scope as its parameters."""
        bound, params = await self._bind(statement, keys, values)
        async with self.lock:
            return (await self.session.scalars(bound, params)).all()

    async def rows(
        self,
        statement: AnySelect | Prepared[Any],
        keys: Iterable[Any] | None = None,
        **values: Any,
    ) -> Sequence[Any]:
        bound, params = await self._bind(statement, keys, values)
        async with self.lock:
            return (await self.session.execute(bound, params)).all()

    async def _bind(
        self, statement: AnySelect | Prepared[Any], keys: Iterable[Any] | None, values: Any
    ) -> tuple[Any, dict[str, Any]]:
        if not isinstance(statement, Prepared):
            return statement, {}
        params = await self.scope.params(statement.parameters)
        params.update(values)
        if keys is not None:
            params["keys"] = list(keys)
        return statement.statement, params


def one_per_key(rows: Iterable[T], key: Callable[[T], K], keys: Sequence[K]) -> list[T | None]:
    """Results in key order, None where the key has no (visible) row."""
    by_key = {key(row): row for row in rows}
    return [by_key.get(k) for k in keys]


def many_per_key(rows: Iterable[T], key: Callable[[T], K], keys: Sequence[K]) -> list[list[T]]:
    """A list per key, in key order, keeping the order of `rows` inside each list."""
    by_key: defaultdict[K, list[T]] = defaultdict(list)
    for row in rows:
        by_key[key(row)].append(row)
    return [by_key.get(k, []) for k in keys]
