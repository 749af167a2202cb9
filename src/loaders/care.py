"""Loaders for arranging care: requests and their days, swap credits, slots, the overview page.

Every query is scoped by `access` on the child the rows belong to (slots: by organisation), so
a request of someone else's child loads as None, like a missing one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select

from gateway.auth import access
from gateway.domain import AllocationStatus, Credit, RequestStatus
from gateway.models import (
    CareRequest,
    CareRequestDay,
    Group,
    GroupSlot,
    Organisation,
    RequestKind,
    SwapAllocation,
    SwapCredit,
)
from gateway.pagination import Page, PageRequest, make_page
from gateway.services import flex_days
from gateway.services.care_common import swap_policy
from gateway.services.swap_hours import as_credit
from loaders.base import KEYS, Reader, many_per_key, one_per_key, prepared

_CARE_REQUESTS_BY_ID = prepared(
    select(CareRequest).where(CareRequest.id.in_(KEYS), access.child_in_scope(CareRequest.child_id))
)


async def care_requests_by_id(reader: Reader, keys: Sequence[int]) -> list[CareRequest | None]:
    rows = await reader.all(_CARE_REQUESTS_BY_ID, keys)
    return one_per_key(rows, lambda r: r.id, keys)


_REQUEST_DAYS_BY_REQUEST = prepared(
    select(CareRequestDay)
    .where(CareRequestDay.request_id.in_(KEYS), access.child_in_scope(CareRequestDay.child_id))
    .order_by(CareRequestDay.day, CareRequestDay.start_time, CareRequestDay.id)
)


async def request_days_by_request(
    reader: Reader, keys: Sequence[int]
) -> list[list[CareRequestDay]]:
    rows = await reader.all(_REQUEST_DAYS_BY_REQUEST, keys)
    return many_per_key(rows, lambda d: d.request_id, keys)


def _lapsed(now: datetime) -> ColumnElement[bool]:
    """On `CareRequest`: pending, but past its expiry moment (the sweep has not run yet)."""
    return and_(
        CareRequest.status == RequestStatus.PENDING,
        CareRequest.expires_at.is_not(None),
        CareRequest.expires_at <= now,
    )


@dataclass(frozen=True)
class CreditView:
    """A credit as it reads now: hours held by requests past their expiry moment count as
    released, whether or not the expiry sweep has written that yet."""

    row: SwapCredit
    credit: Credit


async def swap_credits_by_child(reader: Reader, keys: Sequence[int]) -> list[list[CreditView]]:
    """Credits with hours left that have not expired, the first to expire first."""
    now = reader.moment()
    lapsed = (
        select(SwapAllocation.credit_id, func.sum(SwapAllocation.minutes).label("minutes"))
        .join(CareRequest, CareRequest.id == SwapAllocation.request_id)
        .where(SwapAllocation.status == AllocationStatus.HELD, _lapsed(now))
        .group_by(SwapAllocation.credit_id)
        .subquery()
    )
    released = func.coalesce(lapsed.c.minutes, 0)
    rows = await reader.rows(
        select(SwapCredit, Organisation, released)
        .join(Organisation, Organisation.id == SwapCredit.organisation_id)
        .outerjoin(lapsed, lapsed.c.credit_id == SwapCredit.id)
        .where(
            SwapCredit.child_id.in_(keys),
            SwapCredit.remaining_minutes + released > 0,
            SwapCredit.valid_until >= reader.today,
            access.child_visible(SwapCredit.child_id, reader.viewer, reader.today),
        )
        .order_by(SwapCredit.valid_until, SwapCredit.earned_on, SwapCredit.id)
    )
    views = [
        CreditView(
            row=row,
            credit=as_credit(row, swap_policy(organisation), row.remaining_minutes + int(extra)),
        )
        for row, organisation, extra in rows
    ]
    return many_per_key(views, lambda v: v.row.child_id, keys)


async def held_swap_minutes_by_child(reader: Reader, keys: Sequence[int]) -> list[int]:
    """Minutes held for pending requests, per child; a request past its expiry moment holds
    none any more."""
    rows = await reader.rows(
        select(SwapCredit.child_id, func.sum(SwapAllocation.minutes))
        .join(SwapAllocation, SwapAllocation.credit_id == SwapCredit.id)
        .join(CareRequest, CareRequest.id == SwapAllocation.request_id)
        .where(
            SwapCredit.child_id.in_(keys),
            SwapAllocation.status == AllocationStatus.HELD,
            ~_lapsed(reader.moment()),
            access.child_visible(SwapCredit.child_id, reader.viewer, reader.today),
        )
        .group_by(SwapCredit.child_id)
    )
    held = {child_id: int(minutes or 0) for child_id, minutes in rows}
    return [held.get(key, 0) for key in keys]


async def flex_use_by_placement(
    reader: Reader, keys: Sequence[int]
) -> list[dict[int, flex_days.PotUse]]:
    """Per placement, the pot's use per calendar year (approved and pending minutes)."""
    used = await flex_days.pot_usage(
        reader,
        keys,
        reader.moment(),
        access.child_visible(CareRequestDay.child_id, reader.viewer, reader.today),
    )
    per_placement: dict[int, dict[int, flex_days.PotUse]] = {key: {} for key in keys}
    for (placement_id, year), use in used.items():
        per_placement[placement_id][year] = use
    return [per_placement[key] for key in keys]


_GROUP_SLOTS_BY_ID = prepared(
    select(GroupSlot)
    .join(Group, Group.id == GroupSlot.group_id)
    .where(GroupSlot.id.in_(KEYS), access.organisation_in_scope(Group.organisation_id))
)


async def group_slots_by_id(reader: Reader, keys: Sequence[int]) -> list[GroupSlot | None]:
    rows = await reader.all(_GROUP_SLOTS_BY_ID, keys)
    return one_per_key(rows, lambda s: s.id, keys)


@dataclass(frozen=True)
class RequestFilter:
    """Narrows the overview; None means any."""

    child_id: int | None = None
    status: RequestStatus | None = None
    kind: RequestKind | None = None


def _status_is(status: RequestStatus, now: datetime) -> ColumnElement[bool]:
    """The status as `domain.effective_status` reads it at `now`, as SQL."""
    due = _lapsed(now)
    if status is RequestStatus.PENDING:
        return and_(CareRequest.status == RequestStatus.PENDING, ~due)
    if status is RequestStatus.EXPIRED:
        return or_(CareRequest.status == RequestStatus.EXPIRED, due)
    return CareRequest.status == status


async def requests_page(
    reader: Reader, request: PageRequest, now: datetime, narrow: RequestFilter
) -> Page[CareRequest]:
    """The requests overview: the viewer's visible requests, newest (highest id) first."""
    conditions = [access.child_in_scope(CareRequest.child_id)]
    if narrow.child_id is not None:
        conditions.append(CareRequest.child_id == narrow.child_id)
    if narrow.status is not None:
        conditions.append(_status_is(narrow.status, now))
    if narrow.kind is not None:
        conditions.append(CareRequest.kind == narrow.kind)
    statement = select(CareRequest).where(*conditions)
    if request.after is not None:
        # Ids grow with creation, so newest-first is id descending: one stable key.
        statement = statement.where(CareRequest.id < int(request.after[0]))
    page = statement.order_by(CareRequest.id.desc()).limit(request.first + 1)
    rows = await reader.all(prepared(page))
    total = await reader.all(
        prepared(select(func.count()).select_from(CareRequest).where(*conditions))
    )
    return make_page(rows, request, lambda r: [r.id], total[0])
