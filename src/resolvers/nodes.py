"""Fetching any `Node` by global ID, always through a viewer-scoped loader."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway.ids import from_global_id
from loaders import Loaders
from resolvers.context import Info
from resolvers.types.care import CareRequest
from resolvers.types.children import Child, Placement
from resolvers.types.diary import DiaryEntry, GroupPost
from resolvers.types.exports import DiaryExport
from resolvers.types.invoices import Invoice
from resolvers.types.messages import Message, Thread
from resolvers.types.news import NewsItem, Newsletter
from resolvers.types.node import Node
from resolvers.types.notifications import Notification
from resolvers.types.organisation import Group, Location, Organisation, StaffMember
from resolvers.types.people import Account, Guardian
from resolvers.types.photos import Photo
from resolvers.types.sessions import AccountSession

MAX_NODES = 100

# type name -> (loader of that type by primary key, GraphQL type factory)
_REGISTRY: dict[str, tuple[Callable[[Loaders], Any], Callable[[Any], Node]]] = {
    "Account": (lambda loaders: loaders.accounts_by_id, Account.from_model),
    "AccountSession": (lambda loaders: loaders.sessions_by_id, AccountSession.from_model),
    "CareRequest": (lambda loaders: loaders.care_requests_by_id, CareRequest.from_model),
    "Child": (lambda loaders: loaders.children_by_id, Child.from_model),
    "Group": (lambda loaders: loaders.groups_by_id, Group.from_model),
    "Guardian": (lambda loaders: loaders.guardians_by_id, Guardian.from_model),
    "Invoice": (lambda loaders: loaders.invoices_by_id, Invoice.from_model),
    "Location": (lambda loaders: loaders.locations_by_id, Location.from_model),
    "Organisation": (lambda loaders: loaders.organisations_by_id, Organisation.from_model),
    "Placement": (lambda loaders: loaders.placements_by_id, Placement.from_model),
    "StaffMember": (lambda loaders: loaders.staff_by_id, StaffMember.from_model),
    "Thread": (lambda loaders: loaders.threads_by_id, Thread.from_model),
    "Message": (lambda loaders: loaders.messages_by_id, Message.from_model),
    "NewsItem": (lambda loaders: loaders.news_items_by_id, NewsItem.from_model),
    "Newsletter": (lambda loaders: loaders.newsletters_by_id, Newsletter.from_model),
    "Notification": (lambda loaders: loaders.notifications_by_id, Notification.from_model),
    "DiaryEntry": (lambda loaders: loaders.diary_entries_by_id, DiaryEntry.from_model),
    "DiaryExport": (lambda loaders: loaders.diary_exports_by_id, DiaryExport.from_model),
    "GroupPost": (lambda loaders: loaders.group_posts_by_id, GroupPost.from_model),
    "Photo": (lambda loaders: loaders.photos_by_id, Photo.from_model),
}

# The type names `node` can fetch; tests/api/test_node_privacy.py walks every one of them.
NODE_TYPES = frozenset(_REGISTRY)


async def resolve_node(info: Info, global_id: str) -> Node | None:
    """The object, or None when the ID is malformed, unknown or not yours: all look the same."""
    decoded = from_global_id(global_id)
    if decoded is None or decoded[0] not in _REGISTRY:
        return None
    type_name, pk = decoded
    loader_of, build = _REGISTRY[type_name]
    row = await loader_of(info.context.loaders).load(pk)
    return build(row) if row is not None else None
