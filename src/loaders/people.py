"""Loaders for guardians and the accounts behind people."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from gateway.auth import access
from gateway.models import Account, Guardian, StaffMember
from loaders.base import KEYS, Reader, one_per_key, prepared, prepared_rows

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
