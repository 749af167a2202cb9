"""Root query fields."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry

from gateway.errors import ErrorCode, PublicError
from gateway.ids import pk_of
from loaders.children import children_page
from resolvers.context import Info
from resolvers.nodes import MAX_NODES, resolve_node
from resolvers.types.children import Child
from resolvers.types.node import After, Connection, First, Node, page_arguments
from resolvers.types.people import Account


@strawberry.type(description="Accounts, children and any object by ID.")
class CoreQuery:
    @strawberry.field(description="The logged-in account; null when no valid token was sent.")
    async def me(self, info: Info) -> Account | None:
        viewer = info.context.viewer
        if viewer is None:
            return None
        row = await info.context.loaders.accounts_by_id.load(viewer.account_id)
        return Account.from_model(row) if row else None

    @strawberry.field(description="Any object by its global ID; null when missing or not yours.")
    async def node(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="A global ID, from an `id` field.")
        ],
    ) -> Node | None:
        info.context.require_viewer()
        return await resolve_node(info, str(id))

    @strawberry.field(description=f"Objects by global ID, in order; at most {MAX_NODES} at once.")
    async def nodes(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global IDs.")],
    ) -> list[Node | None]:
        info.context.require_viewer()
        if len(ids) > MAX_NODES:
            raise PublicError(ErrorCode.INVALID_INPUT, f"Ask for at most {MAX_NODES} IDs at once.")
        return list(await asyncio.gather(*(resolve_node(info, str(i)) for i in ids)))

    @strawberry.field(
        description="Your children (guardians) or the children of your groups (staff), by name."
    )
    async def children(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Child]:
        info.context.require_viewer()
        page = await children_page(
            info.context.loaders.reader, page_arguments(first, after, (str, int))
        )
        return Connection[Child].build(page.map(Child.from_model))

    @strawberry.field(description="One child by ID; null when missing or not yours.")
    async def child(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The child's global ID.")],
    ) -> Child | None:
        info.context.require_viewer()
        pk = pk_of(str(id), "Child")
        if pk is None:
            return None
        row = await info.context.loaders.children_by_id.load(pk)
        return Child.from_model(row) if row else None
