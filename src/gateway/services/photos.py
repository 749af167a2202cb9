"""Staff upload photos: to a diary entry, or posted to their group (a group post).

Every child in a photo is tagged, and only children whose guardians gave photo consent may be
(SPEC: no photo of a child without photo consent). Files are processed off the event loop
before anything is written; their sizes go to storage inside `pending_writes`, so a refused or
rolled-back upload leaves neither a row nor a file. One transaction; events after commit.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.viewer import Viewer
from gateway.errors import DomainError, ErrorCode
from gateway.ids import pk_of, to_global_id
from gateway.live import events
from gateway.media import ImageProcessor, ImageRejected, ProcessedImage, Storage, pending_writes
from gateway.media import store_photo as store_sizes
from gateway.models import (
    DiaryEntry,
    Event,
    GroupPost,
    Photo,
    PhotoTag,
)
from gateway.services.idempotency import check_same_input, fingerprint, reused
from gateway.services.message_text import clean_key, invalid
from gateway.services.photo_targets import Target, tagged_children, upload_target

MAX_FILES = 20


class UploadedFile(Protocol):
    """A file of a multipart request (Starlette's `UploadFile` is one)."""

    filename: str | None

    async def read(self, size: int = -1) -> bytes: ...

    async def seek(self, offset: int) -> None: ...


@dataclass(frozen=True, slots=True)
class Uploaded:
    photos: list[Photo]
    entry: DiaryEntry | None
    post: GroupPost | None


async def _processed(images: ImageProcessor, files: Sequence[UploadedFile]) -> list[ProcessedImage]:
    """Every file processed (one at a time: memory for one photo, not for all of them)."""
    done = []
    for index, upload in enumerate(files):
        data = await upload.read(images.limits.max_bytes + 1)
        try:
            done.append(await images.process(data))
        except ImageRejected as rejected:
            raise rejected.at(["input", "files", str(index)]) from None
    return done


async def _asked(
    images: ImageProcessor, files: Sequence[UploadedFile], target: Target, child_ids: Sequence[str]
) -> str:
    """The fingerprint of the upload: where to, who is in it, and each file by name and content.

    Each file is read once more for its hash (one at a time) and rewound for processing.
    """
    described = []
    for upload in files:
        data = await upload.read(images.limits.max_bytes + 1)
        await upload.seek(0)
        digest = hashlib.sha256(data).hexdigest()
        described.append({"name": upload.filename, "bytes": len(data), "sha256": digest})
    return fingerprint(
        "uploadPhotos",
        {
            "diaryEntryId": target.entry.id if target.entry is not None else None,
            "groupId": None if target.entry is not None else target.group_id,
            "caption": target.caption,
            # 0: an ID that names no child (refused on a first upload).
            "childIds": sorted({pk_of(c, "Child") or 0 for c in child_ids}),
            "files": described,
        },
    )


async def upload_photos(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    publisher: events.EventPublisher,
    storage: Storage,
    images: ImageProcessor,
    *,
    files: Sequence[UploadedFile],
    diary_entry_id: str | None,
    group_id: str | None,
    caption: str | None,
    child_ids: Sequence[str],
    idempotency_key: str | None = None,
) -> Uploaded:
    """Store the photos with their tags; a new group post when posting to a group."""
    if not viewer.is_staff:
        raise DomainError(ErrorCode.FORBIDDEN, "Only staff upload photos.", ["input"])
    if not 1 <= len(files) <= MAX_FILES:
        raise invalid(f"Upload 1 to {MAX_FILES} photos at once.", "files")
    key = clean_key(idempotency_key)
    today = viewer.today(now)
    target = await upload_target(session, viewer, today, diary_entry_id, group_id, caption)
    asked = await _asked(images, files, target, child_ids) if key is not None else None
    if key is not None and (earlier := await _replay(session, viewer, key, target, asked)):
        return earlier
    tagged = await tagged_children(session, viewer, today, target, child_ids)
    processed = await _processed(images, files)
    try:
        return await _store(
            session, viewer, now, publisher, storage, target, tagged, processed, key, asked
        )
    except IntegrityError:
        # The same key was committed by a concurrent retry; its files were removed again.
        await session.rollback()
        earlier = await _replay(session, viewer, key, target, asked) if key is not None else None
        if earlier is None:
            raise
        return earlier


async def _replay(
    session: AsyncSession, viewer: Viewer, key: str, target: Target, asked: str | None
) -> Uploaded | None:
    """The upload made earlier with this key; the same key for another upload is refused."""
    first = await session.scalar(
        select(Photo).where(
            Photo.uploader_account_id == viewer.account_id, Photo.idempotency_key == key
        )
    )
    if first is None:
        return None
    if asked is not None:
        check_same_input(first.idempotency_fingerprint, asked)
    # Uploads from before fingerprints were kept: compare what they still tell.
    same = (
        first.diary_entry_id == target.entry.id
        if target.entry is not None
        else first.group_post_id is not None and first.group_id == target.group_id
    )
    if not same:
        raise reused()
    photos = list(
        await session.scalars(
            select(Photo).where(Photo.event_id == first.event_id).order_by(Photo.position)
        )
    )
    post = await session.get(GroupPost, first.group_post_id) if first.group_post_id else None
    return Uploaded(photos=photos, entry=target.entry, post=post)


async def _store(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    publisher: events.EventPublisher,
    storage: Storage,
    target: Target,
    tagged: list[int],
    processed: list[ProcessedImage],
    key: str | None,
    asked: str | None,
) -> Uploaded:
    """Files into storage and rows into the database, kept together or removed together."""
    async with pending_writes(storage) as writes:
        post = None
        if target.entry is None:
            post = GroupPost(
                organisation_id=viewer.organisation_id,
                group_id=target.group_id,
                post_date=target.day,
                author_account_id=viewer.account_id,
                body=target.caption or "",
                created_at=now,
            )
            session.add(post)
            await session.flush()
        photos = []
        first_position = await _next_position(session, target)
        for offset, image in enumerate(processed):
            base = f"photos/{viewer.organisation_id}/{target.day:%Y-%m}/{secrets.token_hex(12)}"
            stored = await store_sizes(writes, base, image)
            photo = Photo(
                organisation_id=viewer.organisation_id,
                group_id=target.group_id,
                photo_date=target.day,
                diary_entry_id=target.entry.id if target.entry else None,
                group_post_id=post.id if post else None,
                position=first_position + offset,
                uploader_account_id=viewer.account_id,
                width=stored.width,
                height=stored.height,
                renditions={
                    variant.value: {
                        "key": info.key,
                        "width": image.variants[variant].width,
                        "height": image.variants[variant].height,
                        "bytes": info.size,
                    }
                    for variant, info in stored.sizes.items()
                },
                uploaded_at=now,
                idempotency_key=key if offset == 0 else None,
                idempotency_fingerprint=asked if offset == 0 and key is not None else None,
            )
            session.add(photo)
            photos.append(photo)
        await session.flush()
        session.add_all(PhotoTag(photo_id=p.id, child_id=c) for p in photos for c in tagged)
        event = await _record(session, viewer, now, target, post, photos)
        for photo in photos:
            photo.event_id = event.id
        if post is not None:
            post.event_id = event.id
        await session.commit()
        writes.commit()
    await publisher.publish([event])
    return Uploaded(photos=photos, entry=target.entry, post=post)


async def _next_position(session: AsyncSession, target: Target) -> int:
    if target.entry is None:
        return 0
    highest = await session.scalar(
        select(func.max(Photo.position)).where(Photo.diary_entry_id == target.entry.id)
    )
    return 0 if highest is None else highest + 1


async def _record(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    target: Target,
    post: GroupPost | None,
    photos: list[Photo],
) -> Event:
    """One `photo.added` event per upload: about the entry's child, or the whole group."""
    audience = (
        events.Audience(
            viewer.organisation_id, child_id=target.entry.child_id, group_id=target.group_id
        )
        if target.entry is not None
        else events.Audience(viewer.organisation_id, group_id=target.group_id)
    )
    payload = {
        "photoId": to_global_id("Photo", photos[0].id),
        "photoCount": len(photos),
        "diaryEntryId": to_global_id("DiaryEntry", target.entry.id) if target.entry else None,
        "groupPostId": to_global_id("GroupPost", post.id) if post else None,
        "authorAccountId": viewer.account_id,
    }
    return await events.record(session, "photo.added", audience, payload, now)
