"""Flex days: booked a month ahead from the pot, at least two hours, approved by staff."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.builders import World
from tests.care_support import (
    AGENDA,
    CANCEL,
    DECIDE,
    REQUEST_FLEX,
    add_flex_child,
    counts,
)
from tests.support import Database, FrozenClock, GraphQLClient

MAY_MONDAY = "2026-05-04"  # requested on 10 March: before the deadline of 1 April


def flex(child: str, *days: tuple[str, str, str], **fields: Any) -> dict[str, Any]:
    return {
        "input": {
            "days": [
                {"childId": child, "date": day, "startTime": start, "endTime": end}
                for day, start, end in days
            ],
            **fields,
        }
    }


async def test_a_flex_day_comes_out_of_the_pot_once_approved(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    fay = await add_flex_child(db, world)

    asked = await gql.data(
        REQUEST_FLEX, flex(fay, (MAY_MONDAY, "08:00", "12:30")), token=world.token("anna")
    )
    [request] = asked["requestFlexDays"]["requests"]
    await gql.data(
        DECIDE,
        {"input": {"requestId": request["id"], "decision": "APPROVE"}},
        token=world.token("sita"),
    )
    agenda = await gql.data(
        AGENDA,
        {"child": fay, "from": "2026-05-01", "to": "2026-05-31"},
        token=world.token("anna"),
    )

    assert asked["requestFlexDays"]["errors"] == []
    assert (request["kind"], request["status"], request["payment"]) == (
        "FLEX_DAY",
        "PENDING",
        "FLEX_POT",
    )
    assert request["hours"] == 4.5
    [day] = agenda["agenda"]["days"]
    assert (day["date"], day["state"], day["kind"], day["startTime"], day["hours"]) == (
        MAY_MONDAY,
        "CARE",
        "FLEX",
        "08:00:00",
        4.5,
    )


@pytest.mark.parametrize(
    ("day", "code", "field"),
    [
        (("2026-04-13", "08:00", "12:00"), "FLEX_TOO_LATE", ["input", "days", "0", "date"]),
        ((MAY_MONDAY, "08:00", "09:45"), "FLEX_TOO_SHORT", ["input", "days", "0", "endTime"]),
        ((MAY_MONDAY, "12:00", "08:00"), "INVALID_INPUT", ["input", "days", "0", "endTime"]),
        (
            (MAY_MONDAY, "06:00", "09:00"),
            "OUTSIDE_OPENING_HOURS",
            ["input", "days", "0", "startTime"],
        ),
        (
            (MAY_MONDAY, "17:00", "19:30"),
            "OUTSIDE_OPENING_HOURS",
            ["input", "days", "0", "startTime"],
        ),
        (
            ("2026-05-09", "08:00", "12:00"),
            "DAY_CLOSED",
            ["input", "days", "0", "date"],
        ),  # Saturday
        (("2026-05-14", "08:00", "12:00"), "DAY_CLOSED", ["input", "days", "0", "date"]),
        (("2026-03-09", "08:00", "12:00"), "DAY_IN_PAST", ["input", "days", "0", "date"]),
    ],
)
async def test_bad_flex_days_answer_typed_errors_and_change_nothing(
    gql: GraphQLClient,
    world: World,
    db: Database,
    day: tuple[str, str, str],
    code: str,
    field: list[str],
) -> None:
    fay = await add_flex_child(db, world)
    before = await counts(db)

    data = await gql.data(REQUEST_FLEX, flex(fay, day), token=world.token("anna"))

    [error] = data["requestFlexDays"]["errors"]
    assert (error["code"], error["field"]) == (code, field)
    assert await counts(db) == before


async def test_flex_for_march_requested_on_1_february_is_too_late(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    fay = await add_flex_child(db, world)

    data = await gql.data(
        REQUEST_FLEX, flex(fay, ("2026-03-30", "08:00", "12:00")), token=world.token("anna")
    )

    assert data["requestFlexDays"]["errors"][0]["message"] == (
        "Flex care on 2026-03-30 must be requested before 2026-02-01."
    )


async def test_pending_bookings_count_against_the_pot_until_rejected(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    fay = await add_flex_child(db, world, pot_minutes=7 * 60)
    first = await gql.data(
        REQUEST_FLEX, flex(fay, (MAY_MONDAY, "08:00", "12:00")), token=world.token("anna")
    )

    exhausted = await gql.data(
        REQUEST_FLEX,
        flex(fay, ("2026-05-05", "08:00", "10:00"), ("2026-05-06", "08:00", "10:00")),
        token=world.token("anna"),
    )
    await gql.data(
        DECIDE,
        {
            "input": {
                "requestId": first["requestFlexDays"]["requests"][0]["id"],
                "decision": "REJECT",
            }
        },
        token=world.token("sita"),
    )
    after_rejection = await gql.data(
        REQUEST_FLEX,
        flex(fay, ("2026-05-05", "08:00", "10:00"), ("2026-05-06", "08:00", "10:00")),
        token=world.token("anna"),
    )

    assert exhausted["requestFlexDays"]["errors"] == [
        {
            "code": "FLEX_POT_EXHAUSTED",
            "message": "The flex pot has 1 hours left; this booking needs 2.",
            "field": ["input", "days", "1"],
        }
    ]
    assert after_rejection["requestFlexDays"]["errors"] == []


async def test_a_child_without_a_flex_contract_cannot_book_flex(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    data = await gql.data(
        REQUEST_FLEX,
        flex(world.gid("Child", "bo"), ("2026-05-05", "08:00", "12:00")),
        token=world.token("anna"),
    )

    assert data["requestFlexDays"]["errors"][0]["code"] == "NO_FLEX_PLACEMENT"
    assert await db.count("care_requests") == 0


@pytest.mark.parametrize("viewer", ["carla", "tim", "mara", "mo"])
async def test_others_cannot_book_flex_for_a_child(
    gql: GraphQLClient, world: World, db: Database, viewer: str
) -> None:
    fay = await add_flex_child(db, world)

    data = await gql.data(
        REQUEST_FLEX, flex(fay, (MAY_MONDAY, "08:00", "12:00")), token=world.token(viewer)
    )

    assert data["requestFlexDays"]["errors"][0]["code"] == "NOT_FOUND"
    assert await db.count("care_requests") == 0


POT = """
query($id: ID!) {
  child(id: $id) {
    placements { careType flexPot { year total approved pending left } }
  }
}
"""


async def test_the_pot_shows_approved_reserved_and_left_through_a_requests_life(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    fay = await add_flex_child(db, world, pot_minutes=40 * 60)
    anna = world.token("anna")

    async def pot() -> tuple[float, float, float, float]:
        data = await gql.data(POT, {"id": fay}, token=anna)
        [placement] = data["child"]["placements"]
        found = placement["flexPot"]
        assert found["year"] == 2026
        return (found["total"], found["approved"], found["pending"], found["left"])

    untouched = await pot()
    first = await gql.data(REQUEST_FLEX, flex(fay, (MAY_MONDAY, "08:00", "12:30")), token=anna)
    pending = await pot()
    await gql.data(
        DECIDE,
        {
            "input": {
                "requestId": first["requestFlexDays"]["requests"][0]["id"],
                "decision": "APPROVE",
            }
        },
        token=world.token("sita"),
    )
    approved = await pot()
    second = await gql.data(REQUEST_FLEX, flex(fay, ("2026-05-05", "09:00", "12:00")), token=anna)
    both = await pot()
    await gql.data(
        CANCEL,
        {"input": {"requestId": second["requestFlexDays"]["requests"][0]["id"]}},
        token=anna,
    )
    cancelled = await pot()
    moment = clock.now + timedelta(hours=1)
    await gql.data(
        REQUEST_FLEX,
        flex(fay, ("2026-05-06", "09:00", "11:00"), expiresAt=moment.isoformat()),
        token=anna,
    )
    clock.advance(timedelta(hours=1))
    lapsed = await pot()
    other_year = await gql.data(
        "query($id: ID!) { child(id: $id) { placements { flexPot(year: 2027) { left } } } }",
        {"id": fay},
        token=anna,
    )

    assert untouched == (40.0, 0.0, 0.0, 40.0)
    assert pending == (40.0, 0.0, 4.5, 35.5)
    assert approved == (40.0, 4.5, 0.0, 35.5)
    assert both == (40.0, 4.5, 3.0, 32.5)
    assert cancelled == (40.0, 4.5, 0.0, 35.5)
    assert lapsed == (40.0, 4.5, 0.0, 35.5)  # expired at its moment, no sweep needed
    assert other_year["child"]["placements"][0]["flexPot"] == {"left": 40.0}


async def test_other_care_has_no_pot(gql: GraphQLClient, world: World) -> None:
    data = await gql.data(POT, {"id": world.gid("Child", "bo")}, token=world.token("anna"))

    assert [p["flexPot"] for p in data["child"]["placements"]] == [None]
