"""Who is asking: the account behind a valid bearer token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.tokens import token_hash
from gateway.models import AccessToken, Account, Organisation, Role


@dataclass(frozen=True, slots=True)
class Viewer:
    account_id: int
    organisation_id: int
    role: Role
    guardian_id: int | None
    staff_member_id: int | None
    token_id: int
    token_expires_at: datetime
    time_zone: str

    @property
    def is_guardian(self) -> bool:
        return self.role is Role.GUARDIAN

    @property
    def is_staff(self) -> bool:
        return self.role is Role.STAFF

    def today(self, now: datetime) -> date:
        """The calendar date at the viewer's organisation, which is what access windows count in."""
        return now.astimezone(ZoneInfo(self.time_zone)).date()


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or len(value) > 200:
        return None
    return value


class InvalidToken(Exception):
    """A bearer token was sent but belongs to no live session: unknown, malformed, expired or
    revoked. HTTP answers 401 with the RFC 6750 challenge, so that a client drops its token and
    logs in again instead of taking an anonymous `null` for an empty account."""

    challenge = 'Bearer error="invalid_token"'
    message = "The bearer token is unknown, expired or logged out: log in again, or send none."

    def __init__(self) -> None:
        super().__init__(self.message)


def check_sent_token(authorization: str | None, viewer: Viewer | None) -> None:
    """Raise `InvalidToken` when a bearer token was sent but found no viewer.

    No header, or another scheme (a proxy's Basic credentials), stays anonymous: logging in and
    activating an account need no token.
    """
    if viewer is None and authorization:
        scheme = authorization.strip().partition(" ")[0]
        if scheme.lower() == "bearer":
            raise InvalidToken()


async def viewer_for_token(
    session: AsyncSession, token: str | None, now: datetime
) -> Viewer | None:
    """The viewer for a live token, or None for a missing, unknown, expired or revoked one."""
    if token is None:
        return None
    row = (
        await session.execute(
            select(AccessToken.id, AccessToken.expires_at, Account, Organisation.time_zone)
            .join(Account, Account.id == AccessToken.account_id)
            .join(Organisation, Organisation.id == Account.organisation_id)
            .where(
                AccessToken.token_hash == token_hash(token),
                AccessToken.revoked_at.is_(None),
                AccessToken.expires_at > now,
            )
        )
    ).first()
    if row is None:
        return None
    token_id, expires_at, account, time_zone = row
    return Viewer(
        account_id=account.id,
        organisation_id=account.organisation_id,
        role=account.role,
        guardian_id=account.guardian_id,
        staff_member_id=account.staff_member_id,
        token_id=token_id,
        token_expires_at=expires_at,
        time_zone=time_zone,
    )
