"""Mutation for a guardian's consents per child."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway import models
from gateway.ids import pk_of
from gateway.services import consents
from resolvers.context import Info
from resolvers.errors import UserError
from resolvers.mutations.base import attempt, signed_in
from resolvers.types.children import Child


@strawberry.input(
    description="New answers for a child's consents; left-out kinds stay as they are."
)
class UpdateConsentsInput:
    child_id: strawberry.ID = strawberry.field(description="The child's global ID.")
    photos: bool | None = strawberry.field(
        default=None, description="Consent to taking and sharing photos."
    )
    diary: bool | None = strawberry.field(
        default=None, description="Consent to staff writing the diary."
    )
    outings: bool | None = strawberry.field(
        default=None, description="Consent to trips outside the location."
    )


@strawberry.type(description="Result of changing consents.")
class UpdateConsentsPayload:
    child: Child | None = strawberry.field(description="The child, with its consents now.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed, if so.")


async def update_consents(
    info: Info,
    input: Annotated[UpdateConsentsInput, strawberry.argument(description="Child and answers.")],
) -> UpdateConsentsPayload:
    ctx = info.context
    answers = {
        models.ConsentKind.PHOTOS: input.photos,
        models.ConsentKind.DIARY: input.diary,
        models.ConsentKind.OUTINGS: input.outings,
    }

    async def run() -> models.Child:
        viewer = signed_in(info)
        return await consents.update_consents(
            ctx.session,
            viewer,
            ctx.now,
            child_id=pk_of(str(input.child_id), "Child"),
            changes={kind: value for kind, value in answers.items() if value is not None},
        )

    outcome = await attempt(info, run())
    return UpdateConsentsPayload(
        child=Child.from_model(outcome.value) if outcome.value else None, errors=outcome.errors
    )
