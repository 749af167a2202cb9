"""The requests overview, cancelling, expiry, and who sees which request."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from gateway.app import create_app
from gateway.ids import to_global_id
from gateway.live import NoLivePublisher
from gateway.models import CareRequest, Event, SwapCredit
from gateway.services.expiry import expire_due_requests
from gateway.settings import Settings
from tests.builders import World
from tests.care_support import (
    CANCEL,
    DECIDE,
    MONDAY,
    REPORT_ABSENCE,
    REQUEST_EXTRA,
    REQUESTS,
    SWAP_HOURS,
    add_requests,
    give_credit,
    slot_of,
    statements,
)
from tests.support import Database, FrozenClock, GraphQLClient, RunningServer, run_server

ROOT = Path(__file__).resolve().parents[2]
NODE = "query($id: ID!) { node(id: $id) { id ... on CareRequest { kind status } } }"


async def ask_extra(
    gql: GraphQLClient,
    db: Database,
    world: World,
    day: str = "2026-03-12",
    payment: str = "INVOICE",
    token: str = "anna",
    **fields: Any,
) -> str:
    variables = {
        "input": {
            "days": [
                {
                    "childId": world.gid("Child", "bo"),
                    "date": day,
                    "slotId": await slot_of(db, world, "dolfijnen"),
                }
            ],
            "payment": payment,
            **fields,
        }
    }
    data = await gql.data(REQUEST_EXTRA, variables, token=world.token(token))
    assert data["requestExtraDays"]["errors"] == []
    request_id: str = data["requestExtraDays"]["requests"][0]["id"]
    return request_id


async def report_monday(gql: GraphQLClient, world: World) -> str:
    data = await gql.data(
        REPORT_ABSENCE,
        {
            "input": {
                "childIds": [world.gid("Child", "bo")],
                "reason": "Ziek",
                "dates": [MONDAY.isoformat()],
            }
        },
        token=world.token("anna"),
    )
    request_id: str = data["reportAbsence"]["requests"][0]["id"]
    return request_id


async def test_the_overview_lists_requests_and_absences_newest_first(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    absence = await report_monday(gql, world)
    first = await ask_extra(gql, db, world, "2026-03-12")
    second = await ask_extra(gql, db, world, "2026-03-13", token="bram")

    page = await gql.data(REQUESTS, {"first": 2}, token=world.token("anna"))
    rest = await gql.data(
        REQUESTS,
        {"first": 2, "after": page["requests"]["pageInfo"]["endCursor"]},
        token=world.token("anna"),
    )

    assert page["requests"]["totalCount"] == 3
    assert [e["node"]["id"] for e in page["requests"]["edges"]] == [second, first]
    assert page["requests"]["pageInfo"]["hasNextPage"] is True
    assert [e["node"] for e in rest["requests"]["edges"]] == [
        {
            "id": absence,
            "kind": "ABSENCE",
            "status": "APPROVED",
            "child": {"name": "Bo Vos"},
            "days": [{"date": "2026-03-16"}],
        }
    ]
    assert rest["requests"]["pageInfo"]["hasNextPage"] is False


async def test_the_overview_filters_by_status_and_kind(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    await report_monday(gql, world)
    pending = await ask_extra(gql, db, world, "2026-03-12")
    cancelled = await ask_extra(gql, db, world, "2026-03-13")
    await gql.data(CANCEL, {"input": {"requestId": cancelled}}, token=world.token("anna"))

    def ids(data: dict[str, Any]) -> list[str]:
        return [e["node"]["id"] for e in data["requests"]["edges"]]

    by_pending = await gql.data(REQUESTS, {"status": "PENDING"}, token=world.token("sita"))
    by_cancelled = await gql.data(REQUESTS, {"status": "CANCELLED"}, token=world.token("anna"))
    by_kind = await gql.data(REQUESTS, {"kind": "EXTRA_DAY"}, token=world.token("anna"))
    by_child = await gql.data(
        REQUESTS, {"child": world.gid("Child", "cas")}, token=world.token("sita")
    )

    assert ids(by_pending) == [pending]
    assert ids(by_cancelled) == [cancelled]
    assert ids(by_kind) == [cancelled, pending]
    assert ids(by_child) == []


@pytest.mark.parametrize("viewer", ["carla", "tim", "mara", "mo", "dani"])
async def test_others_see_no_request_of_the_child(
    gql: GraphQLClient, world: World, db: Database, viewer: str
) -> None:
    request_id = await ask_extra(gql, db, world)

    overview = await gql.data(REQUESTS, {}, token=world.token(viewer))
    node = await gql.data(NODE, {"id": request_id}, token=world.token(viewer))
    cancel = await gql.data(CANCEL, {"input": {"requestId": request_id}}, token=world.token(viewer))

    assert overview["requests"]["totalCount"] == 0
    assert node == {"node": None}
    assert cancel["cancelRequest"]["errors"][0]["code"] == "NOT_FOUND"
    assert await db.count("care_requests") == 1


async def test_guardians_and_the_groups_staff_see_it_by_id(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    request_id = await ask_extra(gql, db, world)

    for viewer in ("anna", "bram", "sita"):
        node = await gql.data(NODE, {"id": request_id}, token=world.token(viewer))
        assert node == {"node": {"id": request_id, "kind": "EXTRA_DAY", "status": "PENDING"}}


@pytest.mark.parametrize(
    "request_id",
    ["", "nonsense", to_global_id("CareRequest", 99999), to_global_id("Child", 1)],
)
async def test_guessed_request_ids_are_not_found(
    gql: GraphQLClient, world: World, db: Database, request_id: str
) -> None:
    await ask_extra(gql, db, world)

    data = await gql.data(CANCEL, {"input": {"requestId": request_id}}, token=world.token("anna"))

    assert data["cancelRequest"]["errors"][0]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("after", ["garbage", "WyJ4Il0"])  # WyJ4Il0 is ["x"]
async def test_a_bad_cursor_is_an_error(gql: GraphQLClient, world: World, after: str) -> None:
    result = await gql.execute(REQUESTS, {"after": after}, token=world.token("anna"))

    assert result["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_the_other_guardian_may_cancel_and_held_hours_go_back(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    await give_credit(db, world, "bo", 11 * 60, date(2026, 2, 2), date(2027, 2, 1), clock.now)
    request_id = await ask_extra(gql, db, world, payment="SWAP_HOURS")

    data = await gql.data(CANCEL, {"input": {"requestId": request_id}}, token=world.token("bram"))
    again = await gql.data(CANCEL, {"input": {"requestId": request_id}}, token=world.token("anna"))
    swap = await gql.data(SWAP_HOURS, {"id": world.gid("Child", "bo")}, token=world.token("anna"))

    assert data["cancelRequest"] == {
        "request": {"id": request_id, "status": "CANCELLED"},
        "errors": [],
    }
    assert again["cancelRequest"]["errors"][0]["code"] == "INVALID_TRANSITION"
    assert swap["child"]["swapHours"]["balance"] == 11.0


async def test_staff_cannot_cancel_a_guardians_request_nor_anyone_an_absence(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    request_id = await ask_extra(gql, db, world)
    absence = await report_monday(gql, world)

    by_staff = await gql.data(
        CANCEL, {"input": {"requestId": request_id}}, token=world.token("sita")
    )
    absence_cancel = await gql.data(
        CANCEL, {"input": {"requestId": absence}}, token=world.token("anna")
    )

    assert by_staff["cancelRequest"]["errors"][0]["code"] == "FORBIDDEN"
    assert absence_cancel["cancelRequest"]["errors"][0]["code"] == "INVALID_TRANSITION"


async def test_a_request_reads_expired_from_its_moment_and_the_task_releases_its_hours(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    await give_credit(db, world, "bo", 11 * 60, date(2026, 2, 2), date(2027, 2, 1), clock.now)
    expires_at = clock.now + timedelta(hours=1)
    request_id = await ask_extra(
        gql, db, world, payment="SWAP_HOURS", expiresAt=expires_at.isoformat()
    )
    clock.advance(timedelta(hours=1))

    before_task = await gql.data(NODE, {"id": request_id}, token=world.token("anna"))
    listed = await gql.data(REQUESTS, {"status": "EXPIRED"}, token=world.token("anna"))
    pending = await gql.data(REQUESTS, {"status": "PENDING"}, token=world.token("anna"))
    decide = await gql.data(
        DECIDE,
        {"input": {"requestId": request_id, "decision": "APPROVE"}},
        token=world.token("sita"),
    )
    async with db.sessionmaker() as session:
        expired = await expire_due_requests(session, clock.now, NoLivePublisher())
        again = await expire_due_requests(session, clock.now, NoLivePublisher())
    swap = await gql.data(SWAP_HOURS, {"id": world.gid("Child", "bo")}, token=world.token("anna"))

    assert before_task["node"]["status"] == "EXPIRED"
    assert listed["requests"]["totalCount"] == 1
    assert pending["requests"]["totalCount"] == 0
    assert (
        decide["decideRequest"]["errors"][0]["message"] == "Cannot change from expired to approved."
    )
    assert (expired, again) == (1, 0)
    assert swap["child"]["swapHours"] == {
        "balance": 11.0,
        "held": 0.0,
        "credits": [
            {"earnedOn": "2026-02-02", "validUntil": "2027-02-01", "hours": 11.0, "remaining": 11.0}
        ],
    }
    async with db.sessionmaker() as session:
        kinds = [json.loads(e.payload)["status"] for e in await session.scalars(select(Event))]
    assert kinds == ["PENDING", "EXPIRED"]


async def test_the_server_expires_requests_in_the_background(
    settings: Settings, world: World, db: Database, clock: FrozenClock, gql: GraphQLClient
) -> None:
    expires_at = clock.now + timedelta(minutes=5)
    await ask_extra(gql, db, world, expiresAt=expires_at.isoformat())
    clock.advance(timedelta(minutes=10))

    app = create_app(settings, clock=clock, background_tasks=True)
    async with run_server(app, clock), httpx.AsyncClient():
        for _ in range(200):
            async with db.sessionmaker() as session:
                status = await session.scalar(select(CareRequest.status))
            if status == "expired":
                break
            await asyncio.sleep(0.025)

    assert status == "expired"


async def test_the_expire_requests_command(
    world: World, db: Database, gql: GraphQLClient, clock: FrozenClock, tmp_path: Path
) -> None:
    await give_credit(db, world, "bo", 11 * 60, date(2026, 2, 2), date(2027, 2, 1), clock.now)
    # The command runs on the real clock, which is past this moment.
    await ask_extra(
        gql,
        db,
        world,
        payment="SWAP_HOURS",
        expiresAt=(clock.now + timedelta(minutes=1)).isoformat(),
    )

    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "gateway.cli", "expire-requests"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "DATABASE_URL": db.url, "PYTHONPATH": str(ROOT / "src")},
        check=False,
    )

    assert (done.returncode, done.stdout) == (0, "expired 1 requests\n"), done.stderr
    async with db.sessionmaker() as session:
        credit = await session.scalar(select(SwapCredit))
    assert credit is not None
    assert credit.remaining_minutes == 11 * 60


DETAILED_REQUESTS = """
{
  requests(first: 100) {
    totalCount
    edges { node {
      id kind status payment hours createdBy decidedBy statusChangedAt
      child { name } group { name }
      days { date hours slotName }
    } }
  }
}
"""


async def test_the_overview_costs_the_same_statements_for_one_or_many_requests(
    gql: GraphQLClient, server: RunningServer, world: World, db: Database, clock: FrozenClock
) -> None:
    token = world.token("sita")
    await add_requests(db, world, clock, 1)
    one = await statements(gql, server, DETAILED_REQUESTS, {}, token)

    await add_requests(db, world, clock, 40)
    many = await statements(gql, server, DETAILED_REQUESTS, {}, token)

    assert one == many
    assert many <= 8, server.statements.statements  # 7 when written
