"""Pending requests whose expiry moment has passed become expired and give back held hours.

Nobody depends on the periodic sweep running on time. Readers show a request through
`domain.effective_status`, so it reads as expired from its moment on, and count the swap
hours it holds as released (`loaders.care`). Every care write expires the due requests of the
children it locks first (`expire_due_for_children`), so its checks see the released hours.
The sweep makes it so in storage for requests nobody touches, and tells subscribers.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.domain import RequestStatus
from gateway.live import EventPublisher
from gateway.models import CareRequest, Event
from gateway.services import swap_hours
from gateway.services.care_common import lock_children, record_status

# Requests per transaction: bounds how long one run holds the children's locks.
BATCH = 100


async def expire_due_requests(
    session: AsyncSession, now: datetime, publisher: EventPublisher
) -> int:
    """Expire every pending request due at `now`; returns how many. One transaction per batch."""
    total = 0
    while True:
        due = list(
            await session.scalars(
                select(CareRequest)
                .where(
                    CareRequest.status == RequestStatus.PENDING,
                    CareRequest.expires_at <= now,
                )
                .order_by(CareRequest.expires_at, CareRequest.id)
                .limit(BATCH)
            )
        )
        if not due:
            return total
        await lock_children(session, {request.child_id for request in due})
        recorded = await _expire(session, due, now)
        await session.commit()
        await publisher.publish(recorded)
        total += len(recorded)
        if len(due) < BATCH:
            return total


async def expire_due_for_children(
    session: AsyncSession, child_ids: Collection[int], now: datetime
) -> list[Event]:
    """Expire the children's due requests inside the caller's transaction, which holds the
    children's locks (`lock_children`); the caller publishes the events after its commit."""
    if not child_ids:
        return []
    due = await session.scalars(
        select(CareRequest)
        .where(
            CareRequest.child_id.in_(set(child_ids)),
            CareRequest.status == RequestStatus.PENDING,
            CareRequest.expires_at <= now,
        )
        .order_by(CareRequest.expires_at, CareRequest.id)
    )
    return await _expire(session, list(due), now)


async def _expire(session: AsyncSession, due: Sequence[CareRequest], now: datetime) -> list[Event]:
    recorded = []
    for request in due:
        # Guarded: a decision or cancellation that won the race has moved it already.
        moved = await session.execute(
            update(CareRequest)
            .where(CareRequest.id == request.id, CareRequest.status == RequestStatus.PENDING)
            # It lapsed at its moment, whenever this runs; readers show that moment too.
            .values(status=RequestStatus.EXPIRED, status_changed_at=request.expires_at or now)
            .execution_options(synchronize_session=False)
        )
        if getattr(moved, "rowcount", 0) != 1:
            continue
        await swap_hours.release_held(session, request.id)
        await session.refresh(request)
        recorded.append(await record_status(session, request, RequestStatus.PENDING, now))
    return recorded
