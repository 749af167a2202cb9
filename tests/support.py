"""Test plumbing: databases on both backends, a real server per test, a GraphQL client."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import uvicorn
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from gateway.app import server_options
from gateway.db import Base, create_engine, create_sessionmaker

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
# CI sets this so that a missing service fails the run instead of skipping its tests.
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


class FrozenClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


# Mid-morning in Amsterdam on an ordinary Tuesday.
DEFAULT_NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


@dataclass
class Database:
    url: str
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]

    async def clean(self) -> None:
        async with self.engine.begin() as connection:
            tables = list(reversed(Base.metadata.sorted_tables))
            if self.engine.dialect.name == "postgresql":
                names = ", ".join(t.name for t in tables)
                await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    await connection.execute(table.delete())

    async def count(self, table: str) -> int:
        async with self.engine.connect() as connection:
            return int(
                (await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
            )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class StatementCounter:
    statements: list[str] = field(default_factory=list)
    paused: bool = False

    def attach(self, engine: AsyncEngine) -> None:
        event.listen(engine.sync_engine, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not self.paused:
            self.statements.append(statement)


@dataclass
class RunningServer:
    url: str
    app: Starlette
    clock: FrozenClock
    statements: StatementCounter

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"


@asynccontextmanager
async def _serving(config: uvicorn.Config) -> AsyncIterator[str]:
    """uvicorn in this event loop until the block ends; yields its base URL."""
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("server stopped during start-up")
        await asyncio.sleep(0.005)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def run_server(
    app: Starlette, clock: FrozenClock, **options: Any
) -> AsyncIterator[RunningServer]:
    """The gateway under uvicorn in this event loop on a free loopback port."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=free_port(),
        log_level="warning",
        lifespan="on",
        **{**server_options(app.state.settings), **options},
    )
    async with _serving(config) as url:
        counter = StatementCounter()
        counter.attach(app.state.runtime.engine)
        yield RunningServer(url, app, clock, counter)


def answer(response: httpx.Response) -> dict[str, Any]:
    """A GraphQL response's body without `extensions.cost`, which every answer reports
    (tests/api/test_cost_limits.py): tests compare the rest of the body."""
    result: dict[str, Any] = response.json()
    extensions = result.get("extensions")
    if isinstance(extensions, dict):
        extensions.pop("cost", None)
        if not extensions:
            del result["extensions"]
    return result


class GraphQLClient:
    """Sends GraphQL documents over real HTTP and returns the decoded JSON body."""

    def __init__(self, http: httpx.AsyncClient, url: str) -> None:
        self.http = http
        self.url = url

    async def execute(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        response = await self.http.post(self.url, json=body, headers=headers)
        assert response.status_code == 200, response.text
        return answer(response)

    async def token_refused(self, token: str) -> bool:
        """Whether a request with `token` is answered 401 `invalid_token` (RFC 6750)."""
        response = await self.http.post(
            self.url, json={"query": "{ __typename }"}, headers={"Authorization": f"Bearer {token}"}
        )
        challenge = response.headers.get("www-authenticate")
        return response.status_code == 401 and challenge == 'Bearer error="invalid_token"'

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        """The `data` of a response that must have no errors."""
        result = await self.execute(query, variables, token=token)
        assert "errors" not in result, result["errors"]
        data: dict[str, Any] = result["data"]
        return data


def make_engine(url: str) -> Database:
    engine = create_engine(url)
    return Database(url=url, engine=engine, sessionmaker=create_sessionmaker(engine))


@asynccontextmanager
async def serve_asgi(app: Any) -> AsyncIterator[str]:
    """Any ASGI app under uvicorn in this event loop on a free loopback port; its base URL."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=free_port(), lifespan="off", ws="none", log_config=None
    )
    async with _serving(config) as url:
        yield url
