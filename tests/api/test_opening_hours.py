"""Opening days and hours per location: nothing is offered, requested or booked outside them."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from gateway.ids import to_global_id
from gateway.models import ClosingDay, Group, GroupSlot, LocationOpeningHours
from tests.builders import World
from tests.care_support import REQUEST_EXTRA, SLOTS, counts, slot_of
from tests.support import Database, GraphQLClient

SUNDAY = "2026-03-15"
SATURDAY = "2026-03-14"
OPENING = """
query($id: ID!) {
  child(id: $id) { location { name openingHours { weekday opensAt closesAt } } }
}
"""
CLOSED_DAYS = """
query($child: ID!, $from: Date!, $to: Date!) {
  agenda(childId: $child, from: $from, to: $to) {
    closedDays { date closure name }
    days { date state closure closedReason }
  }
}
"""


async def add_slot(db: Database, world: World, name: str, start: time, end: time) -> str:
    async with db.sessionmaker() as session:
        slot = GroupSlot(group_id=world.ids["dolfijnen"], name=name, start_time=start, end_time=end)
        session.add(slot)
        await session.commit()
        return to_global_id("GroupSlot", slot.id)


async def open_saturday_mornings(db: Database, world: World) -> None:
    """Centrum (Dolfijnen's location) opens Monday to Saturday; Saturdays 08:00-13:00."""
    async with db.sessionmaker() as session:
        location_id = await session.scalar(
            select(Group.location_id).where(Group.id == world.ids["dolfijnen"])
        )
        assert location_id is not None
        for weekday in range(5):
            session.add(
                LocationOpeningHours(
                    location_id=location_id, weekday=weekday, opens_at=time(7), closes_at=time(19)
                )
            )
        session.add(
            LocationOpeningHours(
                location_id=location_id, weekday=5, opens_at=time(8), closes_at=time(13)
            )
        )
        await session.commit()


def extra(child: str, day: str, slot: str) -> dict[str, object]:
    return {
        "input": {
            "days": [{"childId": child, "date": day, "slotId": slot}],
            "payment": "INVOICE",
        }
    }


async def test_a_sunday_is_neither_offered_nor_accepted(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    bo = world.gid("Child", "bo")
    before = await counts(db)

    offered = await gql.data(SLOTS, {"child": bo, "date": SUNDAY}, token=world.token("anna"))
    asked = await gql.data(
        REQUEST_EXTRA,
        extra(bo, SUNDAY, await slot_of(db, world, "dolfijnen")),
        token=world.token("anna"),
    )

    assert offered["availableSlots"] == []
    [error] = asked["requestExtraDays"]["errors"]
    assert error == {
        "code": "DAY_CLOSED",
        "message": "The location is closed on 2026-03-15 (zondag).",
        "field": ["input", "days", "0", "date"],
    }
    assert await counts(db) == before


async def test_a_slot_outside_the_opening_hours_is_not_offered_or_accepted(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    bo = world.gid("Child", "bo")
    early = await add_slot(db, world, "Vroeg", time(6, 30), time(12))

    offered = await gql.data(SLOTS, {"child": bo, "date": "2026-03-12"}, token=world.token("anna"))
    asked = await gql.data(REQUEST_EXTRA, extra(bo, "2026-03-12", early), token=world.token("anna"))

    assert [slot["name"] for slot in offered["availableSlots"]] == ["Hele dag"]
    [error] = asked["requestExtraDays"]["errors"]
    assert (error["code"], error["field"]) == (
        "OUTSIDE_OPENING_HOURS",
        ["input", "days", "0", "slotId"],
    )
    assert error["message"] == "On 2026-03-12 the location is open from 07:00 to 19:00."


async def test_a_location_open_on_saturday_offers_the_slots_that_fit(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    bo = world.gid("Child", "bo")
    await open_saturday_mornings(db, world)
    morning = await add_slot(db, world, "Ochtend", time(8), time(12, 30))

    offered = await gql.data(SLOTS, {"child": bo, "date": SATURDAY}, token=world.token("anna"))
    asked = await gql.data(REQUEST_EXTRA, extra(bo, SATURDAY, morning), token=world.token("anna"))
    sunday = await gql.data(SLOTS, {"child": bo, "date": SUNDAY}, token=world.token("anna"))
    shown = await gql.data(OPENING, {"id": bo}, token=world.token("anna"))

    assert [slot["name"] for slot in offered["availableSlots"]] == ["Ochtend"]
    assert asked["requestExtraDays"]["errors"] == []
    assert [d["date"] for d in asked["requestExtraDays"]["requests"][0]["days"]] == [SATURDAY]
    assert sunday["availableSlots"] == []
    week = shown["child"]["location"]["openingHours"]
    assert [d["weekday"] for d in week] == [
        "MONDAY",
        "TUESDAY",
        "WEDNESDAY",
        "THURSDAY",
        "FRIDAY",
        "SATURDAY",
    ]
    assert week[5] == {"weekday": "SATURDAY", "opensAt": "08:00:00", "closesAt": "13:00:00"}


async def test_a_location_without_its_own_hours_opens_weekdays_seven_to_seven(
    gql: GraphQLClient, world: World
) -> None:
    shown = await gql.data(OPENING, {"id": world.gid("Child", "bo")}, token=world.token("anna"))

    assert shown["child"]["location"]["openingHours"] == [
        {"weekday": day, "opensAt": "07:00:00", "closesAt": "19:00:00"}
        for day in ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY")
    ]


async def test_the_agenda_marks_closed_days_for_what_they_are(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    async with db.sessionmaker() as session:
        session.add(
            ClosingDay(organisation_id=world.ids["zon"], day=date(2026, 4, 8), name="Studiedag")
        )
        await session.commit()

    data = await gql.data(
        CLOSED_DAYS,
        {"child": world.gid("Child", "bo"), "from": "2026-04-04", "to": "2026-04-12"},
        token=world.token("anna"),
    )

    assert data["agenda"]["closedDays"] == [
        {"date": "2026-04-04", "closure": "NOT_OPEN_ON_WEEKDAY", "name": "zaterdag"},
        {"date": "2026-04-05", "closure": "NOT_OPEN_ON_WEEKDAY", "name": "zondag"},
        {"date": "2026-04-06", "closure": "NATIONAL_HOLIDAY", "name": "Tweede paasdag"},
        {"date": "2026-04-08", "closure": "ORGANISATION_CLOSING_DAY", "name": "Studiedag"},
        {"date": "2026-04-11", "closure": "NOT_OPEN_ON_WEEKDAY", "name": "zaterdag"},
        {"date": "2026-04-12", "closure": "NOT_OPEN_ON_WEEKDAY", "name": "zondag"},
    ]
    closed_care = [d for d in data["agenda"]["days"] if d["state"] == "CLOSED"]
    assert closed_care == [
        {
            "date": "2026-04-06",
            "state": "CLOSED",
            "closure": "NATIONAL_HOLIDAY",
            "closedReason": "Tweede paasdag",
        },
        {
            "date": "2026-04-08",
            "state": "CLOSED",
            "closure": "ORGANISATION_CLOSING_DAY",
            "closedReason": "Studiedag",
        },
    ]
