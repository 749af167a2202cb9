"""What the CLI says about the database it reads: which one, and why it could not.

Operators run `ouderportaal outbox` or `demo-accounts` from a shell whose environment may not
be the server's; one line naming the database (password hidden) and the variable that points
elsewhere saves them from reading a traceback, or from an empty answer from the wrong file.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

T = TypeVar("T")

HINT = "set DATABASE_URL to read another"
# How long `serve` and `migrate` wait for the database to answer before they give up, instead
# of the driver's minute.
CONNECT_TIMEOUT = 10.0


class DatabaseUnusable(Exception):
    """The database is missing, unreachable or has no schema; the message is one line."""


def describe(url: str) -> str:
    """The URL as it can be shown: the password is never printed."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<a DATABASE_URL that is not a database URL>"


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database or "")


def check_exists(url: str) -> None:
    """Refuse a SQLite file that does not exist: connecting would create an empty one."""
    try:
        path = _sqlite_file(url)
    except ArgumentError:
        raise DatabaseUnusable(f"DATABASE_URL is not a database URL; {HINT}") from None
    if path is not None and not path.exists():
        raise DatabaseUnusable(
            f"no database at {describe(url)} (run `ouderportaal migrate`, or {HINT})"
        )


async def reading(url: str, work: Callable[[], Awaitable[T]], *, must_exist: bool = True) -> T:
    """Run `work` against the database at `url`, turning its failures into one line.

    `must_exist=False` for `migrate`, which may create a SQLite file."""
    if must_exist:
        check_exists(url)
    try:
        return await work()
    except (DBAPIError, OSError, NoSuchModuleError) as error:
        cause = getattr(error, "orig", error)
        message = str(cause).lower()
        if "no such table" in message or ("relation" in message and "does not exist" in message):
            reason = "has no tables yet (run `ouderportaal migrate`)"
        elif "does not exist" in message:
            reason = "does not exist"
        elif isinstance(cause, TimeoutError):
            reason = f"did not answer within {CONNECT_TIMEOUT:.0f} s"
        elif isinstance(cause, OSError):
            reason = f"cannot be reached ({type(cause).__name__})"
        else:
            reason = f"cannot be read ({type(cause).__name__})"
        raise DatabaseUnusable(f"the database at {describe(url)} {reason}; {HINT}") from None


async def answers(url: str, *, migrated: bool) -> None:
    """Connect and ask one question within `CONNECT_TIMEOUT`; `migrated`: whether the schema
    must be there (`serve`), so that a missing one is said now rather than as a traceback."""
    from gateway.db import create_engine

    engine = create_engine(url)
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT), engine.connect() as connection:
            probe = "SELECT version_num FROM alembic_version" if migrated else "SELECT 1"
            await connection.execute(text(probe))
    finally:
        await engine.dispose()


def looked_at(url: str) -> None:
    """Tell, on stderr so that `--json` output stays clean, which database was read."""
    print(f"read the database at {describe(url)}; {HINT}", file=sys.stderr)
