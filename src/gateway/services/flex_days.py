"""Flex care: booking days out of a flex contract's pot of hours, a month ahead.

The pot (`Placement.flex_pot_minutes`) is per calendar year: open-ended flex contracts are the
norm and would otherwise run dry for good. Pending bookings count against it like approved
ones, so two pending requests cannot promise the same hours; rejection, expiry or cancellation
gives them back simply by no longer counting.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.viewer import Viewer
from gateway.domain import (
    DayClosed,
    DayInPast,
    FlexPot,
    FlexTooLate,
    FlexTooShort,
    RequestStatus,
    RuleViolation,
    care_days,
    check_flex_booking,
    check_guardian_notice,
    check_open,
)
from gateway.errors import DomainError, ErrorCode
from gateway.live import EventPublisher
from gateway.models import (
    CareRequest,
    CareRequestDay,
    CareType,
    Organisation,
    PaymentMethod,
    Placement,
    RequestKind,
)
from gateway.services.care_common import (
    SessionReads,
    Statements,
    booking_policy,
    closed_days,
    closing_days,
    flex_policy,
    in_force,
    invalid,
    lock_children,
    opening_hours_of_groups,
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
from gateway.services.expiry import expire_due_for_children
from gateway.services.idempotency import fingerprint
from gateway.services.slots import booked_days, check_room


@dataclass(frozen=True)
class FlexDayWish:
    """One flex day asked for; `child_id` is None when the client sent another kind of ID."""

    child_id: int | None
    day: date
    start: time
    end: time


@dataclass
class PotUse:
    """Minutes of a pot booked in one year: approved (owed) and pending (reserved)."""

    approved: int = 0
    pending: int = 0

    @property
    def minutes(self) -> int:
        return self.approved + self.pending


async def pot_usage(
    db: Statements,
    placement_ids: Collection[int],
    now: datetime,
    scope: ColumnElement[bool] | None = None,
) -> defaultdict[tuple[int, int], PotUse]:
    """Minutes booked per (placement, calendar year); a request past its expiry moment
    books nothing any more, whether or not the sweep has run. `scope`: a further condition
    (a reader's visibility) on the request days."""
    used: defaultdict[tuple[int, int], PotUse] = defaultdict(PotUse)
    if not placement_ids:
        return used
    rows = await db.rows(
        select(
            CareRequestDay.placement_id,
            CareRequestDay.day,
            CareRequestDay.minutes,
            CareRequest.status,
        )
        .join(CareRequest, CareRequest.id == CareRequestDay.request_id)
        .where(
            CareRequestDay.placement_id.in_(set(placement_ids)),
            CareRequest.kind == RequestKind.FLEX_DAY,
            in_force(now),
            *([] if scope is None else [scope]),
        )
    )
    for placement_id, day, minutes, status in rows:
        use = used[(placement_id, day.year)]
        if status is RequestStatus.APPROVED:
            use.approved += minutes
        else:
            use.pending += minutes
    return used


def pot_of(placement: Placement, year: int, use: PotUse) -> FlexPot:
    return FlexPot(
        year=year,
        total=to_hours(placement.flex_pot_minutes or 0),
        approved=to_hours(use.approved),
        pending=to_hours(use.pending),
    )


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
    submission = replace(
        submission,
        fingerprint=fingerprint(
            "requestFlexDays",
            {
                "days": sorted(
                    [w.child_id, w.day.isoformat(), w.start.isoformat(), w.end.isoformat()]
                    for w in days
                ),
                "expiresAt": submission.expires_at,
                "comment": submission.comment,
            },
        ),
    )

    await lock_children(session, children)
    lapsed = await expire_due_for_children(session, children, now)
    earlier = await replayed(session, viewer, submission, RequestKind.FLEX_DAY)
    if earlier is not None:
        return earlier
    organisation = await session.get(Organisation, viewer.organisation_id)
    assert organisation is not None
    policy = flex_policy(organisation)
    notice = booking_policy(organisation)
    dates = {wish.day for wish in days}
    own_closing = await closing_days(db, organisation.id, min(dates), max(dates))
    closed = closed_days(own_closing)
    placements = await placements_of(db, children)
    flex_ids = {
        p.id for c in placements.values() for p in c.placements if p.care_type is CareType.FLEX
    }
    used = await pot_usage(db, flex_ids, now)
    booked = await booked_days(db, children, dates, now)
    opening = await opening_hours_of_groups(
        db, {p.group_id for c in placements.values() for p in c.placements}
    )

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
        flex = [p for p in mine.on(wish.day) if p.care_type is CareType.FLEX]
        if not flex:
            raise DomainError(
                ErrorCode.NO_FLEX_PLACEMENT,
                f"The child has no flex contract on {wish.day.isoformat()}.",
                [*where, "date"],
            )
        placement = flex[0]
        try:
            check_open(wish.day, wish.start, wish.end, opening[placement.group_id], own_closing)
        except RuleViolation as violation:
            field = "date" if isinstance(violation, DayClosed) else "startTime"
            raise rule_error(violation, [*where, field]) from None
        if care_days(mine.terms, wish.day, wish.day, closed) or (wish.child_id, wish.day) in booked:
            raise DomainError(
                ErrorCode.ALREADY_BOOKED,
                f"The child already comes, or has a pending request, on {wish.day.isoformat()}.",
                [*where, "date"],
            )
        pot = (placement.id, wish.day.year)
        remaining = pot_of(placement, wish.day.year, used[pot]).left
        try:
            taken = check_flex_booking(wish.day, wish.start, wish.end, today, policy, remaining)
        except RuleViolation as violation:
            suffix = {FlexTooLate: ["date"], FlexTooShort: ["endTime"]}.get(type(violation), [])
            raise rule_error(violation, [*where, *suffix]) from None
        used[pot].pending += to_minutes(taken)
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
    await announce(session, publisher, created, now, lapsed)
    return [new.request for new in created]
