"""A child's agenda: every day with care or a reason why not, from schedules and requests.

Read-only, and it reads through the caller's `Statements` (in a query: the request's scoped,
lock-guarded reader), in four statements whatever the range.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from gateway.auth.viewer import Viewer
from gateway.domain import (
    DEFAULT_OPENING_HOURS,
    ClosedDay,
    Closure,
    OpeningHours,
    RequestStatus,
    care_days,
    closed_care_days,
    closure_on,
    effective_status,
)
from gateway.errors import DomainError, ErrorCode
from gateway.models import CareRequest, CareRequestDay, Child, RequestKind
from gateway.placements import current_placement
from gateway.services.care_common import (
    MAX_RANGE_DAYS,
    ChildPlacements,
    Statements,
    closed_days,
    closing_days,
    opening_hours_of_groups,
    placements_of,
    to_minutes,
    visible_children,
)


class EntryState(enum.Enum):
    CARE = "care"
    ABSENT = "absent"
    CLOSED = "closed"
    PENDING = "pending"


class EntryKind(enum.Enum):
    REGULAR = "regular"
    EXTRA = "extra"
    FLEX = "flex"


_KIND = {RequestKind.EXTRA_DAY: EntryKind.EXTRA, RequestKind.FLEX_DAY: EntryKind.FLEX}
# Requests shown in the agenda by their status as it reads now; the rest left no trace.
_BOOKING_STATE = {
    RequestStatus.APPROVED: EntryState.CARE,
    RequestStatus.PENDING: EntryState.PENDING,
}


@dataclass(frozen=True)
class AgendaEntry:
    """One stretch of care on one day: given, cancelled, closed, or asked for."""

    day: date
    state: EntryState
    kind: EntryKind
    start: time
    end: time
    minutes: int
    group_id: int
    request_id: int | None = None  # the extra/flex request, or the absence report
    absence_reason: str | None = None
    closed_name: str | None = None
    closure: Closure | None = None  # CLOSED: a holiday or an own closing day
    credited_minutes: int = 0


@dataclass(frozen=True)
class Agenda:
    child: Child
    start: date
    end: date
    entries: list[AgendaEntry]
    closed_days: list[ClosedDay]


def check_range(start: date, end: date) -> None:
    if end < start:
        raise DomainError(ErrorCode.INVALID_INPUT, "'to' lies before 'from'.", ["to"])
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise DomainError(
            ErrorCode.RANGE_TOO_LARGE, f"Ask for at most {MAX_RANGE_DAYS} days at once.", ["to"]
        )


async def read_agenda(
    db: Statements, viewer: Viewer, now: datetime, child_id: int, start: date, end: date
) -> Agenda | None:
    """The child's agenda from `start` to `end` (inclusive); None for a child not yours."""
    check_range(start, end)
    child = (await visible_children(db, viewer, viewer.today(now), [child_id])).get(child_id)
    if child is None:
        return None
    own_closing = await closing_days(db, child.organisation_id, start, end)
    closed = closed_days(own_closing)
    placements = (await placements_of(db, [child.id]))[child.id]
    terms = placements.terms
    opening = await opening_hours_of_groups(db, {p.group_id for p in placements.placements})
    rows = await db.rows(
        select(CareRequestDay, CareRequest)
        .join(CareRequest, CareRequest.id == CareRequestDay.request_id)
        .where(
            CareRequestDay.child_id == child.id,
            CareRequestDay.day >= start,
            CareRequestDay.day <= end,
            CareRequest.status.in_([RequestStatus.PENDING, RequestStatus.APPROVED]),
        )
    )
    absences = {
        (day.day, day.placement_id): (day, request)
        for day, request in rows
        if request.kind is RequestKind.ABSENCE
    }
    entries = []
    for care in care_days(terms, start, end, closed):
        absent = absences.get((care.day, care.placement_id))
        entries.append(
            AgendaEntry(
                day=care.day,
                state=EntryState.ABSENT if absent else EntryState.CARE,
                kind=EntryKind.REGULAR,
                start=care.start,
                end=care.end,
                minutes=to_minutes(care.hours),
                group_id=care.group_id,
                request_id=absent[1].id if absent else None,
                absence_reason=absent[1].comment if absent else None,
                credited_minutes=absent[0].credited_minutes if absent else 0,
            )
        )
    entries += [
        AgendaEntry(
            day=shut.day,
            state=EntryState.CLOSED,
            kind=EntryKind.REGULAR,
            start=shut.start,
            end=shut.end,
            minutes=0,
            group_id=shut.group_id,
            closed_name=shut.name,
            closure=_holiday_or_closing(shut.day, own_closing),
        )
        for shut in closed_care_days(terms, start, end, closed)
    ]
    for day, request in rows:
        status = effective_status(request.status, request.expires_at, now)
        if request.kind not in _KIND or status not in _BOOKING_STATE:
            continue
        entries.append(
            AgendaEntry(
                day=day.day,
                state=_BOOKING_STATE[status],
                kind=_KIND[request.kind],
                start=day.start_time,
                end=day.end_time,
                minutes=day.minutes,
                group_id=day.group_id,
                request_id=request.id,
            )
        )
    entries.sort(key=lambda e: (e.day, e.start, e.end))
    shut = _closed_days(start, end, placements, opening, own_closing, viewer.today(now))
    return Agenda(child=child, start=start, end=end, entries=entries, closed_days=shut)


_ALWAYS_OPEN: OpeningHours = {weekday: (time.min, time.max) for weekday in range(7)}


def _holiday_or_closing(day: date, own_closing: dict[date, str]) -> Closure | None:
    found = closure_on(day, _ALWAYS_OPEN, own_closing)
    return found.closure if found is not None else None


def _closed_days(
    start: date,
    end: date,
    placements: ChildPlacements,
    opening: dict[int, OpeningHours],
    own_closing: dict[date, str],
    today: date,
) -> list[ClosedDay]:
    """Every day of the range on which the child's location is closed.

    The location is that of the groups placed on the day; on days outside every placement,
    that of the current group, so a calendar greys out the same weekends before and after.
    A day counts as closed only when all the child's groups that day are closed.
    """
    fallback = current_placement(placements.placements, today)
    default = opening[fallback.group_id] if fallback is not None else DEFAULT_OPENING_HOURS
    days = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        weeks = [opening[p.group_id] for p in placements.on(day)] or [default]
        reasons = [closure_on(day, week, own_closing) for week in weeks]
        if all(reason is not None for reason in reasons) and reasons[0] is not None:
            days.append(reasons[0])
    return days
