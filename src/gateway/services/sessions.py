"""One's signed-in sessions: listing them, ending one, ending all but the current one.

Every ending records a `session.revoked` event naming the token ids, so open WebSockets of
those sessions close in every gateway process (as with logout).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth import access
from gateway.auth.viewer import Viewer
from gateway.errors import DomainError, ErrorCode
from gateway.ids import pk_of
from gateway.live import SESSION_REVOKED, Audience, EventPublisher, events
from gateway.models import AccessToken, Event


async def end_sessions(
    session: AsyncSession,
    *,
    organisation_id: int,
    account_id: int,
    now: datetime,
    keep_token_id: int | None = None,
) -> tuple[list[int], Event | None]:
    """Revoke the account's live tokens (but `keep_token_id`) in the caller's transaction.

    Returns the revoked ids and the event to publish after the caller commits (None when there
    was nothing to end).
    """
    query = select(AccessToken.id).where(
        AccessToken.account_id == account_id,
        AccessToken.revoked_at.is_(None),
        AccessToken.expires_at > now,
    )
    if keep_token_id is not None:
        query = query.where(AccessToken.id != keep_token_id)
    ids = sorted(await session.scalars(query))
    if not ids:
        return [], None
    await session.execute(
        update(AccessToken)
        .where(AccessToken.id.in_(ids), AccessToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    event = await events.record(
        session,
        SESSION_REVOKED,
        Audience(organisation_id=organisation_id, account_id=account_id),
        {"tokenIds": ids},
        now,
    )
    return ids, event


async def revoke_session(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    publisher: EventPublisher,
    *,
    session_id: str,
) -> int:
    """End one of the viewer's own sessions (the current one too); returns its token id."""
    pk = pk_of(session_id, "AccountSession")
    token = (
        await session.scalar(
            select(AccessToken).where(
                AccessToken.id == pk,
                access.own_account_record(AccessToken.account_id, viewer),
                AccessToken.revoked_at.is_(None),
                AccessToken.expires_at > now,
            )
        )
        if pk is not None
        else None
    )
    if token is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such session.", ["input", "id"])
    token.revoked_at = now
    event = await events.record(
        session,
        SESSION_REVOKED,
        Audience(organisation_id=viewer.organisation_id, account_id=viewer.account_id),
        {"tokenIds": [token.id]},
        now,
    )
    await session.commit()
    await publisher.publish([event])
    return token.id
