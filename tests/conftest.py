"""Fixtures: `db` runs each test on SQLite and on PostgreSQL; `server` is a real gateway."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import make_url, text

from gateway.app import create_app
from gateway.migrate import migrate
from gateway.settings import Settings
from tests.builders import World
from tests.redis_server import redis_server_fixture  # noqa: F401  (fixture)
from tests.smtp import smtp_server  # noqa: F401  (fixture)
from tests.support import (
    DEFAULT_NOW,
    POSTGRES_URL,
    REQUIRE_SERVICES,
    Database,
    FrozenClock,
    GraphQLClient,
    RunningServer,
    make_engine,
    run_server,
)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A migrated database per backend for the whole run.

    PostgreSQL gets a database of this run's own, so parallel runs never meet.
    """
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        await migrate(url)
        yield url
        return
    server = make_engine(POSTGRES_URL)
    name = f"test_ouderportaal_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        async with server.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        await server.engine.dispose()
        if REQUIRE_SERVICES:
            raise
        pytest.skip(
            f"PostgreSQL not reachable at {POSTGRES_URL} ({type(exc).__name__}); "
            "set TEST_POSTGRES_URL to run these tests"
        )
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        await migrate(url)
        yield url
    finally:
        async with server.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await server.engine.dispose()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A migrated, empty database of each backend."""
    database = make_engine(database_url)
    await database.clean()
    try:
        yield database
    finally:
        await database.engine.dispose()


@pytest.fixture(scope="session")
def shared_clock() -> FrozenClock:
    return FrozenClock(DEFAULT_NOW)


@pytest.fixture
def clock(shared_clock: FrozenClock) -> FrozenClock:
    """The frozen clock of the shared server, back at `DEFAULT_NOW` for every test."""
    shared_clock.now = DEFAULT_NOW
    return shared_clock


@pytest.fixture
async def world(db: Database, clock: FrozenClock) -> World:
    """Named organisations, groups, families and staff (see tests/builders.py)."""
    return await World.build(db, clock.now)


def test_settings(database_url: str, folder: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        mail_url=f"outbox://{folder / 'outbox'}",
        storage_url=f"file://{folder / 'media'}",
        public_base_url="https://app.example",
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for a test that starts a server of its own (e.g. with another mail server)."""
    return test_settings(database_url, tmp_path)


@pytest.fixture(scope="session")
async def server(
    database_url: str, shared_clock: FrozenClock, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningServer]:
    """One real gateway per backend for the whole run; each test cleans the database."""
    app = create_app(
        test_settings(database_url, tmp_path_factory.mktemp("server")),
        clock=shared_clock,
        background_tasks=False,
    )
    async with run_server(app, shared_clock) as running:
        yield running


@pytest.fixture
async def gql(server: RunningServer, db: Database) -> AsyncIterator[GraphQLClient]:
    server.statements.statements.clear()
    async with httpx.AsyncClient(timeout=30) as http:
        yield GraphQLClient(http, server.graphql_url)
