"""Publishing news (staff with the news-editor role)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from gateway.services import news
from gateway.services.news import NewsDraft
from resolvers.context import Info
from resolvers.errors import UserError
from resolvers.mutations.base import attempt, signed_in
from resolvers.types.news import NewsItem


@strawberry.input(description="A news item to publish now or at a later moment.")
class PublishNewsInput:
    title: str = strawberry.field(description="Headline, at most 200 characters.")
    body_html: str = strawberry.field(
        description="The text as HTML; anything but paragraphs, emphasis, lists, headings and "
        "links is removed (scripts with their content)."
    )
    location_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The location it is for; leave out for the whole organisation (needs the "
        "role for the organisation).",
    )
    publish_at: datetime | None = strawberry.field(
        default=None,
        description="When it appears and families are notified; leave out for now. At most a "
        "year ahead.",
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Client-chosen key: sending the same input again with the same key returns "
        "the first item; the same key with other input is refused (IDEMPOTENCY_KEY_REUSED) and "
        "changes nothing.",
    )


@strawberry.type(description="Result of publishing news.")
class PublishNewsPayload:
    news_item: NewsItem | None = strawberry.field(description="The item as stored (sanitised).")
    errors: list[UserError] = strawberry.field(description="Why nothing was published, if so.")


async def publish_news(
    info: Info,
    input: Annotated[PublishNewsInput, strawberry.argument(description="The item.")],
) -> PublishNewsPayload:
    ctx = info.context

    async def run() -> NewsItem:
        viewer = signed_in(info)
        draft = NewsDraft(
            title=input.title,
            body_html=input.body_html,
            location_id=str(input.location_id) if input.location_id is not None else None,
            publish_at=input.publish_at,
            idempotency_key=input.idempotency_key,
        )
        item = await news.publish_news(ctx.session, viewer, ctx.now, ctx.runtime.events, draft)
        return NewsItem.from_model(item)

    outcome = await attempt(info, run())
    return PublishNewsPayload(news_item=outcome.value, errors=outcome.errors)


@strawberry.type(description="News for families.")
class NewsMutation:
    publish_news = strawberry.mutation(
        resolver=publish_news,
        description="Publish a news item (staff with the news-editor role for the location or "
        "the organisation); its families are notified when it appears.",
    )
