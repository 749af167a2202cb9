"""Notification settings per account, and how far an account has seen its notification feed."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, UtcDateTime


class NotificationCategory(enum.Enum):
    MESSAGES = "messages"
    DIARY_PHOTOS = "diary_photos"
    NEWS = "news"
    REQUEST_STATUS = "request_status"


class NotificationChannel(enum.Enum):
    IN_APP = "in_app"
    PUSH = "push"
    EMAIL = "email"


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class NotificationSetting(Base):
    """An account's choice for one category on one channel; no row means the default applies."""

    __tablename__ = "notification_settings"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[NotificationCategory] = mapped_column(
        _enum(NotificationCategory), primary_key=True
    )
    channel: Mapped[NotificationChannel] = mapped_column(
        _enum(NotificationChannel), primary_key=True
    )
    enabled: Mapped[bool]
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class NotificationMarker(Base):
    """The newest event an account has marked as seen; later visible events are unread."""

    __tablename__ = "notification_markers"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    # Same width as `events.id`, which it points into (not a foreign key: events are pruned).
    seen_up_to_event_id: Mapped[int] = mapped_column(BigInteger)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
