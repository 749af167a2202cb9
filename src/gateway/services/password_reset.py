"""Forgotten password: mailing a single-use, expiring link, and setting the new password.

The request answers the same whether or not the address has an account, and the mail goes out
after the response (a background task), so not even the response time tells.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.passwords import check_password_rules, hash_password_async
from gateway.auth.tokens import RESET_PREFIX, new_token, token_hash
from gateway.errors import DomainError, ErrorCode
from gateway.live import EventPublisher
from gateway.mail import Mail, Mailer
from gateway.mail.templates_accounts_reset import password_reset_mail
from gateway.models import Account, Guardian, Organisation, PasswordResetToken, StaffMember
from gateway.services import throttle
from gateway.services.accounts import (
    MAX_DOMAIN_LENGTH,
    MAX_EMAIL_LENGTH,
    LoginSession,
    issue_token,
    normalise_domain,
    normalise_email,
)
from gateway.services.sessions import end_sessions

log = logging.getLogger(__name__)

MAX_TOKEN_LENGTH = 200
# A second mail within this time is not sent: a double tap should not mean two mails.
RESEND_QUIET = timedelta(minutes=1)
# Mails being sent after their response; kept so the tasks are not collected mid-send.
_sending: set[asyncio.Task[None]] = set()


@dataclass(frozen=True, slots=True)
class ResetSettings:
    ttl: timedelta
    public_base_url: str


def _keys(domain: str, email: str, client_address: str) -> list[str]:
    # Counted for every request, existing account or not: throttling must not tell either.
    return [
        throttle.counter_key("reset", domain, email),
        throttle.counter_key("reset-address", throttle.client_key(client_address)),
    ]


async def _send(mailer: Mailer, mail: Mail) -> None:
    try:
        await mailer.send(mail)
    except Exception:
        log.exception("password reset mail could not be sent")


async def request_password_reset(
    session: AsyncSession,
    mailer: Mailer,
    now: datetime,
    config: ResetSettings,
    policy: throttle.ThrottlePolicy,
    *,
    domain: str,
    email: str,
    client_address: str,
) -> asyncio.Task[None] | None:
    """Mail a reset link if the account exists; returns the sending task (for tests)."""
    for value, limit, field in (
        (domain, MAX_DOMAIN_LENGTH, "domain"),
        (email, MAX_EMAIL_LENGTH, "email"),
    ):
        if not value.strip() or len(value) > limit:
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                f"Fill in the {field} (at most {limit} characters).",
                ["input", field],
            )
    domain, email = normalise_domain(domain), normalise_email(email)
    keys = _keys(domain, email, client_address)
    if await throttle.blocked_for(session, keys, now) is not None:
        raise DomainError(
            ErrorCode.TOO_MANY_ATTEMPTS,
            "Too many requests for a new password. Try again later.",
            ["input", "email"],
        )
    account_key, address_key = keys
    await throttle.record_key_failure(session, account_key, now, policy)
    # Many parents behind one address (a school, an office) ask too: that counter allows more.
    await throttle.record_key_failure(
        session, address_key, now, policy, factor=throttle.ADDRESS_FACTOR
    )
    row = (
        await session.execute(
            select(Account, Organisation)
            .join(Organisation, Organisation.id == Account.organisation_id)
            .where(
                Organisation.domain == domain,
                Account.email == email,
                # Not yet activated: the activation mail is the way in, not a reset.
                Account.password_hash.is_not(None),
            )
        )
    ).first()
    if row is None:
        await session.commit()
        return None
    account, organisation = row
    recent = await session.scalar(
        select(PasswordResetToken.id).where(
            PasswordResetToken.account_id == account.id,
            PasswordResetToken.created_at > now - RESEND_QUIET,
        )
    )
    if recent is not None:
        await session.commit()
        return None
    await session.execute(
        update(PasswordResetToken)
        .where(
            PasswordResetToken.account_id == account.id,
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    token = new_token(RESET_PREFIX)
    session.add(
        PasswordResetToken(
            account_id=account.id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + config.ttl,
        )
    )
    person = await session.get(Guardian, account.guardian_id) if account.guardian_id else None
    staff = await session.get(StaffMember, account.staff_member_id) if person is None else None
    name = person.first_name if person else staff.first_name if staff else account.email
    mail = password_reset_mail(
        to=account.email,
        name=name,
        organisation_name=organisation.name,
        link=f"{config.public_base_url.rstrip('/')}/reset-password?token={quote(token)}",
        expires_at=(now + config.ttl).astimezone(ZoneInfo(organisation.time_zone)),
    )
    await session.commit()
    task = asyncio.create_task(_send(mailer, mail))  # after commit: never a rolled-back token
    _sending.add(task)
    task.add_done_callback(_sending.discard)
    return task


def _invalid(message: str) -> DomainError:
    return DomainError(ErrorCode.TOKEN_INVALID, message, ["input", "token"])


async def reset_password(
    session: AsyncSession,
    publisher: EventPublisher,
    *,
    token: str,
    password: str,
    now: datetime,
    token_ttl: timedelta,
) -> LoginSession:
    """Set the new password with a link token; every session ends, and a new one starts."""
    if not token.strip() or len(token) > MAX_TOKEN_LENGTH:
        raise _invalid("This link is not valid.")
    check_password_rules(password, ["input", "password"])
    row = await session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash(token))
    )
    if row is None or row.revoked_at is not None:
        raise _invalid("This link is not valid. Ask for a new one.")
    if row.used_at is not None:
        raise DomainError(
            ErrorCode.TOKEN_USED, "This link has been used already.", ["input", "token"]
        )
    if row.expires_at <= now:
        raise DomainError(
            ErrorCode.TOKEN_EXPIRED, "This link has expired. Ask for a new one.", ["input", "token"]
        )
    # The guarded UPDATE makes the token single-use even when two requests race.
    claimed = await session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        await session.rollback()
        raise DomainError(
            ErrorCode.TOKEN_USED, "This link has been used already.", ["input", "token"]
        )
    account = await session.get(Account, row.account_id)
    assert account is not None
    account.password_hash = await hash_password_async(password)
    _, event = await end_sessions(
        session, organisation_id=account.organisation_id, account_id=account.id, now=now
    )
    result = await issue_token(session, account, now, token_ttl)
    await session.commit()
    if event is not None:
        await publisher.publish([event])
    return result
