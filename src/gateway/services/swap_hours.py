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
    RuleViolation,
    plan_hold,
    release,
    spend,
)
from gateway.errors import DomainError, ErrorCode
from gateway.models import SwapAllocation, SwapCredit
from gateway.services.care_common import rule_error, to_hours, to_minutes


def as_credit(row: SwapCredit) -> Credit:
    return Credit(
        id=row.id,
        child_id=row.child_id,
        hours=to_hours(row.minutes),
        earned_on=row.earned_on,
        valid_until=row.valid_until,
        remaining=to_hours(row.remaining_minutes),
    )


async def credits_of(session: AsyncSession, child_id: int) -> list[Credit]:
    """Every credit of the child; call under `lock_children` so the plan stays true."""
    rows = await session.scalars(
        select(SwapCredit).where(SwapCredit.child_id == child_id).order_by(SwapCredit.id)
    )
    return [as_credit(row) for row in rows]


def plan_days(
    credits: Sequence[Credit], days: Sequence[tuple[date, int, list[str]]]
) -> list[list[Allocation]]:
    """Allocations for each (day, minutes, field) in turn; all days are paid, or none.

    Days are planned in the order given against what earlier days left over, so two days
    never count the same hours.
    """
    working = {credit.id: credit for credit in credits}
    plans: list[list[Allocation]] = []
    for day, minutes, field in days:
        try:
            allocations = plan_hold(list(working.values()), to_hours(minutes), day)
        except RuleViolation as violation:
            raise rule_error(violation, field) from None
        for allocation in allocations:
            credit = working[allocation.credit_id]
            working[credit.id] = replace(credit, remaining=credit.remaining - allocation.hours)
        plans.append(allocations)
    return plans


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


async def spend_held(session: AsyncSession, request_id: int) -> None:
    """The request was approved: its held hours are used up."""
    for row in await _held(session, request_id):
        row.status = spend(_domain(row)).status


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
