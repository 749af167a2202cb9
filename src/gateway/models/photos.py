"""Photos: stored renditions per size, who is in them, and what they belong to."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, UtcDateTime


class Photo(Base):
    """One uploaded photo, attached to a diary entry or posted to a group (exactly one).

    `renditions` maps a size name ("thumbnail", "display", "download") to its stored object:
    `{"key": storage key, "width": px, "height": px, "bytes": n, "contentType": …}`. The photo
    row and its files are written together; a photo without files never exists.
    """

    __tablename__ = "photos"
    __table_args__ = (
        CheckConstraint(
            "(diary_entry_id IS NULL) <> (group_post_id IS NULL)", name="one_container"
        ),
        Index("ix_photos_diary_entry_id_position", "diary_entry_id", "position"),
        Index("ix_photos_group_post_id_position", "group_post_id", "position"),
        UniqueConstraint("uploader_account_id", "idempotency_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    photo_date: Mapped[date] = mapped_column(Date)
    diary_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("diary_entries.id", ondelete="CASCADE"), default=None
    )
    group_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_posts.id", ondelete="CASCADE"), default=None
    )
    position: Mapped[int] = mapped_column(default=0)
    uploader_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    width: Mapped[int]
    height: Mapped[int]
    renditions: Mapped[dict[str, Any]] = mapped_column(JSON)
    taken_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    event_id: Mapped[int | None] = mapped_column(BigInteger, default=None, index=True)
    # Only on the first photo of an upload: a retried upload finds it, and its batch by
    # `event_id` (one event per upload).
    idempotency_key: Mapped[str | None] = mapped_column(String(100), default=None)
    # With the key: `services.idempotency.fingerprint` of the whole upload's input (files too).
    idempotency_fingerprint: Mapped[str | None] = mapped_column(String(64), default=None)


class PhotoTag(Base):
    """A child who is in a photo; the photo shows on that child's timeline."""

    __tablename__ = "photo_tags"

    photo_id: Mapped[int] = mapped_column(
        ForeignKey("photos.id", ondelete="CASCADE"), primary_key=True
    )
    child_id: Mapped[int] = mapped_column(
        ForeignKey("children.id", ondelete="CASCADE"), primary_key=True, index=True
    )
