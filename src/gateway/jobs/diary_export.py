"""Building a diary export: the period's entries and photos, zipped and streamed into storage.

The ZIP holds `index.html` and the photo files; it is streamed from storage into storage,
member by member, so a year of photos needs no more memory than a few chunks. While it runs,
the export's percentage is kept up to date (which also renews the job's claim); when it is
done, the export, its `diary.export_ready` event and the job's completion commit together,
and the guardian is mailed a signed link that works for `DIARY_EXPORT_LINK_TTL`.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from gateway.ids import to_global_id
from gateway.jobs.export_html import index_html
from gateway.jobs.export_plan import ExportPlan, plan_export
from gateway.jobs.worker import Heartbeat, LostClaim
from gateway.live import events
from gateway.mail.templates_diary import diary_export_mail
from gateway.media import bytes_member, storage_member, zip_stream
from gateway.media.zipping import ZipMember
from gateway.models import (
    Account,
    DiaryExport,
    Guardian,
    JobState,
    Organisation,
)
from gateway.services import job_queue as queue

if TYPE_CHECKING:
    from gateway.runtime import Runtime

log = logging.getLogger(__name__)

# How often (in percent of the photos) progress is written, and the claim renewed with it.
PROGRESS_STEP = 5


async def _progress(runtime: Runtime, heartbeat: Heartbeat, export_id: int, percent: int) -> None:
    """Write the percentage and renew the claim (raises `LostClaim` if it was taken over)."""
    await heartbeat.beat()
    async with runtime.sessionmaker() as session:
        export = await session.get(DiaryExport, export_id)
        if export is not None:
            export.progress = percent
            await session.commit()


async def _members(
    runtime: Runtime, heartbeat: Heartbeat, plan: ExportPlan
) -> AsyncIterator[ZipMember]:
    child_name = f"{plan.child.first_name} {plan.child.last_name}"
    page = index_html(child_name, plan.export.from_date, plan.export.to_date, plan.items)
    yield bytes_member("index.html", page.encode())
    written = 0
    total = max(len(plan.photos), 1)
    for done, (name, key) in enumerate(plan.photos, start=1):
        yield await storage_member(runtime.storage, key, name)
        percent = min(99, done * 100 // total)
        if percent >= written + PROGRESS_STEP:
            written = percent
            await _progress(runtime, heartbeat, plan.export.id, percent)


async def build_diary_export(runtime: Runtime, heartbeat: Heartbeat) -> None:
    """The job handler: build, store, mark done with its event, then mail the link.

    When the job fails for the last time, or its workers died on every attempt, the export
    fails with it: left RUNNING, it would be "the running one" that every later request
    returns, and the guardian could never export again.
    """
    try:
        if heartbeat.claim.attempt > queue.MAX_ATTEMPTS:
            # Claimed again and again since each worker died holding it (killed, or out of
            # memory on this very export): building once more would only take another down.
            raise RuntimeError(f"its worker stopped during {queue.MAX_ATTEMPTS} attempts")
        await _build(runtime, heartbeat)
    except LostClaim:
        raise
    except Exception:
        if heartbeat.claim.attempt >= queue.MAX_ATTEMPTS:
            await _give_up(runtime, int(heartbeat.claim.payload["exportId"]))
        raise


async def _give_up(runtime: Runtime, export_id: int) -> None:
    async with runtime.sessionmaker() as session:
        export = await session.get(DiaryExport, export_id)
        if export is not None and export.state is not JobState.DONE:
            export.state = JobState.FAILED
            export.finished_at = runtime.clock()
            await session.commit()


async def _build(runtime: Runtime, heartbeat: Heartbeat) -> None:
    export_id = int(heartbeat.claim.payload["exportId"])
    now = runtime.clock()
    async with runtime.sessionmaker() as session:
        export = await session.get(DiaryExport, export_id)
        if export is None or export.state is JobState.DONE:
            await queue.finish(session, heartbeat.claim, now)
            await session.commit()
            return
        plan = await plan_export(session, export, now)
        if plan is None:
            # The access window closed before the export ran: nothing may be exported.
            export.state = JobState.FAILED
            export.finished_at = now
            await queue.finish(session, heartbeat.claim, now)
            await session.commit()
            return
        export.state = JobState.RUNNING
        export.progress = 0
        await session.commit()
    key = f"exports/{export.organisation_id}/{export.id}-{secrets.token_hex(12)}.zip"
    stored = await runtime.storage.put(key, zip_stream(_members(runtime, heartbeat, plan)))
    finished = runtime.clock()
    async with runtime.sessionmaker() as session:
        export = await session.get(DiaryExport, export_id)
        if export is None or not await queue.finish(session, heartbeat.claim, finished):
            await session.rollback()
            await runtime.storage.delete(key)
            raise LostClaim(heartbeat.claim.job_id)
        export.state = JobState.DONE
        export.progress = 100
        export.storage_key = key
        export.size_bytes = stored.size
        export.entry_count = len(plan.items)
        export.photo_count = len(plan.photos)
        export.finished_at = finished
        export.link_expires_at = finished + runtime.settings.diary_export_link_ttl
        event = await events.record(
            session,
            "diary.export_ready",
            events.Audience(export.organisation_id, account_id=export.requested_by_account_id),
            {
                "diaryExportId": to_global_id("DiaryExport", export.id),
                "childId": to_global_id("Child", export.child_id),
            },
            finished,
        )
        export.event_id = event.id
        await session.commit()
    await runtime.events.publish([event])
    await _mail(runtime, plan, export)


async def _mail(runtime: Runtime, plan: ExportPlan, export: DiaryExport) -> None:
    """Mail the link; a failed mail is logged, the export stays downloadable in the app."""
    if export.storage_key is None or export.link_expires_at is None:
        return
    async with runtime.sessionmaker() as session:
        row = (
            await session.execute(
                select(Account.email, Guardian.first_name, Organisation.name)
                .join(Guardian, Guardian.id == Account.guardian_id)
                .join(Organisation, Organisation.id == Account.organisation_id)
                .where(Account.id == export.requested_by_account_id)
            )
        ).first()
    if row is None:
        return
    email, first_name, organisation = row
    child_name = f"{plan.child.first_name} {plan.child.last_name}"
    link = runtime.settings.public_base_url.rstrip("/") + runtime.media.url(
        export.storage_key,
        filename=export_filename(child_name, export),
        ttl=runtime.settings.diary_export_link_ttl,
    )
    expires = export.link_expires_at.astimezone(ZoneInfo(plan.viewer.time_zone))
    try:
        await runtime.mailer.send(
            diary_export_mail(
                to=email,
                guardian_name=first_name,
                child_name=plan.child.first_name,
                organisation_name=organisation,
                first_day=export.from_date,
                last_day=export.to_date,
                link=link,
                expires_at=expires,
            )
        )
    except Exception:
        log.exception("mailing the link of diary export %d failed", export.id)


def export_filename(child_name: str, export: DiaryExport) -> str:
    return f"Dagboek {child_name} {export.from_date.isoformat()} - {export.to_date.isoformat()}.zip"
