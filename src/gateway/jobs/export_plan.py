"""What a diary export holds: the period's entries, group posts and photos, as the guardian
who asked may see them when the job runs (the privacy core decides, as for every read)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth import access
from gateway.auth.viewer import Viewer
from gateway.jobs.export_html import ExportItem
from gateway.media import Variant
from gateway.models import (
    Account,
    Child,
    DiaryEntry,
    DiaryExport,
    GroupPost,
    Guardian,
    Organisation,
    Photo,
    Placement,
    StaffMember,
)
from gateway.services.diary_render import fact_lines


@dataclass
class ExportPlan:
    """The page's items and the photo files of an export, as the requester sees them."""

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


async def plan_export(
    session: AsyncSession, export: DiaryExport, now: datetime
) -> ExportPlan | None:
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
    return ExportPlan(export, viewer, child, items, files)
