"""The account view costs the same number of SQL statements for one child or many."""

from __future__ import annotations

from datetime import time, timedelta

from gateway.models import (
    Account,
    CareType,
    Child,
    Group,
    Guardian,
    Location,
    Organisation,
    Placement,
    PlacementDay,
    Role,
)
from gateway.services.accounts import issue_token
from gateway.services.guardianships import add_guardian
from tests.support import Database, FrozenClock, GraphQLClient, RunningServer

ACCOUNT_VIEW = """
{
  me {
    email organisation { name }
    sessions { id current createdAt }
    guardian {
      name email phone address { city }
      children {
        name birthDate location { name city }
        placements {
          careType status startDate endDate flexHoursPot
          group { name location { name } }
          schedule { weekday startTime endTime }
        }
        guardians { name email }
        swapHours { balance held credits { hours validUntil } }
      }
    }
  }
  notificationSettings { category channel enabled }
}
"""


async def guardian_with_children(db: Database, clock: FrozenClock, count: int) -> str:
    today = clock.now.date()
    async with db.sessionmaker() as s:
        org = Organisation(name="Zon", domain="zon.example")
        s.add(org)
        await s.flush()
        location = Location(organisation_id=org.id, name="Centrum", city="Utrecht")
        s.add(location)
        await s.flush()
        groups = [
            Group(organisation_id=org.id, location_id=location.id, name=f"Groep {n}", capacity=9)
            for n in range(2)
        ]
        parent = Guardian(organisation_id=org.id, first_name="Anna", last_name="Vos")
        s.add_all([*groups, parent])
        await s.flush()
        account = Account(
            organisation_id=org.id,
            email="anna@example.nl",
            role=Role.GUARDIAN,
            guardian_id=parent.id,
        )
        s.add(account)
        await s.flush()
        for n in range(count):
            child = Child(
                organisation_id=org.id,
                first_name=f"Kind{n:02}",
                last_name="Vos",
                birth_date=today - timedelta(days=700 + n),
            )
            s.add(child)
            await s.flush()
            await add_guardian(s, child, parent)
            for start, group in ((400, groups[0]), (30, groups[1])):
                placement = Placement(
                    organisation_id=org.id,
                    child_id=child.id,
                    group_id=group.id,
                    care_type=CareType.DAYCARE,
                    start_date=today - timedelta(days=start),
                    end_date=today - timedelta(days=31) if start == 400 else None,
                )
                s.add(placement)
                await s.flush()
                s.add(
                    PlacementDay(
                        placement_id=placement.id, weekday=1, start_time=time(8), end_time=time(17)
                    )
                )
        login = await issue_token(s, account, clock.now, timedelta(days=1))
        await issue_token(s, account, clock.now, timedelta(days=1))
        await s.commit()
        return login.token


async def statements_for(gql: GraphQLClient, server: RunningServer, token: str) -> tuple[int, int]:
    server.statements.statements.clear()
    data = await gql.data(ACCOUNT_VIEW, token=token)
    return len(server.statements.statements), len(data["me"]["guardian"]["children"])


async def test_the_account_view_does_not_grow_with_the_children(
    gql: GraphQLClient, server: RunningServer, db: Database, clock: FrozenClock
) -> None:
    token = await guardian_with_children(db, clock, 1)
    one, children_one = await statements_for(gql, server, token)

    await db.clean()
    token = await guardian_with_children(db, clock, 12)
    many, children_many = await statements_for(gql, server, token)

    assert (children_one, children_many) == (1, 12)
    assert one == many, server.statements.statements
    assert many <= 16, server.statements.statements
