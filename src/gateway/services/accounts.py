"""Logging in and out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.passwords import MAX_LENGTH, verify_password
from gateway.auth.tokens import ACCESS_PREFIX, new_token, token_hash
from gateway.auth.viewer import Viewer
from gateway.errors import DomainError, ErrorCode
from gateway.live import SESSION_REVOKED, Audience, EventPublisher, events
from gateway.models import AccessToken, Account, Organisation
from gateway.services import throttle

MAX_DOMAIN_LENGTH = 253
MAX_EMAIL_LENGTH = 254


@dataclass(frozen=True, slots=True)
class LoginSession:
    """A new bearer token; the token text exists only here, the database keeps its hash."""

    token: str
    expires_at: datetime
    account: Account


def normalise_domain(domain: str) -> str:
    """Accept what people paste: 'https://Partou.ouderportaal.nl/' is 'partou.ouderportaal.nl'."""
    value = domain.strip().lower()
    for prefix in ("https://", "http://"):
        value = value.removeprefix(prefix)
    return value.split("/", 1)[0]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _require(value: str, limit: int, field: str, label: str) -> None:
    if not value.strip():
        raise DomainError(ErrorCode.INVALID_INPUT, f"Fill in the {label}.", ["input", field])
    if len(value) > limit:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            f"The {label} has at most {limit} characters.",
            ["input", field],
        )


async def issue_token(
    session: AsyncSession,
    account: Account,
    now: datetime,
    ttl: timedelta,
    *,
    user_agent: str = "",
) -> LoginSession:
    token = new_token(ACCESS_PREFIX)
    session.add(
        AccessToken(
            account_id=account.id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + ttl,
            user_agent=user_agent[:200],
        )
    )
    return LoginSession(token=token, expires_at=now + ttl, account=account)


async def login(
    session: AsyncSession,
    *,
    domain: str,
    email: str,
    password: str,
    client_address: str,
    now: datetime,
    token_ttl: timedelta,
    policy: throttle.ThrottlePolicy,
    user_agent: str = "",
) -> LoginSession:
    """Check the three fields; unknown e-mail and wrong password answer exactly alike."""
    _require(domain, MAX_DOMAIN_LENGTH, "domain", "portal address")
    _require(email, MAX_EMAIL_LENGTH, "email", "e-mail address")
    _require(password, MAX_LENGTH, "password", "password")
    domain, email = normalise_domain(domain), normalise_email(email)
    keys = [throttle.account_key(domain, email), throttle.address_key(client_address)]
    wait = await throttle.blocked_for(session, keys, now)
    if wait is not None:
        seconds = max(1, int(wait.total_seconds() + 0.999))
        unit = "second" if seconds == 1 else "seconds"
        raise DomainError(
            ErrorCode.TOO_MANY_ATTEMPTS,
            f"Too many failed attempts. Try again in {seconds} {unit}.",
            ["input", "password"],
        )
    account = await session.scalar(
        select(Account)
        .join(Organisation, Organisation.id == Account.organisation_id)
        .where(Organisation.domain == domain, Account.email == email)
    )
    if not verify_password(account.password_hash if account else None, password):
        for key in keys:
            await throttle.record_failure(session, key, now, policy)
        await session.commit()
        raise DomainError(
            ErrorCode.INVALID_CREDENTIALS,
            "The portal address, e-mail address and password do not match an account.",
            ["input", "password"],
        )
    assert account is not None
    await throttle.clear(session, keys[0])
    result = await issue_token(session, account, now, token_ttl, user_agent=user_agent)
    await session.commit()
    return result


async def logout(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    publisher: EventPublisher,
    *,
    everywhere: bool,
) -> int:
    """Revoke this token (or all of the account's tokens); returns how many were revoked.

    Open WebSockets of the revoked sessions are closed by the `session.revoked` event, in
    every gateway process.
    """
    condition = (
        AccessToken.account_id == viewer.account_id
        if everywhere
        else AccessToken.id == viewer.token_id
    )
    result = await session.execute(
        update(AccessToken)
        .where(condition, AccessToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    event = await events.record(
        session,
        SESSION_REVOKED,
        Audience(organisation_id=viewer.organisation_id, account_id=viewer.account_id),
        {"tokenIds": None if everywhere else [viewer.token_id]},
        now,
    )
    await session.commit()
    await publisher.publish([event])
    return int(getattr(result, "rowcount", 0) or 0)
