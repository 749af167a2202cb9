"""Linking guardians to children: one or two per child, within one organisation."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.errors import DomainError, ErrorCode
from gateway.models import Child, Guardian, Guardianship

MAX_GUARDIANS = 2


async def add_guardian(session: AsyncSession, child: Child, guardian: Guardian) -> Guardianship:
    """Add a guardianship to the session (the caller commits); refuses a third guardian."""
    if guardian.organisation_id != child.organisation_id:
        raise DomainError(
            ErrorCode.INVALID_INPUT, "Guardian and child belong to different organisations."
        )
    existing = await session.scalar(
        select(func.count()).select_from(Guardianship).where(Guardianship.child_id == child.id)
    )
    if (existing or 0) >= MAX_GUARDIANS:
        raise DomainError(ErrorCode.CONFLICT, f"A child has at most {MAX_GUARDIANS} guardians.")
    link = Guardianship(child_id=child.id, guardian_id=guardian.id)
    session.add(link)
    await session.flush()
    return link
