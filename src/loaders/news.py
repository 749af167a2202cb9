"""Loaders for what locations publish: news with attachments, newsletters, policies, the team.

Documents are only ever loaded together with what holds them, under that holder's rule, so
no path hands out a document (and its signed URL) on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from gateway.auth import access
from gateway.errors import ErrorCode, PublicError
from gateway.models import (
    Document,
    Group,
    Location,
    NewsAttachment,
    NewsItem,
    Newsletter,
    Policy,
    StaffGroup,
    StaffMember,
)
from gateway.pagination import Page, PageRequest, make_page
from loaders.base import Reader, many_per_key, one_per_key
from loaders.messages import int_cursor

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Dated = TypeVar("Dated", NewsItem, Newsletter)


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _moment(micros: int) -> datetime:
    try:
        return _EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        raise PublicError(ErrorCode.INVALID_INPUT, "'after' is not a valid cursor.") from None


def _news_listed(reader: Reader, location_id: int | None) -> ColumnElement[bool]:
    """Published items in the viewer's scope (scheduled ones are not listed, even to authors)."""
    rule = and_(
        access.news_visible(reader.viewer, reader.today, reader.moment()),
        NewsItem.publish_at <= reader.moment(),
    )
    if location_id is not None:
        rule = and_(rule, NewsItem.location_id == location_id)
    return rule


async def _newest_first(
    reader: Reader,
    entity: type[Dated],
    moment: InstrumentedAttribute[datetime],
    visible: ColumnElement[bool],
    request: PageRequest,
) -> Page[Dated]:
    """A keyset page of `entity` rows, latest `moment` first (ties: higher id first)."""
    ident = entity.id
    statement = select(entity).where(visible)
    after = int_cursor(request)
    if after is not None:
        at = _moment(after[0])
        statement = statement.where(or_(moment < at, and_(moment == at, ident < after[1])))
    rows = await reader.all(
        statement.order_by(moment.desc(), ident.desc()).limit(request.first + 1)
    )
    total = await reader.all(select(func.count()).select_from(entity).where(visible))
    return make_page(rows, request, lambda r: [_micros(getattr(r, moment.key)), r.id], total[0])


async def news_page(
    reader: Reader, request: PageRequest, location_id: int | None = None
) -> Page[NewsItem]:
    """News of the viewer's locations and organisation, most recent first."""
    visible = _news_listed(reader, location_id)
    return await _newest_first(reader, NewsItem, NewsItem.publish_at, visible, request)


async def news_items_by_id(reader: Reader, keys: Sequence[int]) -> list[NewsItem | None]:
    rows = await reader.all(
        select(NewsItem).where(
            NewsItem.id.in_(keys), access.news_visible(reader.viewer, reader.today, reader.moment())
        )
    )
    return one_per_key(rows, lambda n: n.id, keys)


async def attachments_by_news(reader: Reader, keys: Sequence[int]) -> list[list[Document]]:
    rows = await reader.rows(
        select(NewsAttachment.news_item_id, Document)
        .join(Document, Document.id == NewsAttachment.document_id)
        .join(NewsItem, NewsItem.id == NewsAttachment.news_item_id)
        .where(
            NewsAttachment.news_item_id.in_(keys),
            access.news_visible(reader.viewer, reader.today, reader.moment()),
        )
        .order_by(NewsAttachment.position, NewsAttachment.id)
    )
    grouped = many_per_key(rows, lambda r: r[0], keys)
    return [[document for _, document in group] for group in grouped]


def _newsletters_visible(reader: Reader, location_id: int | None) -> ColumnElement[bool]:
    rule = and_(
        access.location_content_visible(
            Newsletter.organisation_id, Newsletter.location_id, reader.viewer, reader.today
        ),
        Newsletter.published_at <= reader.moment(),
    )
    if location_id is not None:
        rule = and_(rule, Newsletter.location_id == location_id)
    return rule


async def newsletters_page(
    reader: Reader, request: PageRequest, location_id: int | None = None
) -> Page[Newsletter]:
    """Newsletters of the viewer's locations and organisation, most recent first."""
    visible = _newsletters_visible(reader, location_id)
    return await _newest_first(reader, Newsletter, Newsletter.published_at, visible, request)


async def newsletters_by_id(reader: Reader, keys: Sequence[int]) -> list[Newsletter | None]:
    rows = await reader.all(
        select(Newsletter).where(Newsletter.id.in_(keys), _newsletters_visible(reader, None))
    )
    return one_per_key(rows, lambda n: n.id, keys)


async def documents_by_newsletter(reader: Reader, keys: Sequence[int]) -> list[Document | None]:
    rows = await reader.rows(
        select(Newsletter.id, Document)
        .join(Document, Document.id == Newsletter.document_id)
        .where(Newsletter.id.in_(keys), _newsletters_visible(reader, None))
    )
    by_letter = {letter_id: document for letter_id, document in rows}
    return [by_letter.get(k) for k in keys]


async def policies_by_location(
    reader: Reader, keys: Sequence[int]
) -> list[list[tuple[Policy, Document]]]:
    """A location's own policies and the organisation's, by kind then title."""
    rows = await reader.rows(
        select(Policy, Document)
        .join(Document, Document.id == Policy.document_id)
        .where(
            or_(Policy.location_id.in_(keys), Policy.location_id.is_(None)),
            access.location_content_visible(
                Policy.organisation_id, Policy.location_id, reader.viewer, reader.today
            ),
        )
        .order_by(Policy.kind, Policy.title, Policy.id)
    )
    return [
        [(policy, document) for policy, document in rows if policy.location_id in (key, None)]
        for key in keys
    ]


async def team_by_location(reader: Reader, keys: Sequence[int]) -> list[list[StaffMember]]:
    """The staff working in a group of the location, by name, each once."""
    rows = await reader.rows(
        select(Group.location_id, StaffMember)
        .join(StaffGroup, StaffGroup.staff_member_id == StaffMember.id)
        .join(Group, Group.id == StaffGroup.group_id)
        .where(
            Group.location_id.in_(keys),
            access.in_organisation(StaffMember.organisation_id, reader.viewer),
        )
        .distinct()
        .order_by(Group.location_id, StaffMember.first_name, StaffMember.last_name, StaffMember.id)
    )
    grouped = many_per_key(rows, lambda r: r[0], keys)
    return [[member for _, member in group] for group in grouped]


async def viewer_locations(reader: Reader) -> Sequence[Location]:
    """The locations the viewer's children are (or were lately) placed at, or staff work at."""
    return await reader.all(
        select(Location)
        .where(
            Location.id.in_(access.visible_location_ids(reader.viewer, reader.today)),
            access.in_organisation(Location.organisation_id, reader.viewer),
        )
        .order_by(Location.name, Location.id)
    )
