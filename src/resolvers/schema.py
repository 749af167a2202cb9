"""The Strawberry schema: root types, extensions and every concrete Node type."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from gateway.graphql_http import MaskUnexpectedErrors
from resolvers.mutations import Mutation
from resolvers.queries import Query
from resolvers.types.children import Child, Placement
from resolvers.types.organisation import Group, Location, Organisation, StaffMember
from resolvers.types.people import Account, Guardian

NODE_TYPES = [Account, Child, Group, Guardian, Location, Organisation, Placement, StaffMember]


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
