"""Insert-or-update in one statement, on SQLite and PostgreSQL alike.

A read followed by an insert races with a concurrent request doing the same (two devices of one
parent marking a thread read): one of them would fail on the primary key. `ON CONFLICT` lets
the database settle it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

# Given the proposed row (`excluded`) and the table, the value a column gets on conflict.
Merge = Callable[[Any, Any], Any]


def keep_highest(column: str) -> Merge:
    """On conflict keep the larger of the stored and the proposed value: markers never go back."""

    def merge(excluded: Any, table: Any) -> ColumnElement[Any]:
        new, old = getattr(excluded, column), getattr(table, column)
        return case((new > old, new), else_=old)

    return merge


def take_new(column: str) -> Merge:
    def merge(excluded: Any, _table: Any) -> Any:
        return getattr(excluded, column)

    return merge


async def upsert(
    session: AsyncSession,
    model: type[DeclarativeBase],
    values: Mapping[str, Any],
    key: Sequence[str],
    merge: Mapping[str, Merge],
) -> None:
    """Insert `values`; when a row with the same `key` exists, update it per `merge`."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**values)
    table = model.__table__.c
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=list(key),
            set_={name: rule(statement.excluded, table) for name, rule in merge.items()},
        )
    )
