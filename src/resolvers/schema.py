"""The Strawberry schema: root types composed from each domain's part, and every Node type.

Each domain keeps its root fields in its own class; the roots here inherit them all, so adding
a domain is one line per root.
"""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from gateway.documents import UsePreparedDocument
from gateway.live import LiveSchema
from gateway.masking import MaskUnexpectedErrors
from resolvers.care_queries import CareQuery
from resolvers.context import context_for_viewer
from resolvers.diary_queries import DiaryQuery
from resolvers.invoice_queries import InvoiceQuery
from resolvers.message_queries import MessageQuery
from resolvers.mutations import CoreMutation
from resolvers.mutations.care import CareMutation
from resolvers.mutations.delivery import PushMutation, PushQuery
from resolvers.mutations.diary import DiaryMutation
from resolvers.mutations.messages import MessageMutation
from resolvers.mutations.news import NewsMutation
from resolvers.mutations.profile import AccountMutation
from resolvers.news_queries import NewsQuery
from resolvers.queries import CoreQuery
from resolvers.subscriptions import LIVE_FIELDS, SHARED_FIELDS, Subscription
from resolvers.types.care import CareRequest
from resolvers.types.children import Child, Placement
from resolvers.types.diary import DiaryEntry, GroupPost
from resolvers.types.exports import DiaryExport
from resolvers.types.invoices import Invoice
from resolvers.types.messages import Message, Thread
from resolvers.types.news import NewsItem, Newsletter
from resolvers.types.notifications import Notification
from resolvers.types.organisation import Group, Location, Organisation, StaffMember
from resolvers.types.people import Account, Guardian
from resolvers.types.photos import Photo
from resolvers.types.sessions import AccountSession

NODE_TYPES: list[type] = [
    Account,
    AccountSession,
    CareRequest,
    Child,
    DiaryEntry,
    DiaryExport,
    Group,
    GroupPost,
    Guardian,
    Invoice,
    Location,
    Message,
    NewsItem,
    Newsletter,
    Notification,
    Organisation,
    Photo,
    Placement,
    StaffMember,
    Thread,
]


@strawberry.type(description="Everything that can be read.")
class Query(CoreQuery, MessageQuery, CareQuery, DiaryQuery, NewsQuery, InvoiceQuery, PushQuery):
    pass


@strawberry.type(description="Everything that changes something. Each mutation is one transaction.")
class Mutation(
    CoreMutation,
    MessageMutation,
    CareMutation,
    DiaryMutation,
    AccountMutation,
    NewsMutation,
    PushMutation,
):
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
        subscription=Subscription,
        types=NODE_TYPES,
        extensions=[MaskUnexpectedErrors, UsePreparedDocument],
        config=StrawberryConfig(auto_camel_case=True),
    )


schema = build_schema()


def live_schema() -> LiveSchema:
    """What `gateway.web.graphql_ws` needs to serve subscriptions of this schema."""
    return LiveSchema(
        schema=schema._schema,
        fields=LIVE_FIELDS,
        shared_fields=SHARED_FIELDS,
        open_context=context_for_viewer,
    )
