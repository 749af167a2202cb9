"""`requestDiaryExport`: a guardian asks for the diary of a period as a download."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from gateway import models
from gateway.services import diary_exports
from resolvers.context import Info
from resolvers.errors import UserError
from resolvers.mutations.base import attempt, signed_in
from resolvers.types.exports import DiaryExport


@strawberry.input(description="Which child's diary, over which period.")
class RequestDiaryExportInput:
    child_id: strawberry.ID = strawberry.field(description="The child.")
    first_day: date = strawberry.field(name="from", description="First day of the period.")
    last_day: date = strawberry.field(
        name="to", description="Last day of the period (at most three years after `from`)."
    )


@strawberry.type(description="Result of asking for a diary export.")
class RequestDiaryExportPayload:
    diary_export: DiaryExport | None = strawberry.field(
        description="The export: new, or the one still being built for this child."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was started, if so.")


async def request_diary_export(
    info: Info,
    input: Annotated[RequestDiaryExportInput, strawberry.argument(description="Child, period.")],
) -> RequestDiaryExportPayload:
    ctx = info.context

    async def run() -> models.DiaryExport:
        return await diary_exports.request_diary_export(
            ctx.session,
            signed_in(info),
            ctx.now,
            child_id=str(input.child_id),
            first_day=input.first_day,
            last_day=input.last_day,
        )

    outcome = await attempt(info, run())
    if outcome.value is not None:
        ctx.runtime.jobs_wanted.set()
    return RequestDiaryExportPayload(
        diary_export=DiaryExport.from_model(outcome.value) if outcome.value else None,
        errors=outcome.errors,
    )
