"""Where uploaded photos go, and who is in them: checked before any file is processed.

A diary entry the uploader sees (its child is in the photos), or one of the uploader's groups
(a new group post). Every tagged child must be placed in that group on that day, and have
photo consent from its guardians.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth import access
from gateway.auth.viewer import Viewer
from gateway.errors import DomainError, ErrorCode
from gateway.ids import pk_of, to_global_id
from gateway.models import Child, ConsentKind, DiaryEntry, Placement, StaffGroup
from gateway.services.diary import has_consent
from gateway.services.diary_text import clean_entry_body
from gateway.services.message_text import invalid


@dataclass(frozen=True, slots=True)
class Target:
    """Where the photos go: an entry (about its child) or a new post to a group."""

    group_id: int
    day: date
    entry: DiaryEntry | None
    caption: str | None


async def upload_target(
    session: AsyncSession,
    viewer: Viewer,
    today: date,
    diary_entry_id: str | None,
    group_id: str | None,
    caption: str | None,
) -> Target:
    if (diary_entry_id is None) == (group_id is None):
        raise invalid("Give either a diary entry or a group to post the photos to.")
    if diary_entry_id is not None:
        if caption is not None:
            raise invalid("Photos in a diary entry have no caption of their own.", "caption")
        pk = pk_of(diary_entry_id, "DiaryEntry")
        entry = None
        if pk is not None:
            entry = await session.scalar(
                select(DiaryEntry).where(
                    DiaryEntry.id == pk, access.diary_entry_visible(viewer, today)
                )
            )
        if entry is None:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such diary entry.", ["input", "diaryEntryId"]
            )
        return Target(entry.group_id, entry.entry_date, entry, None)
    pk = pk_of(group_id or "", "Group")
    own = None
    if pk is not None:
        own = await session.scalar(
            select(StaffGroup.group_id).where(
                StaffGroup.group_id == pk, StaffGroup.staff_member_id == viewer.staff_member_id
            )
        )
    if own is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such group of yours.", ["input", "groupId"])
    text = clean_entry_body(caption) if caption is not None else ""
    return Target(own, today, None, text)


async def tagged_children(
    session: AsyncSession,
    viewer: Viewer,
    today: date,
    target: Target,
    child_ids: Sequence[str],
) -> list[int]:
    """The tagged children: placed in the group that day, each with photo consent."""
    wanted = [(gid, ["input", "childIds", str(i)]) for i, gid in enumerate(child_ids)]
    if target.entry is not None:
        # A photo in a child's diary entry is of that child, tagged or not.
        wanted.insert(0, (to_global_id("Child", target.entry.child_id), ["input", "diaryEntryId"]))
    tagged: list[int] = []
    for gid, field in wanted:
        pk = pk_of(gid, "Child")
        placed = None
        if pk is not None:
            placed = await session.scalar(
                select(Child.id)
                .join(Placement, Placement.child_id == Child.id)
                .where(
                    Child.id == pk,
                    access.child_visible(Child.id, viewer, today),
                    Placement.group_id == target.group_id,
                    Placement.start_date <= target.day,
                    or_(Placement.end_date.is_(None), Placement.end_date >= today),
                )
                .limit(1)
            )
        if placed is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such child in this group.", field)
        if not await has_consent(session, placed, ConsentKind.PHOTOS):
            raise DomainError(
                ErrorCode.NO_PHOTO_CONSENT,
                "The guardians of this child have not consented to photos.",
                field,
            )
        if placed not in tagged:
            tagged.append(placed)
    return tagged
