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
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth import access
from gateway.auth.viewer import Viewer
from gateway.ids import to_global_id
from gateway.jobs.export_html import ExportItem, index_html
from gateway.jobs.worker import Heartbeat, LostClaim
from gateway.live import events
from gateway.mail.templates_diary import diary_export_mail
from gateway.media import Variant, bytes_member, storage_member, zip_stream
from gateway.media.zipping import ZipMember
from gateway.models import (
    Account,
    Child,
    DiaryEntry,
    DiaryExport,
    GroupPost,
    Guardian,
    JobState,
    Organisation,
    Photo,
    Placement,
    StaffMember,
)
from gateway.services import job_queue as queue
from gateway.services.diary_render import fact_lines

if TYPE_CHECKING:
    from gateway.runtime import Runtime

log = logging.getLogger(__name__)

# How often (in percent of the photos) progress is written, and the claim renewed with it.
PROGRESS_STEP = 5


@dataclass
class _Plan:
    export: DiaryExport
    viewer: Viewer
    child: Child
    items: list[ExportItem]
    photos: list[tuple[str, str]]  # (name in the ZIP, storage key)


async def _viewer_of(session: AsyncSession, export: DiaryExport, token_id: int) -> Viewer | None:
    """The requester as the privacy core sees them, without a token of their own."""
    row = (
        await session.execute(
            select(Account, Organisation.time_zone)
            .join(Organisation, Organisation.id == Account.organisation_id)
            .where(Account.id == export.requested_by_account_id)
        )
    ).first()
    if row is None:
        return None
    account, zone = row
    return Viewer(
        account_id=account.id,
        organisation_id=account.organisation_id,
        role=account.role,
        guardian_id=account.guardian_id,
        staff_member_id=account.staff_member_id,
        token_id=token_id,
        token_expires_at=export.created_at,
        time_zone=zone,
    )


async def _names(session: AsyncSession, account_ids: set[int]) -> dict[int, str]:
    rows = await session.execute(
        select(
            Account.id,
            func.coalesce(Guardian.first_name, StaffMember.first_name),
            func.coalesce(Guardian.last_name, StaffMember.last_name),
        )
        .outerjoin(Guardian, Guardian.id == Account.guardian_id)
        .outerjoin(StaffMember, StaffMember.id == Account.staff_member_id)
        .where(Account.id.in_(account_ids))
    )
    return {pk: f"{first} {last}" for pk, first, last in rows}


async def _plan(session: AsyncSession, export: DiaryExport, now: datetime) -> _Plan | None:
    """What goes into the export, as the requester may see it now; None when nothing may."""
    viewer = await _viewer_of(session, export, token_id=0)
    if viewer is None:
        return None
    today = viewer.today(now)
    child = await session.scalar(
        select(Child).where(
            Child.id == export.child_id, access.child_visible(Child.id, viewer, today)
        )
    )
    if child is None:
        return None
    period = (export.from_date, export.to_date)
    entries = (
        await session.scalars(
            select(DiaryEntry)
            .where(
                DiaryEntry.child_id == child.id,
                DiaryEntry.entry_date.between(*period),
                access.diary_entry_visible(viewer, today),
            )
            .order_by(DiaryEntry.entry_date, DiaryEntry.created_at, DiaryEntry.id)
        )
    ).all()
    placed = select(Placement.id).where(
        Placement.child_id == child.id,
        Placement.group_id == GroupPost.group_id,
        Placement.start_date <= GroupPost.post_date,
        (Placement.end_date.is_(None)) | (Placement.end_date >= GroupPost.post_date),
    )
    posts = (
        await session.scalars(
            select(GroupPost)
            .where(
                GroupPost.post_date.between(*period),
                placed.exists(),
                access.group_post_visible(viewer, today),
            )
            .order_by(GroupPost.post_date, GroupPost.created_at, GroupPost.id)
        )
    ).all()
    photos = (
        await session.scalars(
            select(Photo)
            .where(
                (Photo.diary_entry_id.in_([e.id for e in entries]))
                | (Photo.group_post_id.in_([p.id for p in posts])),
                access.photo_visible(viewer, today),
            )
            .order_by(Photo.photo_date, Photo.position, Photo.id)
        )
    ).all()
    names = await _names(
        session, {e.author_account_id for e in entries} | {p.author_account_id for p in posts}
    )
    files: list[tuple[str, str]] = []
    by_owner: dict[tuple[str, int], list[str]] = {}
    for photo in photos:
        stored = photo.renditions.get(Variant.DOWNLOAD.value)
        if stored is None:
            continue
        name = f"fotos/{photo.photo_date.isoformat()}-{len(files) + 1:04d}.jpg"
        files.append((name, str(stored["key"])))
        owner = (
            ("entry", photo.diary_entry_id)
            if photo.diary_entry_id
            else ("post", photo.group_post_id or 0)
        )
        by_owner.setdefault(owner, []).append(name)
    items = [
        ExportItem(
            day=e.entry_date,
            title="Dagverslag",
            author=names.get(e.author_account_id, ""),
            body=e.body,
            facts=fact_lines(e),
            photos=by_owner.get(("entry", e.id), []),
        )
        for e in entries
    ] + [
        ExportItem(
            day=p.post_date,
            title="Groepsbericht",
            author=names.get(p.author_account_id, ""),
            body=p.body,
            facts=[],
            photos=by_owner.get(("post", p.id), []),
        )
        for p in posts
    ]
    items.sort(key=lambda item: item.day)
    return _Plan(export, viewer, child, items, files)


async def _progress(runtime: Runtime, heartbeat: Heartbeat, export_id: int, percent: int) -> None:
    """Write the percentage and renew the claim (raises `LostClaim` if it was taken over)."""
    await heartbeat.beat()
    async with runtime.sessionmaker() as session:
        export = await session.get(DiaryExport, export_id)
        if export is not None:
            export.progress = percent
            await session.commit()


async def _members(runtime: Runtime, heartbeat: Heartbeat, plan: _Plan) -> AsyncIterator[ZipMember]:
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
    """The job handler: build, store, mark done with its event, then mail the link."""
    export_id = int(heartbeat.claim.payload["exportId"])
    now = runtime.clock()
    async with runtime.sessionmaker() as session:
        export = await session.get(DiaryExport, export_id)
        if export is None or export.state is JobState.DONE:
            await queue.finish(session, heartbeat.claim, now)
            await session.commit()
            return
        plan = await _plan(session, export, now)
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


async def _mail(runtime: Runtime, plan: _Plan, export: DiaryExport) -> None:
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
