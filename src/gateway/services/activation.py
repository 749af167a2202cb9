"""Account activation: mailing single-use links ahead of a placement, and setting the password."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.passwords import check_password_rules, hash_password_async
from gateway.auth.tokens import ACTIVATION_PREFIX, new_token, token_hash
from gateway.errors import DomainError, ErrorCode
from gateway.mail import Mail, Mailer
from gateway.mail.templates import activation_mail
from gateway.models import (
    Account,
    ActivationToken,
    Guardian,
    Guardianship,
    Organisation,
    Placement,
    Role,
)
from gateway.services.accounts import (
    LoginSession,
    issue_token,
    normalise_domain,
    normalise_email,
)

log = logging.getLogger(__name__)

MAX_TOKEN_LENGTH = 200
# A second mail within this time is not sent: a double tap should not mean two mails.
RESEND_QUIET = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class ActivationSettings:
    lead: timedelta
    ttl: timedelta
    public_base_url: str


def _live_token(now: datetime) -> ColumnElement[bool]:
    return and_(
        ActivationToken.used_at.is_(None),
        ActivationToken.revoked_at.is_(None),
        ActivationToken.expires_at > now,
    )


def _placement_due(now: datetime, lead: timedelta) -> ColumnElement[bool]:
    """A guardian is due once a child's placement starts within `lead` and has not ended."""
    today = now.date()
    return exists(
        select(Placement.id)
        .join(Guardianship, Guardianship.child_id == Placement.child_id)
        .where(
            Guardianship.guardian_id == Account.guardian_id,
            Placement.start_date <= today + lead,
            or_(Placement.end_date.is_(None), Placement.end_date >= today),
        )
    )


async def _create_and_mail(
    session: AsyncSession,
    accounts: list[Account],
    now: datetime,
    config: ActivationSettings,
    mailer: Mailer,
) -> int:
    mails: list[Mail] = []
    for account in accounts:
        await session.execute(
            update(ActivationToken)
            .where(ActivationToken.account_id == account.id, _live_token(now))
            .values(revoked_at=now)
        )
        token = new_token(ACTIVATION_PREFIX)
        session.add(
            ActivationToken(
                account_id=account.id,
                token_hash=token_hash(token),
                created_at=now,
                expires_at=now + config.ttl,
            )
        )
        guardian = await session.get(Guardian, account.guardian_id)
        organisation = await session.get(Organisation, account.organisation_id)
        assert guardian is not None
        assert organisation is not None
        mails.append(
            activation_mail(
                to=account.email,
                guardian_name=guardian.first_name,
                organisation_name=organisation.name,
                link=f"{config.public_base_url.rstrip('/')}/activate?token={quote(token)}",
                expires_at=(now + config.ttl).astimezone(ZoneInfo(organisation.time_zone)),
            )
        )
    await session.commit()
    sent = 0
    for mail in mails:  # after commit: a link is never mailed for a token that was rolled back
        try:
            await mailer.send(mail)
            sent += 1
        except Exception:
            log.exception("activation mail to account could not be sent")
    return sent


async def send_due_activations(
    session: AsyncSession, mailer: Mailer, now: datetime, config: ActivationSettings
) -> int:
    """Mail an activation link to every guardian who is due and has no live link yet."""
    has_live = exists(
        select(ActivationToken.id).where(ActivationToken.account_id == Account.id, _live_token(now))
    )
    accounts = list(
        await session.scalars(
            select(Account).where(
                Account.role == Role.GUARDIAN,
                Account.password_hash.is_(None),
                _placement_due(now, config.lead),
                ~has_live,
            )
        )
    )
    return await _create_and_mail(session, accounts, now, config, mailer)


async def resend_activation(
    session: AsyncSession,
    mailer: Mailer,
    now: datetime,
    config: ActivationSettings,
    *,
    domain: str,
    email: str,
) -> None:
    """Send a fresh link, revoking older ones. Says nothing about whether the account exists."""
    if len(domain) > 253 or len(email) > 254:
        raise DomainError(ErrorCode.INVALID_INPUT, "That address is too long.", ["input", "email"])
    if "\x00" in domain or "\x00" in email:
        return  # no account has such an address, and PostgreSQL could not even compare it
    account = await session.scalar(
        select(Account)
        .join(Organisation, Organisation.id == Account.organisation_id)
        .where(
            Organisation.domain == normalise_domain(domain),
            Account.email == normalise_email(email),
            Account.role == Role.GUARDIAN,
            Account.password_hash.is_(None),
            _placement_due(now, config.lead),
        )
    )
    if account is None:
        return
    recent = await session.scalar(
        select(ActivationToken.id).where(
            ActivationToken.account_id == account.id,
            ActivationToken.created_at > now - RESEND_QUIET,
        )
    )
    if recent is None:
        await _create_and_mail(session, [account], now, config, mailer)


async def activate_account(
    session: AsyncSession,
    *,
    token: str,
    password: str,
    now: datetime,
    token_ttl: timedelta,
) -> LoginSession:
    """Set the first password with a link token and log in straight away."""
    if not token.strip() or len(token) > MAX_TOKEN_LENGTH:
        raise DomainError(
            ErrorCode.TOKEN_INVALID, "This activation link is not valid.", ["input", "token"]
        )
    check_password_rules(password, ["input", "password"])
    row = await session.scalar(
        select(ActivationToken).where(ActivationToken.token_hash == token_hash(token))
    )
    if row is None or row.revoked_at is not None:
        raise DomainError(
            ErrorCode.TOKEN_INVALID,
            "This activation link is not valid. Ask for a new one.",
            ["input", "token"],
        )
    if row.used_at is not None:
        raise DomainError(
            ErrorCode.TOKEN_USED,
            "This activation link has been used already. Log in with your password.",
            ["input", "token"],
        )
    if row.expires_at <= now:
        raise DomainError(
            ErrorCode.TOKEN_EXPIRED,
            "This activation link has expired. Ask for a new one.",
            ["input", "token"],
        )
    # Hash before claiming the token and with the read ended: the slow part holds no
    # connection and no lock. A link that a racing request claims meanwhile costs one hash.
    await session.commit()
    password_hash = await hash_password_async(password)
    account = await session.get(Account, row.account_id)
    assert account is not None
    # The guarded UPDATE makes the token single-use even when two requests race.
    claimed = await session.execute(
        update(ActivationToken)
        .where(ActivationToken.id == row.id, ActivationToken.used_at.is_(None))
        .values(used_at=now)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        await session.rollback()
        raise DomainError(
            ErrorCode.TOKEN_USED, "This activation link has been used already.", ["input", "token"]
        )
    account.password_hash = password_hash
    account.activated_at = account.activated_at or now
    result = await issue_token(session, account, now, token_ttl)
    await session.commit()
    return result
