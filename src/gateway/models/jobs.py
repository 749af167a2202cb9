"""Durable background jobs, and the diary exports they build."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, UtcDateTime


class JobState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class Job(Base):
    """One unit of background work, recorded in the transaction of the change that needs it.

    A worker claims a due job by moving it to RUNNING with a lease (`claimed_until`), which it
    renews while working; a job whose lease ran out (its process died) is claimed again. On
    PostgreSQL the claim reads with `FOR UPDATE SKIP LOCKED`, so concurrent workers never take
    the same job; SQLite has one writer at a time anyway.
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_run_after", "state", "run_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[JobState] = mapped_column(_enum(JobState))
    attempts: Mapped[int] = mapped_column(default=0)
    run_after: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100), default=None)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)


class DiaryExport(Base):
    """A guardian's download of a child's diary over a period, built by a job into storage."""

    __tablename__ = "diary_exports"
    __table_args__ = (Index("ix_diary_exports_child_id_state", "child_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    requested_by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date] = mapped_column(Date)
    state: Mapped[JobState] = mapped_column(_enum(JobState))
    progress: Mapped[int] = mapped_column(default=0)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), default=None)
    storage_key: Mapped[str | None] = mapped_column(String(300), default=None)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger, default=None)
    entry_count: Mapped[int] = mapped_column(default=0)
    photo_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    link_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    event_id: Mapped[int | None] = mapped_column(BigInteger, default=None, index=True)
