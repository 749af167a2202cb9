"""Guardians and the logged-in account."""

from __future__ import annotations

from collections.abc import Awaitable
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from gateway import models
from gateway.auth import access
from gateway.ids import to_global_id
from resolvers.context import Info
from resolvers.relations import then
from resolvers.types.node import Node
from resolvers.types.organisation import Organisation, StaffMember
from resolvers.types.sessions import AccountSession

if TYPE_CHECKING:
    from resolvers.types.children import Child


@strawberry.enum(description="What kind of person an account belongs to.")
class Role(Enum):
    GUARDIAN = strawberry.enum_value("guardian", description="A parent or carer of a child.")
    STAFF = strawberry.enum_value("staff", description="A staff member of the organisation.")


@strawberry.type(description="A postal address; empty strings where nothing is known.")
class Address:
    street: str = strawberry.field(description="Street and house number.")
    postcode: str = strawberry.field(description="Postcode, e.g. '3511 AB'.")
    city: str = strawberry.field(description="Town or city.")


@strawberry.type(description="A parent or carer of one or more children.")
class Guardian(Node):
    model: strawberry.Private[models.Guardian]
    first_name: str = strawberry.field(description="First name.")
    last_name: str = strawberry.field(description="Last name.")

    @classmethod
    def from_model(cls, m: models.Guardian) -> Guardian:
        return cls(
            id=strawberry.ID(to_global_id("Guardian", m.id)),
            model=m,
            first_name=m.first_name,
            last_name=m.last_name,
        )

    @strawberry.field(description="Full name.")
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @strawberry.field(
        description="E-mail address; shown to the guardian themself and to the staff of "
        "their children's groups.",
        graphql_type=str | None,
    )
    def email(self, info: Info) -> Awaitable[str | None]:
        return then(
            info.context.loaders.accounts_by_guardian.load(self.model.id),
            lambda account: account.email if account else None,
        )

    def _contact_visible(self, info: Info) -> bool:
        return access.guardian_contact_visible(info.context.viewer, self.model.id)

    @strawberry.field(description="Phone number; shown to the guardian themself and to staff.")
    def phone(self, info: Info) -> str | None:
        return self.model.phone if self._contact_visible(info) else None

    @strawberry.field(description="Home address; shown to the guardian themself and to staff.")
    def address(self, info: Info) -> Address | None:
        if not self._contact_visible(info):
            return None
        m = self.model
        return Address(street=m.street, postcode=m.postcode, city=m.city)

    @strawberry.field(description="This guardian's children that you may see.")
    async def children(
        self, info: Info
    ) -> list[Annotated[Child, strawberry.lazy("resolvers.types.children")]]:
        from resolvers.types.children import Child

        rows = await info.context.loaders.children_by_guardian.load(self.model.id)
        return [Child.from_model(c) for c in rows]


@strawberry.type(
    description="A login: your own (`me`); staff also see those of their children's guardians."
)
class Account(Node):
    model: strawberry.Private[models.Account]
    email: str = strawberry.field(description="E-mail address used to log in.")
    role: Role = strawberry.field(description="Guardian or staff.")

    @classmethod
    def from_model(cls, m: models.Account) -> Account:
        return cls(
            id=strawberry.ID(to_global_id("Account", m.id)),
            model=m,
            email=m.email,
            role=Role(m.role.value),
        )

    @strawberry.field(
        description="The organisation this account belongs to.", graphql_type=Organisation | None
    )
    def organisation(self, info: Info) -> Awaitable[Organisation | None]:
        return then(
            info.context.loaders.organisations_by_id.load(self.model.organisation_id),
            lambda row: Organisation.from_model(row) if row else None,
        )

    @strawberry.field(description="The guardian behind this account; null for staff.")
    async def guardian(self, info: Info) -> Guardian | None:
        if self.model.guardian_id is None:
            return None
        row = await info.context.loaders.guardians_by_id.load(self.model.guardian_id)
        return Guardian.from_model(row) if row else None

    @strawberry.field(description="The staff member behind this account; null for guardians.")
    async def staff_member(self, info: Info) -> StaffMember | None:
        if self.model.staff_member_id is None:
            return None
        row = await info.context.loaders.staff_by_id.load(self.model.staff_member_id)
        return StaffMember.from_model(row) if row else None

    @strawberry.field(
        description="Your signed-in sessions, newest first; empty for anyone else's account."
    )
    async def sessions(self, info: Info) -> list[AccountSession]:
        rows = await info.context.loaders.sessions_by_account.load(self.model.id)
        now = info.context.now
        return [AccountSession.from_model(t) for t in rows if t.expires_at > now]
