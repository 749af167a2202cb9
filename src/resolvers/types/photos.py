"""Photos as the timeline shows them."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from gateway import models
from gateway.ids import to_global_id
from resolvers.context import Info
from resolvers.types.children import Child
from resolvers.types.node import Node


@strawberry.type(description="A photo from the daycare, attached to a diary entry or a group post.")
class Photo(Node):
    model: strawberry.Private[models.Photo]
    width: int = strawberry.field(description="Width of the download size, in pixels.")
    height: int = strawberry.field(description="Height of the download size, in pixels.")
    day: date = strawberry.field(name="date", description="The day it belongs to.")
    taken_at: datetime | None = strawberry.field(
        description="When it was taken, if the camera said so (the file keeps no metadata)."
    )
    uploaded_at: datetime = strawberry.field(description="When it was uploaded.")

    @classmethod
    def from_model(cls, m: models.Photo) -> Photo:
        return cls(
            id=strawberry.ID(to_global_id("Photo", m.id)),
            model=m,
            width=m.width,
            height=m.height,
            day=m.photo_date,
            taken_at=m.taken_at,
            uploaded_at=m.uploaded_at,
        )

    @strawberry.field(
        description="The children in the photo that you may see (a guardian: only their own)."
    )
    async def children(self, info: Info) -> list[Child]:
        rows = await info.context.loaders.tagged_children_by_photo.load(self.model.id)
        return [Child.from_model(c) for c in rows]
