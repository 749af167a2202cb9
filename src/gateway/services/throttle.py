"""Slowing down repeated failed logins, per account and per client address.

After `free` failures each further attempt has to wait twice as long as the one before
(1 s, 2 s, 4 s, … up to `max_delay`). Counters live in the database so that every gateway
process sees the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.models import LoginThrottle

# A client address shared by many parents (an office, a carrier NAT) gets more slack.
ADDRESS_FACTOR = 4


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    free: int
    max_delay: timedelta


def account_key(domain: str, email: str) -> str:
    return f"account:{domain}:{email}"


def address_key(address: str) -> str:
    return f"address:{address}"


def _delay(failures: int, free: int, max_delay: timedelta) -> timedelta | None:
    if failures < free:
        return None
    return min(timedelta(seconds=2 ** min(failures - free, 30)), max_delay)


async def blocked_for(session: AsyncSession, keys: list[str], now: datetime) -> timedelta | None:
    """How long the caller still has to wait, or None when an attempt is allowed now."""
    rows = await session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys)))
    waits = [
        row.blocked_until - now for row in rows if row.blocked_until and row.blocked_until > now
    ]
    return max(waits) if waits else None


async def record_failure(
    session: AsyncSession, key: str, now: datetime, policy: ThrottlePolicy
) -> None:
    """Count a failure atomically: concurrent failures must not overwrite each other's count."""
    free = policy.free * (ADDRESS_FACTOR if key.startswith("address:") else 1)
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(LoginThrottle).values(key=key, failures=1, last_failure_at=now)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[LoginThrottle.key],
            set_={
                "failures": LoginThrottle.failures + 1,
                "last_failure_at": now,
            },
        )
    )
    failures = await session.scalar(select(LoginThrottle.failures).where(LoginThrottle.key == key))
    delay = _delay(failures or 0, free, policy.max_delay)
    if delay is not None:
        row = await session.get(LoginThrottle, key, populate_existing=True)
        if row is not None:
            row.blocked_until = now + delay


async def clear(session: AsyncSession, key: str) -> None:
    row = await session.get(LoginThrottle, key)
    if row is not None:
        await session.delete(row)
