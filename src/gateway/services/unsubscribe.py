"""One-click unsubscribe from notification e-mail (RFC 8058), by a signed link in each mail.

The link names the account and the category (or every category, for the digest) and carries an
HMAC with `SECRET_KEY`: it works without logging in, for that one account, and cannot be made
for another.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.models import NotificationCategory, NotificationChannel, NotificationSetting
from gateway.services.upsert import take_new, upsert

ALL = "all"


def _signature(secret: str, account_id: int, category: str) -> str:
    message = f"unsubscribe\n{account_id}\n{category}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def unsubscribe_url(
    base_url: str, secret: str, account_id: int, category: NotificationCategory | None
) -> str:
    name = category.value if category is not None else ALL
    query = urlencode({"a": account_id, "c": name, "s": _signature(secret, account_id, name)})
    return f"{base_url.rstrip('/')}/unsubscribe?{query}"


def verify(
    secret: str, account: str, category: str, signature: str
) -> tuple[int, list[NotificationCategory]] | None:
    """The account and categories a link stands for, or None when it was not made by us."""
    if not account.isdigit() or len(account) > 18:
        return None
    expected = _signature(secret, int(account), category)
    if not hmac.compare_digest(expected, signature):
        return None
    if category == ALL:
        return int(account), list(NotificationCategory)
    try:
        return int(account), [NotificationCategory(category)]
    except ValueError:
        return None


async def unsubscribe(
    session: AsyncSession, account_id: int, categories: list[NotificationCategory], now: datetime
) -> None:
    """Switch e-mail off for those categories; the other channels keep their settings."""
    for category in categories:
        await upsert(
            session,
            NotificationSetting,
            {
                "account_id": account_id,
                "category": category,
                "channel": NotificationChannel.EMAIL,
                "enabled": False,
                "changed_at": now,
            },
            key=["account_id", "category", "channel"],
            merge={"enabled": take_new("enabled"), "changed_at": take_new("changed_at")},
        )
    await session.commit()
