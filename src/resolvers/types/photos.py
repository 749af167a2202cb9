"""Photos as the timeline shows them, each size with a short-lived signed URL."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from gateway import models
from gateway.ids import to_global_id
from gateway.media import Variant
from resolvers.context import Info
from resolvers.types.children import Child
from resolvers.types.node import Node


@strawberry.type(
    description=(
        "One stored size of a photo. The URL is signed and short-lived (`MEDIA_URL_TTL`): "
        "fetch it soon, and ask the schema again for a fresh one later."
    )
)
class PhotoImage:
    url: str = strawberry.field(description="Signed URL, relative to the gateway's address.")
    width: int = strawberry.field(description="Width in pixels.")
    height: int = strawberry.field(description="Height in pixels.")


def download_name(children: list[models.Child], photo: models.Photo) -> str:
    """A readable file name: who, which day, which one ("Bo Vos 2026-03-10 1.jpg")."""
    who = ", ".join(f"{c.first_name} {c.last_name}" for c in children) or "Foto"
    return f"{who} {photo.photo_date.isoformat()} {photo.position + 1}.jpg"


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

    def _image(self, info: Info, variant: Variant) -> PhotoImage | None:
        stored = self.model.renditions.get(variant.value)
        if stored is None:
            return None
        return PhotoImage(
            url=info.context.runtime.media.url(str(stored["key"])),
            width=int(stored["width"]),
            height=int(stored["height"]),
        )

    @strawberry.field(description="Small preview for lists (longest edge at most 400 pixels).")
    def thumbnail(self, info: Info) -> PhotoImage | None:
        return self._image(info, Variant.THUMBNAIL)

    @strawberry.field(description="For showing full-screen (longest edge at most 1600 pixels).")
    def display(self, info: Info) -> PhotoImage | None:
        return self._image(info, Variant.DISPLAY)

    @strawberry.field(description="The full size, upright and without metadata, for saving.")
    def download(self, info: Info) -> PhotoImage | None:
        return self._image(info, Variant.DOWNLOAD)

    @strawberry.field(
        description=(
            "Signed URL that downloads the largest size as a file with a readable name "
            "(child, date, number)."
        )
    )
    async def download_url(self, info: Info) -> str | None:
        stored = self.model.renditions.get(Variant.DOWNLOAD.value)
        if stored is None:
            return None
        children = await info.context.loaders.tagged_children_by_photo.load(self.model.id)
        return info.context.runtime.media.url(
            str(stored["key"]), filename=download_name(children, self.model)
        )

    @strawberry.field(
        description="The children in the photo that you may see (a guardian: only their own)."
    )
    async def children(self, info: Info) -> list[Child]:
        rows = await info.context.loaders.tagged_children_by_photo.load(self.model.id)
        return [Child.from_model(c) for c in rows]
