"""Threads between a child's guardians and its group's staff, their messages and read markers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, UtcDateTime


class Thread(Base):
    """A conversation about one child with the staff of one group.

    `last_message_at` is kept with every message so the overview can be ordered by latest
    activity with an index instead of a grouped scan over all messages.
    """

    __tablename__ = "threads"
    __table_args__ = (Index("ix_threads_last_message_at_id", "last_message_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    subject: Mapped[str | None] = mapped_column(String(200), default=None)
    created_by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_message_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Message(Base):
    """One plain-text message in a thread.

    The idempotency key is unique per author, so a retried send finds the first message.
    `event_id` points at the `message.added` event, which lets the notification feed leave
    out the author's own messages without parsing event payloads.
    """

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("author_account_id", "idempotency_key"),
        Index("ix_messages_thread_id_id", "thread_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    author_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), default=None)
    # `services.idempotency.fingerprint` of the send's input (see `CareRequest`).
    idempotency_fingerprint: Mapped[str | None] = mapped_column(String(64), default=None)
    event_id: Mapped[int | None] = mapped_column(BigInteger, default=None, index=True)


class ThreadRead(Base):
    """How far an account has read a thread; messages after it are unread (own ones never)."""

    __tablename__ = "thread_reads"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    last_read_message_id: Mapped[int]
    read_at: Mapped[datetime] = mapped_column(UtcDateTime)
