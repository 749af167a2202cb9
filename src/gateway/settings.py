"""Runtime configuration, read from the environment and an optional `.env` file."""

from __future__ import annotations

import sys
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")
DEV_SECRET = "dev-only-secret-change-me"


class Settings(BaseSettings):
    """Every knob of the gateway; names are the environment variables (case-insensitive)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    environment: Literal["development", "production", "test"] = "development"
    database_url: str = f"sqlite+aiosqlite:///{DEFAULT_DATA_DIR / 'ouderportaal.db'}"
    broadcast_url: str = "memory://"
    secret_key: str = Field(default=DEV_SECRET, min_length=16)
    public_base_url: str = "http://127.0.0.1:8000"
    access_token_ttl: timedelta = timedelta(days=30)
    # How long a process trusts what it learnt of a token; logouts reach it at once regardless.
    viewer_cache_ttl: timedelta = timedelta(seconds=10)
    activation_token_ttl: timedelta = timedelta(days=14)
    activation_lead: timedelta = timedelta(weeks=6)
    mail_url: str = f"outbox://{DEFAULT_DATA_DIR / 'outbox'}"
    mail_from: str = "Ouderportaal <noreply@ouderportaal.nl>"
    storage_url: str = f"file://{DEFAULT_DATA_DIR / 'media'}"
    media_url_ttl: timedelta = timedelta(minutes=15)
    live_poll_interval: timedelta = timedelta(seconds=5)
    event_retention: timedelta = timedelta(days=30)
    # Results queued for one socket before its subscriptions fall back to reading the table.
    live_outbox_limit: int = Field(default=1000, ge=2)
    # Off only to measure the baseline in bench/fanout.py: every subscriber executed alone.
    live_shared_execution: bool = True
    max_body_bytes: int = Field(default=1_000_000, ge=1_024)
    login_free_attempts: int = Field(default=5, ge=1)
    login_max_delay: timedelta = timedelta(minutes=15)
    graphiql: bool | None = None
    log_level: str = "INFO"

    @field_validator(
        "access_token_ttl",
        "viewer_cache_ttl",
        "activation_token_ttl",
        "activation_lead",
        "media_url_ttl",
        "live_poll_interval",
        "event_retention",
        "login_max_delay",
        mode="before",
    )
    @classmethod
    def _seconds_allowed(cls, value: object) -> object:
        """Durations as ISO 8601 ('PT15M') or, as people also write them, plain seconds."""
        if isinstance(value, str) and value.strip().replace(".", "", 1).isdigit():
            return float(value)
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("broadcast_url")
    @classmethod
    def _known_broadcast(cls, value: str) -> str:
        if not value.startswith(("memory://", "redis://", "rediss://")):
            raise ValueError("must start with memory://, redis:// or rediss://")
        return value

    @field_validator("mail_url")
    @classmethod
    def _known_mail(cls, value: str) -> str:
        if not value.startswith(("outbox://", "smtp://", "smtps://")):
            raise ValueError("must start with outbox://, smtp:// or smtps://")
        return value

    @model_validator(mode="after")
    def _real_secret_in_production(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEV_SECRET:
            raise ValueError("SECRET_KEY must be set to a long random value in production")
        return self

    @property
    def graphiql_enabled(self) -> bool:
        """GraphiQL is on in development unless switched off explicitly."""
        return self.graphiql if self.graphiql is not None else self.environment == "development"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(**overrides: object) -> Settings:
    """Build settings, exiting with one readable line per problem instead of a traceback."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]).upper() or "SETTINGS"
            print(f"ouderportaal: invalid setting {name}: {error['msg']}", file=sys.stderr)
        raise SystemExit(2) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
