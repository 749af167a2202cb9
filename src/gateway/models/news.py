"""News items and newsletters of a location or the whole organisation, and who may publish."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, UtcDateTime


class StaffRoleKind(enum.Enum):
    NEWS_EDITOR = "news_editor"


class StaffRole(Base):
    """A permission of a staff member, for one location or (`location_id` None) all of them."""

    __tablename__ = "staff_roles"
    __table_args__ = (UniqueConstraint("staff_member_id", "role", "location_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    staff_member_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[StaffRoleKind] = mapped_column(
        Enum(
            StaffRoleKind,
            native_enum=False,
            length=32,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), default=None)


class NewsItem(Base):
    """A news item; visible from `publish_at` on, announced (a notification) once at that moment.

    `body_html` is stored sanitised: whatever a client sent, no script is ever stored.
    """

    __tablename__ = "news_items"
    __table_args__ = (
        Index("ix_news_items_organisation_id_publish_at", "organisation_id", "publish_at"),
        Index("ix_news_items_announced_at_publish_at", "announced_at", "publish_at"),
        UniqueConstraint("author_account_id", "idempotency_key", name="uq_news_items_idempotency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), default=None)
    title: Mapped[str] = mapped_column(String(200))
    body_html: Mapped[str] = mapped_column(Text)
    author_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    publish_at: Mapped[datetime] = mapped_column(UtcDateTime)
    announced_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), default=None)
    # `services.idempotency.fingerprint` of the publication's input (see `CareRequest`).
    idempotency_fingerprint: Mapped[str | None] = mapped_column(String(64), default=None)


class NewsAttachment(Base):
    """A document attached to a news item, in the order shown."""

    __tablename__ = "news_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    news_item_id: Mapped[int] = mapped_column(
        ForeignKey("news_items.id", ondelete="CASCADE"), index=True
    )
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    position: Mapped[int] = mapped_column(default=0)


class Newsletter(Base):
    """A newsletter: a document with a summary, of a location or the whole organisation."""

    __tablename__ = "newsletters"
    __table_args__ = (
        Index("ix_newsletters_organisation_id_published_at", "organisation_id", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), default=None)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
