"""Confirming reported absence by mail, after the absence is committed.

A guardian's own report is confirmed to that guardian. When staff enter it (a parent phoned
in), each child's guardians with an activated account are told, each only about their own
children.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.viewer import Viewer
from gateway.mail import Mail, Mailer
from gateway.mail.templates_care import CancelledCare, absence_confirmation_mail
from gateway.models import Account, Child, Guardian, Guardianship, Organisation
from gateway.services.care_requests import NewRequest

log = logging.getLogger(__name__)


def _cancelled(
    children: Mapping[int, Child], created: Sequence[NewRequest], only: set[int]
) -> list[CancelledCare]:
    return [
        CancelledCare(
            child_name=f"{children[day.child_id].first_name} {children[day.child_id].last_name}",
            day=day.day,
            start=day.start,
            end=day.end,
            minutes=day.minutes,
            credited_minutes=day.credited_minutes,
            valid_until=day.credit_valid_until,
        )
        for new in created
        for day in new.days
        if day.child_id in only
    ]


async def send_confirmations(
    session: AsyncSession,
    mailer: Mailer,
    viewer: Viewer,
    organisation: Organisation,
    children: Mapping[int, Child],
    created: Sequence[NewRequest],
    reason: str,
) -> None:
    """Mail the confirmation(s); a mail that cannot be sent is logged, the absence stands."""
    statement = (
        select(Account.email, Guardian.first_name, Guardianship.child_id)
        .join(Guardian, Guardian.id == Account.guardian_id)
        .join(Guardianship, Guardianship.guardian_id == Guardian.id)
        .where(Guardianship.child_id.in_(children))
    )
    if viewer.is_guardian:
        statement = statement.where(Account.id == viewer.account_id)
    else:
        statement = statement.where(Account.activated_at.is_not(None))
    recipients: dict[str, tuple[str, set[int]]] = {}
    for email, first_name, child_id in await session.execute(statement):
        recipients.setdefault(email, (first_name, set()))[1].add(child_id)
    mails: list[Mail] = []
    for email, (first_name, their_children) in sorted(recipients.items()):
        days = _cancelled(children, created, their_children)
        if days:
            mails.append(
                absence_confirmation_mail(
                    to=email,
                    guardian_name=first_name,
                    organisation_name=organisation.name,
                    reason=reason,
                    days=days,
                )
            )
    for mail in mails:
        try:
            await mailer.send(mail)
        except Exception:
            log.exception("absence confirmation could not be mailed")
