"""Loaders for guardians and the accounts behind people."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from gateway.auth import access
from gateway.models import (
    AccessToken,
    Account,
    EmailFrequency,
    EmailPreference,
    Guardian,
    StaffMember,
)
from loaders.base import KEYS, Reader, many_per_key, one_per_key, prepared, prepared_rows

_GUARDIANS_BY_ID = prepared(
    select(Guardian).where(Guardian.id.in_(KEYS), access.guardian_in_scope(Guardian.id))
)


async def guardians_by_id(reader: Reader, keys: Sequence[int]) -> list[Guardian | None]:
    rows = await reader.all(_GUARDIANS_BY_ID, keys)
    return one_per_key(rows, lambda g: g.id, keys)


async def accounts_by_guardian(reader: Reader, keys: Sequence[int]) -> list[Account | None]:
    rows = await reader.all(
        select(Account).where(
            Account.guardian_id.in_(keys),
            access.account_contact_visible(reader.viewer, reader.today),
        )
    )
    return one_per_key(rows, lambda a: a.guardian_id or 0, keys)


async def accounts_by_id(reader: Reader, keys: Sequence[int]) -> list[Account | None]:
    rows = await reader.all(
        select(Account).where(
            Account.id.in_(keys), access.account_contact_visible(reader.viewer, reader.today)
        )
    )
    return one_per_key(rows, lambda a: a.id, keys)


_DISPLAY_NAMES_BY_ACCOUNT = prepared_rows(
    select(
        Account.id,
        func.coalesce(Guardian.first_name, StaffMember.first_name),
        func.coalesce(Guardian.last_name, StaffMember.last_name),
    )
    .outerjoin(Guardian, Guardian.id == Account.guardian_id)
    .outerjoin(StaffMember, StaffMember.id == Account.staff_member_id)
    .where(Account.id.in_(KEYS), access.organisation_in_scope(Account.organisation_id))
)


async def display_names_by_account(reader: Reader, keys: Sequence[int]) -> list[str | None]:
    """Names of the people behind accounts of the viewer's organisation (no contact details)."""
    rows = await reader.rows(_DISPLAY_NAMES_BY_ACCOUNT, keys)
    names = {account_id: f"{first} {last}" for account_id, first, last in rows}
    return [names.get(k) for k in keys]


async def sessions_by_account(reader: Reader, keys: Sequence[int]) -> list[list[AccessToken]]:
    """Not yet revoked sessions, newest first; only one's own (expired ones are for the caller
    to drop: loaders know today, not the instant)."""
    rows = await reader.all(
        select(AccessToken)
        .where(
            AccessToken.account_id.in_(keys),
            access.own_account_record(AccessToken.account_id, reader.viewer),
            AccessToken.revoked_at.is_(None),
        )
        .order_by(AccessToken.created_at.desc(), AccessToken.id.desc())
    )
    return many_per_key(rows, lambda t: t.account_id, keys)


async def sessions_by_id(reader: Reader, keys: Sequence[int]) -> list[AccessToken | None]:
    rows = await reader.all(
        select(AccessToken).where(
            AccessToken.id.in_(keys),
            access.own_account_record(AccessToken.account_id, reader.viewer),
            AccessToken.revoked_at.is_(None),
        )
    )
    return one_per_key(rows, lambda t: t.id, keys)


async def email_frequency_by_account(reader: Reader, keys: Sequence[int]) -> list[EmailFrequency]:
    """One's own choice (immediately when never chosen); others' read as the default."""
    rows = await reader.rows(
        select(EmailPreference.account_id, EmailPreference.frequency).where(
            EmailPreference.account_id.in_(keys),
            access.own_account_record(EmailPreference.account_id, reader.viewer),
        )
    )
    chosen = {account_id: frequency for account_id, frequency in rows}
    return [chosen.get(k, EmailFrequency.IMMEDIATE) for k in keys]
