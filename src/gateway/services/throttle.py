"""Slowing down password guessing without handing anyone a way to lock a parent out.

Three counters of failed logins, each forgotten a day (`ThrottlePolicy.forget_after`) after
its last failure. Past its free failures, a counter makes each further attempt it covers wait
twice as long as the one before (1 s, 2 s, 4 s, … up to `max_delay`), right password or not:

- **account at address** (`pair:`): `free` failures. Guessing one account from one address
  is slow; the parent at home is not touched by a guesser elsewhere.
- **account** (`account:`), from every address: guessing one account from many addresses.
  Each address adds at most `free` failures, so it takes `ACCOUNT_FACTOR` addresses to trip.
- **address** (`address:`), for every account: one address trying many accounts (a password
  sprayed over a list of e-mail addresses). Each account adds at most `free` failures.

The last two hold back only attempts from an address the account has not logged in from
before (`KnownLoginAddress`, OWASP's "device cookie" idea with the address as the device):
strangers wait, while the parent's own phone and home — and parents who log in at a school or
office where someone sprays — get in with their password. A parent trying an address of
their own for the first time while it is held back waits like the guesser (`max_delay` at
most): letting correct passwords through there would let the guesser's lucky guesses through.

Keys are made from what was typed (digested: no made-up e-mail addresses are stored), never
from whether the account exists, so unknown e-mail, wrong password and unknown domain are
counted and answered alike. Counters live in the database, so every gateway process sees them.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.models import KnownLoginAddress, LoginThrottle
from gateway.services.upsert import take_new, upsert
from gateway.settings import Settings

ACCOUNT_FACTOR = 4
ADDRESS_FACTOR = 4
# A known address is forgotten after a year without a login from it.
KNOWN_FOR = timedelta(days=365)


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    free: int
    max_delay: timedelta

    @classmethod
    def of(cls, settings: Settings) -> ThrottlePolicy:
        return cls(free=settings.login_free_attempts, max_delay=settings.login_max_delay)

    @property
    def forget_after(self) -> timedelta:
        """Quiet time after which a counter starts again; longer than any wait it imposes."""
        return max(timedelta(days=1), 2 * self.max_delay)


def client_key(address: str) -> str:
    """The address a counter is kept for: IPv6 by /64, the block one household or phone has."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Attempt:
    """One login attempt's counters: for the account typed, the client address, and both."""

    address: str
    pair: str
    account: str
    everywhere: str

    @classmethod
    def of(cls, domain: str, email: str, client_address: str) -> Attempt:
        address = client_key(client_address)
        return cls(
            address=address,
            pair=f"pair:{_digest(domain, email, address)}",
            account=f"account:{_digest(domain, email)}",
            everywhere=f"address:{address}",
        )

    def keys(self, known: bool) -> list[str]:
        """The counters that hold this attempt back; a known address only answers to its own."""
        return [self.pair] if known else [self.pair, self.account, self.everywhere]


def counter_key(purpose: str, *parts: str) -> str:
    """The key of a counter of its own for another guarded action (a password change, a reset
    request), hashed like the login counters so that made-up input is not stored."""
    return f"{purpose}:{_digest(*parts)}"


def _delay(failures: int, free: int, max_delay: timedelta) -> timedelta | None:
    if failures < free:
        return None
    return min(timedelta(seconds=2 ** min(failures - free, 30)), max_delay)


async def is_known(session: AsyncSession, account_id: int | None, address: str) -> bool:
    if account_id is None:
        return False
    found = await session.scalar(
        select(KnownLoginAddress.account_id).where(
            KnownLoginAddress.account_id == account_id, KnownLoginAddress.address == address
        )
    )
    return found is not None


async def blocked_for(session: AsyncSession, keys: list[str], now: datetime) -> timedelta | None:
    """How long the caller still has to wait, or None when an attempt is allowed now."""
    until = await session.scalars(
        select(LoginThrottle.blocked_until).where(
            LoginThrottle.key.in_(keys), LoginThrottle.blocked_until > now
        )
    )
    waits = [moment - now for moment in until if moment is not None]
    return max(waits) if waits else None


async def _count(
    session: AsyncSession, key: str, free: int, now: datetime, policy: ThrottlePolicy
) -> int:
    """Count one failure atomically (concurrent failures must not overwrite each other's count);
    a counter quiet for `forget_after` starts again. Returns the count."""
    stale = LoginThrottle.last_failure_at < now - policy.forget_after

    def failures(_excluded: Any, table: Any) -> Any:
        return case((stale, 1), else_=table.failures + 1)

    def blocked_until(_excluded: Any, table: Any) -> Any:
        return case((stale, None), else_=table.blocked_until)

    await upsert(
        session,
        LoginThrottle,
        {"key": key, "failures": 1, "last_failure_at": now},
        key=["key"],
        merge={
            "failures": failures,
            "last_failure_at": take_new("last_failure_at"),
            "blocked_until": blocked_until,
        },
    )
    count = int(
        await session.scalar(select(LoginThrottle.failures).where(LoginThrottle.key == key)) or 0
    )
    delay = _delay(count, free, policy.max_delay)
    if delay is not None:
        await session.execute(
            update(LoginThrottle).where(LoginThrottle.key == key).values(blocked_until=now + delay)
        )
    return count


async def record_failure(
    session: AsyncSession, attempt: Attempt, now: datetime, policy: ThrottlePolicy
) -> None:
    """Count a failure for the pair and, up to `free` of them per pair, for the wider two."""
    if await _count(session, attempt.pair, policy.free, now, policy) > policy.free:
        return
    await _count(session, attempt.account, policy.free * ACCOUNT_FACTOR, now, policy)
    await _count(session, attempt.everywhere, policy.free * ADDRESS_FACTOR, now, policy)


async def record_key_failure(
    session: AsyncSession, key: str, now: datetime, policy: ThrottlePolicy, *, factor: int = 1
) -> None:
    """Count a failure on one counter (`counter_key`); `factor * policy.free` of them (a wider
    counter, e.g. per address, allows more), then waits."""
    await _count(session, key, policy.free * factor, now, policy)


async def clear(session: AsyncSession, key: str) -> None:
    """Start a `counter_key` counter afresh (the guarded action succeeded)."""
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


async def record_success(
    session: AsyncSession, attempt: Attempt, account_id: int, now: datetime
) -> None:
    """The pair starts afresh and the address becomes known to the account.

    The account and address counters stay: the owner logging in says nothing about the
    guessers elsewhere, nor a parent at a school about the sprayer there.
    """
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key == attempt.pair))
    await upsert(
        session,
        KnownLoginAddress,
        {"account_id": account_id, "address": attempt.address, "last_login_at": now},
        key=["account_id", "address"],
        merge={"last_login_at": take_new("last_login_at")},
    )


async def prune(session: AsyncSession, now: datetime, policy: ThrottlePolicy) -> int:
    """Delete counters that are forgotten and no longer block (made-up e-mail addresses and
    domains included), and known addresses unused for `KNOWN_FOR`; returns how many rows."""
    counters = await session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < now - policy.forget_after,
            or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until <= now),
        )
    )
    known = await session.execute(
        delete(KnownLoginAddress).where(KnownLoginAddress.last_login_at < now - KNOWN_FOR)
    )
    await session.commit()
    return sum(int(getattr(r, "rowcount", 0) or 0) for r in (counters, known))


__all__ = [
    "ACCOUNT_FACTOR",
    "ADDRESS_FACTOR",
    "KNOWN_FOR",
    "Attempt",
    "ThrottlePolicy",
    "blocked_for",
    "client_key",
    "is_known",
    "prune",
    "record_failure",
    "record_success",
]
