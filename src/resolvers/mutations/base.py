"""Running a use case for a mutation: domain errors become payload errors, nothing half-done."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Generic, TypeVar

from gateway.auth.viewer import Viewer
from gateway.errors import DomainError, ErrorCode
from resolvers.context import Info
from resolvers.errors import UserError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    value: T | None
    errors: list[UserError]


async def attempt(info: Info, action: Awaitable[T]) -> Outcome[T]:
    """Await the use case; on a DomainError roll back and report it as data."""
    try:
        value = await action
    except DomainError as error:
        await info.context.session.rollback()
        return Outcome(value=None, errors=[UserError.from_domain(error)])
    # Rows changed: the payload must not be resolved from rows the loaders cached before.
    info.context.loaders.clear_all()
    return Outcome(value=value, errors=[])


def signed_in(info: Info) -> Viewer:
    """The viewer, or a DomainError that `attempt` turns into an UNAUTHENTICATED payload error."""
    if info.context.viewer is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Log in first.", None)
    return info.context.viewer
