"""Loaders for children and what hangs off a child; every query is scoped by `access`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from gateway.auth import access
from gateway.models import (
    Child,
    Consent,
    ConsentChange,
    Guardian,
    Guardianship,
    Placement,
    PlacementDay,
)
from gateway.pagination import Page, PageRequest, after_condition, make_page
from loaders.base import KEYS, Reader, many_per_key, one_per_key, prepared, prepared_rows

_CHILDREN_BY_ID = prepared(select(Child).where(Child.id.in_(KEYS), access.child_in_scope(Child.id)))


async def children_by_id(reader: Reader, keys: Sequence[int]) -> list[Child | None]:
    rows = await reader.all(_CHILDREN_BY_ID, keys)
    return one_per_key(rows, lambda c: c.id, keys)


_GUARDIANS_BY_CHILD = prepared_rows(
    select(Guardianship.child_id, Guardian)
    .join(Guardian, Guardian.id == Guardianship.guardian_id)
    .where(Guardianship.child_id.in_(KEYS), access.child_in_scope(Guardianship.child_id))
    .order_by(Guardian.id)
)


async def guardians_by_child(reader: Reader, keys: Sequence[int]) -> list[list[Guardian]]:
    rows = await reader.rows(_GUARDIANS_BY_CHILD, keys)
    grouped = many_per_key(rows, lambda r: r[0], keys)
    return [[guardian for _, guardian in pairs] for pairs in grouped]


_CHILDREN_BY_GUARDIAN = prepared_rows(
    select(Guardianship.guardian_id, Child)
    .join(Child, Child.id == Guardianship.child_id)
    .where(Guardianship.guardian_id.in_(KEYS), access.child_in_scope(Child.id))
    .order_by(Child.first_name, Child.id)
)


async def children_by_guardian(reader: Reader, keys: Sequence[int]) -> list[list[Child]]:
    rows = await reader.rows(_CHILDREN_BY_GUARDIAN, keys)
    grouped = many_per_key(rows, lambda r: r[0], keys)
    return [[child for _, child in pairs] for pairs in grouped]


_PLACEMENTS_BY_CHILD = prepared(
    select(Placement)
    .where(Placement.child_id.in_(KEYS), access.child_in_scope(Placement.child_id))
    .order_by(Placement.start_date, Placement.id)
)


async def placements_by_child(reader: Reader, keys: Sequence[int]) -> list[list[Placement]]:
    rows = await reader.all(_PLACEMENTS_BY_CHILD, keys)
    return many_per_key(rows, lambda p: p.child_id, keys)


_SCHEDULE_BY_PLACEMENT = prepared(
    select(PlacementDay)
    .join(Placement, Placement.id == PlacementDay.placement_id)
    .where(PlacementDay.placement_id.in_(KEYS), access.child_in_scope(Placement.child_id))
    .order_by(PlacementDay.weekday)
)


async def schedule_by_placement(reader: Reader, keys: Sequence[int]) -> list[list[PlacementDay]]:
    rows = await reader.all(_SCHEDULE_BY_PLACEMENT, keys)
    return many_per_key(rows, lambda d: d.placement_id, keys)


_CONSENTS_BY_CHILD = prepared(
    select(Consent).where(Consent.child_id.in_(KEYS), access.child_in_scope(Consent.child_id))
)


async def consents_by_child(reader: Reader, keys: Sequence[int]) -> list[list[Consent]]:
    rows = await reader.all(_CONSENTS_BY_CHILD, keys)
    return many_per_key(rows, lambda c: c.child_id, keys)


_CONSENT_CHANGES_BY_CHILD = prepared(
    select(ConsentChange)
    .where(ConsentChange.child_id.in_(KEYS), access.child_in_scope(ConsentChange.child_id))
    .order_by(ConsentChange.changed_at.desc(), ConsentChange.id.desc())
)


async def consent_changes_by_child(
    reader: Reader, keys: Sequence[int]
) -> list[list[ConsentChange]]:
    rows = await reader.all(_CONSENT_CHANGES_BY_CHILD, keys)
    return many_per_key(rows, lambda c: c.child_id, keys)


_PLACEMENTS_BY_ID = prepared(
    select(Placement).where(Placement.id.in_(KEYS), access.child_in_scope(Placement.child_id))
)


async def placements_by_id(reader: Reader, keys: Sequence[int]) -> list[Placement | None]:
    rows = await reader.all(_PLACEMENTS_BY_ID, keys)
    return one_per_key(rows, lambda p: p.id, keys)


async def children_page(reader: Reader, request: PageRequest) -> Page[Child]:
    """The viewer's children by first name, one page of them.

    Every visible id is a child's (they come from its placements), so the visible set's size
    is the total: no counting statement.
    """
    order = (Child.first_name, Child.id)
    statement = select(Child).where(access.child_in_scope(Child.id))
    if request.after is not None:
        statement = statement.where(after_condition(order, request.after))
    page = prepared(statement.order_by(*order).limit(request.first + 1))
    rows = await reader.all(page)
    total = len(await reader.scope.child_ids())
    return make_page(rows, request, lambda c: [c.first_name, c.id], total)
