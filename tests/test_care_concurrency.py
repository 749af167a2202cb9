"""Swap hours under concurrent requests: the balance never goes below zero, keys dedupe.

Requests go over real HTTP to one server, all at once; the server handles them concurrently
on its connection pool, so they race in the database as clients' requests would.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from gateway.domain import AllocationStatus
from gateway.models import CareRequest, SwapAllocation, SwapCredit
from tests.builders import World
from tests.care_support import CANCEL, DECIDE, REQUEST_EXTRA, give_credit, slot_of
from tests.support import Database, FrozenClock, GraphQLClient

# Thursdays and Fridays, on which Bo has no care; Good Friday (3 April) is an ordinary day.
OPEN_DAYS = [date(2026, 3, 12) + timedelta(weeks=n // 2, days=n % 2) for n in range(10)]


async def ask(
    gql: GraphQLClient, db: Database, world: World, day: date, token: str, **fields: Any
) -> dict[str, Any]:
    variables = {
        "input": {
            "days": [
                {
                    "childId": world.gid("Child", "bo"),
                    "date": day.isoformat(),
                    "slotId": await slot_of(db, world, "dolfijnen"),
                }
            ],
            "payment": "SWAP_HOURS",
            **fields,
        }
    }
    data = await gql.data(REQUEST_EXTRA, variables, token=world.token(token))
    result: dict[str, Any] = data["requestExtraDays"]
    return result


async def ledger(db: Database) -> tuple[int, int, int]:
    """(remaining on credits, minutes held, requests)."""
    async with db.sessionmaker() as session:
        remaining = await session.scalar(select(func.sum(SwapCredit.remaining_minutes)))
        held = await session.scalar(
            select(func.coalesce(func.sum(SwapAllocation.minutes), 0)).where(
                SwapAllocation.status == AllocationStatus.HELD
            )
        )
        requests = await session.scalar(select(func.count()).select_from(CareRequest))
    return int(remaining or 0), int(held or 0), int(requests or 0)


async def test_simultaneous_requests_never_overdraw_the_balance(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    # 22 hours over two credits: exactly two 11-hour days can be paid.
    await give_credit(db, world, "bo", 12 * 60, date(2026, 2, 2), date(2027, 2, 1), clock.now)
    await give_credit(db, world, "bo", 10 * 60, date(2026, 2, 9), date(2027, 2, 8), clock.now)

    results = await asyncio.gather(
        *(ask(gql, db, world, day, "anna" if n % 2 else "bram") for n, day in enumerate(OPEN_DAYS))
    )

    succeeded = [r for r in results if not r["errors"]]
    refused = [r["errors"][0]["code"] for r in results if r["errors"]]
    assert len(succeeded) == 2
    assert refused == ["INSUFFICIENT_SWAP_HOURS"] * 8
    assert await ledger(db) == (0, 22 * 60, 2)


async def test_the_same_key_sent_at_once_creates_one_request(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    await give_credit(db, world, "bo", 40 * 60, date(2026, 2, 2), date(2027, 2, 1), clock.now)

    results = await asyncio.gather(
        *(ask(gql, db, world, OPEN_DAYS[0], "anna", idempotencyKey="dubbel-tik") for _ in range(6))
    )

    assert all(r["errors"] == [] for r in results)
    assert len({r["requests"][0]["id"] for r in results}) == 1
    assert await ledger(db) == (29 * 60, 11 * 60, 1)


async def test_a_decision_racing_a_cancellation_has_one_winner(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    await give_credit(db, world, "bo", 11 * 60, date(2026, 2, 2), date(2027, 2, 1), clock.now)
    request_id = (await ask(gql, db, world, OPEN_DAYS[0], "anna"))["requests"][0]["id"]

    approve, cancel = await asyncio.gather(
        gql.data(
            DECIDE,
            {"input": {"requestId": request_id, "decision": "APPROVE"}},
            token=world.token("sita"),
        ),
        gql.data(CANCEL, {"input": {"requestId": request_id}}, token=world.token("bram")),
    )

    outcomes = [approve["decideRequest"]["errors"], cancel["cancelRequest"]["errors"]]
    assert sorted(len(errors) for errors in outcomes) == [0, 1]
    assert [e[0]["code"] for e in outcomes if e] == ["INVALID_TRANSITION"]
    remaining, held, _ = await ledger(db)
    if approve["decideRequest"]["errors"]:  # cancelled: the hours are back
        assert (remaining, held) == (11 * 60, 0)
    else:  # approved: spent, neither held nor back
        assert (remaining, held) == (0, 0)
