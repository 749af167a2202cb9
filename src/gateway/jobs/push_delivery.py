"""The push delivery worker: reads the events table like the live feed does, sends Web Push.

Two steps, each its own transaction:
1. `collect`: per organisation, read the events after this worker's cursor (ids arrive in
   commit order per organisation, see `live.events.record`), write one `PushDelivery` per
   receiving subscription, and move the cursor, all in one commit: a crash before it repeats
   the batch (the unique (event, subscription) pair keeps it single), a crash after it loses
   nothing, because the deliveries are rows.
2. `send_due`: claim due deliveries for a lease, send, record the outcome. Success marks them
   sent; 404/410 removes the subscription; 429/5xx/network errors retry with back-off. A crash
   between sending and recording resends after the lease with the same RFC 8030 `Topic`, so
   the push service replaces the first copy if it is still undelivered.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.jobs.claims import claim_due, events_after, retry_delay
from gateway.jobs.push_texts import push_payload, push_topic
from gateway.jobs.recipients import RecipientCheck, time_zone_of
from gateway.models import (
    Account,
    DeliveryCursor,
    DeliveryStatus,
    Event,
    NotificationChannel,
    PushDelivery,
    PushPlatform,
    PushSubscription,
)
from gateway.push import PushMessage, Sender, SendOutcome
from gateway.services.notifications import CATEGORY_OF_KIND

log = logging.getLogger(__name__)

WORKER = "push"
BATCH = 200
SEND_BATCH = 50
MAX_ATTEMPTS = 8


async def _cursor(session: AsyncSession, organisation_id: int, now: datetime) -> DeliveryCursor:
    name = f"{WORKER}:{organisation_id}"
    cursor = await session.get(DeliveryCursor, name)
    if cursor is None:
        # A new cursor starts where the organisation's first subscription did: what happened
        # before anyone subscribed is not pushed, whatever happened since is.
        first = (
            select(func.min(PushSubscription.created_at))
            .join(Account, Account.id == PushSubscription.account_id)
            .where(Account.organisation_id == organisation_id)
            .scalar_subquery()
        )
        newest = await session.scalar(
            select(func.max(Event.id)).where(
                Event.organisation_id == organisation_id, Event.created_at < first
            )
        )
        cursor = DeliveryCursor(worker=name, last_event_id=newest or 0, updated_at=now)
        session.add(cursor)
        await session.flush()
    return cursor


async def collect(session: AsyncSession, now: datetime) -> int:
    """Turn new events into pending deliveries; returns how many were written."""
    organisations = list(
        await session.scalars(
            select(Account.organisation_id)
            .join(PushSubscription, PushSubscription.account_id == Account.id)
            .distinct()
        )
    )
    written = 0
    for organisation_id in organisations:
        written += await _collect_organisation(session, organisation_id, now)
    return written


async def _collect_organisation(session: AsyncSession, organisation_id: int, now: datetime) -> int:
    cursor = await _cursor(session, organisation_id, now)
    events = await events_after(session, organisation_id, cursor, BATCH)
    if not events:
        await session.commit()
        return 0
    subscriptions = (
        await session.execute(
            select(PushSubscription, Account)
            .join(Account, Account.id == PushSubscription.account_id)
            .where(Account.organisation_id == organisation_id)
        )
    ).all()
    check = RecipientCheck(session, now)
    zone = await time_zone_of(session, organisation_id)
    rows = []
    for event in events:
        if event.kind not in CATEGORY_OF_KIND:
            continue
        payload = push_payload(event)
        for subscription, account in subscriptions:
            if await check.receives(account, event, NotificationChannel.PUSH, zone):
                rows.append(
                    {
                        "event_id": event.id,
                        "subscription_id": subscription.id,
                        "payload": payload,
                        "status": DeliveryStatus.PENDING,
                        "attempts": 0,
                        "next_attempt_at": now,
                        "last_error": "",
                    }
                )
    if rows:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        await session.execute(
            insert(PushDelivery)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["event_id", "subscription_id"])
        )
    cursor.last_event_id = events[-1].id
    cursor.updated_at = now
    await session.commit()
    return len(rows)


async def send_due(
    session: AsyncSession, senders: Mapping[PushPlatform, Sender], now: datetime
) -> dict[SendOutcome, int]:
    """Send what is due now; returns how many ended in each outcome."""
    counts = dict.fromkeys(SendOutcome, 0)
    claimed = await claim_due(session, PushDelivery, now, SEND_BATCH)
    for delivery_id in claimed:
        row = (
            await session.execute(
                select(PushDelivery, PushSubscription)
                .join(PushSubscription, PushSubscription.id == PushDelivery.subscription_id)
                .where(PushDelivery.id == delivery_id)
            )
        ).first()
        if row is None:
            continue  # its subscription was removed meanwhile
        delivery, subscription = row
        result = await senders[subscription.platform].send(
            subscription,
            PushMessage(payload=delivery.payload, topic=push_topic(delivery.event_id)),
        )
        counts[result.outcome] += 1
        await _record(session, delivery, subscription, result.outcome, result.detail, now)
    return counts


async def _record(
    session: AsyncSession,
    delivery: PushDelivery,
    subscription: PushSubscription,
    outcome: SendOutcome,
    detail: str,
    now: datetime,
) -> None:
    if outcome is SendOutcome.GONE:
        log.info("push subscription %d is gone (%s); removing it", subscription.id, detail)
        await session.execute(
            delete(PushDelivery).where(PushDelivery.subscription_id == subscription.id)
        )
        await session.execute(
            delete(PushSubscription).where(PushSubscription.id == subscription.id)
        )
    elif outcome is SendOutcome.SENT:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
        delivery.attempts += 1
    else:
        delivery.attempts += 1
        delivery.last_error = detail[:500]
        if outcome is SendOutcome.FAILED or delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    await session.commit()
