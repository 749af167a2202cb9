"""Mutations for the child's diary: writing, correcting and deleting entries."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway import models
from gateway.services import diary
from gateway.services.diary_text import DayFacts
from resolvers.context import Info
from resolvers.errors import UserError
from resolvers.mutations.base import attempt, signed_in
from resolvers.mutations.diary_inputs import (
    DeleteDiaryEntryInput,
    UpdateDiaryEntryInput,
    WriteDiaryEntryInput,
)
from resolvers.mutations.exports import request_diary_export
from resolvers.mutations.photos import upload_photos
from resolvers.types.diary import DiaryEntry


@strawberry.type(description="Result of writing or correcting a diary entry.")
class DiaryEntryPayload:
    diary_entry: DiaryEntry | None = strawberry.field(description="The entry as stored now.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="Result of deleting a diary entry.")
class DeleteDiaryEntryPayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The global ID of the deleted entry."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed, if so.")


def _payload(entry: models.DiaryEntry | None, errors: list[UserError]) -> DiaryEntryPayload:
    return DiaryEntryPayload(
        diary_entry=DiaryEntry.from_model(entry) if entry else None, errors=errors
    )


async def write_diary_entry(
    info: Info,
    input: Annotated[WriteDiaryEntryInput, strawberry.argument(description="The entry.")],
) -> DiaryEntryPayload:
    ctx = info.context

    async def run() -> models.DiaryEntry:
        return await diary.write_diary_entry(
            ctx.session,
            signed_in(info),
            ctx.now,
            ctx.runtime.events,
            child_id=str(input.child_id),
            day=input.day,
            body=input.body,
            facts=input.facts.to_facts() if input.facts else DayFacts(),
            idempotency_key=input.idempotency_key,
        )

    outcome = await attempt(info, run())
    return _payload(outcome.value, outcome.errors)


async def update_diary_entry(
    info: Info,
    input: Annotated[UpdateDiaryEntryInput, strawberry.argument(description="The correction.")],
) -> DiaryEntryPayload:
    ctx = info.context

    async def run() -> models.DiaryEntry:
        return await diary.update_diary_entry(
            ctx.session,
            signed_in(info),
            ctx.now,
            entry_id=str(input.id),
            body=input.body,
            facts=input.facts.to_facts() if input.facts else None,
        )

    outcome = await attempt(info, run())
    return _payload(outcome.value, outcome.errors)


async def delete_diary_entry(
    info: Info,
    input: Annotated[DeleteDiaryEntryInput, strawberry.argument(description="The entry.")],
) -> DeleteDiaryEntryPayload:
    ctx = info.context

    async def run() -> bool:
        await diary.delete_diary_entry(
            ctx.session, signed_in(info), ctx.now, ctx.runtime.storage, entry_id=str(input.id)
        )
        return True

    outcome = await attempt(info, run())
    if outcome.value is None:
        return DeleteDiaryEntryPayload(deleted_id=None, errors=outcome.errors)
    return DeleteDiaryEntryPayload(deleted_id=input.id, errors=[])


@strawberry.type(description="The child's diary, its photos and its download.")
class DiaryMutation:
    write_diary_entry = strawberry.mutation(
        resolver=write_diary_entry,
        description="Write a diary entry about a child's day (staff of its group, or a guardian).",
    )
    update_diary_entry = strawberry.mutation(
        resolver=update_diary_entry,
        description="Correct your own diary entry: its text and/or its facts.",
    )
    delete_diary_entry = strawberry.mutation(
        resolver=delete_diary_entry,
        description="Delete your own diary entry with its photos.",
    )
    upload_photos = strawberry.mutation(
        resolver=upload_photos,
        description=(
            "Staff: upload photos (GraphQL multipart request) to a diary entry or to a group."
        ),
    )
    request_diary_export = strawberry.mutation(
        resolver=request_diary_export,
        description=(
            "Guardians: download a child's diary over a period (also in the 6 weeks after the "
            "contract). Built in the background; the link is mailed and on the export."
        ),
    )
