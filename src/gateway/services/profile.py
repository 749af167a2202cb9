"""A guardian's own contact details, and changing one's password."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.passwords import (
    MAX_LENGTH,
    check_password_rules,
    hash_password_async,
    verify_password_async,
)
from gateway.auth.viewer import Viewer
from gateway.errors import DomainError, ErrorCode
from gateway.live import EventPublisher
from gateway.models import Account, Guardian
from gateway.services import throttle
from gateway.services.sessions import end_sessions

# Digits with the separators people type; +31 or 0 in front. Not a full E.164 check on purpose:
# foreign numbers of parents abroad must fit too.
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{5,30}$")
_POSTCODE = re.compile(r"^[0-9]{4} ?[A-Za-z]{2}$")


@dataclass(frozen=True, slots=True)
class ProfileChange:
    """The fields to change; None leaves a field as it is, "" clears it."""

    phone: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None


def _clean(value: str | None, limit: int, field: str, label: str) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    if len(value) > limit:
        message = f"The {label} has at most {limit} characters."
        raise DomainError(ErrorCode.INVALID_INPUT, message, ["input", field])
    return value


def _checked(change: ProfileChange) -> ProfileChange:
    phone = _clean(change.phone, 32, "phone", "phone number")
    if phone and not _PHONE.fullmatch(phone):
        raise DomainError(
            ErrorCode.INVALID_INPUT, "That is not a phone number.", ["input", "phone"]
        )
    postcode = _clean(change.postcode, 16, "postcode", "postcode")
    if postcode and not _POSTCODE.fullmatch(postcode):
        raise DomainError(
            ErrorCode.INVALID_INPUT, "A postcode looks like '3511 AB'.", ["input", "postcode"]
        )
    if postcode:
        postcode = f"{postcode[:4]} {postcode[-2:].upper()}"
    return ProfileChange(
        phone=phone,
        street=_clean(change.street, 200, "street", "street"),
        postcode=postcode,
        city=_clean(change.city, 100, "city", "city"),
    )


async def update_profile(session: AsyncSession, viewer: Viewer, change: ProfileChange) -> Guardian:
    """Change the viewer's own contact details (guardians; staff details come from HR)."""
    if viewer.guardian_id is None:
        raise DomainError(ErrorCode.FORBIDDEN, "Staff details are kept by your organisation.", None)
    checked = _checked(change)
    guardian = await session.get(Guardian, viewer.guardian_id)
    assert guardian is not None  # the viewer's own row: accounts never outlive it
    for name in ("phone", "street", "postcode", "city"):
        value = getattr(checked, name)
        if value is not None:
            setattr(guardian, name, value)
    await session.commit()
    return guardian


def _change_key(account_id: int) -> str:
    return f"password-change:{account_id}"


async def change_password(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    publisher: EventPublisher,
    policy: throttle.ThrottlePolicy,
    *,
    current_password: str,
    new_password: str,
) -> Account:
    """Set a new password after checking the current one; every other session ends.

    Wrong current passwords are throttled like logins, so a stolen token cannot be used to
    guess the password.
    """
    field = ["input", "currentPassword"]
    if len(current_password) > MAX_LENGTH:
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "The current password is wrong.", field)
    key = _change_key(viewer.account_id)
    wait = await throttle.blocked_for(session, [key], now)
    if wait is not None:
        raise DomainError(
            ErrorCode.TOO_MANY_ATTEMPTS,
            f"Too many failed attempts. Try again in {max(1, int(wait.total_seconds()))} s.",
            field,
        )
    account = await session.scalar(select(Account).where(Account.id == viewer.account_id))
    assert account is not None
    if not await verify_password_async(account.password_hash, current_password):
        await throttle.record_key_failure(session, key, now, policy)
        await session.commit()
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "The current password is wrong.", field)
    check_password_rules(new_password, ["input", "newPassword"])
    if new_password == current_password:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            "Choose a password other than the current one.",
            ["input", "newPassword"],
        )
    account.password_hash = await hash_password_async(new_password)
    await throttle.clear(session, key)
    _, event = await end_sessions(
        session,
        organisation_id=viewer.organisation_id,
        account_id=viewer.account_id,
        now=now,
        keep_token_id=viewer.token_id,
    )
    await session.commit()
    if event is not None:
        await publisher.publish([event])
    return account
