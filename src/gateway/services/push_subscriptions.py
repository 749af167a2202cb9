"""Registering a browser or device for push notifications, and removing it again."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth import access
from gateway.auth.viewer import Viewer
from gateway.errors import DomainError, ErrorCode
from gateway.models import PushPlatform, PushSubscription

MAX_ENDPOINT = 1000
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _key(value: str, size: int, field: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size or (size == 65 and raw[0] != 4):
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            "This is not a key from PushSubscription.getKey().",
            ["input", field],
        )
    return value


def _endpoint(endpoint: str, allow_loopback_http: bool) -> str:
    field = ["input", "endpoint"]
    if not endpoint or len(endpoint) > MAX_ENDPOINT:
        raise DomainError(ErrorCode.INVALID_INPUT, "Give the subscription's endpoint.", field)
    parts = urlsplit(endpoint)
    loopback = parts.scheme == "http" and parts.hostname in _LOOPBACK and allow_loopback_http
    if not (parts.scheme == "https" or loopback) or not parts.hostname:
        raise DomainError(ErrorCode.INVALID_INPUT, "A push endpoint is an https:// address.", field)
    return endpoint


async def register_push_subscription(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    *,
    platform: PushPlatform,
    endpoint: str,
    p256dh: str,
    auth: str,
    allow_loopback_http: bool,
) -> PushSubscription:
    """Store (or take over) a subscription for the viewer's account.

    The same endpoint registered again by another account moves to it: a browser belongs to
    whoever logged in there last.
    """
    if platform is PushPlatform.WEB:
        endpoint = _endpoint(endpoint, allow_loopback_http)
        p256dh, auth = _key(p256dh, 65, "p256dh"), _key(auth, 16, "auth")
    elif not endpoint or len(endpoint) > MAX_ENDPOINT:
        raise DomainError(ErrorCode.INVALID_INPUT, "Give the device token.", ["input", "endpoint"])
    row = await session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    )
    if row is None:
        row = PushSubscription(endpoint=endpoint, created_at=now)
        session.add(row)
    row.account_id = viewer.account_id
    row.platform = platform
    row.p256dh = p256dh
    row.auth = auth
    await session.commit()
    return row


async def unregister_push_subscription(
    session: AsyncSession, viewer: Viewer, *, endpoint: str
) -> None:
    result = await session.execute(
        delete(PushSubscription).where(
            PushSubscription.endpoint == endpoint,
            access.own_account_record(PushSubscription.account_id, viewer),
        )
    )
    if not getattr(result, "rowcount", 0):
        await session.rollback()
        raise DomainError(ErrorCode.NOT_FOUND, "No such push subscription.", ["input", "endpoint"])
    await session.commit()
