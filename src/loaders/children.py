"""Loaders for children and what hangs off a child; every query is scoped by `access`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

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
from loaders.base import Reader, many_per_key, one_per_key


async def children_by_id(reader: Reader, keys: Sequence[int]) -> list[Child | None]:
    rows = await reader.all(
        select(Child).where(
            Child.id.in_(keys), access.child_visible(Child.id, reader.viewer, reader.today)
        )
    )
    return one_per_key(rows, lambda c: c.id, keys)


async def guardians_by_child(reader: Reader, keys: Sequence[int]) -> list[list[Guardian]]:
    rows = await reader.rows(
        select(Guardianship.child_id, Guardian)
        .join(Guardian, Guardian.id == Guardianship.guardian_id)
        .where(
            Guardianship.child_id.in_(keys),
            access.child_visible(Guardianship.child_id, reader.viewer, reader.today),
        )
        .order_by(Guardian.id)
    )
    grouped = many_per_key(rows, lambda r: r[0], keys)
    return [[guardian for _, guardian in pairs] for pairs in grouped]


async def children_by_guardian(reader: Reader, keys: Sequence[int]) -> list[list[Child]]:
    rows = await reader.rows(
        select(Guardianship.guardian_id, Child)
        .join(Child, Child.id == Guardianship.child_id)
        .where(
            Guardianship.guardian_id.in_(keys),
            access.child_visible(Child.id, reader.viewer, reader.today),
        )
        .order_by(Child.first_name, Child.id)
    )
    grouped = many_per_key(rows, lambda r: r[0], keys)
    return [[child for _, child in pairs] for pairs in grouped]


async def placements_by_child(reader: Reader, keys: Sequence[int]) -> list[list[Placement]]:
    rows = await reader.all(
        select(Placement)
        .where(
            Placement.child_id.in_(keys),
            access.child_visible(Placement.child_id, reader.viewer, reader.today),
        )
        .order_by(Placement.start_date, Placement.id)
    )
    return many_per_key(rows, lambda p: p.child_id, keys)


async def schedule_by_placement(reader: Reader, keys: Sequence[int]) -> list[list[PlacementDay]]:
    rows = await reader.all(
        select(PlacementDay)
        .join(Placement, Placement.id == PlacementDay.placement_id)
        .where(
            PlacementDay.placement_id.in_(keys),
            access.child_visible(Placement.child_id, reader.viewer, reader.today),
        )
        .order_by(PlacementDay.weekday)
    )
    return many_per_key(rows, lambda d: d.placement_id, keys)


async def consents_by_child(reader: Reader, keys: Sequence[int]) -> list[list[Consent]]:
    rows = await reader.all(
        select(Consent).where(
            Consent.child_id.in_(keys),
            access.child_visible(Consent.child_id, reader.viewer, reader.today),
        )
    )
    return many_per_key(rows, lambda c: c.child_id, keys)


async def consent_changes_by_child(
    reader: Reader, keys: Sequence[int]
) -> list[list[ConsentChange]]:
    rows = await reader.all(
        select(ConsentChange)
        .where(
            ConsentChange.child_id.in_(keys),
            access.child_visible(ConsentChange.child_id, reader.viewer, reader.today),
        )
        .order_by(ConsentChange.changed_at.desc(), ConsentChange.id.desc())
    )
    return many_per_key(rows, lambda c: c.child_id, keys)


async def children_page(reader: Reader, request: PageRequest) -> Page[Child]:
    """The viewer's children by first name, one page of them."""
    visible = access.child_visible(Child.id, reader.viewer, reader.today)
    order = (Child.first_name, Child.id)
    statement = select(Child).where(visible)
    if request.after is not None:
        statement = statement.where(after_condition(order, request.after))
    rows = await reader.all(statement.order_by(*order).limit(request.first + 1))
    total = await reader.all(select(func.count()).select_from(Child).where(visible))
    return make_page(rows, request, lambda c: [c.first_name, c.id], total[0])


async def placements_by_id(reader: Reader, keys: Sequence[int]) -> list[Placement | None]:
    rows = await reader.all(
        select(Placement).where(
            Placement.id.in_(keys),
            access.child_visible(Placement.child_id, reader.viewer, reader.today),
        )
    )
    return one_per_key(rows, lambda p: p.id, keys)
