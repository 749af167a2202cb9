"""The e-mail delivery worker: notifications by mail, at once or in a daily digest.

Like the push worker it reads the events table after a per-organisation cursor kept in the
database, writes one `EmailDelivery` per receiving account in the same commit as the cursor,
and sends in a second step under a lease: nothing is lost across a restart, and a row is sent
by one process only. Digest rows wait until the next `DIGEST_HOUR` in the organisation's zone,
then each account gets one mail with all of them.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.jobs.claims import claim_due, events_after, retry_delay
from gateway.jobs.recipients import RecipientCheck, time_zone_of
from gateway.mail import Mailer, MailError
from gateway.mail.templates_notifications import MailItem, digest_mail, notification_mail
from gateway.models import (
    Account,
    DeliveryCursor,
    DeliveryStatus,
    EmailDelivery,
    EmailFrequency,
    EmailPreference,
    Event,
    Guardian,
    NotificationChannel,
    Organisation,
    StaffMember,
)
from gateway.services.notifications import CATEGORY_OF_KIND
from gateway.services.unsubscribe import unsubscribe_url

log = logging.getLogger(__name__)

WORKER = "email"
BATCH = 200
SEND_BATCH = 50
MAX_ATTEMPTS = 8
DIGEST_HOUR = time(18, 0)
STATUS_WORDS = {
    "APPROVED": "goedgekeurd",
    "REJECTED": "afgewezen",
    "EXPIRED": "verlopen",
    "CANCELLED": "geannuleerd",
    "PENDING": "ingediend",
}


@dataclass(frozen=True, slots=True)
class MailLinks:
    public_base_url: str  # the app, for "open the app"
    api_url: str  # this gateway, for the unsubscribe link
    secret: str


def next_digest(now: datetime, zone: str) -> datetime:
    """The next `DIGEST_HOUR` in the organisation's zone, as an aware instant."""
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    moment = datetime.combine(local.date(), DIGEST_HOUR, tzinfo=tz)
    if moment <= local:
        moment = datetime.combine(local.date() + timedelta(days=1), DIGEST_HOUR, tzinfo=tz)
    return moment


def _detail(kind: str, payload: str) -> str:
    data = json.loads(payload)
    if kind == "news.published":
        return str(data.get("title", ""))
    if kind == "request.status_changed":
        return STATUS_WORDS.get(str(data.get("status")), "")
    return ""


async def _cursor(session: AsyncSession, organisation_id: int, now: datetime) -> DeliveryCursor:
    name = f"{WORKER}:{organisation_id}"
    cursor = await session.get(DeliveryCursor, name)
    if cursor is None:
        # A new worker starts at the present: mail is about what happens from now on.
        newest = await session.scalar(
            select(func.max(Event.id)).where(Event.organisation_id == organisation_id)
        )
        cursor = DeliveryCursor(worker=name, last_event_id=newest or 0, updated_at=now)
        session.add(cursor)
        await session.flush()
    return cursor


async def collect(session: AsyncSession, now: datetime) -> int:
    """Turn new events into pending e-mail deliveries; returns how many were written."""
    written = 0
    for organisation_id in list(await session.scalars(select(Organisation.id))):
        written += await _collect_organisation(session, organisation_id, now)
    return written


async def _collect_organisation(session: AsyncSession, organisation_id: int, now: datetime) -> int:
    cursor = await _cursor(session, organisation_id, now)
    events = await events_after(session, organisation_id, cursor, BATCH)
    if not events:
        await session.commit()
        return 0
    accounts = list(
        await session.scalars(select(Account).where(Account.organisation_id == organisation_id))
    )
    digest_of = {
        account_id: frequency is EmailFrequency.DAILY_DIGEST
        for account_id, frequency in await session.execute(
            select(EmailPreference.account_id, EmailPreference.frequency).where(
                EmailPreference.account_id.in_([a.id for a in accounts])
            )
        )
    }
    zone = await time_zone_of(session, organisation_id)
    check = RecipientCheck(session, now)
    rows = []
    for event in events:
        if event.kind not in CATEGORY_OF_KIND:
            continue
        for account in accounts:
            if await check.receives(account, event, NotificationChannel.EMAIL, zone):
                digest = digest_of.get(account.id, False)
                rows.append(
                    {
                        "event_id": event.id,
                        "account_id": account.id,
                        "kind": event.kind,
                        "payload": event.payload,
                        "digest": digest,
                        "status": DeliveryStatus.PENDING,
                        "attempts": 0,
                        "next_attempt_at": next_digest(event.created_at, zone) if digest else now,
                        "created_at": event.created_at,
                    }
                )
    if rows:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        await session.execute(
            insert(EmailDelivery)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["event_id", "account_id"])
        )
    cursor.last_event_id = events[-1].id
    cursor.updated_at = now
    await session.commit()
    return len(rows)


async def _recipient(session: AsyncSession, account_id: int) -> tuple[Account, str, Organisation]:
    row = (
        await session.execute(
            select(Account, Guardian.first_name, StaffMember.first_name, Organisation)
            .join(Organisation, Organisation.id == Account.organisation_id)
            .outerjoin(Guardian, Guardian.id == Account.guardian_id)
            .outerjoin(StaffMember, StaffMember.id == Account.staff_member_id)
            .where(Account.id == account_id)
        )
    ).one()
    account, guardian_name, staff_name, organisation = row
    return account, guardian_name or staff_name or "", organisation


async def send_due(
    session: AsyncSession, mailer: Mailer, links: MailLinks, now: datetime
) -> dict[str, int]:
    """Send due single mails and digests; returns counts of mails sent and failed."""
    counts = {"sent": 0, "failed": 0}
    claimed = await claim_due(session, EmailDelivery, now, SEND_BATCH)
    if not claimed:
        return counts
    rows = list(
        await session.scalars(
            select(EmailDelivery)
            .where(EmailDelivery.id.in_(claimed))
            .order_by(EmailDelivery.account_id, EmailDelivery.event_id)
        )
    )
    by_mail: dict[tuple[int, int | None], list[EmailDelivery]] = defaultdict(list)
    for row in rows:
        # A digest is one mail per account; a single notification one mail per row.
        by_mail[(row.account_id, None if row.digest else row.id)].append(row)
    for (account_id, single), group in by_mail.items():
        account, name, organisation = await _recipient(session, account_id)
        zone = ZoneInfo(organisation.time_zone)
        items = [
            MailItem(
                kind=r.kind, detail=_detail(r.kind, r.payload), at=r.created_at.astimezone(zone)
            )
            for r in group
        ]
        category = CATEGORY_OF_KIND.get(group[0].kind) if single is not None else None
        common = {
            "to": account.email,
            "name": name,
            "organisation": organisation.name,
            "app_link": links.public_base_url,
            "unsubscribe": unsubscribe_url(links.api_url, links.secret, account_id, category),
        }
        mail = (
            notification_mail(item=items[0], **common)
            if single is not None
            else digest_mail(items=items, **common)
        )
        try:
            await mailer.send(mail)
        except MailError as error:
            log.warning("notification mail failed: %s", error)
            counts["failed"] += 1
            for row in group:
                row.attempts += 1
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = DeliveryStatus.FAILED
                else:
                    row.next_attempt_at = now + retry_delay(row.attempts)
        else:
            counts["sent"] += 1
            for row in group:
                row.status, row.sent_at, row.attempts = DeliveryStatus.SENT, now, row.attempts + 1
        await session.commit()
    return counts
