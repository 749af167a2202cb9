"""The jobs table as a queue, run by `gateway.jobs.worker`: enqueue in the caller's
transaction, claim with a lease, finish.

A claim is the only contended write: on PostgreSQL the due row is read `FOR UPDATE SKIP
LOCKED`, so two workers in two processes never claim the same job, and neither waits for the
other; SQLite (one writer at a time, one process) ignores the clause. A claim holds for
`lease`; the worker renews it while it works (`renew`), and a job whose worker died becomes
due again when the lease runs out, which is how a job survives a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.models import Job, JobState

MAX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Claim:
    """A job this worker holds until `until`."""

    job_id: int
    kind: str
    payload: dict[str, Any]
    attempt: int
    worker: str


def enqueue(session: AsyncSession, kind: str, payload: dict[str, Any], now: datetime) -> Job:
    """Add a job to the caller's transaction: it exists exactly when the change does."""
    job = Job(kind=kind, payload=payload, state=JobState.QUEUED, run_after=now, created_at=now)
    session.add(job)
    return job


async def claim(
    session: AsyncSession, worker: str, now: datetime, lease: timedelta
) -> Claim | None:
    """Take the oldest due job (queued, or running with an expired lease); commits."""
    due = or_(
        and_(Job.state == JobState.QUEUED, Job.run_after <= now),
        and_(Job.state == JobState.RUNNING, Job.claimed_until < now),
    )
    job = await session.scalar(
        select(Job).where(due).order_by(Job.id).limit(1).with_for_update(skip_locked=True)
    )
    if job is None:
        await session.rollback()
        return None
    # Conditional on the job still being due: where the read above took no lock (SQLite reads
    # outside the write transaction), a second worker that read the same row changes nothing.
    taken = await session.execute(
        update(Job)
        .where(Job.id == job.id, due)
        .values(
            state=JobState.RUNNING,
            claimed_by=worker,
            claimed_until=now + lease,
            attempts=Job.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    if not taken.rowcount:  # type: ignore[attr-defined]
        return None
    return Claim(job.id, job.kind, dict(job.payload), job.attempts + 1, worker)


def _held(claimed: Claim) -> Any:
    return and_(
        Job.id == claimed.job_id,
        Job.state == JobState.RUNNING,
        Job.claimed_by == claimed.worker,
    )


async def renew(session: AsyncSession, claimed: Claim, now: datetime, lease: timedelta) -> bool:
    """Extend the lease; False when the job is no longer ours (another worker took it over)."""
    result = await session.execute(
        update(Job).where(_held(claimed)).values(claimed_until=now + lease)
    )
    await session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def finish(session: AsyncSession, claimed: Claim, now: datetime) -> bool:
    """Mark the job done in the caller's transaction; False when it is no longer ours."""
    result = await session.execute(
        update(Job).where(_held(claimed)).values(state=JobState.DONE, finished_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def fail(session: AsyncSession, claimed: Claim, now: datetime, error: str) -> JobState:
    """Give the job back for a later retry, or fail it for good after `MAX_ATTEMPTS`; commits."""
    final = claimed.attempt >= MAX_ATTEMPTS
    state = JobState.FAILED if final else JobState.QUEUED
    await session.execute(
        update(Job)
        .where(_held(claimed))
        .values(
            state=state,
            error=error[:2000],
            claimed_by=None,
            claimed_until=None,
            # Back off: 30 s, 2 min, 8 min, ...
            run_after=now + timedelta(seconds=30 * 4 ** (claimed.attempt - 1)),
            finished_at=now if final else None,
        )
    )
    await session.commit()
    return state
