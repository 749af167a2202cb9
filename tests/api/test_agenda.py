"""The agenda: care days with times, absences, closed days, pending requests; bounded ranges."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gateway.ids import to_global_id
from gateway.models import (
    ClosingDay,
)
from tests.builders import World
from tests.care_support import (
    AGENDA,
    REPORT_ABSENCE,
    REQUEST_EXTRA,
    add_requests,
    slot_of,
    statements,
)
from tests.support import Database, FrozenClock, GraphQLClient, RunningServer

DAYS = """
query($child: ID!, $from: Date!, $to: Date!) {
  agenda(childId: $child, from: $from, to: $to) {
    days { date state kind startTime endTime closedReason }
  }
}
"""


def day(on: str, state: str, kind: str = "REGULAR", **rest: Any) -> dict[str, Any]:
    times = {"Mon": ("08:00:00", "18:00:00"), "Wed": ("08:00:00", "13:00:00")}
    weekday = date.fromisoformat(on).strftime("%a")
    start, end = times.get(weekday, (None, None))
    return {
        "date": on,
        "state": state,
        "kind": kind,
        "startTime": rest.pop("startTime", start),
        "endTime": rest.pop("endTime", end),
        "closedReason": rest.pop("closedReason", None),
    }


async def test_the_agenda_shows_care_days_holidays_and_own_closing_days(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    async with db.sessionmaker() as session:
        session.add(
            ClosingDay(organisation_id=world.ids["zon"], day=date(2026, 4, 15), name="Studiedag")
        )
        await session.commit()

    data = await gql.data(
        DAYS,
        {"child": world.gid("Child", "bo"), "from": "2026-04-01", "to": "2026-04-30"},
        token=world.token("anna"),
    )

    assert data["agenda"]["days"] == [
        day("2026-04-01", "CARE"),
        day("2026-04-06", "CLOSED", closedReason="Tweede paasdag"),
        day("2026-04-08", "CARE"),
        day("2026-04-13", "CARE"),
        day("2026-04-15", "CLOSED", closedReason="Studiedag"),
        day("2026-04-20", "CARE"),
        day("2026-04-22", "CARE"),
        day("2026-04-27", "CLOSED", closedReason="Koningsdag"),
        day("2026-04-29", "CARE"),
    ]


async def test_absences_and_requests_show_on_their_days(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    bo = world.gid("Child", "bo")
    await gql.data(
        REPORT_ABSENCE,
        {"input": {"childIds": [bo], "reason": "Op vakantie", "dates": ["2026-03-16"]}},
        token=world.token("anna"),
    )
    await gql.data(
        REQUEST_EXTRA,
        {
            "input": {
                "days": [
                    {
                        "childId": bo,
                        "date": "2026-03-19",
                        "slotId": await slot_of(db, world, "dolfijnen"),
                    }
                ],
                "payment": "INVOICE",
            }
        },
        token=world.token("anna"),
    )

    data = await gql.data(
        DAYS, {"child": bo, "from": "2026-03-16", "to": "2026-03-20"}, token=world.token("sita")
    )

    assert data["agenda"]["days"] == [
        day("2026-03-16", "ABSENT"),
        day("2026-03-18", "CARE"),
        day("2026-03-19", "PENDING", "EXTRA", startTime="07:30:00", endTime="18:30:00"),
    ]


async def test_one_day_gives_its_details(gql: GraphQLClient, world: World) -> None:
    data = await gql.data(
        AGENDA,
        {"child": world.gid("Child", "bo"), "from": "2026-03-18", "to": "2026-03-18"},
        token=world.token("anna"),
    )

    assert data["agenda"] == {
        "child": {"name": "Bo Vos"},
        "from": "2026-03-18",
        "to": "2026-03-18",
        "days": [
            {
                "date": "2026-03-18",
                "state": "CARE",
                "kind": "REGULAR",
                "startTime": "08:00:00",
                "endTime": "13:00:00",
                "hours": 5.0,
                "creditedSwapHours": 0.0,
                "absenceReason": None,
                "closedReason": None,
                "group": {"name": "Dolfijnen"},
                "request": None,
            }
        ],
    }


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        ("2026-01-01", "2027-01-02", "RANGE_TOO_LARGE"),
        ("2026-03-10", "2026-03-09", "INVALID_INPUT"),
    ],
)
async def test_ranges_are_bounded(
    gql: GraphQLClient, world: World, start: str, end: str, code: str
) -> None:
    result = await gql.execute(
        DAYS,
        {"child": world.gid("Child", "bo"), "from": start, "to": end},
        token=world.token("anna"),
    )

    assert result["data"] == {"agenda": None}
    assert result["errors"][0]["extensions"]["code"] == code


async def test_a_whole_year_is_allowed(gql: GraphQLClient, world: World) -> None:
    data = await gql.data(
        DAYS,
        {"child": world.gid("Child", "bo"), "from": "2026-01-01", "to": "2026-12-31"},
        token=world.token("anna"),
    )

    assert len(data["agenda"]["days"]) == 104  # 52 Mondays + 52 Wednesdays, some closed


@pytest.mark.parametrize(
    ("viewer", "child"),
    [("carla", "bo"), ("tim", "bo"), ("mara", "bo"), ("mo", "bo"), ("anna", "mila")],
)
async def test_someone_elses_agenda_is_null(
    gql: GraphQLClient, world: World, viewer: str, child: str
) -> None:
    data = await gql.data(
        DAYS,
        {"child": world.gid("Child", child), "from": "2026-03-01", "to": "2026-03-31"},
        token=world.token(viewer),
    )

    assert data == {"agenda": None}


@pytest.mark.parametrize("child_id", ["", "nope", to_global_id("Child", 99999)])
async def test_guessed_ids_give_no_agenda(gql: GraphQLClient, world: World, child_id: str) -> None:
    data = await gql.data(
        DAYS,
        {"child": child_id, "from": "2026-03-01", "to": "2026-03-31"},
        token=world.token("anna"),
    )

    assert data == {"agenda": None}


async def test_without_a_session_there_is_no_agenda(gql: GraphQLClient, world: World) -> None:
    result = await gql.execute(
        DAYS, {"child": world.gid("Child", "bo"), "from": "2026-03-01", "to": "2026-03-31"}
    )

    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_agenda_costs_the_same_statements_for_a_week_or_a_year(
    gql: GraphQLClient, server: RunningServer, world: World, db: Database, clock: FrozenClock
) -> None:
    await add_requests(db, world, clock, 20)
    bo, token = world.gid("Child", "bo"), world.token("anna")

    week = await statements(
        gql, server, AGENDA, {"child": bo, "from": "2026-03-09", "to": "2026-03-15"}, token
    )
    year = await statements(
        gql, server, AGENDA, {"child": bo, "from": "2026-03-09", "to": "2027-03-08"}, token
    )

    assert week == year
    assert year <= 8, server.statements.statements  # 7 when written
