"""The Strawberry schema: root types composed from each domain's part, and every Node type.

Each domain keeps its root fields in its own class; the roots here inherit them all, so adding
a domain is one line per root.
"""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from gateway.graphql_http import MaskUnexpectedErrors
from resolvers.mutations import CoreMutation
from resolvers.queries import CoreQuery
from resolvers.types.children import Child, Placement
from resolvers.types.organisation import Group, Location, Organisation, StaffMember
from resolvers.types.people import Account, Guardian

NODE_TYPES: list[type] = [
    Account,
    Child,
    Group,
    Guardian,
    Location,
    Organisation,
    Placement,
    StaffMember,
]


@strawberry.type(description="Everything that can be read.")
class Query(CoreQuery):
    pass


@strawberry.type(description="Everything that changes something. Each mutation is one transaction.")
class Mutation(CoreMutation):
    pass


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log nothing here: client mistakes are not server errors, and `MaskUnexpectedErrors`
        already logs every unexpected one with its request id."""


def build_schema() -> strawberry.Schema:
    return Schema(
        query=Query,
        mutation=Mutation,
        types=NODE_TYPES,
        extensions=[MaskUnexpectedErrors],
        config=StrawberryConfig(auto_camel_case=True),
    )


schema = build_schema()
