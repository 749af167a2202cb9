"""The typed per-request context every resolver receives."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from gateway.auth.viewer import Viewer, bearer_token, check_sent_token
from gateway.errors import Unauthenticated
from gateway.runtime import Runtime
from loaders import Loaders


@dataclass
class Context:
    request: HTTPConnection
    request_id: str
    session: AsyncSession
    viewer: Viewer | None
    loaders: Loaders
    runtime: Runtime
    now: datetime
    today: date

    @property
    def client_address(self) -> str:
        return self.request.client.host if self.request.client else "unknown"

    def require_viewer(self) -> Viewer:
        if self.viewer is None:
            raise Unauthenticated()
        return self.viewer


Info = strawberry.Info[Context, None]


@asynccontextmanager
async def build_context(request: HTTPConnection, request_id: str) -> AsyncIterator[Context]:
    """Open the request's session, find the viewer, and create fresh loaders.

    Raises `InvalidToken` (401) when a bearer token was sent but found no live session."""
    runtime: Runtime = request.app.state.runtime
    now = runtime.clock()
    async with runtime.sessionmaker() as session:
        authorization = request.headers.get("authorization")
        viewer = await runtime.viewers.viewer(session, bearer_token(authorization), now)
        check_sent_token(authorization, viewer)  # a bad token is a 401, not an anonymous viewer
        yield _context(request, request_id, session, viewer, runtime, now)


@asynccontextmanager
async def context_for_viewer(
    connection: HTTPConnection, viewer: Viewer, request_id: str
) -> AsyncIterator[Context]:
    """A fresh context for an already authenticated viewer (one WebSocket operation or event)."""
    runtime: Runtime = connection.app.state.runtime
    now = runtime.clock()
    async with runtime.sessionmaker() as session:
        yield _context(connection, request_id, session, viewer, runtime, now)


def _context(
    request: HTTPConnection,
    request_id: str,
    session: AsyncSession,
    viewer: Viewer | None,
    runtime: Runtime,
    now: datetime,
) -> Context:
    today = viewer.today(now) if viewer else now.date()
    return Context(
        request=request,
        request_id=request_id,
        session=session,
        viewer=viewer,
        loaders=Loaders(session, viewer, today, now),
        runtime=runtime,
        now=now,
        today=today,
    )
