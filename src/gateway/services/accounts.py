"""Logging in and out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.passwords import MAX_LENGTH, verify_password_async
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
    # PostgreSQL text cannot hold NUL: refuse it before it reaches a query, on every backend.
    # (A password is only hashed, so it may hold anything activation let through.)
    if field != "password" and "\x00" in value:
        raise DomainError(
            ErrorCode.INVALID_INPUT, f"The {label} cannot contain NUL characters.", ["input", field]
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
    """Check the three fields; unknown e-mail and wrong password answer exactly alike.

    Failures are counted per account, address and both (`throttle`); which of them may hold
    this attempt back depends on whether the account has logged in from this address before.
    """
    _require(domain, MAX_DOMAIN_LENGTH, "domain", "portal address")
    _require(email, MAX_EMAIL_LENGTH, "email", "e-mail address")
    _require(password, MAX_LENGTH, "password", "password")
    domain, email = normalise_domain(domain), normalise_email(email)
    attempt = throttle.Attempt.of(domain, email, client_address)
    account = await session.scalar(
        select(Account)
        .join(Organisation, Organisation.id == Account.organisation_id)
        .where(Organisation.domain == domain, Account.email == email)
    )
    known = await throttle.is_known(session, account.id if account else None, attempt.address)
    wait = await throttle.blocked_for(session, attempt.keys(known), now)
    if wait is not None:
        seconds = max(1, int(wait.total_seconds() + 0.999))
        unit = "second" if seconds == 1 else "seconds"
        raise DomainError(
            ErrorCode.TOO_MANY_ATTEMPTS,
            f"Too many failed attempts. Try again in {seconds} {unit}.",
            ["input", "password"],
        )
    # End the read before the slow check, so that a queue of logins holds no connections.
    await session.commit()
    if not await verify_password_async(account.password_hash if account else None, password):
        await throttle.record_failure(session, attempt, now, policy)
        await session.commit()
        raise DomainError(
            ErrorCode.INVALID_CREDENTIALS,
            "The portal address, e-mail address and password do not match an account.",
            ["input", "password"],
        )
    assert account is not None
    await throttle.record_success(session, attempt, account.id, now)
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
