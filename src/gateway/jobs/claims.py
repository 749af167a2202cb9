"""Claiming due delivery rows for a lease, so two worker processes never send the same row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.models import DeliveryCursor, DeliveryStatus, EmailDelivery, Event, PushDelivery

LEASE = timedelta(minutes=5)


async def claim_due(
    session: AsyncSession,
    model: type[PushDelivery] | type[EmailDelivery],
    now: datetime,
    limit: int,
    *conditions: object,
) -> Sequence[int]:
    """Ids of due pending rows this worker now holds until `now + LEASE`; commits the claim.

    A worker that dies while holding a row lets the lease run out, and the row is due again.
    """
    due = (
        await session.execute(
            select(model.id, model.next_attempt_at)
            .where(
                model.status == DeliveryStatus.PENDING,
                model.next_attempt_at <= now,
                *conditions,  # type: ignore[arg-type]
            )
            .order_by(model.next_attempt_at, model.id)
            .limit(limit)
        )
    ).all()
    claimed = []
    for row_id, due_at in due:
        # Guarded by the old moment: another process that claimed it first moved it on.
        won = await session.execute(
            update(model)
            .where(model.id == row_id, model.next_attempt_at == due_at)
            .values(next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        if getattr(won, "rowcount", 0) == 1:
            claimed.append(row_id)
    await session.commit()
    return claimed


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … up to an hour, after the `attempts`-th failure."""
    doubled: timedelta = timedelta(seconds=30) * (2 ** min(max(attempts - 1, 0), 20))
    return min(doubled, timedelta(hours=1))


async def events_after(
    session: AsyncSession, organisation_id: int, cursor: DeliveryCursor, limit: int
) -> list[Event]:
    """The organisation's next events after a delivery worker's cursor, in id order."""
    return list(
        await session.scalars(
            select(Event)
            .where(Event.organisation_id == organisation_id, Event.id > cursor.last_event_id)
            .order_by(Event.id)
            .limit(limit)
        )
    )
