"""Guardians (and staff) asking for care on extra days, paid with swap hours or on invoice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.viewer import Viewer
from gateway.domain import (
    DayClosed,
    DayInPast,
    RequestStatus,
    RuleViolation,
    care_days,
    check_guardian_notice,
    check_open,
    hours_between,
)
from gateway.errors import DomainError, ErrorCode
from gateway.live import EventPublisher
from gateway.models import CareRequest, GroupSlot, Organisation, PaymentMethod, RequestKind
from gateway.services import swap_hours
from gateway.services.care_common import (
    SessionReads,
    booking_policy,
    closed_days,
    closing_days,
    invalid,
    lock_children,
    opening_hours_of_groups,
    placements_of,
    rule_error,
    swap_policy,
    to_minutes,
    visible_children,
)
from gateway.services.care_requests import (
    PlannedDay,
    announce,
    check_submission,
    refuse_repeats,
    replayed,
    store_requests,
)
from gateway.services.expiry import expire_due_for_children
from gateway.services.idempotency import fingerprint
from gateway.services.slots import booked_days, check_room


@dataclass(frozen=True)
class ExtraDayWish:
    """One day asked for; ids are None when the client sent an ID of the wrong kind."""

    child_id: int | None
    day: date
    slot_id: int | None


async def request_extra_days(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    publisher: EventPublisher,
    *,
    days: Sequence[ExtraDayWish],
    payment: PaymentMethod,
    expires_at: datetime | None = None,
    comment: str | None = None,
    idempotency_key: str | None = None,
) -> list[CareRequest]:
    """Ask for the days, one pending request per child; swap hours are held until decided."""
    today = viewer.today(now)
    submission = check_submission(
        now, len(days), comment=comment, expires_at=expires_at, idempotency_key=idempotency_key
    )
    if payment not in (PaymentMethod.SWAP_HOURS, PaymentMethod.INVOICE):
        raise invalid("Pay with swap hours or on invoice.", ["input", "payment"])
    if viewer.is_staff and payment is PaymentMethod.SWAP_HOURS:
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "Requests entered by staff are invoiced; only guardians can pay with swap hours.",
            ["input", "payment"],
        )
    db = SessionReads(session)
    wanted = {wish.child_id for wish in days if wish.child_id is not None}
    children = await visible_children(db, viewer, today, wanted)
    for index, wish in enumerate(days):
        if wish.child_id not in children:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such child.", ["input", "days", str(index), "childId"]
            )
    refuse_repeats([(w.child_id, w.day) for w in days])
    submission = replace(
        submission,
        fingerprint=fingerprint(
            "requestExtraDays",
            {
                "days": sorted([w.child_id, w.day.isoformat(), w.slot_id or -1] for w in days),
                "payment": payment,
                "expiresAt": submission.expires_at,
                "comment": submission.comment,
            },
        ),
    )

    await lock_children(session, children)
    lapsed = await expire_due_for_children(session, children, now)
    earlier = await replayed(session, viewer, submission, RequestKind.EXTRA_DAY)
    if earlier is not None:
        return earlier
    organisation = await session.get(Organisation, viewer.organisation_id)
    assert organisation is not None
    notice = booking_policy(organisation)
    dates = {wish.day for wish in days}
    own_closing = await closing_days(db, viewer.organisation_id, min(dates), max(dates))
    closed = closed_days(own_closing)
    placements = await placements_of(db, children)
    opening = await opening_hours_of_groups(
        db, {p.group_id for c in placements.values() for p in c.placements}
    )
    slot_ids = {wish.slot_id for wish in days if wish.slot_id is not None}
    slots = {s.id: s for s in await db.all(select(GroupSlot).where(GroupSlot.id.in_(slot_ids)))}
    booked = await booked_days(db, children, dates, now)

    planned: list[PlannedDay] = []
    for index, wish in enumerate(days):
        assert wish.child_id is not None  # checked above
        where = ["input", "days", str(index)]
        if wish.day < today:
            raise rule_error(DayInPast(wish.day), [*where, "date"])
        if viewer.is_guardian:
            try:
                check_guardian_notice(wish.day, today, notice)
            except RuleViolation as violation:
                raise rule_error(violation, [*where, "date"]) from None
        mine = placements[wish.child_id]
        running = {p.group_id: p for p in mine.on(wish.day)}
        slot = slots.get(wish.slot_id) if wish.slot_id is not None else None
        # A slot of another group looks the same as an unknown one.
        if slot is None or slot.group_id not in running:
            raise DomainError(
                ErrorCode.NOT_FOUND,
                "No such time slot for this child on that day.",
                [*where, "slotId"],
            )
        try:
            check_open(
                wish.day, slot.start_time, slot.end_time, opening[slot.group_id], own_closing
            )
        except RuleViolation as violation:
            field = "date" if isinstance(violation, DayClosed) else "slotId"
            raise rule_error(violation, [*where, field]) from None
        if care_days(mine.terms, wish.day, wish.day, closed) or (wish.child_id, wish.day) in booked:
            raise DomainError(
                ErrorCode.ALREADY_BOOKED,
                f"The child already comes, or has a pending request, on {wish.day.isoformat()}.",
                [*where, "date"],
            )
        planned.append(
            PlannedDay(
                index=index,
                child_id=wish.child_id,
                group_id=slot.group_id,
                day=wish.day,
                start=slot.start_time,
                end=slot.end_time,
                minutes=to_minutes(hours_between(slot.start_time, slot.end_time)),
                slot_id=slot.id,
                placement_id=running[slot.group_id].id,
            )
        )
    await check_room(db, planned)

    holds = {}
    if payment is PaymentMethod.SWAP_HOURS:
        policy = swap_policy(organisation)
        for child_id in children:
            own = sorted((p for p in planned if p.child_id == child_id), key=lambda p: p.day)
            if not own:
                continue
            plans = swap_hours.plan_days(
                await swap_hours.credits_of(session, child_id, policy),
                [(p.day, p.minutes, ["input", "days", str(p.index)]) for p in own],
                mixed=policy.mixed_payment,
            )
            holds.update({p.index: plan for p, plan in zip(own, plans, strict=True)})

    created = await store_requests(
        session,
        viewer,
        now,
        submission,
        kind=RequestKind.EXTRA_DAY,
        status=RequestStatus.PENDING,
        payment=payment,
        days=planned,
    )
    for new in created:
        for day in new.days:
            if day.index in holds and day.row is not None:
                where = ["input", "days", str(day.index)]
                await swap_hours.hold(session, new.request.id, day.row.id, holds[day.index], where)
    await announce(session, publisher, created, now, lapsed)
    return [new.request for new in created]
