"""The demo organisation: what `seed-demo` creates, and that its logins work."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import timedelta

from sqlalchemy import func, select

from gateway.demo import DEMO_DOMAIN, DEMO_PASSWORD, seed_demo
from gateway.models import CareType, Child, Consent, Group, Location, Organisation, Placement
from tests.support import Database, FrozenClock, GraphQLClient

LOGIN = """
mutation($input: LoginInput!) { login(input: $input) { token errors { code } } }
"""


async def count(db: Database, statement: object) -> int:
    async with db.sessionmaker() as session:
        return int(await session.scalar(statement) or 0)  # type: ignore[call-overload]


async def test_the_demo_is_seeded_once_and_looks_current(db: Database, clock: FrozenClock) -> None:
    today = clock.now.date()
    async with db.sessionmaker() as session:
        assert await seed_demo(session, today, clock.now) is True
        assert await seed_demo(session, today, clock.now) is False

    demo = select(Organisation.id).where(Organisation.domain == DEMO_DOMAIN).scalar_subquery()
    assert (
        await count(db, select(func.count(Location.id)).where(Location.organisation_id == demo))
        == 2
    )
    assert await count(db, select(func.count(Group.id)).where(Group.organisation_id == demo)) == 4
    assert await count(db, select(func.count(Child.id)).where(Child.organisation_id == demo)) == 40
    flex = select(func.count(Placement.id)).where(Placement.care_type == CareType.FLEX)
    assert await count(db, flex) == 1
    ended = select(func.count(Placement.id)).where(Placement.end_date == today - timedelta(weeks=3))
    assert await count(db, ended) == 1
    upcoming = select(func.count(Placement.id)).where(Placement.start_date > today)
    assert await count(db, upcoming) == 1
    answered = select(func.count(func.distinct(Consent.child_id)))
    assert 0 < await count(db, answered) < 40  # mixed: some children have no answers yet


async def test_demo_accounts_lists_logins_that_work(
    db: Database, gql: GraphQLClient, clock: FrozenClock
) -> None:
    async with db.sessionmaker() as session:
        await seed_demo(session, clock.now.date(), clock.now)

    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway.cli", "demo-accounts", "--json",
        env={**os.environ, "DATABASE_URL": db.url}, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, _ = await process.communicate()
    assert process.returncode == 0
    accounts = json.loads(stdout)
    guardian = next(a for a in accounts if a["role"] == "guardian")
    staff = next(a for a in accounts if a["role"] == "staff")

    assert guardian["domain"] == DEMO_DOMAIN
    assert guardian["password"] == DEMO_PASSWORD
    assert guardian["children"]
    for account in (guardian, staff):
        data = await gql.data(
            LOGIN,
            {"input": {k: account[k] for k in ("domain", "email", "password")}},
        )
        assert data["login"]["errors"] == []
