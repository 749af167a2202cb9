"""What the CLI says about the database it reads: which one, and why it could not.

Operators run `ouderportaal outbox` or `demo-accounts` from a shell whose environment may not
be the server's; one line naming the database (password hidden) and the variable that points
elsewhere saves them from reading a traceback, or from an empty answer from the wrong file.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

T = TypeVar("T")

HINT = "set DATABASE_URL to read another"


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


async def reading(url: str, work: Callable[[], Awaitable[T]]) -> T:
    """Run `work` against the database at `url`, turning its failures into one line."""
    check_exists(url)
    try:
        return await work()
    except (DBAPIError, OSError, NoSuchModuleError) as error:
        text = str(getattr(error, "orig", error)).lower()
        if "no such table" in text or ("relation" in text and "does not exist" in text):
            reason = "has no tables yet (run `ouderportaal migrate`)"
        elif "does not exist" in text:
            reason = "does not exist"
        else:
            reason = f"cannot be read ({type(getattr(error, 'orig', error)).__name__})"
        raise DatabaseUnusable(f"the database at {describe(url)} {reason}; {HINT}") from None


def looked_at(url: str) -> None:
    """Tell, on stderr so that `--json` output stays clean, which database was read."""
    print(f"read the database at {describe(url)}; {HINT}", file=sys.stderr)
