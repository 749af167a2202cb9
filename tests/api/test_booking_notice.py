"""How close to the day a guardian may still request or cancel: the organisation's notice."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from gateway.models import Organisation
from tests.builders import World
from tests.care_support import CANCEL, REQUEST_EXTRA, REQUEST_FLEX, add_flex_child, counts, slot_of
from tests.support import Database, GraphQLClient

FRIDAY = date(2026, 3, 13)  # 3 days after Tuesday 10 March
NEXT_THURSDAY = date(2026, 3, 19)  # 9 days ahead


async def notice(db: Database, world: World, days: int) -> None:
    async with db.sessionmaker() as session:
        await session.execute(
            update(Organisation)
            .where(Organisation.id == world.ids["zon"])
            .values(guardian_notice_days=days)
        )
        await session.commit()


async def ask(
    gql: GraphQLClient, db: Database, world: World, who: str, day: date
) -> dict[str, object]:
    data = await gql.data(
        REQUEST_EXTRA,
        {
            "input": {
                "days": [
                    {
                        "childId": world.gid("Child", "bo"),
                        "date": day.isoformat(),
                        "slotId": await slot_of(db, world, "dolfijnen"),
                    }
                ],
                "payment": "INVOICE",
            }
        },
        token=world.token(who),
    )
    payload: dict[str, object] = data["requestExtraDays"]
    return payload


@pytest.mark.parametrize(("days", "refused"), [(0, False), (4, True)])
async def test_a_guardian_requests_until_the_notice_and_staff_after_it(
    gql: GraphQLClient, world: World, db: Database, days: int, refused: bool
) -> None:
    await notice(db, world, days)
    before = await counts(db)

    guardian = await ask(gql, db, world, "anna", FRIDAY)
    if refused:
        assert guardian["errors"] == [
            {
                "code": "TOO_CLOSE_TO_DAY",
                "message": "2026-03-13 can be requested by guardians until 4 days ahead; "
                "ask the location's staff.",
                "field": ["input", "days", "0", "date"],
            }
        ]
        assert await counts(db) == before
        staff = await ask(gql, db, world, "sita", FRIDAY)
        assert staff["errors"] == []
    else:
        assert guardian["errors"] == []


@pytest.mark.parametrize(("days", "refused"), [(9, False), (10, True)])
async def test_a_guardian_cancels_until_the_notice(
    gql: GraphQLClient, world: World, db: Database, days: int, refused: bool
) -> None:
    asked = await ask(gql, db, world, "anna", NEXT_THURSDAY)
    [request] = asked["requests"]  # type: ignore[misc]
    await notice(db, world, days)

    data = await gql.data(
        CANCEL, {"input": {"requestId": request["id"]}}, token=world.token("anna")
    )

    if refused:
        assert [(e["code"], e["field"]) for e in data["cancelRequest"]["errors"]] == [
            ("TOO_CLOSE_TO_DAY", ["input", "requestId"])
        ]
    else:
        assert data["cancelRequest"]["request"]["status"] == "CANCELLED"


async def test_the_notice_applies_to_flex_days_too(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    fay = await add_flex_child(db, world)
    await notice(db, world, 60)

    data = await gql.data(
        REQUEST_FLEX,
        {
            "input": {
                "days": [
                    {"childId": fay, "date": "2026-05-04", "startTime": "08:00", "endTime": "12:00"}
                ]
            }
        },
        token=world.token("anna"),
    )

    assert [e["code"] for e in data["requestFlexDays"]["errors"]] == ["TOO_CLOSE_TO_DAY"]
