"""Runtime configuration, read from the environment and an optional `.env` file."""

from __future__ import annotations

import ipaddress
import sys
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")
DEV_SECRET = "dev-only-secret-change-me"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DURATION_FORMS = "an ISO 8601 duration (PT15M, PT1H30M, P30D) or seconds (900)"
# Durations that may be zero (it switches the thing off); every other one must be positive.
ZERO_ALLOWED = frozenset({"viewer_cache_ttl"})


class SettingError(ValueError):
    """A problem that belongs to one variable, though found looking at several."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


class Settings(BaseSettings):
    """Every knob of the gateway; names are the environment variables (case-insensitive)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    environment: Literal["development", "production", "test"] = "development"
    database_url: str = f"sqlite+aiosqlite:///{DEFAULT_DATA_DIR / 'ouderportaal.db'}"
    broadcast_url: str = "memory://"
    secret_key: str = Field(default=DEV_SECRET, min_length=16)
    public_base_url: str = "http://127.0.0.1:8000"
    # Where mail clients reach this gateway (one-click unsubscribe); empty: `public_base_url`.
    public_api_url: str = ""
    access_token_ttl: timedelta = timedelta(days=30)
    # How long a process trusts what it learnt of a token; logouts reach it at once regardless.
    viewer_cache_ttl: timedelta = timedelta(seconds=10)
    activation_token_ttl: timedelta = timedelta(days=14)
    activation_lead: timedelta = timedelta(weeks=6)
    password_reset_ttl: timedelta = timedelta(hours=1)
    mail_url: str = f"outbox://{DEFAULT_DATA_DIR / 'outbox'}"
    mail_from: str = "Ouderportaal <noreply@ouderportaal.nl>"
    storage_url: str = f"file://{DEFAULT_DATA_DIR / 'media'}"
    media_url_ttl: timedelta = timedelta(minutes=15)
    # Uploaded images: the largest file accepted and the most pixels decoded (decompression bombs).
    media_max_bytes: int = Field(default=25_000_000, ge=1_024)
    media_max_pixels: int = Field(default=100_000_000, ge=1_000)
    # Image work runs in this many threads; more uploads wait their turn instead of stalling.
    media_image_workers: int = Field(default=2, ge=1, le=32)
    live_poll_interval: timedelta = timedelta(seconds=5)
    # Background jobs (diary exports): how often other processes' jobs are looked for, how long
    # a claim holds without renewal (a dead worker's job is taken over after it), and how long
    # the mailed download link of a diary export works.
    job_poll_interval: timedelta = timedelta(seconds=5)
    job_lease: timedelta = timedelta(minutes=2)
    diary_export_link_ttl: timedelta = timedelta(days=7)
    event_retention: timedelta = timedelta(days=30)
    # Results queued for one socket before its subscriptions fall back to reading the table.
    live_outbox_limit: int = Field(default=1000, ge=2)
    # Off only to measure the baseline in bench/fanout.py: every subscriber executed alone.
    live_shared_execution: bool = True
    max_body_bytes: int = Field(default=1_000_000, ge=1_024)
    # The most an operation may cost (objects it can ask for, see gateway/cost.py).
    max_query_cost: int = Field(default=25_000, ge=1)
    # Only operations registered with `ouderportaal register-operations` run: a stolen token
    # cannot run documents the apps never send.
    trusted_documents: bool = False
    # Subscriptions one socket may hold at once; one more is refused, the socket stays.
    max_subscriptions_per_socket: int = Field(default=100, ge=1)
    login_free_attempts: int = Field(default=5, ge=1)
    login_max_delay: timedelta = timedelta(minutes=15)
    # Peers whose X-Forwarded-For names the client (addresses or networks, comma-separated);
    # the default suits a reverse proxy on the same host. Empty: believe no such header.
    trusted_proxies: Annotated[list[str], NoDecode] = ["127.0.0.1", "::1"]
    # Web Push (VAPID): make a pair with `ouderportaal vapid-keys`; empty switches push off.
    vapid_private_key: str = ""
    vapid_subject: str = "mailto:beheer@ouderportaal.nl"
    graphiql: bool | None = None
    # Introspection and "did you mean" in errors: on outside production unless switched off.
    introspection: bool | None = None
    # Web origins allowed to call the API from a browser (CORS and WebSocket
    # `Origin`), separated by commas; `*` for any. Unset: none, or localhost dev servers in
    # development.
    cors_origins: str | None = None
    # Requests (HTTP, and socket messages) per window, per token and per client address; 0
    # switches one off. In Redis when BROADCAST_URL is, else in this process. Unset: on in
    # production (1,200 and 6,000 a minute), off elsewhere, where developers, tests and
    # load tools should not meet them.
    rate_limit_per_token: int | None = Field(default=None, ge=0)
    rate_limit_per_address: int | None = Field(default=None, ge=0)
    rate_limit_window: timedelta = timedelta(minutes=1)
    log_level: str = "INFO"

    @field_validator(
        "access_token_ttl",
        "viewer_cache_ttl",
        "activation_token_ttl",
        "activation_lead",
        "password_reset_ttl",
        "media_url_ttl",
        "live_poll_interval",
        "event_retention",
        "login_max_delay",
        "job_poll_interval",
        "job_lease",
        "diary_export_link_ttl",
        "rate_limit_window",
        mode="before",
    )
    @classmethod
    def _seconds_allowed(cls, value: object) -> object:
        """Durations as ISO 8601 ('PT15M') or, as people also write them, plain seconds."""
        if isinstance(value, str) and value.strip().replace(".", "", 1).isdigit():
            return float(value)
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _address_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses_or_networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network") from None
        return value

    @field_validator("*", mode="wrap")
    @classmethod
    def _duration_forms(
        cls, value: object, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> object:
        """Every duration, with the forms it accepts named when it is not one of them."""
        field = cls.model_fields.get(info.field_name or "")
        if field is None or field.annotation is not timedelta:
            return handler(value)
        try:
            duration = handler(value)
        except ValidationError:
            raise ValueError(f"{value!r} is not a duration: use {DURATION_FORMS}") from None
        zero_allowed = info.field_name in ZERO_ALLOWED
        if duration < timedelta(0) or (duration == timedelta(0) and not zero_allowed):
            bound = "negative" if zero_allowed else "zero or negative"
            raise ValueError(f"{value!r} is {bound}: use {DURATION_FORMS}")
        return duration

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        if value.strip().upper() not in LOG_LEVELS:
            raise ValueError(f"{value!r} is no log level: use one of {', '.join(LOG_LEVELS)}")
        return value.strip().upper()

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

    @field_validator("storage_url")
    @classmethod
    def _known_storage(cls, value: str) -> str:
        if not value.startswith(("file://", "s3://")):
            raise ValueError("must start with file:// or s3://")
        return value

    @model_validator(mode="after")
    def _real_secret_in_production(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEV_SECRET:
            raise SettingError(
                "SECRET_KEY",
                "not set; production needs a long random value of its own (at least 16 "
                "characters, e.g. `python3 -c 'import secrets; print(secrets.token_hex(32))'`)",
            )
        return self

    @property
    def token_rate_limit(self) -> int:
        """Requests per window one token may make (0: no limit)."""
        if self.rate_limit_per_token is not None:
            return self.rate_limit_per_token
        return 1_200 if self.environment == "production" else 0

    @property
    def address_rate_limit(self) -> int:
        """Requests per window one client address may make (0: no limit)."""
        if self.rate_limit_per_address is not None:
            return self.rate_limit_per_address
        return 6_000 if self.environment == "production" else 0

    @property
    def graphiql_enabled(self) -> bool:
        """GraphiQL is on in development unless switched off explicitly."""
        return self.graphiql if self.graphiql is not None else self.environment == "development"

    @property
    def introspection_enabled(self) -> bool:
        """The schema is shown (introspection, suggestions) outside production unless off."""
        if self.introspection is not None:
            return self.introspection
        return self.environment != "production"

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
            message = error["msg"]
            cause = error.get("ctx", {}).get("error")
            if isinstance(cause, SettingError):
                name, message = cause.name, cause.message
            elif error["type"] == "value_error":
                message = message.removeprefix("Value error, ")
            print(f"ouderportaal: invalid setting {name}: {message}", file=sys.stderr)
        raise SystemExit(2) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
