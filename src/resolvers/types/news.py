"""News items and newsletters of a location or of the whole organisation."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from gateway import models
from gateway.domain.rich_text import summary_of
from gateway.ids import to_global_id
from resolvers.context import Info
from resolvers.types.documents import Document
from resolvers.types.node import Node
from resolvers.types.organisation import Location


@strawberry.enum(description="Who an item is for.")
class NewsScope(Enum):
    LOCATION = strawberry.enum_value("location", description="The families of one location.")
    ORGANISATION = strawberry.enum_value(
        "organisation", description="Every family of the organisation."
    )


async def _location(info: Info, location_id: int | None) -> Location | None:
    if location_id is None:
        return None
    row = await info.context.loaders.locations_by_id.load(location_id)
    return Location.from_model(row) if row else None


@strawberry.type(description="A news item from the location or the organisation.")
class NewsItem(Node):
    model: strawberry.Private[models.NewsItem]
    title: str = strawberry.field(description="Headline.")
    body_html: str = strawberry.field(
        description="The text as HTML, sanitised when it was published: paragraphs, emphasis, "
        "lists, headings and links only; safe to render."
    )
    published_at: datetime = strawberry.field(
        description="When it appeared (or, for your own scheduled item, will appear)."
    )

    @classmethod
    def from_model(cls, m: models.NewsItem) -> NewsItem:
        return cls(
            id=strawberry.ID(to_global_id("NewsItem", m.id)),
            model=m,
            title=m.title,
            body_html=m.body_html,
            published_at=m.publish_at,
        )

    @strawberry.field(description="The start of the text as plain text, for lists.")
    def summary(self) -> str:
        return summary_of(self.model.body_html)

    @strawberry.field(description="Whether it is for one location or the whole organisation.")
    def scope(self) -> NewsScope:
        return NewsScope.ORGANISATION if self.model.location_id is None else NewsScope.LOCATION

    @strawberry.field(description="Whether it is visible to families yet (false: scheduled).")
    def is_published(self, info: Info) -> bool:
        return self.model.publish_at <= info.context.now

    @strawberry.field(description="The location it is for; null when for the organisation.")
    async def location(self, info: Info) -> Location | None:
        return await _location(info, self.model.location_id)

    @strawberry.field(description="Who wrote it.")
    async def author(self, info: Info) -> str | None:
        return await info.context.loaders.display_names_by_account.load(
            self.model.author_account_id
        )

    @strawberry.field(description="Attached documents, in order.")
    async def attachments(self, info: Info) -> list[Document]:
        rows = await info.context.loaders.attachments_by_news.load(self.model.id)
        return [Document.from_model(d) for d in rows]


@strawberry.type(description="A newsletter: a document with a summary.")
class Newsletter(Node):
    model: strawberry.Private[models.Newsletter]
    title: str = strawberry.field(description="Title, e.g. 'Nieuwsbrief maart'.")
    summary: str = strawberry.field(description="What it is about, in a few lines.")
    published_at: datetime = strawberry.field(description="When it appeared.")

    @classmethod
    def from_model(cls, m: models.Newsletter) -> Newsletter:
        return cls(
            id=strawberry.ID(to_global_id("Newsletter", m.id)),
            model=m,
            title=m.title,
            summary=m.summary,
            published_at=m.published_at,
        )

    @strawberry.field(description="Whether it is for one location or the whole organisation.")
    def scope(self) -> NewsScope:
        return NewsScope.ORGANISATION if self.model.location_id is None else NewsScope.LOCATION

    @strawberry.field(description="The location it is for; null when for the organisation.")
    async def location(self, info: Info) -> Location | None:
        return await _location(info, self.model.location_id)

    @strawberry.field(description="The newsletter itself.")
    async def document(self, info: Info) -> Document | None:
        row = await info.context.loaders.documents_by_newsletter.load(self.model.id)
        return Document.from_model(row) if row else None
