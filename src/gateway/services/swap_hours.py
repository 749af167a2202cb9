"""The swap-hours ledger in the database: planning with the domain rules, writing with guards.

`SwapCredit.remaining_minutes` is what can still be held. A hold takes minutes off it with a
conditional UPDATE that refuses to go below zero, so even a plan made from stale rows cannot
overdraw; releasing puts them back, spending leaves them taken. The per-child lock of
`care_common.lock_children` makes stale plans rare; the guard makes them harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.domain import (
    Allocation,
    AllocationStatus,
    Credit,
    InsufficientSwapHours,
    RuleViolation,
    SwapHoursExpired,
    SwapHoursNotYetValid,
    SwapPolicy,
    format_hours,
    plan_hold,
    release,
    spend,
    usable_from,
)
from gateway.errors import DomainError, ErrorCode
from gateway.models import SwapAllocation, SwapCredit
from gateway.services.care_common import rule_error, to_hours, to_minutes


def as_credit(row: SwapCredit, policy: SwapPolicy, remaining_minutes: int | None = None) -> Credit:
    """The domain's credit; `remaining_minutes` overrides the stored figure (see loaders)."""
    return Credit(
        id=row.id,
        child_id=row.child_id,
        hours=to_hours(row.minutes),
        earned_on=row.earned_on,
        valid_until=row.valid_until,
        remaining=to_hours(
            row.remaining_minutes if remaining_minutes is None else remaining_minutes
        ),
        usable_from=usable_from(row.earned_on, policy),
    )


async def credits_of(session: AsyncSession, child_id: int, policy: SwapPolicy) -> list[Credit]:
    """Every credit of the child; call under `lock_children` (and after expiring the child's
    due requests) so the plan stays true."""
    rows = await session.scalars(
        select(SwapCredit).where(SwapCredit.child_id == child_id).order_by(SwapCredit.id)
    )
    return [as_credit(row, policy) for row in rows]


class _DayRefused(Exception):
    def __init__(self, field: list[str], violation: RuleViolation) -> None:
        super().__init__(violation.message)
        self.field = field
        self.violation = violation


def _plan(
    credits: Sequence[Credit], days: Sequence[tuple[date, int, list[str]]], partial: bool
) -> list[list[Allocation]]:
    working = {credit.id: credit for credit in credits}
    plans: list[list[Allocation]] = []
    for day, minutes, field in days:
        try:
            allocations = plan_hold(list(working.values()), to_hours(minutes), day, partial=partial)
        except RuleViolation as violation:
            raise _DayRefused(field, violation) from None
        for allocation in allocations:
            credit = working[allocation.credit_id]
            working[credit.id] = replace(credit, remaining=credit.remaining - allocation.hours)
        plans.append(allocations)
    return plans


def plan_days(
    credits: Sequence[Credit],
    days: Sequence[tuple[date, int, list[str]]],
    *,
    mixed: bool = False,
) -> list[list[Allocation]]:
    """Allocations for each (day, minutes, field) in turn; all days are paid, or none.

    Days are planned in the order given against what earlier days left over, so two days
    never count the same hours. With `mixed` (`SwapPolicy.mixed_payment`) each day takes what
    is left, the rest of it to be invoiced. A refusal of several days states their totals.
    """
    try:
        return _plan(credits, days, partial=mixed)
    except _DayRefused as refused:
        violation = refused.violation
        if len(days) > 1 and isinstance(violation, InsufficientSwapHours):
            needed = sum((to_hours(m) for _d, m, _f in days), to_hours(0))
            usable = sum(
                (a.hours for plan in _plan(credits, days, partial=True) for a in plan),
                to_hours(0),
            )
            why = {
                SwapHoursNotYetValid: " (the rest is credit of an absence still to come)",
                SwapHoursExpired: " (the rest has expired by then)",
            }.get(type(violation), "")
            violation.message = (
                f"These {len(days)} days need {format_hours(needed)} swap hours; your swap "
                f"hours can pay {format_hours(usable)} of them{why}; choose invoice instead."
            )
        raise rule_error(violation, refused.field) from None


async def hold(
    session: AsyncSession,
    request_id: int,
    request_day_id: int,
    allocations: Sequence[Allocation],
    field: list[str],
) -> None:
    for allocation in allocations:
        minutes = to_minutes(allocation.hours)
        taken = await session.execute(
            update(SwapCredit)
            .where(SwapCredit.id == allocation.credit_id, SwapCredit.remaining_minutes >= minutes)
            .values(remaining_minutes=SwapCredit.remaining_minutes - minutes)
            .execution_options(synchronize_session=False)
        )
        if getattr(taken, "rowcount", 0) != 1:
            raise DomainError(
                ErrorCode.INSUFFICIENT_SWAP_HOURS,
                "Your swap hours were used by another request meanwhile; check the balance.",
                field,
            )
        session.add(
            SwapAllocation(
                credit_id=allocation.credit_id,
                request_id=request_id,
                request_day_id=request_day_id,
                minutes=minutes,
                status=allocation.status,
            )
        )


async def _held(session: AsyncSession, request_id: int) -> list[SwapAllocation]:
    rows = await session.scalars(
        select(SwapAllocation)
        .where(
            SwapAllocation.request_id == request_id,
            SwapAllocation.status == AllocationStatus.HELD,
        )
        .order_by(SwapAllocation.id)
    )
    return list(rows)


def _domain(row: SwapAllocation) -> Allocation:
    return Allocation(credit_id=row.credit_id, hours=to_hours(row.minutes), status=row.status)


async def spend_held(session: AsyncSession, request_id: int) -> dict[int, int]:
    """The request was approved: its held hours are used up. Returns the minutes spent per
    request day."""
    spent: dict[int, int] = {}
    for row in await _held(session, request_id):
        row.status = spend(_domain(row)).status
        spent[row.request_day_id] = spent.get(row.request_day_id, 0) + row.minutes
    return spent


async def release_held(session: AsyncSession, request_id: int) -> None:
    """The request was rejected, expired or cancelled: held hours go back to their credits."""
    for row in await _held(session, request_id):
        row.status = release(_domain(row)).status
        await session.execute(
            update(SwapCredit)
            .where(SwapCredit.id == row.credit_id)
            .values(remaining_minutes=SwapCredit.remaining_minutes + row.minutes)
            .execution_options(synchronize_session=False)
        )
