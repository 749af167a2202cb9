"""Pending requests whose expiry moment has passed become expired and give back held hours.

Readers never depend on this running on time: they show a request through
`domain.effective_status`, so it reads as expired from its moment on. This only makes it so
in storage, releases the swap hours and tells subscribers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.domain import RequestStatus
from gateway.live import EventPublisher
from gateway.models import CareRequest
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
        recorded = []
        for request in due:
            # Guarded: a decision or cancellation that won the race has moved it already.
            moved = await session.execute(
                update(CareRequest)
                .where(CareRequest.id == request.id, CareRequest.status == RequestStatus.PENDING)
                .values(status=RequestStatus.EXPIRED, status_changed_at=now)
                .execution_options(synchronize_session=False)
            )
            if getattr(moved, "rowcount", 0) != 1:
                continue
            await swap_hours.release_held(session, request.id)
            await session.refresh(request)
            recorded.append(await record_status(session, request, RequestStatus.PENDING, now))
        await session.commit()
        await publisher.publish(recorded)
        total += len(recorded)
        if len(due) < BATCH:
            return total
