"""Delivery outside the app: push subscriptions, e-mail choices, workers' cursors, deliveries."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, UtcDateTime


class PushPlatform(enum.Enum):
    WEB = "web"
    FCM = "fcm"
    APNS = "apns"


class DeliveryStatus(enum.Enum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class PushSubscription(Base):
    """A browser (Web Push: endpoint and keys) or device (FCM/APNs: token in `endpoint`)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[PushPlatform] = mapped_column(_enum(PushPlatform))
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200), default="")
    auth: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DeliveryCursor(Base):
    """How far one delivery worker has read the events table; moved in the same transaction
    as the deliveries it wrote, so a restart neither skips nor repeats an event."""

    __tablename__ = "delivery_cursors"

    worker: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_event_id: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PushDelivery(Base):
    """One event to one subscription: pending until sent, retried with back-off."""

    __tablename__ = "push_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "subscription_id"),
        Index("ix_push_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(BigInteger)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("push_subscriptions.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(_enum(DeliveryStatus))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class EmailFrequency(enum.Enum):
    IMMEDIATE = "immediate"
    DAILY_DIGEST = "daily_digest"


class EmailPreference(Base):
    """How an account wants its e-mail notifications; no row means immediately."""

    __tablename__ = "email_preferences"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    frequency: Mapped[EmailFrequency] = mapped_column(_enum(EmailFrequency))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class EmailDelivery(Base):
    """One event to one account by e-mail: alone at once, or in the next daily digest."""

    __tablename__ = "email_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "account_id"),
        Index("ix_email_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(BigInteger)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    digest: Mapped[bool]
    status: Mapped[DeliveryStatus] = mapped_column(_enum(DeliveryStatus))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
