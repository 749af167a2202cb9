"""Demo conversations, so GraphiQL users find threads, unread messages and notifications.

Deterministic: the first children with running care, in id order, each get one conversation
with the first staff member of their group, spread over the last days before `now`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.ids import to_global_id
from gateway.live import events
from gateway.models import (
    Account,
    Guardianship,
    Message,
    Placement,
    StaffGroup,
    Thread,
)

# (subject, [(True when the guardian writes, text)]); the last message of most is the staff's,
# so guardians open the demo with unread replies.
CONVERSATIONS: list[tuple[str | None, list[tuple[bool, str]]]] = [
    (
        "Koorts",
        [
            (True, "Goedemorgen, vannacht wat verhoging gehad. Willen jullie een oogje houden?"),
            (False, "Doen we! We bellen je als de temperatuur boven de 38 komt."),
            (False, "Goed gegeten en lekker buiten gespeeld, geen koorts gemeten."),
        ],
    ),
    (
        "Ophalen vrijdag",
        [
            (True, "Vrijdag haalt oma op rond 16:00. Zij heet Ria de Boer."),
            (False, "Genoteerd, dank je. Wil oma een ID meenemen?"),
        ],
    ),
    (
        None,
        [
            (False, "Vandaag voor het eerst helemaal zelf de jas aangetrokken!"),
            (True, "Wat leuk, dank voor het laten weten!"),
        ],
    ),
    (
        "Nieuwe slaapzak",
        [(True, "Er zit een nieuwe slaapzak in de tas; de oude mag mee naar huis.")],
    ),
]


async def seed_demo_messages(
    session: AsyncSession, organisation_id: int, today: date, now: datetime
) -> None:
    """Add the demo conversations with their `message.added` events to the caller's transaction."""
    placements = (
        await session.scalars(
            select(Placement)
            .where(
                Placement.organisation_id == organisation_id,
                Placement.start_date <= today,
                or_(Placement.end_date.is_(None), Placement.end_date >= today),
            )
            .order_by(Placement.child_id)
            .limit(len(CONVERSATIONS))
        )
    ).all()
    for index, (placement, (subject, lines)) in enumerate(
        zip(placements, CONVERSATIONS, strict=False)
    ):
        guardian = await session.scalar(
            select(Account.id)
            .join(Guardianship, Guardianship.guardian_id == Account.guardian_id)
            .where(Guardianship.child_id == placement.child_id)
            .order_by(Account.id)
            .limit(1)
        )
        staff = await session.scalar(
            select(Account.id)
            .join(StaffGroup, StaffGroup.staff_member_id == Account.staff_member_id)
            .where(StaffGroup.group_id == placement.group_id)
            .order_by(Account.id)
            .limit(1)
        )
        if guardian is None or staff is None:
            continue
        start = now - timedelta(days=len(CONVERSATIONS) - index, hours=3)
        thread = Thread(
            organisation_id=organisation_id,
            child_id=placement.child_id,
            group_id=placement.group_id,
            subject=subject,
            created_by_account_id=guardian if lines[0][0] else staff,
            created_at=start,
            last_message_at=start,
        )
        session.add(thread)
        await session.flush()
        for step, (by_guardian, text) in enumerate(lines):
            sent = start + timedelta(minutes=47 * step)
            message = Message(
                thread_id=thread.id,
                author_account_id=guardian if by_guardian else staff,
                body=text,
                created_at=sent,
            )
            session.add(message)
            await session.flush()
            event = await events.record(
                session,
                "message.added",
                events.Audience(
                    organisation_id, child_id=thread.child_id, group_id=thread.group_id
                ),
                {
                    "threadId": to_global_id("Thread", thread.id),
                    "messageId": to_global_id("Message", message.id),
                },
                sent,
            )
            message.event_id = event.id
            thread.last_message_at = sent
