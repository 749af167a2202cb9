"""Loaders for organisation-wide records: organisations, locations, groups, slots, staff."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from gateway.auth import access
from gateway.domain import DEFAULT_OPENING_HOURS, OpeningHours
from gateway.models import (
    Group,
    GroupSlot,
    Location,
    LocationOpeningHours,
    Organisation,
    StaffGroup,
    StaffMember,
)
from loaders.base import KEYS, Reader, many_per_key, one_per_key, prepared, prepared_rows

_ORGANISATIONS_BY_ID = prepared(
    select(Organisation).where(
        Organisation.id.in_(KEYS), access.organisation_in_scope(Organisation.id)
    )
)


async def organisations_by_id(reader: Reader, keys: Sequence[int]) -> list[Organisation | None]:
    rows = await reader.all(_ORGANISATIONS_BY_ID, keys)
    return one_per_key(rows, lambda o: o.id, keys)


_LOCATIONS_BY_ID = prepared(
    select(Location).where(
        Location.id.in_(KEYS), access.organisation_in_scope(Location.organisation_id)
    )
)


async def locations_by_id(reader: Reader, keys: Sequence[int]) -> list[Location | None]:
    rows = await reader.all(_LOCATIONS_BY_ID, keys)
    return one_per_key(rows, lambda loc: loc.id, keys)


async def opening_hours_by_location(reader: Reader, keys: Sequence[int]) -> list[OpeningHours]:
    """Each location's week, the default where it sets none (also for unknown locations)."""
    rows = await reader.all(
        select(LocationOpeningHours)
        .join(Location, Location.id == LocationOpeningHours.location_id)
        .where(
            LocationOpeningHours.location_id.in_(keys),
            access.in_organisation(Location.organisation_id, reader.viewer),
        )
        .order_by(LocationOpeningHours.weekday)
    )
    weeks = many_per_key(rows, lambda h: h.location_id, keys)
    return [
        {h.weekday: (h.opens_at, h.closes_at) for h in week} or DEFAULT_OPENING_HOURS
        for week in weeks
    ]


_GROUPS_BY_ID = prepared(
    select(Group).where(Group.id.in_(KEYS), access.organisation_in_scope(Group.organisation_id))
)


async def groups_by_id(reader: Reader, keys: Sequence[int]) -> list[Group | None]:
    rows = await reader.all(_GROUPS_BY_ID, keys)
    return one_per_key(rows, lambda g: g.id, keys)


_GROUPS_BY_LOCATION = prepared(
    select(Group)
    .where(Group.location_id.in_(KEYS), access.organisation_in_scope(Group.organisation_id))
    .order_by(Group.name, Group.id)
)


async def groups_by_location(reader: Reader, keys: Sequence[int]) -> list[list[Group]]:
    rows = await reader.all(_GROUPS_BY_LOCATION, keys)
    return many_per_key(rows, lambda g: g.location_id, keys)


_SLOTS_BY_GROUP = prepared(
    select(GroupSlot)
    .join(Group, Group.id == GroupSlot.group_id)
    .where(GroupSlot.group_id.in_(KEYS), access.organisation_in_scope(Group.organisation_id))
    .order_by(GroupSlot.start_time, GroupSlot.id)
)


async def slots_by_group(reader: Reader, keys: Sequence[int]) -> list[list[GroupSlot]]:
    rows = await reader.all(_SLOTS_BY_GROUP, keys)
    return many_per_key(rows, lambda s: s.group_id, keys)


_STAFF_BY_ID = prepared(
    select(StaffMember).where(
        StaffMember.id.in_(KEYS), access.organisation_in_scope(StaffMember.organisation_id)
    )
)


async def staff_by_id(reader: Reader, keys: Sequence[int]) -> list[StaffMember | None]:
    rows = await reader.all(_STAFF_BY_ID, keys)
    return one_per_key(rows, lambda s: s.id, keys)


_STAFF_BY_GROUP = prepared_rows(
    select(StaffGroup.group_id, StaffMember)
    .join(StaffMember, StaffMember.id == StaffGroup.staff_member_id)
    .where(StaffGroup.group_id.in_(KEYS), access.organisation_in_scope(StaffMember.organisation_id))
    .order_by(StaffMember.first_name, StaffMember.id)
)


async def staff_by_group(reader: Reader, keys: Sequence[int]) -> list[list[StaffMember]]:
    rows = await reader.rows(_STAFF_BY_GROUP, keys)
    grouped = many_per_key(rows, lambda r: r[0], keys)
    return [[member for _, member in pairs] for pairs in grouped]


_GROUPS_BY_STAFF = prepared_rows(
    select(StaffGroup.staff_member_id, Group)
    .join(Group, Group.id == StaffGroup.group_id)
    .where(
        StaffGroup.staff_member_id.in_(KEYS), access.organisation_in_scope(Group.organisation_id)
    )
    .order_by(Group.name, Group.id)
)


async def groups_by_staff(reader: Reader, keys: Sequence[int]) -> list[list[Group]]:
    rows = await reader.rows(_GROUPS_BY_STAFF, keys)
    grouped = many_per_key(rows, lambda r: r[0], keys)
    return [[group for _, group in pairs] for pairs in grouped]
