"""End to end: a guardian asks for an extra day with swap hours, staff approve, and the
guardian's open subscription hears of it the moment it happens."""

from __future__ import annotations

from datetime import date

from tests.builders import World
from tests.care_support import (
    AGENDA,
    DECIDE,
    REQUEST_EXTRA,
    SWAP_HOURS,
    THURSDAY,
    give_credit,
    slot_of,
)
from tests.support import Database, FrozenClock, GraphQLClient, RunningServer
from tests.ws_client import LEGACY, TRANSPORT, ws_connect

STATUS = """
subscription($childId: ID, $after: String) {
  requestStatusChanged(childId: $childId, after: $after) {
    cursor status previousStatus request { id kind payment decisionNote child { name } }
  }
}
"""


async def test_approval_reaches_the_guardian_live_and_shows_in_balance_and_agenda(
    gql: GraphQLClient, server: RunningServer, world: World, db: Database, clock: FrozenClock
) -> None:
    bo = world.gid("Child", "bo")
    await give_credit(db, world, "bo", 15 * 60, date(2026, 2, 2), date(2027, 2, 1), clock.now)
    day = {
        "childId": bo,
        "date": THURSDAY.isoformat(),
        "slotId": await slot_of(db, world, "dolfijnen"),
    }

    async with ws_connect(server.url) as anna, ws_connect(server.url, LEGACY) as carla:
        await anna.init(world.token("anna"))
        await carla.init(world.token("carla"))
        await anna.subscribe("status", STATUS, {"childId": bo})
        await carla.subscribe("status", STATUS)

        asked = await gql.data(
            REQUEST_EXTRA,
            {"input": {"days": [day], "payment": "SWAP_HOURS"}},
            token=world.token("anna"),
        )
        [request] = asked["requestExtraDays"]["requests"]
        submitted = await anna.next_data()
        await gql.data(
            DECIDE,
            {"input": {"requestId": request["id"], "decision": "APPROVE", "note": "Tot dan!"}},
            token=world.token("sita"),
        )
        approved = await anna.next_data()
        # Carla's first delivery must be about her own child, not about Bo.
        await gql.data(
            REQUEST_EXTRA,
            {
                "input": {
                    "days": [{**day, "childId": world.gid("Child", "cas")}],
                    "payment": "INVOICE",
                }
            },
            token=world.token("carla"),
        )
        carlas = await carla.next_data()

    assert submitted["requestStatusChanged"]["status"] == "PENDING"
    assert submitted["requestStatusChanged"]["previousStatus"] is None
    assert approved["requestStatusChanged"] == {
        "cursor": approved["requestStatusChanged"]["cursor"],
        "status": "APPROVED",
        "previousStatus": "PENDING",
        "request": {
            "id": request["id"],
            "kind": "EXTRA_DAY",
            "payment": "SWAP_HOURS",
            "decisionNote": "Tot dan!",
            "child": {"name": "Bo Vos"},
        },
    }
    assert int(approved["requestStatusChanged"]["cursor"]) > int(
        submitted["requestStatusChanged"]["cursor"]
    )
    assert carlas["requestStatusChanged"]["request"]["child"] == {"name": "Cas Kok"}
    swap = await gql.data(SWAP_HOURS, {"id": bo}, token=world.token("anna"))
    assert (swap["child"]["swapHours"]["balance"], swap["child"]["swapHours"]["held"]) == (4.0, 0.0)
    week = {"child": bo, "from": THURSDAY.isoformat(), "to": THURSDAY.isoformat()}
    [agenda_day] = (await gql.data(AGENDA, week, token=world.token("anna")))["agenda"]["days"]
    assert (agenda_day["state"], agenda_day["kind"]) == ("CARE", "EXTRA")


async def test_a_reconnecting_guardian_gets_the_decisions_it_missed(
    gql: GraphQLClient, server: RunningServer, world: World, db: Database
) -> None:
    bo = world.gid("Child", "bo")
    day = {
        "childId": bo,
        "date": THURSDAY.isoformat(),
        "slotId": await slot_of(db, world, "dolfijnen"),
    }
    async with ws_connect(server.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("status", STATUS)
        asked = await gql.data(
            REQUEST_EXTRA,
            {"input": {"days": [day], "payment": "INVOICE"}},
            token=world.token("anna"),
        )
        cursor = (await anna.next_data())["requestStatusChanged"]["cursor"]
    [request] = asked["requestExtraDays"]["requests"]

    await gql.data(
        DECIDE,
        {"input": {"requestId": request["id"], "decision": "REJECT", "note": "Vol"}},
        token=world.token("sita"),
    )

    async with ws_connect(server.url, TRANSPORT) as again:
        await again.init(world.token("anna"))
        await again.subscribe("status", STATUS, {"after": cursor})
        missed = await again.next_data()

    assert missed["requestStatusChanged"]["status"] == "REJECTED"
    assert missed["requestStatusChanged"]["request"]["id"] == request["id"]
