"""Extra days: slots with room, swap hours held then spent or released, staff decide."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from gateway.ids import to_global_id
from gateway.models import Event, InvoiceLine, SwapCredit
from tests.builders import World
from tests.care_support import (
    AGENDA,
    DECIDE,
    MONDAY,
    REQUEST_EXTRA,
    SLOTS,
    SWAP_HOURS,
    THURSDAY,
    YESTERDAY,
    counts,
    fill_group,
    give_credit,
    slot_of,
)
from tests.support import Database, FrozenClock, GraphQLClient

ASCENSION_DAY = date(2026, 5, 14)  # a Thursday


def extra(days: list[dict[str, str]], payment: str = "SWAP_HOURS", **fields: Any) -> dict:
    return {"input": {"days": days, "payment": payment, **fields}}


async def bo_thursday(db: Database, world: World, day: date = THURSDAY) -> dict[str, str]:
    return {
        "childId": world.gid("Child", "bo"),
        "date": day.isoformat(),
        "slotId": await slot_of(db, world, "dolfijnen"),
    }


async def test_slots_show_the_room_left_in_the_group(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    await fill_group(db, world, "dolfijnen", weekday=3, count=11)

    thursday = await gql.data(
        SLOTS,
        {"child": world.gid("Child", "bo"), "date": THURSDAY.isoformat()},
        token=world.token("anna"),
    )

    assert thursday["availableSlots"] == [
        {
            "slotId": await slot_of(db, world, "dolfijnen"),
            "name": "Hele dag",
            "startTime": "07:30:00",
            "endTime": "18:30:00",
            "hours": 11.0,
            "freePlaces": 1,
            "group": {"name": "Dolfijnen"},
        }
    ]


@pytest.mark.parametrize(
    ("day", "viewer", "expected"),
    [
        (MONDAY, "anna", []),  # Bo comes on Mondays anyway
        (YESTERDAY, "anna", []),
        (ASCENSION_DAY, "anna", []),
        (THURSDAY, "carla", None),  # not her child
        (THURSDAY, "tim", None),
        (THURSDAY, "mara", None),
    ],
)
async def test_no_slots_when_nothing_can_be_asked(
    gql: GraphQLClient, world: World, day: date, viewer: str, expected: list | None
) -> None:
    data = await gql.data(
        SLOTS,
        {"child": world.gid("Child", "bo"), "date": day.isoformat()},
        token=world.token(viewer),
    )

    assert data["availableSlots"] == expected


async def test_a_full_group_has_no_slots_and_refuses_requests(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    await fill_group(db, world, "dolfijnen", weekday=3, count=12)
    before = await counts(db)

    slots = await gql.data(
        SLOTS,
        {"child": world.gid("Child", "bo"), "date": THURSDAY.isoformat()},
        token=world.token("anna"),
    )
    asked = await gql.data(
        REQUEST_EXTRA, extra([await bo_thursday(db, world)], "INVOICE"), token=world.token("anna")
    )

    assert slots["availableSlots"] == []
    assert asked["requestExtraDays"]["errors"][0]["code"] == "SLOT_FULL"
    assert await counts(db) == before


async def test_swap_hours_are_held_while_pending_and_spent_on_approval(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    bo = world.gid("Child", "bo")
    await give_credit(db, world, "bo", 15 * 60, date(2026, 2, 2), date(2027, 2, 1), clock.now)

    asked = await gql.data(
        REQUEST_EXTRA,
        extra([await bo_thursday(db, world)], comment="Opa is jarig"),
        token=world.token("anna"),
    )
    [request] = asked["requestExtraDays"]["requests"]
    pending_swap = await gql.data(SWAP_HOURS, {"id": bo}, token=world.token("anna"))
    week = {"child": bo, "from": "2026-03-12", "to": "2026-03-12"}
    pending_agenda = await gql.data(AGENDA, week, token=world.token("anna"))
    decided = await gql.data(
        DECIDE,
        {"input": {"requestId": request["id"], "decision": "APPROVE", "note": "Tot dan!"}},
        token=world.token("sita"),
    )
    swap = await gql.data(SWAP_HOURS, {"id": bo}, token=world.token("anna"))
    agenda = await gql.data(AGENDA, week, token=world.token("anna"))

    assert asked["requestExtraDays"]["errors"] == []
    assert request["status"] == "PENDING"
    assert request["payment"] == "SWAP_HOURS"
    assert request["days"][0]["slotName"] == "Hele dag"
    assert pending_swap["child"]["swapHours"]["balance"] == 4.0
    assert pending_swap["child"]["swapHours"]["held"] == 11.0
    assert pending_agenda["agenda"]["days"][0]["state"] == "PENDING"
    assert decided["decideRequest"]["errors"] == []
    assert decided["decideRequest"]["request"]["status"] == "APPROVED"
    assert decided["decideRequest"]["request"]["decisionNote"] == "Tot dan!"
    assert decided["decideRequest"]["request"]["decidedBy"] == "Sita Staff"
    assert swap["child"]["swapHours"] == {
        "balance": 4.0,
        "held": 0.0,
        "credits": [
            {"earnedOn": "2026-02-02", "validUntil": "2027-02-01", "hours": 15.0, "remaining": 4.0}
        ],
    }
    [day] = agenda["agenda"]["days"]
    assert (day["state"], day["kind"], day["hours"]) == ("CARE", "EXTRA", 11.0)
    assert day["request"] == {"kind": "EXTRA_DAY", "status": "APPROVED"}
    async with db.sessionmaker() as session:
        payloads = [json.loads(e.payload) for e in await session.scalars(select(Event))]
    assert [(p["status"], p["previousStatus"]) for p in payloads] == [
        ("PENDING", None),
        ("APPROVED", "PENDING"),
    ]
    assert {p["requestId"] for p in payloads} == {request["id"]}


async def test_rejection_releases_the_held_hours(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    await give_credit(db, world, "bo", 11 * 60, date(2026, 2, 2), date(2027, 2, 1), clock.now)
    asked = await gql.data(
        REQUEST_EXTRA, extra([await bo_thursday(db, world)]), token=world.token("anna")
    )

    rejected = await gql.data(
        DECIDE,
        {
            "input": {
                "requestId": asked["requestExtraDays"]["requests"][0]["id"],
                "decision": "REJECT",
                "note": "Vol",
            }
        },
        token=world.token("sita"),
    )
    swap = await gql.data(SWAP_HOURS, {"id": world.gid("Child", "bo")}, token=world.token("anna"))

    assert rejected["decideRequest"]["request"]["status"] == "REJECTED"
    assert swap["child"]["swapHours"]["balance"] == 11.0
    assert swap["child"]["swapHours"]["held"] == 0.0


async def test_approval_on_invoice_records_an_invoice_line(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    asked = await gql.data(
        REQUEST_EXTRA, extra([await bo_thursday(db, world)], "INVOICE"), token=world.token("bram")
    )
    await gql.data(
        DECIDE,
        {
            "input": {
                "requestId": asked["requestExtraDays"]["requests"][0]["id"],
                "decision": "APPROVE",
            }
        },
        token=world.token("sita"),
    )

    async with db.sessionmaker() as session:
        [line] = (await session.scalars(select(InvoiceLine))).all()
    assert (line.day, line.minutes, line.description) == (
        THURSDAY,
        660,
        "Extra dag 2026-03-12 07:30-18:30",
    )


async def test_staff_may_enter_a_request_but_it_is_invoiced(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    await give_credit(db, world, "bo", 20 * 60, date(2026, 2, 2), date(2027, 2, 1), clock.now)
    day = await bo_thursday(db, world)

    with_swap = await gql.data(REQUEST_EXTRA, extra([day]), token=world.token("sita"))
    invoiced = await gql.data(REQUEST_EXTRA, extra([day], "INVOICE"), token=world.token("sita"))

    assert with_swap["requestExtraDays"]["errors"] == [
        {
            "code": "FORBIDDEN",
            "message": "Requests entered by staff are invoiced; only guardians can pay with "
            "swap hours.",
            "field": ["input", "payment"],
        }
    ]
    [request] = invoiced["requestExtraDays"]["requests"]
    assert (request["payment"], request["enteredByStaff"]) == ("INVOICE", True)


async def test_swap_hours_pay_all_days_or_none(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    await give_credit(db, world, "bo", 11 * 60, date(2026, 2, 2), date(2027, 2, 1), clock.now)
    before = await counts(db)

    data = await gql.data(
        REQUEST_EXTRA,
        extra([await bo_thursday(db, world), await bo_thursday(db, world, date(2026, 3, 19))]),
        token=world.token("anna"),
    )

    assert data["requestExtraDays"]["errors"] == [
        {
            "code": "INSUFFICIENT_SWAP_HOURS",
            "message": "These 2 days need 22 swap hours; your swap hours can pay 11 of them; "
            "choose invoice instead.",
            "field": ["input", "days", "1"],
        }
    ]
    assert await counts(db) == before


async def test_credit_used_the_day_after_it_expires_is_refused(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    await give_credit(db, world, "bo", 11 * 60, date(2025, 3, 12), date(2026, 3, 18), clock.now)

    valid = await gql.data(
        REQUEST_EXTRA,
        extra([await bo_thursday(db, world, date(2026, 3, 19))]),
        token=world.token("anna"),
    )

    assert valid["requestExtraDays"]["errors"][0]["code"] == "SWAP_HOURS_EXPIRED"


async def test_a_retried_request_with_the_same_key_creates_one(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    await give_credit(db, world, "bo", 11 * 60, date(2026, 2, 2), date(2027, 2, 1), clock.now)
    variables = extra([await bo_thursday(db, world)], idempotencyKey="tik-1")

    first = await gql.data(REQUEST_EXTRA, variables, token=world.token("anna"))
    second = await gql.data(REQUEST_EXTRA, variables, token=world.token("anna"))

    assert first["requestExtraDays"]["errors"] == []
    assert second == first
    assert await db.count("care_requests") == 1
    async with db.sessionmaker() as session:
        [credit] = (await session.scalars(select(SwapCredit))).all()
    assert credit.remaining_minutes == 0


async def bad_days(db: Database, world: World) -> dict[str, Any]:
    slot = await slot_of(db, world, "dolfijnen")
    bo = world.gid("Child", "bo")
    return {
        "past": ({"childId": bo, "date": "2026-03-09", "slotId": slot}, "DAY_IN_PAST", "date"),
        "closed": (
            {"childId": bo, "date": ASCENSION_DAY.isoformat(), "slotId": slot},
            "DAY_CLOSED",
            "date",
        ),
        "comes anyway": (
            {"childId": bo, "date": MONDAY.isoformat(), "slotId": slot},
            "ALREADY_BOOKED",
            "date",
        ),
        "slot of another group": (
            {"childId": bo, "date": "2026-03-12", "slotId": await slot_of(db, world, "vlinders")},
            "NOT_FOUND",
            "slotId",
        ),
        "slot of another organisation": (
            {"childId": bo, "date": "2026-03-12", "slotId": await slot_of(db, world, "sterren")},
            "NOT_FOUND",
            "slotId",
        ),
        "guessed slot": (
            {"childId": bo, "date": "2026-03-12", "slotId": to_global_id("GroupSlot", 9999)},
            "NOT_FOUND",
            "slotId",
        ),
        "garbage slot": (
            {"childId": bo, "date": "2026-03-12", "slotId": "x"},
            "NOT_FOUND",
            "slotId",
        ),
        "foreign child": (
            {"childId": world.gid("Child", "cas"), "date": "2026-03-12", "slotId": slot},
            "NOT_FOUND",
            "childId",
        ),
        "other organisation's child": (
            {"childId": world.gid("Child", "mila"), "date": "2026-03-12", "slotId": slot},
            "NOT_FOUND",
            "childId",
        ),
    }


CASES = [
    "past",
    "closed",
    "comes anyway",
    "slot of another group",
    "slot of another organisation",
    "guessed slot",
    "garbage slot",
    "foreign child",
    "other organisation's child",
]


@pytest.mark.parametrize("case", CASES)
async def test_bad_days_answer_typed_errors_and_change_nothing(
    gql: GraphQLClient, world: World, db: Database, case: str
) -> None:
    day, code, field = (await bad_days(db, world))[case]
    good = await bo_thursday(db, world, date(2026, 3, 26))
    before = await counts(db)

    data = await gql.data(REQUEST_EXTRA, extra([good, day], "INVOICE"), token=world.token("anna"))

    assert data["requestExtraDays"]["requests"] == []
    [error] = data["requestExtraDays"]["errors"]
    assert (error["code"], error["field"]) == (code, ["input", "days", "1", field])
    assert await counts(db) == before


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"expiresAt": "2026-03-10T09:00:00+00:00"}, "INVALID_INPUT", ["input", "expiresAt"]),
        ({"comment": "x" * 1001}, "INVALID_INPUT", ["input", "comment"]),
        ({"idempotencyKey": "k" * 101}, "INVALID_INPUT", ["input", "idempotencyKey"]),
        ({"days": []}, "INVALID_INPUT", ["input", "days"]),
        ({"days": "many"}, "RANGE_TOO_LARGE", ["input", "days"]),
        ({"days": "twice"}, "INVALID_INPUT", ["input", "days", "1"]),
    ],
)
async def test_bad_submissions_change_nothing(
    gql: GraphQLClient, world: World, db: Database, change: dict, code: str, field: list
) -> None:
    day = await bo_thursday(db, world)
    if change.get("days") == "many":
        change = {"days": [day] * 32}
    elif change.get("days") == "twice":
        change = {"days": [day, day]}
    variables = extra([day], "INVOICE")
    variables["input"].update(change)
    before = await counts(db)

    data = await gql.data(REQUEST_EXTRA, variables, token=world.token("anna"))

    [error] = data["requestExtraDays"]["errors"]
    assert (error["code"], error["field"]) == (code, field)
    assert await counts(db) == before


async def test_payment_is_one_method_per_submission(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    """There is no way to pay one day with swap hours and another on invoice."""
    day = await bo_thursday(db, world)
    response = await gql.http.post(
        gql.url,
        json={
            "query": REQUEST_EXTRA,
            "variables": {"input": {"days": [{**day, "payment": "INVOICE"}], "payment": "MIXED"}},
        },
        headers={"Authorization": f"Bearer {world.token('anna')}"},
    )

    assert "errors" in response.json()
    assert await db.count("care_requests") == 0


@pytest.mark.parametrize(
    ("viewer", "code"),
    [("tim", "NOT_FOUND"), ("mara", "NOT_FOUND"), ("carla", "NOT_FOUND"), ("anna", "FORBIDDEN")],
)
async def test_only_staff_of_the_group_decide(
    gql: GraphQLClient, world: World, db: Database, viewer: str, code: str
) -> None:
    asked = await gql.data(
        REQUEST_EXTRA, extra([await bo_thursday(db, world)], "INVOICE"), token=world.token("anna")
    )
    request_id = asked["requestExtraDays"]["requests"][0]["id"]

    data = await gql.data(
        DECIDE,
        {"input": {"requestId": request_id, "decision": "APPROVE"}},
        token=world.token(viewer),
    )

    assert data["decideRequest"]["errors"][0]["code"] == code
    assert await db.count("invoice_lines") == 0


async def test_a_decided_request_cannot_be_decided_again(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    asked = await gql.data(
        REQUEST_EXTRA, extra([await bo_thursday(db, world)], "INVOICE"), token=world.token("anna")
    )
    decide = {
        "input": {"requestId": asked["requestExtraDays"]["requests"][0]["id"], "decision": "REJECT"}
    }
    await gql.data(DECIDE, decide, token=world.token("sita"))

    again = await gql.data(
        DECIDE, {"input": {**decide["input"], "decision": "APPROVE"}}, token=world.token("sita")
    )

    assert again["decideRequest"]["errors"] == [
        {
            "code": "INVALID_TRANSITION",
            "message": "Cannot change from rejected to approved.",
            "field": ["input", "requestId"],
        }
    ]
    assert await db.count("invoice_lines") == 0


async def test_approval_checks_the_room_again(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    asked = await gql.data(
        REQUEST_EXTRA, extra([await bo_thursday(db, world)], "INVOICE"), token=world.token("anna")
    )
    await fill_group(db, world, "dolfijnen", weekday=3, count=12)

    data = await gql.data(
        DECIDE,
        {
            "input": {
                "requestId": asked["requestExtraDays"]["requests"][0]["id"],
                "decision": "APPROVE",
            }
        },
        token=world.token("sita"),
    )

    assert data["decideRequest"]["errors"][0]["code"] == "SLOT_FULL"


async def test_several_days_of_one_child_make_one_request(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    slot = await slot_of(db, world, "dolfijnen")
    days = [
        {"childId": world.gid("Child", "bo"), "date": "2026-03-12", "slotId": slot},
        {"childId": world.gid("Child", "bo"), "date": "2026-03-13", "slotId": slot},
    ]

    data = await gql.data(REQUEST_EXTRA, extra(days, "INVOICE"), token=world.token("anna"))

    [request] = data["requestExtraDays"]["requests"]
    assert [d["date"] for d in request["days"]] == ["2026-03-12", "2026-03-13"]
    assert request["hours"] == 22.0
