"""Flex care: booking days out of a flex contract's pot of hours, a month ahead.

The pot (`Placement.flex_pot_minutes`) is per calendar year: open-ended flex contracts are the
norm and would otherwise run dry for good. Pending bookings count against it like approved
ones, so two pending requests cannot promise the same hours; rejection, expiry or cancellation
gives them back simply by no longer counting.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.viewer import Viewer
from gateway.domain import (
    DayClosed,
    DayInPast,
    FlexTooLate,
    FlexTooShort,
    RequestStatus,
    RuleViolation,
    care_days,
    check_flex_booking,
)
from gateway.errors import DomainError, ErrorCode
from gateway.live import EventPublisher
from gateway.models import (
    CareRequest,
    CareRequestDay,
    CareType,
    GroupSlot,
    Organisation,
    PaymentMethod,
    RequestKind,
)
from gateway.services.care_common import (
    SessionReads,
    Statements,
    closed_days,
    closing_days,
    flex_policy,
    in_force,
    invalid,
    lock_children,
    placements_of,
    rule_error,
    to_hours,
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
from gateway.services.slots import booked_days, check_room


@dataclass(frozen=True)
class FlexDayWish:
    """One flex day asked for; `child_id` is None when the client sent another kind of ID."""

    child_id: int | None
    day: date
    start: time
    end: time


async def pot_used(
    db: Statements, placement_ids: Collection[int], now: datetime
) -> dict[tuple[int, int], int]:
    """Minutes booked (approved or pending) per (placement, calendar year)."""
    used: defaultdict[tuple[int, int], int] = defaultdict(int)
    if not placement_ids:
        return used
    rows = await db.rows(
        select(CareRequestDay.placement_id, CareRequestDay.day, CareRequestDay.minutes)
        .join(CareRequest, CareRequest.id == CareRequestDay.request_id)
        .where(
            CareRequestDay.placement_id.in_(set(placement_ids)),
            CareRequest.kind == RequestKind.FLEX_DAY,
            in_force(now),
        )
    )
    for placement_id, day, minutes in rows:
        used[(placement_id, day.year)] += minutes
    return used


async def request_flex_days(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    publisher: EventPublisher,
    *,
    days: Sequence[FlexDayWish],
    expires_at: datetime | None = None,
    comment: str | None = None,
    idempotency_key: str | None = None,
) -> list[CareRequest]:
    """Book the days from the pot, one pending request per child, for staff to approve."""
    today = viewer.today(now)
    submission = check_submission(
        now, len(days), comment=comment, expires_at=expires_at, idempotency_key=idempotency_key
    )
    db = SessionReads(session)
    wanted = {wish.child_id for wish in days if wish.child_id is not None}
    children = await visible_children(db, viewer, today, wanted)
    for index, wish in enumerate(days):
        if wish.child_id not in children:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such child.", ["input", "days", str(index), "childId"]
            )
        if wish.end <= wish.start:
            raise invalid(
                "The end time must come after the start time.",
                ["input", "days", str(index), "endTime"],
            )
    refuse_repeats([(w.child_id, w.day) for w in days])

    await lock_children(session, children)
    earlier = await replayed(session, viewer, submission, RequestKind.FLEX_DAY)
    if earlier is not None:
        return earlier
    organisation = await session.get(Organisation, viewer.organisation_id)
    assert organisation is not None
    policy = flex_policy(organisation)
    dates = {wish.day for wish in days}
    closed = closed_days(await closing_days(db, organisation.id, min(dates), max(dates)))
    placements = await placements_of(db, children)
    flex_ids = {
        p.id for c in placements.values() for p in c.placements if p.care_type is CareType.FLEX
    }
    used = await pot_used(db, flex_ids, now)
    booked = await booked_days(db, children, dates, now)
    opening = await _opening_hours(
        db, {p.group_id for c in placements.values() for p in c.placements}
    )

    planned: list[PlannedDay] = []
    for index, wish in enumerate(days):
        assert wish.child_id is not None  # checked above
        where = ["input", "days", str(index)]
        if wish.day < today:
            raise rule_error(DayInPast(wish.day), [*where, "date"])
        if (name := closed(wish.day)) is not None:
            raise rule_error(DayClosed(wish.day, name), [*where, "date"])
        mine = placements[wish.child_id]
        flex = [p for p in mine.on(wish.day) if p.care_type is CareType.FLEX]
        if not flex:
            raise DomainError(
                ErrorCode.NO_FLEX_PLACEMENT,
                f"The child has no flex contract on {wish.day.isoformat()}.",
                [*where, "date"],
            )
        placement = flex[0]
        hours = opening.get(placement.group_id)
        if hours is not None and (wish.start < hours[0] or wish.end > hours[1]):
            raise invalid(
                f"The group is open from {hours[0]:%H:%M} to {hours[1]:%H:%M}.",
                [*where, "startTime"],
            )
        if care_days(mine.terms, wish.day, wish.day, closed) or (wish.child_id, wish.day) in booked:
            raise DomainError(
                ErrorCode.ALREADY_BOOKED,
                f"The child already comes, or has a pending request, on {wish.day.isoformat()}.",
                [*where, "date"],
            )
        pot = (placement.id, wish.day.year)
        remaining = to_hours((placement.flex_pot_minutes or 0) - used[pot])
        try:
            taken = check_flex_booking(wish.day, wish.start, wish.end, today, policy, remaining)
        except RuleViolation as violation:
            suffix = {FlexTooLate: ["date"], FlexTooShort: ["endTime"]}.get(type(violation), [])
            raise rule_error(violation, [*where, *suffix]) from None
        used[pot] += to_minutes(taken)
        planned.append(
            PlannedDay(
                index=index,
                child_id=wish.child_id,
                group_id=placement.group_id,
                day=wish.day,
                start=wish.start,
                end=wish.end,
                minutes=to_minutes(taken),
                placement_id=placement.id,
            )
        )
    await check_room(db, planned)
    created = await store_requests(
        session,
        viewer,
        now,
        submission,
        kind=RequestKind.FLEX_DAY,
        status=RequestStatus.PENDING,
        payment=PaymentMethod.FLEX_POT,
        days=planned,
    )
    await announce(session, publisher, created, now)
    return [new.request for new in created]


async def _opening_hours(
    db: Statements, group_ids: Collection[int]
) -> dict[int, tuple[time, time]]:
    """Per group, from its earliest slot's start to its latest slot's end."""
    hours: dict[int, tuple[time, time]] = {}
    if not group_ids:
        return hours
    for slot in await db.all(select(GroupSlot).where(GroupSlot.group_id.in_(set(group_ids)))):
        current = hours.get(slot.group_id)
        if current is None:
            hours[slot.group_id] = (slot.start_time, slot.end_time)
        else:
            hours[slot.group_id] = (
                min(current[0], slot.start_time),
                max(current[1], slot.end_time),
            )
    return hours
