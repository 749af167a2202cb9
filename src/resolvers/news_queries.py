"""Root query fields for the location page: locations, news and newsletters."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.ids import pk_of
from loaders.news import news_page, newsletters_page, viewer_locations
from resolvers.context import Info
from resolvers.types.news import NewsItem, Newsletter
from resolvers.types.node import After, Connection, First, page_arguments
from resolvers.types.organisation import Location

LocationFilter = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="Only this location's items (not the organisation's); a location that is "
        "not yours gives an empty list."
    ),
]
# An ID that names no location must match nothing, not everything.
_NO_LOCATION = 0


def _location_pk(location_id: strawberry.ID | None) -> int | None:
    if location_id is None:
        return None
    return pk_of(str(location_id), "Location") or _NO_LOCATION


@strawberry.type(description="The location page: contact details, team, policies, news.")
class NewsQuery:
    @strawberry.field(
        description="A location of your organisation by ID; without an ID, your (first) own "
        "location: where your children are placed, or where you work."
    )
    async def location(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID | None, strawberry.argument(description="The location's global ID.")
        ] = None,
    ) -> Location | None:
        info.context.require_viewer()
        if id is None:
            rows = await viewer_locations(info.context.loaders.reader)
            return Location.from_model(rows[0]) if rows else None
        pk = pk_of(str(id), "Location")
        row = await info.context.loaders.locations_by_id.load(pk) if pk is not None else None
        return Location.from_model(row) if row else None

    @strawberry.field(description="Your own locations, by name.")
    async def locations(self, info: Info) -> list[Location]:
        info.context.require_viewer()
        rows = await viewer_locations(info.context.loaders.reader)
        return [Location.from_model(row) for row in rows]

    @strawberry.field(
        description="News of your locations and of the organisation, most recent first."
    )
    async def news(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        location_id: LocationFilter = None,
    ) -> Connection[NewsItem]:
        info.context.require_viewer()
        page = await news_page(
            info.context.loaders.reader,
            page_arguments(first, after, (int, int)),
            _location_pk(location_id),
        )
        return Connection[NewsItem].build(page.map(NewsItem.from_model))

    @strawberry.field(
        description="Newsletters of your locations and of the organisation, most recent first."
    )
    async def newsletters(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        location_id: LocationFilter = None,
    ) -> Connection[Newsletter]:
        info.context.require_viewer()
        page = await newsletters_page(
            info.context.loaders.reader,
            page_arguments(first, after, (int, int)),
            _location_pk(location_id),
        )
        return Connection[Newsletter].build(page.map(Newsletter.from_model))
