"""Stored documents (PDFs and the like) and the location's policies that are documents."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, UtcDateTime


class Document(Base):
    """A file in media storage; reachable only through a signed URL that a resolver hands out
    after the privacy check of whatever holds it (a policy, news item, newsletter, invoice)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    storage_key: Mapped[str] = mapped_column(String(500), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PolicyKind(enum.Enum):
    SAFETY_HEALTH = "safety_health"
    PEDAGOGICAL = "pedagogical"
    OTHER = "other"


class Policy(Base):
    """A policy document of one location, or of the whole organisation (`location_id` None)."""

    __tablename__ = "policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), index=True)
    kind: Mapped[PolicyKind] = mapped_column(
        Enum(
            PolicyKind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
        )
    )
    title: Mapped[str] = mapped_column(String(200))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    valid_from: Mapped[date]
