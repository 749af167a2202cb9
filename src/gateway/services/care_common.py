"""What the care use cases share: hours as minutes, each organisation's policies, rule errors,
the per-child write lock, placements and closing days, and the status-change event."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth import access
from gateway.auth.viewer import Viewer
from gateway.domain import (
    DEFAULT_OPENING_HOURS,
    BookingPolicy,
    ClosedDays,
    FlexPolicy,
    OpeningHours,
    PlacementTerms,
    RequestStatus,
    RuleViolation,
    SwapPolicy,
    closed_day,
)
from gateway.errors import DomainError, ErrorCode
from gateway.ids import to_global_id
from gateway.live import events
from gateway.models import (
    CareRequest,
    Child,
    ClosingDay,
    Event,
    Group,
    LocationOpeningHours,
    Organisation,
    Placement,
    PlacementDay,
)

T = TypeVar("T")

# Longest date range one agenda call or one absence report may cover.
MAX_RANGE_DAYS = 366
MAX_COMMENT_LENGTH = 1000
MAX_IDEMPOTENCY_KEY_LENGTH = 100


class Statements(Protocol):
    """Runs read statements; `loaders.base.Reader` (queries) and `SessionReads` (use cases)."""

    async def all(self, statement: Select[T]) -> Sequence[T]: ...

    async def rows(self, statement: Select[*tuple[Any, ...]]) -> Sequence[Any]: ...


@dataclass
class SessionReads:
    """`Statements` on a use case's own session, inside its transaction."""

    session: AsyncSession

    async def all(self, statement: Select[T]) -> Sequence[T]:
        return (await self.session.scalars(statement)).all()

    async def rows(self, statement: Select[*tuple[Any, ...]]) -> Sequence[Any]:
        return (await self.session.execute(statement)).all()


def in_force(now: datetime) -> ColumnElement[bool]:
    """Condition on `CareRequest`: approved, or pending and not past its expiry moment."""
    return or_(
        CareRequest.status == RequestStatus.APPROVED,
        and_(
            CareRequest.status == RequestStatus.PENDING,
            or_(CareRequest.expires_at.is_(None), CareRequest.expires_at > now),
        ),
    )


def to_minutes(hours: Decimal) -> int:
    return int((hours * 60).to_integral_value(rounding=ROUND_HALF_UP))


def to_hours(minutes: int) -> Decimal:
    return Decimal(minutes) / 60


def swap_policy(organisation: Organisation) -> SwapPolicy:
    def hours(minutes: int | None) -> Decimal | None:
        return None if minutes is None else to_hours(minutes)

    return SwapPolicy(
        cutoff_days_before=organisation.swap_cutoff_days_before,
        cutoff_time=organisation.swap_cutoff_time,
        validity_months=organisation.swap_validity_months,
        yearly_cap_hours=hours(organisation.swap_yearly_cap_minutes),
        max_balance_hours=hours(organisation.swap_max_balance_minutes),
        usable_days_before=organisation.swap_usable_days_before,
        mixed_payment=organisation.swap_mixed_payment,
    )


def booking_policy(organisation: Organisation) -> BookingPolicy:
    return BookingPolicy(guardian_notice_days=organisation.guardian_notice_days)


def flex_policy(organisation: Organisation) -> FlexPolicy:
    return FlexPolicy(
        min_booking_hours=to_hours(organisation.flex_min_booking_minutes),
        months_ahead=organisation.flex_months_ahead,
    )


def rule_error(violation: RuleViolation, field: Sequence[str] | None) -> DomainError:
    """The client-facing error for a refused rule; the codes share their names."""
    return DomainError(ErrorCode[violation.code.value], violation.message, field)


def invalid(message: str, field: Sequence[str]) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field)


def check_text(value: str | None, limit: int, field: Sequence[str]) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise invalid(f"At most {limit} characters.", field)
    return text


async def lock_children(session: AsyncSession, child_ids: Collection[int]) -> None:
    """Serialise care writes per child; call it before reading what the write depends on.

    PostgreSQL: row locks on the children, taken in id order so two writers cannot deadlock;
    a second writer waits, then reads what the first committed.
    SQLite: one writer at a time anyway. A no-op UPDATE takes the write lock now: a transaction
    that has only read and then writes must upgrade its lock, and under WAL that fails at once
    with "database is locked" instead of waiting out the busy timeout.
    """
    ids = sorted(set(child_ids))
    if not ids:
        return
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            select(Child.id).where(Child.id.in_(ids)).order_by(Child.id).with_for_update()
        )
    else:
        await session.execute(
            update(Child)
            .where(Child.id.in_(ids))
            .values(first_name=Child.first_name)
            .execution_options(synchronize_session=False)
        )


async def visible_children(
    db: Statements, viewer: Viewer, today: date, ids: Collection[int]
) -> dict[int, Child]:
    rows = await db.all(
        select(Child).where(Child.id.in_(set(ids)), access.child_visible(Child.id, viewer, today))
    )
    return {child.id: child for child in rows}


@dataclass(frozen=True)
class ChildPlacements:
    """A child's placements with the domain's view of their weekly schedules."""

    placements: list[Placement]
    terms: list[PlacementTerms]

    def on(self, day: date) -> list[Placement]:
        """The placements that run on `day`."""
        return [
            p
            for p in self.placements
            if p.start_date <= day and (p.end_date is None or p.end_date >= day)
        ]

    def last_end(self) -> date | None:
        """When care ends for good; None while a placement is open-ended (or none exists)."""
        if not self.placements or any(p.end_date is None for p in self.placements):
            return None
        return max(p.end_date for p in self.placements if p.end_date is not None)


async def placements_of(db: Statements, child_ids: Collection[int]) -> dict[int, ChildPlacements]:
    """Placements and schedules of the children (already checked as visible), in one statement."""
    rows = await db.rows(
        select(Placement, PlacementDay)
        .outerjoin(PlacementDay, PlacementDay.placement_id == Placement.id)
        .where(Placement.child_id.in_(set(child_ids)))
        .order_by(Placement.start_date, Placement.id, PlacementDay.weekday)
    )
    placements: dict[int, Placement] = {}
    schedules: dict[int, dict[int, tuple[time, time]]] = {}
    for placement, day in rows:
        placements[placement.id] = placement
        schedule = schedules.setdefault(placement.id, {})
        if day is not None:
            schedule[day.weekday] = (day.start_time, day.end_time)
    result = {child_id: ChildPlacements([], []) for child_id in child_ids}
    for placement in placements.values():
        entry = result[placement.child_id]
        entry.placements.append(placement)
        entry.terms.append(
            PlacementTerms(
                placement_id=placement.id,
                group_id=placement.group_id,
                start_date=placement.start_date,
                end_date=placement.end_date,
                schedule=schedules[placement.id],
                care_type=placement.care_type.value,
            )
        )
    return result


async def closing_days(
    db: Statements, organisation_id: int, start: date, end: date
) -> dict[date, str]:
    """The organisation's own closing days from `start` to `end`, inclusive."""
    rows = await db.all(
        select(ClosingDay).where(
            ClosingDay.organisation_id == organisation_id,
            ClosingDay.day >= start,
            ClosingDay.day <= end,
        )
    )
    return {row.day: row.name for row in rows}


async def opening_hours_of_groups(
    db: Statements, group_ids: Collection[int]
) -> dict[int, OpeningHours]:
    """Per group, the opening hours of its location (the default where it sets none)."""
    if not group_ids:
        return {}
    rows = await db.rows(
        select(Group.id, LocationOpeningHours)
        .outerjoin(LocationOpeningHours, LocationOpeningHours.location_id == Group.location_id)
        .where(Group.id.in_(set(group_ids)))
    )
    own: dict[int, dict[int, tuple[time, time]]] = {}
    for group_id, hours in rows:
        week = own.setdefault(group_id, {})
        if hours is not None:
            week[hours.weekday] = (hours.opens_at, hours.closes_at)
    return {group_id: week or DEFAULT_OPENING_HOURS for group_id, week in own.items()}


def closed_days(own: dict[date, str]) -> ClosedDays:
    """National holidays (named in Dutch, as parents read them) plus the organisation's own."""
    return partial(closed_day, own_closing_days=own, language="nl")


async def record_status(
    session: AsyncSession, request: CareRequest, previous: RequestStatus | None, now: datetime
) -> Event:
    """Record a request's new status in the writer's transaction (the request must be flushed)."""
    return await events.record(
        session,
        "request.status_changed",
        events.Audience(organisation_id=request.organisation_id, child_id=request.child_id),
        {
            "requestId": to_global_id("CareRequest", request.id),
            "childId": to_global_id("Child", request.child_id),
            "kind": request.kind.name,
            "status": request.status.name,
            "previousStatus": previous.name if previous is not None else None,
        },
        now,
    )
