"""The set of DataLoaders a request gets, all bound to the same scoped reader."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from gateway.auth.viewer import Viewer
from gateway.models import (
    Account,
    Child,
    Consent,
    ConsentChange,
    Group,
    GroupSlot,
    Guardian,
    Location,
    Organisation,
    Placement,
    PlacementDay,
    StaffMember,
)
from loaders import children, organisation, people
from loaders.base import Reader

K = TypeVar("K")
V = TypeVar("V")


def _bind(
    reader: Reader, fn: Callable[[Reader, Sequence[K]], Awaitable[list[V]]]
) -> DataLoader[K, V]:
    async def load(keys: list[K]) -> list[V]:
        return await fn(reader, keys)

    return DataLoader(load_fn=load)


class Loaders:
    """Named `<things>_by_<key>`; each returns results in key order (None/[] when not visible)."""

    def __init__(self, session: AsyncSession, viewer: Viewer | None, today: date) -> None:
        self.reader = reader = Reader(session=session, viewer=viewer, today=today)
        self.children_by_id: DataLoader[int, Child | None] = _bind(reader, children.children_by_id)
        self.children_by_guardian: DataLoader[int, list[Child]] = _bind(
            reader, children.children_by_guardian
        )
        self.guardians_by_child: DataLoader[int, list[Guardian]] = _bind(
            reader, children.guardians_by_child
        )
        self.placements_by_child: DataLoader[int, list[Placement]] = _bind(
            reader, children.placements_by_child
        )
        self.placements_by_id: DataLoader[int, Placement | None] = _bind(
            reader, children.placements_by_id
        )
        self.schedule_by_placement: DataLoader[int, list[PlacementDay]] = _bind(
            reader, children.schedule_by_placement
        )
        self.consents_by_child: DataLoader[int, list[Consent]] = _bind(
            reader, children.consents_by_child
        )
        self.consent_changes_by_child: DataLoader[int, list[ConsentChange]] = _bind(
            reader, children.consent_changes_by_child
        )
        self.organisations_by_id: DataLoader[int, Organisation | None] = _bind(
            reader, organisation.organisations_by_id
        )
        self.locations_by_id: DataLoader[int, Location | None] = _bind(
            reader, organisation.locations_by_id
        )
        self.groups_by_id: DataLoader[int, Group | None] = _bind(reader, organisation.groups_by_id)
        self.groups_by_location: DataLoader[int, list[Group]] = _bind(
            reader, organisation.groups_by_location
        )
        self.groups_by_staff: DataLoader[int, list[Group]] = _bind(
            reader, organisation.groups_by_staff
        )
        self.slots_by_group: DataLoader[int, list[GroupSlot]] = _bind(
            reader, organisation.slots_by_group
        )
        self.staff_by_id: DataLoader[int, StaffMember | None] = _bind(
            reader, organisation.staff_by_id
        )
        self.staff_by_group: DataLoader[int, list[StaffMember]] = _bind(
            reader, organisation.staff_by_group
        )
        self.guardians_by_id: DataLoader[int, Guardian | None] = _bind(
            reader, people.guardians_by_id
        )
        self.accounts_by_id: DataLoader[int, Account | None] = _bind(reader, people.accounts_by_id)
        self.accounts_by_guardian: DataLoader[int, Account | None] = _bind(
            reader, people.accounts_by_guardian
        )
        self.display_names_by_account: DataLoader[int, str | None] = _bind(
            reader, people.display_names_by_account
        )

    def clear_all(self) -> None:
        """Forget cached rows, e.g. after a mutation changed them."""
        for value in vars(self).values():
            if isinstance(value, DataLoader):
                value.clear_all()


__all__ = ["Loaders"]
