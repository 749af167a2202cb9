"""Who may see an event: the event half of the privacy policy, built on `access`.

An event names what it is about (an account, a child with its group, a group, a location, or
the whole organisation). The same rule exists twice: as SQL for catching up from the events
table, and as set lookups against a `LiveScope` for live fan-out, where a query per subscriber
per event would not scale. `tests/test_event_access.py` checks that both agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import ColumnElement, Select, and_, false, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.access import visible_child_ids
from gateway.auth.viewer import Viewer
from gateway.models import Event, Group, Placement, StaffGroup


class EventAudience(Protocol):
    """The audience columns of an event (an `Event` row or a detached copy)."""

    @property
    def organisation_id(self) -> int: ...
    @property
    def account_id(self) -> int | None: ...
    @property
    def child_id(self) -> int | None: ...
    @property
    def group_id(self) -> int | None: ...
    @property
    def location_id(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class LiveScope:
    """What a connected viewer may see, loaded once per subscription."""

    account_id: int
    organisation_id: int
    is_staff: bool
    children: frozenset[int]
    groups: frozenset[int]
    locations: frozenset[int]
    loaded_at: datetime


def _group_ids(viewer: Viewer, today: date) -> Select[int]:
    """Staff: the groups they work in. Guardians: the groups their children are placed in today.

    A group's events (a group post, its photos) are for the families in the group on that day,
    like the post itself (`access.group_post_visible`): not for a child that left or has yet
    to start.
    """
    if viewer.is_staff:
        return select(StaffGroup.group_id).where(
            StaffGroup.staff_member_id == viewer.staff_member_id
        )
    return select(Placement.group_id).where(
        Placement.child_id.in_(visible_child_ids(viewer, today)),
        Placement.start_date <= today,
        or_(Placement.end_date.is_(None), Placement.end_date >= today),
    )


def _location_ids(viewer: Viewer, today: date) -> Select[int]:
    """The locations of the viewer's groups; guardians keep theirs through the access window."""
    if viewer.is_staff:
        groups = _group_ids(viewer, today)
    else:
        groups = select(Placement.group_id).where(
            Placement.child_id.in_(visible_child_ids(viewer, today))
        )
    return select(Group.location_id).where(Group.id.in_(groups))


def _tagged(part: int, ids: Select[int]) -> Select[int, int]:
    inner = ids.subquery()
    return select(literal(part).label("part"), next(iter(inner.c)).label("id"))


async def load_scope(
    session: AsyncSession, viewer: Viewer, today: date, now: datetime
) -> LiveScope:
    # One statement, not three: every socket's `connection_init` loads a scope.
    parts = (
        visible_child_ids(viewer, today),
        _group_ids(viewer, today),
        _location_ids(viewer, today),
    )
    statement = union_all(*(_tagged(n, part) for n, part in enumerate(parts)))
    found: tuple[set[int], set[int], set[int]] = (set(), set(), set())
    for part, pk in await session.execute(statement):
        found[part].add(pk)
    children, groups, locations = found
    return LiveScope(
        account_id=viewer.account_id,
        organisation_id=viewer.organisation_id,
        is_staff=viewer.is_staff,
        children=frozenset(children),
        groups=frozenset(groups),
        locations=frozenset(locations),
        loaded_at=now,
    )


def event_visible(event: EventAudience, scope: LiveScope) -> bool:
    """The live form of the rule; keep it equal to `event_visible_clause`."""
    if event.organisation_id != scope.organisation_id:
        return False
    if event.account_id is not None:
        return event.account_id == scope.account_id
    if event.child_id is not None:
        # About a child in a group (a message thread): staff of that group, while the child is
        # theirs to see, like the thread itself.
        if scope.is_staff and event.group_id is not None and event.group_id not in scope.groups:
            return False
        return event.child_id in scope.children
    if event.group_id is not None:
        return event.group_id in scope.groups
    if event.location_id is not None:
        return event.location_id in scope.locations
    return True


def event_visible_clause(viewer: Viewer | None, today: date) -> ColumnElement[bool]:
    """The SQL form of the rule, as a condition on `Event`."""
    if viewer is None:
        return false()
    children = Event.child_id.in_(visible_child_ids(viewer, today))
    groups = Event.group_id.in_(_group_ids(viewer, today))
    about_child = (
        and_(children, or_(Event.group_id.is_(None), groups)) if viewer.is_staff else children
    )
    no_account = Event.account_id.is_(None)
    no_child = Event.child_id.is_(None)
    no_group = Event.group_id.is_(None)
    return and_(
        Event.organisation_id == viewer.organisation_id,
        or_(
            Event.account_id == viewer.account_id,
            and_(no_account, Event.child_id.is_not(None), about_child),
            and_(no_account, no_child, Event.group_id.is_not(None), groups),
            and_(
                no_account,
                no_child,
                no_group,
                Event.location_id.is_not(None),
                Event.location_id.in_(_location_ids(viewer, today)),
            ),
            and_(no_account, no_child, no_group, Event.location_id.is_(None)),
        ),
    )
