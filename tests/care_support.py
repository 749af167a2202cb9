"""Documents and data for the care tests (agenda, absences, extra and flex days, requests).

Dates around the frozen clock (Tuesday 10 March 2026, 10:30 in Amsterdam). Bo comes on Mondays
08:00-18:00 (10 h) and Wednesdays 08:00-13:00 (5 h) in Dolfijnen (12 places, slot "Hele dag"
07:30-18:30, 11 h).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from gateway.domain import RequestStatus
from gateway.ids import to_global_id
from gateway.models import (
    CareRequest,
    CareRequestDay,
    CareType,
    Child,
    GroupSlot,
    Guardian,
    PaymentMethod,
    Placement,
    PlacementDay,
    RequestKind,
    SwapCredit,
)
from gateway.services.guardianships import add_guardian
from tests.builders import World
from tests.support import Database, FrozenClock, GraphQLClient, RunningServer

TOMORROW = date(2026, 3, 11)  # Wednesday: too late for swap hours (cut-off 10 March 09:00)
MONDAY = date(2026, 3, 16)  # in time: 10 h of care, credited
THURSDAY = date(2026, 3, 12)  # Bo has no care on Thursdays
EASTER_MONDAY = date(2026, 4, 6)
YESTERDAY = date(2026, 3, 9)

CARE_TABLES = (
    "care_requests",
    "care_request_days",
    "swap_credits",
    "swap_allocations",
    "invoice_lines",
    "events",
)

REQUEST_FIELDS = """
  id kind status payment comment expiresAt enteredByStaff decisionNote decidedBy createdBy hours
  child { name }
  group { name }
  days { date startTime endTime hours creditedSwapHours slotName }
"""
REPORT_ABSENCE = f"""
mutation($input: ReportAbsenceInput!) {{
  reportAbsence(input: $input) {{
    requests {{ {REQUEST_FIELDS} }}
    errors {{ code message field }}
  }}
}}
"""
REQUEST_EXTRA = f"""
mutation($input: RequestExtraDaysInput!) {{
  requestExtraDays(input: $input) {{
    requests {{ {REQUEST_FIELDS} }}
    errors {{ code message field }}
  }}
}}
"""
REQUEST_FLEX = f"""
mutation($input: RequestFlexDaysInput!) {{
  requestFlexDays(input: $input) {{
    requests {{ {REQUEST_FIELDS} }}
    errors {{ code message field }}
  }}
}}
"""
CANCEL = """
mutation($input: CancelRequestInput!) {
  cancelRequest(input: $input) { request { id status } errors { code message field } }
}
"""
DECIDE = """
mutation($input: DecideRequestInput!) {
  decideRequest(input: $input) {
    request { id status decisionNote decidedBy decidedAt }
    errors { code message field }
  }
}
"""
SWAP_HOURS = """
query($id: ID!) {
  child(id: $id) {
    swapHours { balance held credits { earnedOn validUntil hours remaining } }
  }
}
"""
AGENDA = """
query($child: ID!, $from: Date!, $to: Date!) {
  agenda(childId: $child, from: $from, to: $to) {
    child { name }
    from to
    days {
      date state kind startTime endTime hours creditedSwapHours absenceReason closedReason
      group { name }
      request { kind status }
    }
  }
}
"""
SLOTS = """
query($child: ID!, $date: Date!) {
  availableSlots(childId: $child, date: $date) {
    slotId name startTime endTime hours freePlaces group { name }
  }
}
"""
REQUESTS = """
query($first: Int, $after: String, $status: RequestStatus, $kind: RequestKind, $child: ID) {
  requests(first: $first, after: $after, status: $status, kind: $kind, childId: $child) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id kind status child { name } days { date } } }
  }
}
"""


async def counts(db: Database) -> dict[str, int]:
    return {table: await db.count(table) for table in CARE_TABLES}


async def slot_of(db: Database, world: World, group: str) -> str:
    async with db.sessionmaker() as session:
        slot_id = await session.scalar(
            select(GroupSlot.id).where(GroupSlot.group_id == world.ids[group])
        )
    assert slot_id is not None
    return to_global_id("GroupSlot", slot_id)


async def give_credit(
    db: Database,
    world: World,
    child: str,
    minutes: int,
    earned_on: date,
    valid_until: date,
    now: datetime,
) -> int:
    """A swap-hours credit as if earned by an earlier absence."""
    async with db.sessionmaker() as session:
        credit = SwapCredit(
            organisation_id=world.ids["zon"],
            child_id=world.ids[child],
            minutes=minutes,
            earned_on=earned_on,
            valid_until=valid_until,
            remaining_minutes=minutes,
            created_at=now,
        )
        session.add(credit)
        await session.commit()
        return credit.id


async def add_flex_child(db: Database, world: World, pot_minutes: int = 2400) -> str:
    """Fay Vos, a second child of Anna: a flex contract in Dolfijnen, no fixed days."""
    async with db.sessionmaker() as session:
        fay = Child(
            organisation_id=world.ids["zon"],
            first_name="Fay",
            last_name="Vos",
            birth_date=date(2024, 1, 5),
        )
        session.add(fay)
        await session.flush()
        for name in ("anna_guardian",):
            parent = await session.get(Guardian, world.ids[name])
            assert parent is not None
            await add_guardian(session, fay, parent)
        placement = Placement(
            organisation_id=world.ids["zon"],
            child_id=fay.id,
            group_id=world.ids["dolfijnen"],
            care_type=CareType.FLEX,
            start_date=date(2025, 1, 1),
            end_date=None,
            flex_pot_minutes=pot_minutes,
        )
        session.add(placement)
        await session.commit()
        world.ids["fay"] = fay.id
        world.ids["fay_placement"] = placement.id
    return world.gid("Child", "fay")


async def fill_group(db: Database, world: World, group: str, weekday: int, count: int) -> None:
    """`count` more children scheduled in `group` on `weekday`, to use up its places."""
    async with db.sessionmaker() as session:
        for n in range(count):
            kid = Child(
                organisation_id=world.ids["zon"],
                first_name=f"Vol{n}",
                last_name="Groep",
                birth_date=date(2024, 6, 1),
            )
            session.add(kid)
            await session.flush()
            placement = Placement(
                organisation_id=world.ids["zon"],
                child_id=kid.id,
                group_id=world.ids[group],
                care_type=CareType.DAYCARE,
                start_date=date(2025, 1, 1),
                end_date=None,
            )
            session.add(placement)
            await session.flush()
            session.add(
                PlacementDay(
                    placement_id=placement.id,
                    weekday=weekday,
                    start_time=time(8),
                    end_time=time(17),
                )
            )
        await session.commit()


async def add_requests(db: Database, world: World, clock: FrozenClock, count: int) -> None:
    """`count` pending extra days for Bo on consecutive Thursdays, with a day each."""
    async with db.sessionmaker() as session:
        for n in range(count):
            on = date(2026, 3, 12) + timedelta(weeks=n)
            request = CareRequest(
                organisation_id=world.ids["zon"],
                child_id=world.ids["bo"],
                group_id=world.ids["dolfijnen"],
                kind=RequestKind.EXTRA_DAY,
                status=RequestStatus.PENDING,
                payment=PaymentMethod.INVOICE,
                created_by_account_id=world.people["anna"].account_id,
                created_at=clock.now,
                status_changed_at=clock.now,
            )
            session.add(request)
            await session.flush()
            session.add(
                CareRequestDay(
                    request_id=request.id,
                    child_id=world.ids["bo"],
                    group_id=world.ids["dolfijnen"],
                    day=on,
                    start_time=time(7, 30),
                    end_time=time(18, 30),
                    minutes=660,
                )
            )
        await session.commit()


async def statements(
    gql: GraphQLClient, server: RunningServer, query: str, variables: dict, token: str
) -> int:
    """Statements of the query alone: the token is known (its viewer cached) beforehand."""
    await gql.data("{ __typename }", token=token)
    server.statements.statements.clear()
    await gql.data(query, variables, token=token)
    return len(server.statements.statements)
