"""Relation fields without a coroutine of their own: the loader's future, mapped.

An `async def` resolver costs a coroutine, Strawberry's async wrapper around it, and an await
chain per field and object; in a list of 19 children with a dozen relations each that is most
of the execution. A plain function returning the loader's future, mapped by `then`, costs one
callback: graphql-core awaits the future itself. Such a field names its GraphQL type in
`strawberry.field(graphql_type=...)`, since `Awaitable[...]` is not one:

    @strawberry.field(description="...", graphql_type=list[Group])
    def groups(self, info: Info) -> Awaitable[list[Group]]:
        return then(info.context.loaders.groups_by_location.load(self.model.id), Group.from_models)

Resolvers that need two loads in a row stay `async def`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def then(awaitable: Awaitable[T], fn: Callable[[T], R]) -> Awaitable[R]:
    """A future of `fn(result)`; `awaitable` is a DataLoader's `load(...)`, an asyncio future."""
    source = asyncio.ensure_future(awaitable)
    result: asyncio.Future[R] = source.get_loop().create_future()

    def done(finished: asyncio.Future[T]) -> None:
        if result.cancelled():
            return
        if finished.cancelled():
            result.cancel()
            return
        error = finished.exception()
        if error is not None:
            result.set_exception(error)
            return
        try:
            result.set_result(fn(finished.result()))
        except Exception as exc:  # a crash in fn is the field's error, as in a resolver
            result.set_exception(exc)

    source.add_done_callback(done)
    return result
