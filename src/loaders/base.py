"""Shared plumbing for the per-request DataLoaders."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.viewer import Viewer

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


@dataclass
class Reader:
    """The session a request reads through, with the viewer every query is scoped to.

    An AsyncSession must not run two statements at once, but GraphQL resolves sibling
    fields concurrently, so two loaders can dispatch together: the lock serialises them.
    """

    session: AsyncSession
    viewer: Viewer | None
    today: date
    # The request's instant, for what becomes visible at a moment (scheduled news).
    now: datetime | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def instant(self) -> datetime:
        if self.now is None:
            raise RuntimeError("this loader needs the request's instant: pass `now` to Loaders")
        return self.now

    async def all(self, statement: Select[T]) -> Sequence[T]:
        async with self.lock:
            return (await self.session.scalars(statement)).all()

    async def rows(self, statement: Select[*tuple[Any, ...]]) -> Sequence[Any]:
        async with self.lock:
            return (await self.session.execute(statement)).all()


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
