"""The durable event log: every live notification is first a row here, in its own transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, UtcDateTime


class Event(Base):
    """One committed change worth telling viewers about.

    `id` is the cursor clients resume from. The audience columns say who may see it; the
    subscription layer filters with `auth.access`, so the same rules apply live and on catch-up.
    """

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_organisation_id_id", "organisation_id", "id"),)

    # SQLite only auto-numbers a column declared exactly INTEGER PRIMARY KEY.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(64))
    child_id: Mapped[int | None] = mapped_column(default=None)
    group_id: Mapped[int | None] = mapped_column(default=None)
    location_id: Mapped[int | None] = mapped_column(default=None)
    account_id: Mapped[int | None] = mapped_column(default=None)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class EventWatermark(Base):
    """How far an organisation's events have been pruned: cursors at or below it are expired.

    Event ids are shared by all organisations, so a gap in one organisation's ids says nothing;
    this row is what tells a client resuming from a pruned cursor that it missed events.
    """

    __tablename__ = "event_watermarks"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    # The highest pruned event id of the organisation.
    pruned_through: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
