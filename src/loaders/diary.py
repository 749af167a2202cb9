"""Loaders for diary entries, group posts and photos; every query is scoped by `access`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from gateway.auth import access
from gateway.models import (
    Child,
    Consent,
    ConsentKind,
    DiaryEntry,
    DiaryExport,
    GroupPost,
    Photo,
    PhotoTag,
    Placement,
)
from loaders.base import Reader, many_per_key, one_per_key


async def diary_entries_by_id(reader: Reader, keys: Sequence[int]) -> list[DiaryEntry | None]:
    rows = await reader.all(
        select(DiaryEntry).where(
            DiaryEntry.id.in_(keys), access.diary_entry_visible(reader.viewer, reader.today)
        )
    )
    return one_per_key(rows, lambda e: e.id, keys)


async def diary_exports_by_id(reader: Reader, keys: Sequence[int]) -> list[DiaryExport | None]:
    rows = await reader.all(
        select(DiaryExport).where(
            DiaryExport.id.in_(keys), access.diary_export_visible(reader.viewer, reader.today)
        )
    )
    return one_per_key(rows, lambda e: e.id, keys)


async def group_posts_by_id(reader: Reader, keys: Sequence[int]) -> list[GroupPost | None]:
    rows = await reader.all(
        select(GroupPost).where(
            GroupPost.id.in_(keys), access.group_post_visible(reader.viewer, reader.today)
        )
    )
    return one_per_key(rows, lambda p: p.id, keys)


async def photos_by_id(reader: Reader, keys: Sequence[int]) -> list[Photo | None]:
    rows = await reader.all(
        select(Photo).where(Photo.id.in_(keys), access.photo_visible(reader.viewer, reader.today))
    )
    return one_per_key(rows, lambda p: p.id, keys)


async def photos_by_diary_entry(reader: Reader, keys: Sequence[int]) -> list[list[Photo]]:
    rows = await reader.all(
        select(Photo)
        .where(Photo.diary_entry_id.in_(keys), access.photo_visible(reader.viewer, reader.today))
        .order_by(Photo.position, Photo.id)
    )
    return many_per_key(rows, lambda p: p.diary_entry_id or 0, keys)


async def photos_by_group_post(reader: Reader, keys: Sequence[int]) -> list[list[Photo]]:
    rows = await reader.all(
        select(Photo)
        .where(Photo.group_post_id.in_(keys), access.photo_visible(reader.viewer, reader.today))
        .order_by(Photo.position, Photo.id)
    )
    return many_per_key(rows, lambda p: p.group_post_id or 0, keys)


async def tagged_children_by_photo(reader: Reader, keys: Sequence[int]) -> list[list[Child]]:
    """The children in a photo that the viewer may see (a guardian: only their own)."""
    rows = await reader.rows(
        select(PhotoTag.photo_id, Child)
        .join(Child, Child.id == PhotoTag.child_id)
        .where(
            PhotoTag.photo_id.in_(keys),
            access.child_visible(Child.id, reader.viewer, reader.today),
        )
        .order_by(Child.first_name, Child.id)
    )
    grouped = many_per_key(rows, lambda r: r[0], keys)
    return [[child for _, child in pairs] for pairs in grouped]


@dataclass(frozen=True, slots=True)
class ConsentStatus:
    """One child of a group on a day, with what the guardians allow staff to do."""

    child: Child
    photos: bool
    diary: bool
    outings: bool


# (group id, day)
RosterKey = tuple[int, date]


async def consent_roster_by_group_day(
    reader: Reader, keys: Sequence[RosterKey]
) -> list[list[ConsentStatus]]:
    """Per group and day, the children placed there and their consents; staff of the group only.

    Not answered counts as not given: staff may only photograph a child whose guardians said yes.
    """
    groups = sorted({group_id for group_id, _ in keys})
    if not keys:
        return []
    first, last = min(day for _, day in keys), max(day for _, day in keys)
    placed = await reader.rows(
        select(Placement.group_id, Placement.start_date, Placement.end_date, Child)
        .join(Child, Child.id == Placement.child_id)
        .where(
            Placement.group_id.in_(groups),
            access.staff_of_group(Placement.group_id, reader.viewer),
            access.child_visible(Child.id, reader.viewer, reader.today),
            Placement.start_date <= last,
            or_(Placement.end_date.is_(None), Placement.end_date >= first),
        )
        .order_by(Child.first_name, Child.id)
    )
    child_ids = sorted({child.id for *_, child in placed})
    granted = {
        (child_id, kind)
        for child_id, kind in await reader.rows(
            select(Consent.child_id, Consent.kind).where(
                Consent.child_id.in_(child_ids), Consent.granted.is_(True)
            )
        )
    }
    rosters: list[list[ConsentStatus]] = []
    for group_id, day in keys:
        seen: set[int] = set()
        roster = []
        for placement_group, start, end, child in placed:
            on_day = start <= day and (end is None or end >= day)
            if placement_group != group_id or not on_day or child.id in seen:
                continue
            seen.add(child.id)
            roster.append(
                ConsentStatus(
                    child=child,
                    photos=(child.id, ConsentKind.PHOTOS) in granted,
                    diary=(child.id, ConsentKind.DIARY) in granted,
                    outings=(child.id, ConsentKind.OUTINGS) in granted,
                )
            )
        rosters.append(roster)
    return rosters
