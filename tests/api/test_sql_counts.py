"""A query costs a fixed number of SQL statements, whatever the number of children."""

from __future__ import annotations

from datetime import time, timedelta

from gateway.models import (
    Account,
    CareType,
    Child,
    Consent,
    ConsentChange,
    ConsentKind,
    Guardian,
    Guardianship,
    Placement,
    PlacementDay,
    Role,
    StaffGroup,
    StaffMember,
)
from gateway.services.accounts import issue_token
from tests.support import Database, FrozenClock, GraphQLClient, RunningServer

EVERYTHING = """
{
  me { email organisation { name } staffMember { name groups { name } } }
  children(first: 100) {
    totalCount
    edges { node {
      id name birthDate
      group { name capacity location { name city } slots { name startTime } staff { name } }
      location { name }
      placements {
        careType status startDate flexHoursPot group { name } schedule { weekday startTime }
      }
      guardians { name email phone children { name } }
      consents { kind granted changedAt changedBy }
      consentHistory { kind granted changedBy }
    } }
  }
}
"""


async def staff_with_children(db: Database, clock: FrozenClock, count: int) -> str:
    """A staff member in one group with `count` children, each fully populated."""
    from gateway.models import Group, Location, Organisation

    today = clock.now.date()
    async with db.sessionmaker() as s:
        org = Organisation(name="Zon", domain="zon.example")
        s.add(org)
        await s.flush()
        location = Location(organisation_id=org.id, name="Centrum")
        s.add(location)
        await s.flush()
        group = Group(
            organisation_id=org.id, location_id=location.id, name="Dolfijnen", capacity=30
        )
        member = StaffMember(organisation_id=org.id, first_name="Sita", last_name="Staff")
        s.add_all([group, member])
        await s.flush()
        s.add(StaffGroup(staff_member_id=member.id, group_id=group.id))
        account = Account(
            organisation_id=org.id,
            email="sita@zon.example",
            role=Role.STAFF,
            staff_member_id=member.id,
        )
        s.add(account)
        await s.flush()
        for n in range(count):
            child = Child(
                organisation_id=org.id,
                first_name=f"Kind{n:02}",
                last_name="Test",
                birth_date=today - timedelta(days=700),
            )
            parents = [
                Guardian(organisation_id=org.id, first_name=f"Ouder{n}{p}", last_name="Test")
                for p in range(2)
            ]
            s.add_all([child, *parents])
            await s.flush()
            for parent in parents:
                s.add(
                    Account(
                        organisation_id=org.id,
                        email=f"{parent.first_name}@example.nl",
                        role=Role.GUARDIAN,
                        guardian_id=parent.id,
                    )
                )
                s.add(Guardianship(child_id=child.id, guardian_id=parent.id))
            placement = Placement(
                organisation_id=org.id,
                child_id=child.id,
                group_id=group.id,
                care_type=CareType.DAYCARE,
                start_date=today - timedelta(days=30),
                end_date=None,
            )
            s.add(placement)
            await s.flush()
            s.add(
                PlacementDay(
                    placement_id=placement.id, weekday=1, start_time=time(8), end_time=time(17)
                )
            )
            for kind in ConsentKind:
                s.add(
                    Consent(
                        child_id=child.id,
                        kind=kind,
                        granted=True,
                        changed_at=clock.now,
                        changed_by_account_id=account.id,
                    )
                )
                s.add(
                    ConsentChange(
                        child_id=child.id,
                        kind=kind,
                        granted=True,
                        changed_at=clock.now,
                        changed_by_account_id=account.id,
                    )
                )
        login = await issue_token(s, account, clock.now, timedelta(days=1))
        await s.commit()
        return login.token


async def statements_for(gql: GraphQLClient, server: RunningServer, token: str) -> tuple[int, int]:
    server.statements.statements.clear()
    data = await gql.data(EVERYTHING, token=token)
    return len(server.statements.statements), data["children"]["totalCount"]


async def test_the_statement_count_does_not_grow_with_the_children(
    gql: GraphQLClient, server: RunningServer, db: Database, clock: FrozenClock
) -> None:
    token = await staff_with_children(db, clock, 1)
    one, total_one = await statements_for(gql, server, token)

    await db.clean()
    token = await staff_with_children(db, clock, 25)
    many, total_many = await statements_for(gql, server, token)

    assert (total_one, total_many) == (1, 25)
    assert one == many
    assert many <= 20, server.statements.statements
