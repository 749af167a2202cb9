"""Bringing a database to the newest schema with Alembic, from code (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.db import create_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


async def migrate(database_url: str) -> None:
    """Upgrade to the newest revision(s), in the caller's event loop (servers and tests call it)."""
    engine: AsyncEngine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade, database_url)
    finally:
        await engine.dispose()


def _upgrade(connection: object, database_url: str) -> None:
    config = alembic_config(database_url)
    config.attributes["connection"] = connection
    # "heads": features may add migrations side by side before a merge revision joins them.
    command.upgrade(config, "heads")
