"""Choosing between notification e-mails at once and one daily digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.viewer import Viewer
from gateway.models import EmailFrequency, EmailPreference
from gateway.services.upsert import take_new, upsert


async def set_email_frequency(
    session: AsyncSession, viewer: Viewer, now: datetime, frequency: EmailFrequency
) -> EmailFrequency:
    """Applies to e-mail about events from now on; what is already queued keeps its way."""
    await upsert(
        session,
        EmailPreference,
        {"account_id": viewer.account_id, "frequency": frequency, "changed_at": now},
        key=["account_id"],
        merge={"frequency": take_new("frequency"), "changed_at": take_new("changed_at")},
    )
    await session.commit()
    return frequency
