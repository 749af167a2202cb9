"""Swap hours as a parent reads them: released at the expiry moment, split, refused clearly;
and the organisation's knobs for them (mixed payment, usable before the absent day)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select, update

from gateway.ids import pk_of
from gateway.models import CareRequest, Event, InvoiceLine, Organisation, SwapCredit
from tests.builders import World
from tests.care_support import DECIDE, REQUEST_EXTRA, THURSDAY, give_credit, slot_of
from tests.support import Database, FrozenClock, GraphQLClient

BALANCE = """
query($id: ID!) {
  child(id: $id) {
    swapHours { balance usableToday notYetValid held credits { earnedOn usableFrom remaining } }
  }
}
"""
STATUS = "query($id: ID!) { node(id: $id) { ... on CareRequest { status statusChangedAt } } }"
NEXT_THURSDAY = date(2026, 3, 19)


async def extra_day(
    gql: GraphQLClient, db: Database, world: World, day: date, **fields: object
) -> dict[str, object]:
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
    data = await gql.data(REQUEST_EXTRA, variables, token=world.token("anna"))
    payload: dict[str, object] = data["requestExtraDays"]
    return payload


async def swap_hours(gql: GraphQLClient, world: World) -> dict[str, object]:
    data = await gql.data(BALANCE, {"id": world.gid("Child", "bo")}, token=world.token("anna"))
    hours: dict[str, object] = data["child"]["swapHours"]
    return hours


async def set_policy(db: Database, world: World, **values: object) -> None:
    async with db.sessionmaker() as session:
        await session.execute(
            update(Organisation).where(Organisation.id == world.ids["zon"]).values(**values)
        )
        await session.commit()


async def test_an_expired_request_gives_its_hours_back_at_the_moment_without_the_sweep(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    # The test server runs no background tasks: nothing sweeps expired requests meanwhile.
    await give_credit(db, world, "bo", 11 * 60, date(2026, 2, 2), date(2027, 2, 1), clock.now)
    moment = clock.now + timedelta(hours=2)
    first = await extra_day(gql, db, world, THURSDAY, expiresAt=moment.isoformat())
    [request] = first["requests"]  # type: ignore[misc]
    while_pending = await swap_hours(gql, world)

    clock.advance(timedelta(hours=2))
    at_the_moment = await swap_hours(gql, world)
    status = await gql.data(STATUS, {"id": request["id"]}, token=world.token("anna"))
    second = await extra_day(gql, db, world, NEXT_THURSDAY)

    assert first["errors"] == []
    assert (while_pending["balance"], while_pending["held"]) == (0.0, 11.0)
    assert (at_the_moment["balance"], at_the_moment["usableToday"], at_the_moment["held"]) == (
        11.0,
        11.0,
        0.0,
    )
    assert status["node"]["status"] == "EXPIRED"
    assert second["errors"] == []
    after = await swap_hours(gql, world)
    assert (after["balance"], after["held"]) == (0.0, 11.0)
    async with db.sessionmaker() as session:
        stored = await session.get(CareRequest, pk_of(request["id"], "CareRequest"))
        credit = await session.scalar(select(SwapCredit))
        payloads = [json.loads(e.payload) for e in await session.scalars(select(Event))]
    assert stored is not None
    assert stored.status.value == "expired"
    assert stored.status_changed_at == moment
    assert credit is not None
    assert credit.remaining_minutes == 0  # held again, by the second request
    assert [(p["status"], p["previousStatus"]) for p in payloads] == [
        ("PENDING", None),
        ("EXPIRED", "PENDING"),
        ("PENDING", None),
    ]


async def test_the_balance_splits_into_usable_not_yet_valid_and_held(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    await give_credit(db, world, "bo", 15 * 60, date(2026, 2, 2), date(2027, 2, 1), clock.now)
    await give_credit(db, world, "bo", 10 * 60, date(2026, 3, 16), date(2027, 3, 15), clock.now)
    await extra_day(gql, db, world, THURSDAY)  # holds 11 of the 15 usable hours

    hours = await swap_hours(gql, world)

    assert hours == {
        "balance": 14.0,
        "usableToday": 4.0,
        "notYetValid": 10.0,
        "held": 11.0,
        "credits": [
            {"earnedOn": "2026-02-02", "usableFrom": "2026-02-02", "remaining": 4.0},
            {"earnedOn": "2026-03-16", "usableFrom": "2026-03-16", "remaining": 10.0},
        ],
    }


async def test_credit_of_a_future_absence_is_refused_as_not_yet_valid(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    await give_credit(db, world, "bo", 11 * 60, date(2026, 3, 16), date(2027, 3, 15), clock.now)

    asked = await extra_day(gql, db, world, THURSDAY)

    assert asked["errors"] == [
        {
            "code": "SWAP_HOURS_NOT_YET_VALID",
            "message": "11 swap hours are needed but only 0 can pay for 2026-03-12: the rest "
            "is credit of an absence still to come, usable from later; choose invoice instead.",
            "field": ["input", "days", "0"],
        }
    ]


async def test_credit_pays_a_week_before_the_absence_where_the_organisation_allows_it(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    await set_policy(db, world, swap_usable_days_before=7)
    await give_credit(db, world, "bo", 11 * 60, date(2026, 3, 16), date(2027, 3, 15), clock.now)

    before = await swap_hours(gql, world)
    asked = await extra_day(gql, db, world, THURSDAY)

    assert before["credits"] == [
        {"earnedOn": "2026-03-16", "usableFrom": "2026-03-09", "remaining": 11.0}
    ]
    assert (before["usableToday"], before["notYetValid"]) == (11.0, 0.0)
    assert asked["errors"] == []


async def test_mixed_payment_spends_swap_hours_first_and_invoices_the_rest(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    await set_policy(db, world, swap_mixed_payment=True)
    await give_credit(db, world, "bo", 4 * 60, date(2026, 2, 2), date(2027, 2, 1), clock.now)

    asked = await extra_day(gql, db, world, THURSDAY)
    [request] = asked["requests"]  # type: ignore[misc]
    held = await swap_hours(gql, world)
    await gql.data(
        DECIDE,
        {"input": {"requestId": request["id"], "decision": "APPROVE"}},
        token=world.token("sita"),
    )
    spent = await swap_hours(gql, world)

    assert asked["errors"] == []
    assert (held["balance"], held["held"]) == (0.0, 4.0)
    assert (spent["balance"], spent["held"]) == (0.0, 0.0)
    async with db.sessionmaker() as session:
        [line] = (await session.scalars(select(InvoiceLine))).all()
    assert (line.day, line.minutes) == (THURSDAY, 7 * 60)  # 11 h of care, 4 h paid by swap


async def test_without_mixed_payment_the_same_request_is_refused(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    await give_credit(db, world, "bo", 4 * 60, date(2026, 2, 2), date(2027, 2, 1), clock.now)

    asked = await extra_day(gql, db, world, THURSDAY)

    assert [e["code"] for e in asked["errors"]] == ["INSUFFICIENT_SWAP_HOURS"]  # type: ignore[index]
