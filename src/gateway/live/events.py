"""Recording events in the writer's transaction, and announcing them after commit.

The pattern is a transactional outbox: a use case calls `record(...)` before it commits, so an
event exists exactly when its change does; after the commit it hands the rows to
`EventPublisher.publish`, which pushes them to live subscribers. Subscribers that missed a
push read the `events` table from their cursor, so a lost push loses nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.models import Event

SESSION_REVOKED = "session.revoked"

# Any constant works; it only has to be the same in every process.
_EVENT_LOCK_CLASS = 0x6F70


@dataclass(frozen=True, slots=True)
class Audience:
    """Who an event is about; `auth.access` decides who that lets see it."""

    organisation_id: int
    child_id: int | None = None
    group_id: int | None = None
    location_id: int | None = None
    account_id: int | None = None


async def take_turn(session: AsyncSession, organisation_id: int) -> None:
    """Wait for the organisation's other writers of events to commit (PostgreSQL; until commit).

    On PostgreSQL two transactions could take ids 10 and 11 and commit 11 first; a reader that
    had seen 11 would then never see 10. The transaction-scoped advisory lock, one per
    organisation, makes an organisation's events take ids in commit order, which is all a
    reader needs: readers follow one organisation at a time. SQLite has one writer anyway.

    `record` takes it; a use case whose rows are ordered by their own ids as well (messages in a
    thread) takes it before adding them, so that those ids follow the same order as the events.
    Taking it twice in one transaction is free.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:class, :org)"),
            {"class": _EVENT_LOCK_CLASS, "org": organisation_id},
        )


async def record(
    session: AsyncSession, kind: str, audience: Audience, payload: dict[str, Any], now: datetime
) -> Event:
    """Add an event to the caller's transaction; it becomes visible when the caller commits."""
    await take_turn(session, audience.organisation_id)
    event = Event(
        organisation_id=audience.organisation_id,
        kind=kind,
        child_id=audience.child_id,
        group_id=audience.group_id,
        location_id=audience.location_id,
        account_id=audience.account_id,
        payload=json.dumps(payload, separators=(",", ":"), default=str),
        created_at=now,
    )
    session.add(event)
    await session.flush()
    return event


class EventPublisher(Protocol):
    """Announces committed events to live subscribers (in this and other processes)."""

    async def publish(self, events: Sequence[Event]) -> None: ...


class NoLivePublisher:
    """Publishes nothing live; subscribers still catch up from the events table."""

    async def publish(self, events: Sequence[Event]) -> None:
        return None
