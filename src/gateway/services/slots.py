"""Room in a group: who is there on a day, and which slots a child can still ask for.

A group's capacity counts children per day, whatever slot they come for: a child booked for
the morning still takes a place (the SPEC's "capacity per day"). Present on a day are the
children scheduled by a placement, minus those reported absent, plus approved extra and flex
days. Pending requests take no place yet; approval checks the room again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select

from gateway.auth.viewer import Viewer
from gateway.domain import RequestStatus, care_days, within_hours
from gateway.errors import DomainError, ErrorCode
from gateway.models import (
    CareRequest,
    CareRequestDay,
    Group,
    GroupSlot,
    Placement,
    PlacementDay,
    RequestKind,
)
from gateway.services.care_common import (
    Statements,
    closed_days,
    closing_days,
    in_force,
    opening_hours_of_groups,
    placements_of,
    visible_children,
)
from gateway.services.care_requests import PlannedDay

_BOOKINGS = (RequestKind.EXTRA_DAY, RequestKind.FLEX_DAY)


async def occupancy(
    db: Statements, group_ids: Collection[int], days: Collection[date]
) -> dict[tuple[int, date], int]:
    """How many children each group has on each day (two statements, whatever the sizes)."""
    if not group_ids or not days:
        return {}
    first, last = min(days), max(days)
    scheduled = await db.rows(
        select(Placement.child_id, Placement.group_id, PlacementDay.weekday)
        .join(PlacementDay, PlacementDay.placement_id == Placement.id)
        .where(
            Placement.group_id.in_(set(group_ids)),
            Placement.start_date <= last,
            or_(Placement.end_date.is_(None), Placement.end_date >= first),
            PlacementDay.weekday.in_({d.weekday() for d in days}),
        )
        .add_columns(Placement.start_date, Placement.end_date)
    )
    requested = await db.rows(
        select(CareRequestDay.child_id, CareRequestDay.group_id, CareRequestDay.day)
        .join(CareRequest, CareRequest.id == CareRequestDay.request_id)
        .where(
            CareRequestDay.group_id.in_(set(group_ids)),
            CareRequestDay.day.in_(set(days)),
            CareRequest.status == RequestStatus.APPROVED,
        )
        .add_columns(CareRequest.kind)
    )
    present: defaultdict[tuple[int, date], set[int]] = defaultdict(set)
    for child_id, group_id, weekday, start, end in scheduled:
        for day in days:
            if day.weekday() == weekday and start <= day and (end is None or end >= day):
                present[(group_id, day)].add(child_id)
    absent = [(g, d, c) for c, g, d, kind in requested if kind is RequestKind.ABSENCE]
    for child_id, group_id, day, kind in requested:
        if kind in _BOOKINGS:
            present[(group_id, day)].add(child_id)
    for group_id, day, child_id in absent:
        present[(group_id, day)].discard(child_id)
    return {key: len(children) for key, children in present.items()}


async def booked_days(
    db: Statements, child_ids: Collection[int], days: Collection[date], now: datetime
) -> set[tuple[int, date]]:
    """(child, day) pairs that already have an extra or flex day approved or pending."""
    if not child_ids or not days:
        return set()
    rows = await db.rows(
        select(CareRequestDay.child_id, CareRequestDay.day)
        .join(CareRequest, CareRequest.id == CareRequestDay.request_id)
        .where(
            CareRequestDay.child_id.in_(set(child_ids)),
            CareRequestDay.day.in_(set(days)),
            CareRequest.kind.in_(_BOOKINGS),
            in_force(now),
        )
    )
    return {(child_id, day) for child_id, day in rows}


@dataclass(frozen=True)
class SlotOffer:
    """A slot the child can ask for on a day, with the places left in its group."""

    slot: GroupSlot
    group: Group
    free_places: int


async def available_slots(
    db: Statements, viewer: Viewer, now: datetime, child_id: int, day: date
) -> list[SlotOffer] | None:
    """The slots of the child's group(s) on `day` with room left; None for a child not yours.

    Empty when nothing can be asked for: a past or closed day (a holiday, a closing day, a
    weekday the location does not open), no placement running then, or the child already
    comes that day. Slots reaching outside the location's opening hours are left out.
    """
    today = viewer.today(now)
    child = (await visible_children(db, viewer, today, [child_id])).get(child_id)
    if child is None:
        return None
    if day < today:
        return []
    closed = closed_days(await closing_days(db, child.organisation_id, day, day))
    if closed(day) is not None:
        return []
    placements = (await placements_of(db, [child_id]))[child_id]
    opening = await opening_hours_of_groups(db, {p.group_id for p in placements.on(day)})
    group_ids = {g for g, hours in opening.items() if day.weekday() in hours}
    if not group_ids or care_days(placements.terms, day, day, closed):
        return []
    if await booked_days(db, [child_id], [day], now):
        return []
    groups = {g.id: g for g in await db.all(select(Group).where(Group.id.in_(group_ids)))}
    slots = await db.all(
        select(GroupSlot)
        .where(GroupSlot.group_id.in_(group_ids))
        .order_by(GroupSlot.start_time, GroupSlot.id)
    )
    taken = await occupancy(db, group_ids, [day])
    offers = []
    for slot in slots:
        if not within_hours(day, slot.start_time, slot.end_time, opening[slot.group_id]):
            continue
        group = groups[slot.group_id]
        free = group.capacity - taken.get((group.id, day), 0)
        if free > 0:
            offers.append(SlotOffer(slot=slot, group=group, free_places=free))
    return offers


async def check_room(
    db: Statements,
    planned: Sequence[PlannedDay],
    field_of: Callable[[PlannedDay], list[str]] | None = None,
) -> None:
    """Refuse days on which the group is full, counting the other days being checked too."""
    if not planned:
        return
    group_ids = {p.group_id for p in planned}
    taken = await occupancy(db, group_ids, {p.day for p in planned})
    groups = {g.id: g for g in await db.all(select(Group).where(Group.id.in_(group_ids)))}
    for p in planned:
        key = (p.group_id, p.day)
        if taken.get(key, 0) >= groups[p.group_id].capacity:
            raise DomainError(
                ErrorCode.SLOT_FULL,
                f"{groups[p.group_id].name} has no room left on {p.day.isoformat()}.",
                field_of(p) if field_of else ["input", "days", str(p.index)],
            )
        taken[key] = taken.get(key, 0) + 1
