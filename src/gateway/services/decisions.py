"""Moving a request out of pending: staff approve or reject it, a guardian cancels it.

Each move is guarded twice: the domain's state machine on the status as it reads *now* (a
request past its expiry moment is expired even before the expiry task wrote it), and an UPDATE
that only matches a stored pending row, so of two racing moves exactly one wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth import access
from gateway.auth.viewer import Viewer
from gateway.domain import (
    InvalidTransition,
    RequestStatus,
    RuleViolation,
    check_guardian_notice,
    effective_status,
    transition,
)
from gateway.errors import DomainError, ErrorCode
from gateway.live import EventPublisher
from gateway.models import (
    CareRequest,
    CareRequestDay,
    InvoiceLine,
    Organisation,
    PaymentMethod,
    RequestKind,
)
from gateway.services import swap_hours
from gateway.services.care_common import (
    MAX_COMMENT_LENGTH,
    SessionReads,
    booking_policy,
    check_text,
    lock_children,
    record_status,
    rule_error,
)
from gateway.services.care_requests import PlannedDay
from gateway.services.slots import check_room

_FIELD = ["input", "requestId"]
_INVOICE_TEXT = {RequestKind.EXTRA_DAY: "Extra dag", RequestKind.FLEX_DAY: "Flexdag"}


async def _visible_request(
    session: AsyncSession, viewer: Viewer, now: datetime, request_id: int | None
) -> CareRequest:
    request = None
    if request_id is not None:
        request = await session.scalar(
            select(CareRequest).where(
                CareRequest.id == request_id,
                access.child_visible(CareRequest.child_id, viewer, viewer.today(now)),
            )
        )
    if request is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such request.", _FIELD)
    return request


async def _may_move(
    session: AsyncSession, request: CareRequest, target: RequestStatus, now: datetime
) -> None:
    """Refuse unless the request can go to `target`; the caller holds the child's lock."""
    await session.refresh(request)  # as it is now that no one else can move it
    try:
        transition(effective_status(request.status, request.expires_at, now), target)
    except InvalidTransition as violation:
        raise rule_error(violation, _FIELD) from None


async def _move(
    session: AsyncSession,
    request: CareRequest,
    target: RequestStatus,
    now: datetime,
    **values: object,
) -> None:
    moved = await session.execute(
        update(CareRequest)
        .where(CareRequest.id == request.id, CareRequest.status == RequestStatus.PENDING)
        .values(status=target, status_changed_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if getattr(moved, "rowcount", 0) != 1:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "The request changed meanwhile.", _FIELD)
    await session.refresh(request)


async def decide_request(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    publisher: EventPublisher,
    *,
    request_id: int | None,
    approve: bool,
    note: str | None = None,
) -> CareRequest:
    """Staff of the request's group approve (spending held hours or invoicing) or reject it."""
    text = check_text(note, MAX_COMMENT_LENGTH, ["input", "note"]) or None
    request = await _visible_request(session, viewer, now, request_id)
    in_group = await session.scalar(
        select(CareRequest.id).where(
            CareRequest.id == request.id, access.staff_of_group(CareRequest.group_id, viewer)
        )
    )
    if in_group is None:
        raise DomainError(
            ErrorCode.FORBIDDEN, "Only staff of the child's group decide on requests.", _FIELD
        )
    await lock_children(session, [request.child_id])
    target = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    await _may_move(session, request, target, now)
    if approve:
        await _check_room(session, request)
    await _move(
        session,
        request,
        target,
        now,
        decided_by_account_id=viewer.account_id,
        decided_at=now,
        decision_note=text,
    )
    if not approve:
        await swap_hours.release_held(session, request.id)
    elif request.payment is PaymentMethod.SWAP_HOURS:
        covered = await swap_hours.spend_held(session, request.id)
        # Under mixed payment what the swap hours did not cover is invoiced; otherwise they
        # covered every day whole and this writes nothing.
        await _invoice(session, request, now, covered)
    elif request.payment is PaymentMethod.INVOICE:
        await _invoice(session, request, now)
    event = await record_status(session, request, RequestStatus.PENDING, now)
    await session.commit()
    await publisher.publish([event])
    return request


async def cancel_request(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    publisher: EventPublisher,
    *,
    request_id: int | None,
) -> CareRequest:
    """A guardian of the child (or whoever entered it) withdraws a pending request."""
    request = await _visible_request(session, viewer, now, request_id)
    if not viewer.is_guardian and request.created_by_account_id != viewer.account_id:
        raise DomainError(
            ErrorCode.FORBIDDEN, "Only the child's guardians can cancel this request.", _FIELD
        )
    await lock_children(session, [request.child_id])
    await _may_move(session, request, RequestStatus.CANCELLED, now)
    if viewer.is_guardian:
        await _check_notice(session, viewer, request, now)
    await _move(session, request, RequestStatus.CANCELLED, now)
    await swap_hours.release_held(session, request.id)
    event = await record_status(session, request, RequestStatus.PENDING, now)
    await session.commit()
    await publisher.publish([event])
    return request


async def _check_notice(
    session: AsyncSession, viewer: Viewer, request: CareRequest, now: datetime
) -> None:
    """A guardian cancels only while the first day is at least the notice ahead."""
    organisation = await session.get(Organisation, request.organisation_id)
    assert organisation is not None
    days = await _days(session, request)
    if not days:
        return
    try:
        check_guardian_notice(
            days[0].day, viewer.today(now), booking_policy(organisation), cancelling=True
        )
    except RuleViolation as violation:
        raise rule_error(violation, _FIELD) from None


async def _days(session: AsyncSession, request: CareRequest) -> list[CareRequestDay]:
    rows = await session.scalars(
        select(CareRequestDay)
        .where(CareRequestDay.request_id == request.id)
        .order_by(CareRequestDay.day, CareRequestDay.start_time)
    )
    return list(rows)


async def _check_room(session: AsyncSession, request: CareRequest) -> None:
    """The group may have filled up since the request was made."""
    planned = [
        PlannedDay(
            index=index,
            child_id=day.child_id,
            group_id=day.group_id,
            day=day.day,
            start=day.start_time,
            end=day.end_time,
            minutes=day.minutes,
        )
        for index, day in enumerate(await _days(session, request))
    ]
    await check_room(SessionReads(session), planned, lambda _: _FIELD)


async def _invoice(
    session: AsyncSession,
    request: CareRequest,
    now: datetime,
    covered: Mapping[int, int] | None = None,
) -> None:
    """Invoice lines for the request's days; `covered`: minutes per day paid with swap hours."""
    label = _INVOICE_TEXT.get(request.kind, "Opvang")
    for day in await _days(session, request):
        minutes = day.minutes - (covered or {}).get(day.id, 0)
        if minutes <= 0:
            continue
        session.add(
            InvoiceLine(
                organisation_id=request.organisation_id,
                child_id=request.child_id,
                request_id=request.id,
                request_day_id=day.id,
                day=day.day,
                minutes=minutes,
                description=f"{label} {day.day.isoformat()} "
                f"{day.start_time:%H:%M}-{day.end_time:%H:%M}",
                created_at=now,
            )
        )
