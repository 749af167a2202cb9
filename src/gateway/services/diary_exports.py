"""A guardian asks for the diary of a period as a download (SPEC: diary download).

It works while the guardian sees the child, which includes the 6 weeks after the contract,
which is what it is for. The export row and its job are written in one transaction, so a
rollback leaves no job and a crash after commit loses none; a request while one is still
queued or running returns that one.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth import access
from gateway.auth.viewer import Viewer
from gateway.errors import DomainError, ErrorCode
from gateway.ids import pk_of
from gateway.models import Child, DiaryExport, JobState
from gateway.services.job_queue import enqueue
from gateway.services.message_text import invalid

MAX_PERIOD = timedelta(days=3 * 366)
# The kind of the job that builds an export (`gateway.jobs.diary_export`).
EXPORT_JOB = "diary.export"


async def request_diary_export(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    *,
    child_id: str,
    first_day: date,
    last_day: date,
) -> DiaryExport:
    """A new export of the child's diary from `first_day` to `last_day`, or the running one."""
    if first_day > last_day:
        raise invalid("The period ends before it starts.", "to")
    if last_day - first_day > MAX_PERIOD:
        raise DomainError(
            ErrorCode.RANGE_TOO_LARGE, "Export at most three years at once.", ["input", "to"]
        )
    today = viewer.today(now)
    if first_day > today:
        raise invalid("The period starts in the future.", "from")
    pk = pk_of(child_id, "Child")
    child = None
    if pk is not None:
        # Locked on PostgreSQL, so two requests at once cannot both start an export.
        child = await session.scalar(
            select(Child)
            .where(Child.id == pk, access.child_visible(Child.id, viewer, today))
            .with_for_update()
        )
    if child is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such child.", ["input", "childId"])
    if not viewer.is_guardian:
        raise DomainError(
            ErrorCode.FORBIDDEN, "Only a guardian can download the diary.", ["input", "childId"]
        )
    running = await session.scalar(
        select(DiaryExport).where(
            DiaryExport.child_id == child.id,
            DiaryExport.requested_by_account_id == viewer.account_id,
            DiaryExport.state.in_([JobState.QUEUED, JobState.RUNNING]),
        )
    )
    if running is not None:
        await session.commit()  # ends the lock; nothing was changed
        return running
    export = DiaryExport(
        organisation_id=viewer.organisation_id,
        child_id=child.id,
        requested_by_account_id=viewer.account_id,
        from_date=first_day,
        to_date=min(last_day, today),
        state=JobState.QUEUED,
        created_at=now,
    )
    session.add(export)
    await session.flush()
    job = enqueue(session, EXPORT_JOB, {"exportId": export.id}, now)
    await session.flush()
    export.job_id = job.id
    await session.commit()
    return export
