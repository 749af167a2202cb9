"""Guardians stating and changing a child's consents, with every change kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth import access
from gateway.auth.viewer import Viewer
from gateway.errors import DomainError, ErrorCode
from gateway.models import Child, Consent, ConsentChange, ConsentKind


async def update_consents(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    *,
    child_id: int | None,
    changes: dict[ConsentKind, bool],
) -> Child:
    """Apply the given answers; unchanged answers add no history. One transaction."""
    today = viewer.today(now)
    child = None
    if child_id is not None:
        child = await session.scalar(
            select(Child).where(Child.id == child_id, access.child_visible(Child.id, viewer, today))
        )
    if child is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such child.", ["input", "childId"])
    if not viewer.is_guardian:
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "Only a child's guardians can change consents.",
            ["input", "childId"],
        )
    if not changes:
        raise DomainError(
            ErrorCode.INVALID_INPUT, "Give at least one consent to change.", ["input"]
        )
    current = {
        c.kind: c
        for c in await session.scalars(select(Consent).where(Consent.child_id == child.id))
    }
    for kind, granted in changes.items():
        existing = current.get(kind)
        if existing is not None and existing.granted == granted:
            continue
        if existing is None:
            session.add(
                Consent(
                    child_id=child.id,
                    kind=kind,
                    granted=granted,
                    changed_at=now,
                    changed_by_account_id=viewer.account_id,
                )
            )
        else:
            existing.granted = granted
            existing.changed_at = now
            existing.changed_by_account_id = viewer.account_id
        session.add(
            ConsentChange(
                child_id=child.id,
                kind=kind,
                granted=granted,
                changed_at=now,
                changed_by_account_id=viewer.account_id,
            )
        )
    await session.commit()
    return child
