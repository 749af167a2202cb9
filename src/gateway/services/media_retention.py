"""Media past the access window: the diary and photos of a child who left are deleted.

SPEC: existing media are kept only for the guardians' access window, 6 weeks after the last
placement. Once it has closed for a child, this removes the child's diary entries (with their
photos), photos in which only such children are tagged, the child's tags on the rest, and
its diary exports; and, for everyone, export files whose link has expired. Rows go in one
transaction, their files after it committed (a crash in between leaves files no row points
at, never a row without its file).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.access import ACCESS_WINDOW
from gateway.media import Storage
from gateway.models import Child, DiaryEntry, DiaryExport, Photo, PhotoTag, Placement

BATCH = 100


def _keys(renditions: Iterable[dict[str, Any]]) -> set[str]:
    return {str(size["key"]) for sizes in renditions for size in sizes.values()}


async def purge_after_access_window(
    session: AsyncSession, storage: Storage, now: datetime, today: date
) -> int:
    """Delete what the window no longer covers; returns how many rows went."""
    still_covered = exists(
        select(Placement.id).where(
            Placement.child_id == Child.id,
            or_(Placement.end_date.is_(None), Placement.end_date >= today - ACCESS_WINDOW),
        )
    )
    placed = exists(select(Placement.id).where(Placement.child_id == Child.id))
    gone = (await session.scalars(select(Child.id).where(placed, ~still_covered))).all()
    entry_ids = (
        await session.scalars(
            select(DiaryEntry.id).where(DiaryEntry.child_id.in_(gone)).limit(BATCH)
        )
    ).all()
    tagged = (
        await session.scalars(select(PhotoTag.photo_id).where(PhotoTag.child_id.in_(gone)))
    ).all()
    others = select(PhotoTag.photo_id).where(
        PhotoTag.photo_id == Photo.id, PhotoTag.child_id.not_in(gone)
    )
    doomed = (
        await session.execute(
            select(Photo.id, Photo.renditions).where(
                or_(
                    Photo.diary_entry_id.in_(entry_ids),
                    Photo.id.in_(tagged) & ~exists(others),
                )
            )
        )
    ).all()
    keys = _keys(r for _, r in doomed)
    exports = (
        await session.execute(
            select(DiaryExport.id, DiaryExport.child_id, DiaryExport.storage_key).where(
                or_(
                    DiaryExport.child_id.in_(gone),
                    (DiaryExport.link_expires_at < now) & DiaryExport.storage_key.is_not(None),
                )
            )
        )
    ).all()
    keys |= {key for _, _, key in exports if key}
    expired = [pk for pk, child_id, _ in exports if child_id not in gone]
    removed = len(expired)
    for statement in (
        delete(PhotoTag).where(PhotoTag.child_id.in_(gone)),
        delete(Photo).where(Photo.id.in_([pk for pk, _ in doomed])),
        delete(DiaryEntry).where(DiaryEntry.id.in_(entry_ids)),
        delete(DiaryExport).where(DiaryExport.child_id.in_(gone)),
    ):
        result = await session.execute(statement)
        removed += int(getattr(result, "rowcount", 0) or 0)
    if expired:
        await session.execute(
            update(DiaryExport)
            .where(DiaryExport.id.in_(expired))
            .values(storage_key=None, size_bytes=None)
        )
    await session.commit()
    for key in sorted(keys):
        await storage.delete(key)
    return removed
