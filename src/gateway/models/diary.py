"""Diary entries about one child's day, and group posts (news of a group's day with photos)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, UtcDateTime


class DiaryEntry(Base):
    """One report about a child's day, written by a staff member of its group or a guardian.

    `group_id` is the group the child was placed in on `entry_date`: staff of that group read it.
    The day's facts are JSON lists shaped and bounded by `domain.diary` (meals, naps with times,
    activities, playmates); they are only ever read with their entry, so they need no table.
    `event_id` points at the `diary.added` event, so the author's own feed can leave it out.
    """

    __tablename__ = "diary_entries"
    __table_args__ = (
        UniqueConstraint("author_account_id", "idempotency_key"),
        Index("ix_diary_entries_child_id_entry_date_id", "child_id", "entry_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    entry_date: Mapped[date] = mapped_column(Date)
    author_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    meals: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    sleeps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    activities: Mapped[list[str]] = mapped_column(JSON, default=list)
    played_with: Mapped[list[str]] = mapped_column(JSON, default=list)
    learnt: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), default=None)
    # `services.idempotency.fingerprint` of the write's input (see `CareRequest`).
    idempotency_fingerprint: Mapped[str | None] = mapped_column(String(64), default=None)
    event_id: Mapped[int | None] = mapped_column(BigInteger, default=None, index=True)


class GroupPost(Base):
    """A post to a whole group ("today we went to the park"), seen by the guardians of the
    children placed in the group on `post_date`, and by the group's staff."""

    __tablename__ = "group_posts"
    __table_args__ = (
        UniqueConstraint("author_account_id", "idempotency_key"),
        Index("ix_group_posts_group_id_post_date_id", "group_id", "post_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    post_date: Mapped[date] = mapped_column(Date)
    author_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), default=None)
    event_id: Mapped[int | None] = mapped_column(BigInteger, default=None, index=True)
