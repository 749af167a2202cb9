"""`uploadPhotos`: staff add photos to a diary entry, or post them to their group."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload

from gateway.services import photos
from resolvers.context import Info
from resolvers.errors import UserError
from resolvers.mutations.base import attempt, signed_in
from resolvers.types.diary import DiaryEntry, GroupPost
from resolvers.types.photos import Photo


@strawberry.input(
    description=(
        "Photos to upload, sent as a GraphQL multipart request (apollo-upload-client, urql) "
        "with a 'GraphQL-Require-Preflight: 1' header. Give a diary entry to add them to, or a "
        "group to post them to (a new group post, with an optional caption)."
    )
)
class UploadPhotosInput:
    files: list[Upload] = strawberry.field(
        description=(
            f"1 to {photos.MAX_FILES} image files: JPEG, PNG, WebP or HEIC, judged by their "
            "content; metadata (GPS, camera) is removed."
        )
    )
    diary_entry_id: strawberry.ID | None = strawberry.field(
        default=None, description="The diary entry they belong to; its child is in them."
    )
    group_id: strawberry.ID | None = strawberry.field(
        default=None, description="One of your groups, to post them to as a group post."
    )
    caption: str | None = strawberry.field(
        default=None, description="Text of the group post (only with `groupId`)."
    )
    child_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Every child in the photos; each needs photo consent from its guardians.",
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description=(
            "Chosen by the client per upload (e.g. a UUID); uploading the same files to the "
            "same place again with the same key returns the first upload's photos instead of "
            "storing them twice; the same key with other input (another file, caption, child "
            "or target) is refused (IDEMPOTENCY_KEY_REUSED) and stores nothing."
        ),
    )


@strawberry.type(description="Result of uploading photos.")
class UploadPhotosPayload:
    photos: list[Photo] | None = strawberry.field(description="The photos, as stored.")
    diary_entry: DiaryEntry | None = strawberry.field(
        description="The diary entry they were added to, if any."
    )
    group_post: GroupPost | None = strawberry.field(
        description="The new group post they were posted with, if any."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was stored (no photo, no file), if so."
    )


async def upload_photos(
    info: Info,
    input: Annotated[UploadPhotosInput, strawberry.argument(description="Files and target.")],
) -> UploadPhotosPayload:
    ctx = info.context
    files: list[Any] = list(input.files)

    async def run() -> photos.Uploaded:
        return await photos.upload_photos(
            ctx.session,
            signed_in(info),
            ctx.now,
            ctx.runtime.events,
            ctx.runtime.storage,
            ctx.runtime.images,
            files=files,
            diary_entry_id=None if input.diary_entry_id is None else str(input.diary_entry_id),
            group_id=None if input.group_id is None else str(input.group_id),
            caption=input.caption,
            child_ids=[str(c) for c in input.child_ids],
            idempotency_key=input.idempotency_key,
        )

    outcome = await attempt(info, run())
    done = outcome.value
    if done is None:
        return UploadPhotosPayload(
            photos=None, diary_entry=None, group_post=None, errors=outcome.errors
        )
    return UploadPhotosPayload(
        photos=[Photo.from_model(p) for p in done.photos],
        diary_entry=DiaryEntry.from_model(done.entry) if done.entry else None,
        group_post=GroupPost.from_model(done.post) if done.post else None,
        errors=[],
    )
