"""A child and what a guardian or staff member sees of it: placements, guardians, consents."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from datetime import date, datetime, time
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from gateway import domain, models
from gateway.ids import to_global_id
from gateway.placements import current_placement, placement_status
from gateway.services.flex_days import PotUse, pot_of
from resolvers.context import Info
from resolvers.relations import then
from resolvers.types.node import After, First, Node
from resolvers.types.organisation import Group, Location, Weekday
from resolvers.types.people import Guardian

if TYPE_CHECKING:
    from resolvers.types.care import SwapHours
    from resolvers.types.timeline import TimelineConnection


@strawberry.enum(description="Kind of care a placement is for.")
class CareType(Enum):
    DAYCARE = strawberry.enum_value("daycare", description="Day care (kinderdagverblijf).")
    AFTER_SCHOOL = strawberry.enum_value("after_school", description="After-school care (BSO).")
    FLEX = strawberry.enum_value("flex", description="Flex care: days booked from an hours pot.")


@strawberry.enum(description="Where a placement stands today.")
class PlacementStatus(Enum):
    UPCOMING = strawberry.enum_value("upcoming", description="Starts in the future.")
    ACTIVE = strawberry.enum_value("active", description="Running today.")
    ENDED = strawberry.enum_value("ended", description="Its end date has passed.")


@strawberry.enum(description="What a consent is about.")
class ConsentKind(Enum):
    PHOTOS = strawberry.enum_value("photos", description="Taking and sharing photos of the child.")
    DIARY = strawberry.enum_value("diary", description="Staff writing the child's diary.")
    OUTINGS = strawberry.enum_value("outings", description="Trips outside the location.")


@strawberry.type(description="One weekday of a placement's weekly schedule.")
class ScheduleDay:
    weekday: Weekday = strawberry.field(description="Day of the week.")
    start_time: time = strawberry.field(description="Care starts, in the organisation's zone.")
    end_time: time = strawberry.field(description="Care ends, in the organisation's zone.")


@strawberry.type(
    description="A flex contract's pot of hours for one calendar year; hours are decimals."
)
class FlexPot:
    pot: strawberry.Private[domain.FlexPot]

    @strawberry.field(description="The calendar year.")
    def year(self) -> int:
        return self.pot.year

    @strawberry.field(description="Hours in the pot for the year.")
    def total(self) -> float:
        return float(self.pot.total)

    @strawberry.field(description="Hours of approved flex days: owed from approval on.")
    def approved(self) -> float:
        return float(self.pot.approved)

    @strawberry.field(description="Hours reserved by requests waiting for a decision.")
    def pending(self) -> float:
        return float(self.pot.pending)

    @strawberry.field(description="Hours that can still be requested.")
    def left(self) -> float:
        return float(self.pot.left)


@strawberry.type(description="A contract: the child in a group on a weekly schedule.")
class Placement(Node):
    model: strawberry.Private[models.Placement]
    care_type: CareType = strawberry.field(description="Kind of care.")
    start_date: date = strawberry.field(description="First day of the placement.")
    end_date: date | None = strawberry.field(description="Last day; null when open-ended.")

    @classmethod
    def from_model(cls, m: models.Placement) -> Placement:
        return cls(
            id=strawberry.ID(to_global_id("Placement", m.id)),
            model=m,
            care_type=CareType(m.care_type.value),
            start_date=m.start_date,
            end_date=m.end_date,
        )

    @strawberry.field(description="Whether the placement is upcoming, running or ended.")
    def status(self, info: Info) -> PlacementStatus:
        return PlacementStatus(placement_status(self.model, info.context.today).value)

    @strawberry.field(description="Flex-hours pot of a flex placement; null for other care.")
    def flex_hours_pot(self) -> float | None:
        minutes = self.model.flex_pot_minutes
        return None if minutes is None else minutes / 60

    @strawberry.field(
        description="A flex placement's pot for a calendar year: total, approved (owed), "
        "reserved by pending requests, and left to request; null for other care."
    )
    async def flex_pot(
        self,
        info: Info,
        year: Annotated[
            int | None,
            strawberry.argument(description="Calendar year of the pot; default: this year."),
        ] = None,
    ) -> FlexPot | None:
        if self.model.care_type is not models.CareType.FLEX:
            return None
        on = info.context.today.year if year is None else year
        uses = await info.context.loaders.flex_use_by_placement.load(self.model.id)
        return FlexPot(pot=pot_of(self.model, on, uses.get(on, PotUse())))

    @strawberry.field(description="The group the child is placed in.", graphql_type=Group | None)
    def group(self, info: Info) -> Awaitable[Group | None]:
        return then(
            info.context.loaders.groups_by_id.load(self.model.group_id),
            lambda row: Group.from_model(row) if row else None,
        )

    @strawberry.field(
        description="The weekly schedule, Monday first.", graphql_type=list[ScheduleDay]
    )
    def schedule(self, info: Info) -> Awaitable[list[ScheduleDay]]:
        rows = info.context.loaders.schedule_by_placement.load(self.model.id)
        return then(rows, _schedule)


@strawberry.type(description="A guardian's current answer to one kind of consent.")
class Consent:
    kind: ConsentKind = strawberry.field(description="What the consent is about.")
    granted: bool | None = strawberry.field(
        description="true: given; false: refused; null: not answered yet."
    )
    changed_at: datetime | None = strawberry.field(description="When it was last changed.")
    changed_by_account_id: strawberry.Private[int | None]

    @strawberry.field(description="Who last changed it; null when not answered yet.")
    async def changed_by(self, info: Info) -> str | None:
        if self.changed_by_account_id is None:
            return None
        return await info.context.loaders.display_names_by_account.load(self.changed_by_account_id)


@strawberry.type(description="One change of a consent, as kept in the history.")
class ConsentChange:
    kind: ConsentKind = strawberry.field(description="What the consent is about.")
    granted: bool = strawberry.field(description="The answer given with this change.")
    changed_at: datetime = strawberry.field(description="When the change was made.")
    changed_by_account_id: strawberry.Private[int]

    @strawberry.field(description="Who made the change.")
    async def changed_by(self, info: Info) -> str | None:
        return await info.context.loaders.display_names_by_account.load(self.changed_by_account_id)


@strawberry.type(description="A child in care, as its guardians or its group's staff see it.")
class Child(Node):
    model: strawberry.Private[models.Child]
    first_name: str = strawberry.field(description="First name.")
    last_name: str = strawberry.field(description="Last name.")
    birth_date: date = strawberry.field(description="Date of birth.")

    @classmethod
    def from_model(cls, m: models.Child) -> Child:
        return cls(
            id=strawberry.ID(to_global_id("Child", m.id)),
            model=m,
            first_name=m.first_name,
            last_name=m.last_name,
            birth_date=m.birth_date,
        )

    @strawberry.field(description="Full name.")
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @strawberry.field(description="All placements, oldest first.", graphql_type=list[Placement])
    def placements(self, info: Info) -> Awaitable[list[Placement]]:
        return then(
            info.context.loaders.placements_by_child.load(self.model.id),
            lambda rows: [Placement.from_model(p) for p in rows],
        )

    @strawberry.field(
        description="Group of the running placement (else the next, else the last one)."
    )
    async def group(self, info: Info) -> Group | None:
        rows = await info.context.loaders.placements_by_child.load(self.model.id)
        current = current_placement(rows, info.context.today)
        if current is None:
            return None
        group = await info.context.loaders.groups_by_id.load(current.group_id)
        return Group.from_model(group) if group else None

    @strawberry.field(description="Location of the child's current group.")
    async def location(self, info: Info) -> Location | None:
        group = await self.group(info)
        if group is None:
            return None
        row = await info.context.loaders.locations_by_id.load(group.model.location_id)
        return Location.from_model(row) if row else None

    @strawberry.field(
        description="The child's guardians (one or two).", graphql_type=list[Guardian]
    )
    def guardians(self, info: Info) -> Awaitable[list[Guardian]]:
        return then(
            info.context.loaders.guardians_by_child.load(self.model.id),
            lambda rows: [Guardian.from_model(g) for g in rows],
        )

    @strawberry.field(
        description="One entry per kind: photos, diary, outings.", graphql_type=list[Consent]
    )
    def consents(self, info: Info) -> Awaitable[list[Consent]]:
        return then(info.context.loaders.consents_by_child.load(self.model.id), _consents)

    @strawberry.field(
        description="Every change of the consents, newest first.", graphql_type=list[ConsentChange]
    )
    def consent_history(self, info: Info) -> Awaitable[list[ConsentChange]]:
        rows = info.context.loaders.consent_changes_by_child.load(self.model.id)
        return then(rows, _consent_changes)

    @strawberry.field(description="Swap hours: balance, hours held, and each credit's expiry.")
    def swap_hours(self) -> Annotated[SwapHours, strawberry.lazy("resolvers.types.care")]:
        from resolvers.types.care import SwapHours  # care types build on Child

        return SwapHours(child_id=self.model.id)

    @strawberry.field(
        description=(
            'The timeline ("Mijn kind"): diary entries and posts to the child\'s groups, '
            "newest first."
        )
    )
    async def timeline(
        self, info: Info, first: First = None, after: After = None
    ) -> Annotated[TimelineConnection, strawberry.lazy("resolvers.types.timeline")]:
        from resolvers.types.timeline import timeline_of  # timeline types build on Child

        return await timeline_of(info, self.model.id, first, after)


def _schedule(rows: Sequence[models.PlacementDay]) -> list[ScheduleDay]:
    return [
        ScheduleDay(weekday=Weekday(d.weekday), start_time=d.start_time, end_time=d.end_time)
        for d in rows
    ]


def _consents(rows: Sequence[models.Consent]) -> list[Consent]:
    by_kind = {c.kind: c for c in rows}
    answers = []
    for kind in models.ConsentKind:
        row = by_kind.get(kind)
        answers.append(
            Consent(
                kind=ConsentKind(kind.value),
                granted=row.granted if row else None,
                changed_at=row.changed_at if row else None,
                changed_by_account_id=row.changed_by_account_id if row else None,
            )
        )
    return answers


def _consent_changes(rows: Sequence[models.ConsentChange]) -> list[ConsentChange]:
    return [
        ConsentChange(
            kind=ConsentKind(c.kind.value),
            granted=c.granted,
            changed_at=c.changed_at,
            changed_by_account_id=c.changed_by_account_id,
        )
        for c in rows
    ]
