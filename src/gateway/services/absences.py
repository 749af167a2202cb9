"""Reporting a child absent: cancel scheduled care, credit swap hours, confirm by mail.

Explicit dates are strict: each must be a care day that has not passed and is not closed, or
the report is refused with that day's reason. A range (from, to) takes the care days inside it
and skips closed days and days without care, so a week off around a holiday just works.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.viewer import Viewer
from gateway.domain import (
    Credit,
    DayInPast,
    NoCareOnDay,
    RequestStatus,
    RuleViolation,
    balance,
    care_to_cancel,
    credit_for_absence,
    credited_in_year,
    valid_until,
)
from gateway.errors import DomainError, ErrorCode
from gateway.live import EventPublisher
from gateway.mail import Mailer
from gateway.models import CareRequest, CareRequestDay, Organisation, RequestKind, SwapCredit
from gateway.services import swap_hours
from gateway.services.absence_mail import send_confirmations
from gateway.services.care_common import (
    MAX_IDEMPOTENCY_KEY_LENGTH,
    MAX_RANGE_DAYS,
    ChildPlacements,
    SessionReads,
    check_text,
    closed_days,
    closing_days,
    invalid,
    lock_children,
    placements_of,
    rule_error,
    swap_policy,
    to_hours,
    to_minutes,
    visible_children,
)
from gateway.services.care_requests import (
    PlannedDay,
    Submission,
    announce,
    replayed,
    store_requests,
)
from gateway.services.expiry import expire_due_for_children
from gateway.services.idempotency import fingerprint

log = logging.getLogger(__name__)

MAX_REASON_LENGTH = 500
MAX_CHILDREN = 10


def _days(
    today: date, dates: Sequence[date] | None, start: date | None, end: date | None
) -> list[date]:
    if dates is not None:
        if start is not None or end is not None:
            raise invalid("Give dates or a range, not both.", ["input", "dates"])
        if not dates:
            raise invalid("Give at least one date.", ["input", "dates"])
        if len(set(dates)) > MAX_RANGE_DAYS:
            raise DomainError(
                ErrorCode.RANGE_TOO_LARGE, f"At most {MAX_RANGE_DAYS} dates.", ["input", "dates"]
            )
        return sorted(set(dates))
    if start is None or end is None:
        raise invalid("Give dates, or a range with both from and to.", ["input", "from"])
    if end < start:
        raise invalid("The range ends before it starts.", ["input", "to"])
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise DomainError(
            ErrorCode.RANGE_TOO_LARGE,
            f"A range covers at most {MAX_RANGE_DAYS} days.",
            ["input", "to"],
        )
    if start < today:
        raise rule_error(DayInPast(start), ["input", "from"])
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


async def report_absence(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    publisher: EventPublisher,
    mailer: Mailer,
    *,
    child_ids: Sequence[int | None],
    reason: str,
    dates: Sequence[date] | None = None,
    start: date | None = None,
    end: date | None = None,
    idempotency_key: str | None = None,
) -> list[CareRequest]:
    """Cancel the children's care on the days; one approved absence per child and group."""
    today = viewer.today(now)
    if not child_ids:
        raise invalid("Name at least one child.", ["input", "childIds"])
    if len(child_ids) > MAX_CHILDREN:
        raise invalid(f"At most {MAX_CHILDREN} children at once.", ["input", "childIds"])
    text = check_text(reason, MAX_REASON_LENGTH, ["input", "reason"])
    if not text:
        raise invalid("Give a reason.", ["input", "reason"])
    explicit = dates is not None
    days = _days(today, dates, start, end)
    key = check_text(idempotency_key, MAX_IDEMPOTENCY_KEY_LENGTH, ["input", "idempotencyKey"])
    submission = Submission(
        comment=text,
        expires_at=None,
        idempotency_key=key or None,
        fingerprint=fingerprint(
            "reportAbsence",
            {
                # Dates or a range, as asked: the same days asked differently are another input.
                "childIds": sorted({c for c in child_ids if c is not None}),
                "dates": days if explicit else None,
                "range": None if explicit else [days[0], days[-1]],
                "reason": text,
            },
        ),
    )
    db = SessionReads(session)
    children = await visible_children(db, viewer, today, {c for c in child_ids if c is not None})
    for index, child_id in enumerate(child_ids):
        if child_id not in children:
            raise DomainError(
                ErrorCode.NOT_FOUND, "No such child.", ["input", "childIds", str(index)]
            )

    await lock_children(session, children)
    lapsed = await expire_due_for_children(session, children, now)
    earlier = await replayed(session, viewer, submission, RequestKind.ABSENCE)
    if earlier is not None:
        return earlier
    organisation = await session.get(Organisation, viewer.organisation_id)
    assert organisation is not None
    closed = closed_days(await closing_days(db, organisation.id, days[0], days[-1]))
    placements = await placements_of(db, children)
    absent = {
        (child_id, day, placement_id)
        for child_id, day, placement_id in await db.rows(
            select(CareRequestDay.child_id, CareRequestDay.day, CareRequestDay.placement_id)
            .join(CareRequest, CareRequest.id == CareRequestDay.request_id)
            .where(
                CareRequestDay.child_id.in_(children),
                CareRequestDay.day >= days[0],
                CareRequestDay.day <= days[-1],
                CareRequest.kind == RequestKind.ABSENCE,
                CareRequest.status == RequestStatus.APPROVED,
            )
        )
    }

    planned: list[PlannedDay] = []
    for index, day in enumerate(days):
        where = ["input", "dates", str(index)] if explicit else ["input", "from"]
        cared = fresh = False
        for child_id in sorted(children):
            try:
                cancelled = care_to_cancel(day, today, placements[child_id].terms, closed)
            except NoCareOnDay:
                continue
            except RuleViolation as violation:  # closed; past only for explicit dates
                if explicit:
                    raise rule_error(violation, where) from None
                continue
            cared = True
            for care in cancelled:
                if (child_id, day, care.placement_id) in absent:
                    continue
                fresh = True
                planned.append(
                    PlannedDay(
                        index=index,
                        child_id=child_id,
                        group_id=care.group_id,
                        day=day,
                        start=care.start,
                        end=care.end,
                        minutes=to_minutes(care.hours),
                        placement_id=care.placement_id,
                    )
                )
        if explicit and not cared:
            raise rule_error(NoCareOnDay(day), where)
        if explicit and not fresh:
            raise _already_absent(day, where)
    if not planned:
        raise DomainError(
            ErrorCode.NO_CARE_ON_DAY,
            f"There is no care to cancel from {days[0].isoformat()} to {days[-1].isoformat()}.",
            ["input", "from"],
        )

    await _credit(session, organisation, now, planned, placements)
    created = await store_requests(
        session,
        viewer,
        now,
        submission,
        kind=RequestKind.ABSENCE,
        status=RequestStatus.APPROVED,
        payment=None,
        days=planned,
    )
    for new in created:
        for day_plan in new.days:
            until = day_plan.credit_valid_until
            if until is not None and day_plan.row is not None:
                session.add(
                    SwapCredit(
                        organisation_id=organisation.id,
                        child_id=day_plan.child_id,
                        source_day_id=day_plan.row.id,
                        minutes=day_plan.credited_minutes,
                        earned_on=day_plan.day,
                        valid_until=until,
                        remaining_minutes=day_plan.credited_minutes,
                        created_at=now,
                    )
                )
    await announce(session, publisher, created, now, lapsed)
    await send_confirmations(session, mailer, viewer, organisation, children, created, text)
    return [new.request for new in created]


def _already_absent(day: date, where: list[str]) -> DomainError:
    return DomainError(
        ErrorCode.ALREADY_ABSENT, f"Already reported absent on {day.isoformat()}.", where
    )


async def _credit(
    session: AsyncSession,
    organisation: Organisation,
    now: datetime,
    planned: list[PlannedDay],
    placements: dict[int, ChildPlacements],
) -> None:
    """Set each day's credited minutes and their validity by the organisation's policy.

    Days are credited in date order against the ledger as it grows, so a yearly cap or maximum
    balance counts the earlier days of the same report.
    """
    policy = swap_policy(organisation)
    zone = ZoneInfo(organisation.time_zone)
    for child_id in sorted({p.child_id for p in planned}):
        ledger: list[Credit] = await swap_hours.credits_of(session, child_id, policy)
        last_end = placements[child_id].last_end()
        for day_plan in sorted((p for p in planned if p.child_id == child_id), key=lambda p: p.day):
            earned = credit_for_absence(
                day_plan.day,
                to_hours(day_plan.minutes),
                reported_at=now,
                tz=zone,
                policy=policy,
                day_closed=False,  # closed days never reach here: there is no care to cancel
                credited_this_year=credited_in_year(ledger, day_plan.day.year),
                balance=balance(ledger, day_plan.day),
                last_placement_end=last_end,
            )
            day_plan.credited_minutes = to_minutes(earned)
            if day_plan.credited_minutes == 0:
                continue
            day_plan.credit_valid_until = valid_until(day_plan.day, policy, last_end)
            hours = to_hours(day_plan.credited_minutes)
            ledger.append(
                Credit(
                    id=-len(ledger) - 1,  # not stored yet; only has to differ from real ids
                    child_id=child_id,
                    hours=hours,
                    earned_on=day_plan.day,
                    valid_until=day_plan.credit_valid_until,
                    remaining=hours,
                )
            )
