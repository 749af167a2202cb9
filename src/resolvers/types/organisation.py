"""Organisation-wide types: the organisation, its locations, groups and staff."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import time
from enum import Enum

import strawberry

from gateway import models
from gateway.ids import to_global_id
from resolvers.context import Info
from resolvers.relations import then
from resolvers.types.documents import Policy
from resolvers.types.node import Node


@strawberry.enum(description="Day of the week.")
class Weekday(Enum):
    MONDAY = strawberry.enum_value(0, description="Monday (maandag).")
    TUESDAY = strawberry.enum_value(1, description="Tuesday (dinsdag).")
    WEDNESDAY = strawberry.enum_value(2, description="Wednesday (woensdag).")
    THURSDAY = strawberry.enum_value(3, description="Thursday (donderdag).")
    FRIDAY = strawberry.enum_value(4, description="Friday (vrijdag).")
    SATURDAY = strawberry.enum_value(5, description="Saturday (zaterdag).")
    SUNDAY = strawberry.enum_value(6, description="Sunday (zondag).")


@strawberry.type(description="The childcare provider this account belongs to.")
class Organisation(Node):
    model: strawberry.Private[models.Organisation]
    name: str = strawberry.field(description="Name, e.g. 'Partou'.")
    domain: str = strawberry.field(description="Portal domain used to log in.")
    time_zone: str = strawberry.field(description="IANA time zone that times of day are in.")

    @classmethod
    def from_model(cls, m: models.Organisation) -> Organisation:
        return cls(
            id=strawberry.ID(to_global_id("Organisation", m.id)),
            model=m,
            name=m.name,
            domain=m.domain,
            time_zone=m.time_zone,
        )


@strawberry.type(description="A weekday on which a location opens, with its hours.")
class OpeningDay:
    weekday: Weekday = strawberry.field(description="Day of the week.")
    opens_at: time = strawberry.field(description="Opens, in the organisation's time zone.")
    closes_at: time = strawberry.field(description="Closes, in the organisation's time zone.")


@strawberry.type(description="A daycare site, with its contact details.")
class Location(Node):
    model: strawberry.Private[models.Location]
    name: str = strawberry.field(description="Name of the location.")
    street: str = strawberry.field(description="Street and number.")
    postcode: str = strawberry.field(description="Postal code.")
    city: str = strawberry.field(description="City.")
    phone: str = strawberry.field(description="Phone number of the location.")
    email: str = strawberry.field(description="E-mail address of the location.")

    @classmethod
    def from_model(cls, m: models.Location) -> Location:
        return cls(
            id=strawberry.ID(to_global_id("Location", m.id)),
            model=m,
            name=m.name,
            street=m.street,
            postcode=m.postcode,
            city=m.city,
            phone=m.phone,
            email=m.email,
        )

    @strawberry.field(
        description="The weekdays the location opens, Monday first, with their hours; no care "
        "is offered, requested or booked outside them (nor on holidays and closing days)."
    )
    async def opening_hours(self, info: Info) -> list[OpeningDay]:
        week = await info.context.loaders.opening_hours_by_location.load(self.model.id)
        return [
            OpeningDay(weekday=Weekday(weekday), opens_at=opens, closes_at=closes)
            for weekday, (opens, closes) in sorted(week.items())
        ]

    @strawberry.field(description="The groups at this location.")
    async def groups(self, info: Info) -> list[Group]:
        rows = await info.context.loaders.groups_by_location.load(self.model.id)
        return [Group.from_model(g) for g in rows]

    @strawberry.field(
        description="The team: everyone working in a group here, by name (see their `groups` "
        "and `jobTitle`)."
    )
    async def team(self, info: Info) -> list[StaffMember]:
        rows = await info.context.loaders.team_by_location.load(self.model.id)
        return [StaffMember.from_model(s) for s in rows]

    @strawberry.field(
        description="Policies of this location and of the organisation, by kind; empty for a "
        "location that is not yours."
    )
    async def policies(self, info: Info) -> list[Policy]:
        rows = await info.context.loaders.policies_by_location.load(self.model.id)
        return [Policy.from_models(p, d) for p, d in rows]


@strawberry.type(description="A time slot of a group that can be requested as an extra day.")
class TimeSlot:
    name: str = strawberry.field(description="Label, e.g. 'Hele dag' or 'Ochtend'.")
    start_time: time = strawberry.field(description="Start, in the organisation's time zone.")
    end_time: time = strawberry.field(description="End, in the organisation's time zone.")


@strawberry.type(description="A group of children at a location.")
class Group(Node):
    model: strawberry.Private[models.Group]
    name: str = strawberry.field(description="Name of the group, e.g. 'Dolfijnen'.")
    capacity: int = strawberry.field(description="How many children the group takes per day.")

    @classmethod
    def from_model(cls, m: models.Group) -> Group:
        return cls(
            id=strawberry.ID(to_global_id("Group", m.id)), model=m, name=m.name, capacity=m.capacity
        )

    @strawberry.field(description="The location the group is at.", graphql_type=Location | None)
    def location(self, info: Info) -> Awaitable[Location | None]:
        return then(
            info.context.loaders.locations_by_id.load(self.model.location_id),
            lambda row: Location.from_model(row) if row else None,
        )

    @strawberry.field(
        description="Time slots that can be requested for extra days.", graphql_type=list[TimeSlot]
    )
    def slots(self, info: Info) -> Awaitable[list[TimeSlot]]:
        return then(
            info.context.loaders.slots_by_group.load(self.model.id),
            lambda rows: [
                TimeSlot(name=s.name, start_time=s.start_time, end_time=s.end_time) for s in rows
            ],
        )

    @strawberry.field(description="The staff members working in this group.")
    async def staff(self, info: Info) -> list[StaffMember]:
        rows = await info.context.loaders.staff_by_group.load(self.model.id)
        return [StaffMember.from_model(s) for s in rows]


@strawberry.type(description="Someone working in one or more groups.")
class StaffMember(Node):
    model: strawberry.Private[models.StaffMember]
    first_name: str = strawberry.field(description="First name.")
    last_name: str = strawberry.field(description="Last name.")
    job_title: str = strawberry.field(description="Role, e.g. 'Pedagogisch medewerker'.")

    @classmethod
    def from_model(cls, m: models.StaffMember) -> StaffMember:
        return cls(
            id=strawberry.ID(to_global_id("StaffMember", m.id)),
            model=m,
            first_name=m.first_name,
            last_name=m.last_name,
            job_title=m.job_title,
        )

    @strawberry.field(description="Full name.")
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @strawberry.field(description="The groups this staff member works in.")
    async def groups(self, info: Info) -> list[Group]:
        rows = await info.context.loaders.groups_by_staff.load(self.model.id)
        return [Group.from_model(g) for g in rows]
