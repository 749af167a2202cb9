"""Reporting absence: care cancelled, swap hours credited by policy, a confirmation by mail."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from gateway.app import create_app
from gateway.ids import to_global_id
from gateway.models import Event, Organisation
from gateway.settings import Settings
from tests.builders import World
from tests.care_support import (
    AGENDA,
    EASTER_MONDAY,
    MONDAY,
    REPORT_ABSENCE,
    SWAP_HOURS,
    THURSDAY,
    TOMORROW,
    YESTERDAY,
    add_flex_child,
    counts,
)
from tests.smtp import SmtpServer
from tests.support import Database, FrozenClock, GraphQLClient, RunningServer, run_server


def absence(children: list[str], **fields: Any) -> dict[str, Any]:
    return {"input": {"childIds": children, "reason": "Griep", **fields}}


async def test_absence_in_time_earns_swap_hours_and_shows_in_the_agenda(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    bo = world.gid("Child", "bo")

    data = await gql.data(
        REPORT_ABSENCE, absence([bo], dates=[MONDAY.isoformat()]), token=world.token("anna")
    )
    swap = await gql.data(SWAP_HOURS, {"id": bo}, token=world.token("bram"))
    agenda = await gql.data(
        AGENDA, {"child": bo, "from": "2026-03-16", "to": "2026-03-16"}, token=world.token("anna")
    )

    [request] = data["reportAbsence"]["requests"]
    assert data["reportAbsence"]["errors"] == []
    assert request["kind"] == "ABSENCE"
    assert request["status"] == "APPROVED"
    assert request["comment"] == "Griep"
    assert request["createdBy"] == "Anna Vos"
    assert request["days"] == [
        {
            "date": "2026-03-16",
            "startTime": "08:00:00",
            "endTime": "18:00:00",
            "hours": 10.0,
            "creditedSwapHours": 10.0,
            "slotName": None,
        }
    ]
    assert swap["child"]["swapHours"] == {
        "balance": 10.0,
        "held": 0.0,
        "credits": [
            {"earnedOn": "2026-03-16", "validUntil": "2027-03-15", "hours": 10.0, "remaining": 10.0}
        ],
    }
    assert agenda["agenda"]["days"] == [
        {
            "date": "2026-03-16",
            "state": "ABSENT",
            "kind": "REGULAR",
            "startTime": "08:00:00",
            "endTime": "18:00:00",
            "hours": 10.0,
            "creditedSwapHours": 10.0,
            "absenceReason": "Griep",
            "closedReason": None,
            "group": {"name": "Dolfijnen"},
            "request": {"kind": "ABSENCE", "status": "APPROVED"},
        }
    ]


async def test_absence_after_the_cutoff_earns_nothing(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    data = await gql.data(
        REPORT_ABSENCE,
        absence([world.gid("Child", "bo")], dates=[TOMORROW.isoformat()]),
        token=world.token("anna"),
    )

    assert data["reportAbsence"]["requests"][0]["days"][0]["creditedSwapHours"] == 0.0
    assert await db.count("swap_credits") == 0


async def test_a_range_takes_the_care_days_and_skips_holidays(
    gql: GraphQLClient, world: World
) -> None:
    data = await gql.data(
        REPORT_ABSENCE,
        absence([world.gid("Child", "bo")], **{"from": "2026-03-30", "to": "2026-04-10"}),
        token=world.token("anna"),
    )

    # Mon 30 March, Wed 1 April, (Easter Monday 6 April closed), Wed 8 April.
    days = data["reportAbsence"]["requests"][0]["days"]
    assert [(d["date"], d["hours"]) for d in days] == [
        ("2026-03-30", 10.0),
        ("2026-04-01", 5.0),
        ("2026-04-08", 5.0),
    ]


async def test_the_yearly_cap_of_the_organisation_limits_the_credit(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    async with db.sessionmaker() as session:
        await session.execute(
            update(Organisation)
            .where(Organisation.id == world.ids["zon"])
            .values(swap_yearly_cap_minutes=12 * 60)
        )
        await session.commit()

    data = await gql.data(
        REPORT_ABSENCE,
        absence([world.gid("Child", "bo")], dates=["2026-03-16", "2026-03-18"]),
        token=world.token("anna"),
    )

    days = data["reportAbsence"]["requests"][0]["days"]
    assert [d["creditedSwapHours"] for d in days] == [10.0, 2.0]


async def test_one_report_for_two_children_cancels_the_care_each_has(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    fay = await add_flex_child(db, world)  # no fixed days: nothing to cancel for her

    data = await gql.data(
        REPORT_ABSENCE,
        absence([world.gid("Child", "bo"), fay], dates=[MONDAY.isoformat()]),
        token=world.token("anna"),
    )

    assert data["reportAbsence"]["errors"] == []
    assert [r["child"]["name"] for r in data["reportAbsence"]["requests"]] == ["Bo Vos"]


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"dates": [EASTER_MONDAY.isoformat()]}, "DAY_CLOSED", ["input", "dates", "0"]),
        ({"dates": [THURSDAY.isoformat()]}, "NO_CARE_ON_DAY", ["input", "dates", "0"]),
        ({"dates": [YESTERDAY.isoformat()]}, "DAY_IN_PAST", ["input", "dates", "0"]),
        (
            {"dates": [MONDAY.isoformat(), EASTER_MONDAY.isoformat()]},
            "DAY_CLOSED",
            ["input", "dates", "1"],
        ),
        ({"from": "2026-03-02", "to": "2026-03-20"}, "DAY_IN_PAST", ["input", "from"]),
        ({"from": "2026-03-16", "to": "2027-03-17"}, "RANGE_TOO_LARGE", ["input", "to"]),
        ({"from": "2026-03-20", "to": "2026-03-16"}, "INVALID_INPUT", ["input", "to"]),
        ({"from": "2026-03-19", "to": "2026-03-20"}, "NO_CARE_ON_DAY", ["input", "from"]),
        ({"dates": []}, "INVALID_INPUT", ["input", "dates"]),
        ({}, "INVALID_INPUT", ["input", "from"]),
        (
            {"dates": [MONDAY.isoformat()], "from": "2026-03-16"},
            "INVALID_INPUT",
            ["input", "dates"],
        ),
        ({"dates": [MONDAY.isoformat()], "reason": " "}, "INVALID_INPUT", ["input", "reason"]),
        (
            {"dates": [MONDAY.isoformat()], "reason": "x" * 501},
            "INVALID_INPUT",
            ["input", "reason"],
        ),
    ],
)
async def test_bad_absences_answer_typed_errors_and_change_nothing(
    gql: GraphQLClient, world: World, db: Database, fields: dict[str, Any], code: str, field: list
) -> None:
    before = await counts(db)

    data = await gql.data(
        REPORT_ABSENCE, absence([world.gid("Child", "bo")], **fields), token=world.token("anna")
    )

    assert data["reportAbsence"]["requests"] == []
    [error] = data["reportAbsence"]["errors"]
    assert (error["code"], error["field"]) == (code, field)
    assert await counts(db) == before


@pytest.mark.parametrize(
    ("viewer", "child"),
    [
        ("anna", "cas"),  # another family
        ("tim", "bo"),  # staff of another group
        ("mara", "bo"),  # another organisation
        ("mo", "bo"),  # the same person's account at another organisation
        ("anna", "mila"),
        ("carla", "cato"),  # placement ended more than six weeks ago
    ],
)
async def test_children_that_are_not_yours_are_not_found(
    gql: GraphQLClient, world: World, db: Database, viewer: str, child: str
) -> None:
    data = await gql.data(
        REPORT_ABSENCE,
        absence([world.gid("Child", child)], dates=[MONDAY.isoformat()]),
        token=world.token(viewer),
    )

    assert data["reportAbsence"]["errors"] == [
        {"code": "NOT_FOUND", "message": "No such child.", "field": ["input", "childIds", "0"]}
    ]
    assert await db.count("care_requests") == 0


@pytest.mark.parametrize(
    "child_id", ["", "garbage", to_global_id("Child", 424242), to_global_id("Group", 1)]
)
async def test_guessed_ids_are_not_found(
    gql: GraphQLClient, world: World, db: Database, child_id: str
) -> None:
    data = await gql.data(
        REPORT_ABSENCE, absence([child_id], dates=[MONDAY.isoformat()]), token=world.token("anna")
    )

    assert data["reportAbsence"]["errors"][0]["code"] == "NOT_FOUND"
    assert await db.count("care_requests") == 0


async def test_the_same_day_twice_is_already_absent(gql: GraphQLClient, world: World) -> None:
    variables = absence([world.gid("Child", "bo")], dates=[MONDAY.isoformat()])
    await gql.data(REPORT_ABSENCE, variables, token=world.token("anna"))

    again = await gql.data(REPORT_ABSENCE, variables, token=world.token("bram"))

    assert again["reportAbsence"]["errors"][0]["code"] == "ALREADY_ABSENT"


async def test_a_retried_report_with_the_same_key_creates_one_absence(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    variables = absence([world.gid("Child", "bo")], dates=[MONDAY.isoformat()], idempotencyKey="k1")

    first = await gql.data(REPORT_ABSENCE, variables, token=world.token("anna"))
    second = await gql.data(REPORT_ABSENCE, variables, token=world.token("anna"))

    assert second["reportAbsence"] == first["reportAbsence"]
    assert await db.count("care_requests") == 1
    assert await db.count("swap_credits") == 1


async def test_the_report_is_recorded_as_an_event_for_the_child(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    data = await gql.data(
        REPORT_ABSENCE,
        absence([world.gid("Child", "bo")], dates=[MONDAY.isoformat()]),
        token=world.token("anna"),
    )

    async with db.sessionmaker() as session:
        [event] = (await session.scalars(select(Event))).all()
    assert (event.kind, event.child_id) == ("request.status_changed", world.ids["bo"])
    assert json.loads(event.payload) == {
        "requestId": data["reportAbsence"]["requests"][0]["id"],
        "childId": world.gid("Child", "bo"),
        "kind": "ABSENCE",
        "status": "APPROVED",
        "previousStatus": None,
    }


@pytest.fixture
async def mail_client(
    settings: Settings, smtp_server: SmtpServer, clock: FrozenClock
) -> AsyncIterator[GraphQLClient]:
    app = create_app(
        settings.model_copy(update={"mail_url": smtp_server.url}),
        clock=clock,
        background_tasks=False,
    )
    running: RunningServer
    async with run_server(app, clock) as running, httpx.AsyncClient(timeout=30) as http:
        yield GraphQLClient(http, running.graphql_url)


def body(message: Any) -> str:
    text: str = message.get_body(("plain",)).get_content()
    return text.replace("\r\n", "\n")


async def test_the_confirmation_mail_lists_the_hours_per_child_and_day(
    mail_client: GraphQLClient, world: World, smtp_server: SmtpServer
) -> None:
    await mail_client.data(
        REPORT_ABSENCE,
        absence([world.gid("Child", "bo")], dates=[TOMORROW.isoformat(), MONDAY.isoformat()]),
        token=world.token("anna"),
    )

    [message] = await smtp_server.wait_for(1)
    assert message["To"] == "anna@example.nl"
    assert message["Subject"] == "Afwezigheid gemeld voor Bo Vos"
    text = body(message)
    assert (
        "Bo Vos\n"
        "- woensdag 11 maart 2026, 08:00 tot 13:00: 5 uur afgemeld, geen ruiluren\n"
        "- maandag 16 maart 2026, 08:00 tot 18:00: 10 uur afgemeld, 10 ruiluren bijgeschreven "
        "(geldig t/m 15 maart 2027)\n"
        "Totaal: 15 uur afgemeld, 10 ruiluren.\n"
    ) in text
    assert "Reden: Griep" in text
    assert text.startswith("Hoi Anna,")


async def test_absence_entered_by_staff_is_confirmed_to_each_guardian(
    mail_client: GraphQLClient, world: World, smtp_server: SmtpServer
) -> None:
    data = await mail_client.data(
        REPORT_ABSENCE,
        absence([world.gid("Child", "bo")], dates=[MONDAY.isoformat()]),
        token=world.token("sita"),
    )

    messages = await smtp_server.wait_for(2)
    assert data["reportAbsence"]["requests"][0]["enteredByStaff"] is True
    assert sorted(m["To"] for m in messages) == ["anna@example.nl", "bram@example.nl"]
    assert all("10 uur afgemeld" in body(m) for m in messages)


async def test_an_unreachable_mail_server_does_not_undo_the_absence(
    settings: Settings, world: World, db: Database, clock: FrozenClock
) -> None:
    app = create_app(
        settings.model_copy(update={"mail_url": "smtp://127.0.0.1:9"}),
        clock=clock,
        background_tasks=False,
    )
    async with run_server(app, clock) as running, httpx.AsyncClient(timeout=30) as http:
        client = GraphQLClient(http, running.graphql_url)
        data = await client.data(
            REPORT_ABSENCE,
            absence([world.gid("Child", "bo")], dates=[date(2026, 3, 18).isoformat()]),
            token=world.token("anna"),
        )

    assert data["reportAbsence"]["errors"] == []
    assert await db.count("care_requests") == 1
