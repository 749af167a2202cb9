"""A diary export: its state and progress while it is built, and its download when done."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from gateway import models
from gateway.ids import to_global_id
from gateway.jobs.diary_export import export_filename
from resolvers.context import Info
from resolvers.types.children import Child
from resolvers.types.node import Node


@strawberry.enum(description="Where a diary export stands.")
class DiaryExportState(Enum):
    QUEUED = strawberry.enum_value("queued", description="Waiting for a worker.")
    RUNNING = strawberry.enum_value("running", description="Being built; see `progress`.")
    DONE = strawberry.enum_value("done", description="Ready: download it with `downloadUrl`.")
    FAILED = strawberry.enum_value(
        "failed", description="Could not be built (e.g. the access window closed first)."
    )


@strawberry.type(
    description=(
        "A download of a child's diary over a period: a ZIP with every entry, its facts and "
        "photos, and an index.html that shows them offline. The link is also mailed."
    )
)
class DiaryExport(Node):
    model: strawberry.Private[models.DiaryExport]
    state: DiaryExportState = strawberry.field(description="Queued, running, done or failed.")
    progress: int = strawberry.field(description="How far it is built, in percent (0 to 100).")
    first_day: date = strawberry.field(name="from", description="First day of the period.")
    last_day: date = strawberry.field(name="to", description="Last day of the period.")
    requested_at: datetime = strawberry.field(description="When it was asked for.")
    finished_at: datetime | None = strawberry.field(description="When it was ready (or failed).")
    link_expires_at: datetime | None = strawberry.field(
        description="Until when the download works (the mailed link too)."
    )

    @classmethod
    def from_model(cls, m: models.DiaryExport) -> DiaryExport:
        return cls(
            id=strawberry.ID(to_global_id("DiaryExport", m.id)),
            model=m,
            state=DiaryExportState(m.state.value),
            progress=m.progress,
            first_day=m.from_date,
            last_day=m.to_date,
            requested_at=m.created_at,
            finished_at=m.finished_at,
            link_expires_at=m.link_expires_at,
        )

    @strawberry.field(description="The child whose diary it is.")
    async def child(self, info: Info) -> Child | None:
        row = await info.context.loaders.children_by_id.load(self.model.child_id)
        return Child.from_model(row) if row else None

    @strawberry.field(description="Signed, short-lived URL of the ZIP; null until it is done.")
    async def download_url(self, info: Info) -> str | None:
        m = self.model
        expired = m.link_expires_at is None or m.link_expires_at <= info.context.now
        if m.storage_key is None or expired:
            return None
        child = await info.context.loaders.children_by_id.load(m.child_id)
        if child is None:
            return None
        name = export_filename(f"{child.first_name} {child.last_name}", m)
        return info.context.runtime.media.url(m.storage_key, filename=name)
