"""Login throttle counters are pruned once forgotten, made-up e-mails and domains included;
addresses an account has logged in from are forgotten after a year without a login."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from gateway.app import create_app
from gateway.models import KnownLoginAddress, LoginThrottle
from gateway.services import throttle
from gateway.settings import Settings
from tests.builders import PASSWORD, World
from tests.support import Database, FrozenClock, GraphQLClient, run_server

LOGIN = "mutation($input: LoginInput!) { login(input: $input) { errors { code } } }"
POLICY = throttle.ThrottlePolicy(free=5, max_delay=timedelta(minutes=15))


async def fail(gql: GraphQLClient, domain: str, email: str) -> None:
    variables = {"input": {"domain": domain, "email": email, "password": "made up guess"}}
    data = await gql.data(LOGIN, variables)
    assert data["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]


async def prune(db: Database, clock: FrozenClock) -> int:
    async with db.sessionmaker() as session:
        return await throttle.prune(session, clock.now, POLICY)


async def test_forgotten_counters_and_stale_known_addresses_are_pruned(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    await fail(gql, "nope.example", "nobody@nope.example")
    await fail(gql, "zon.example", "made.up@example.nl")
    variables = {
        "input": {"domain": "zon.example", "email": "anna@example.nl", "password": PASSWORD}
    }
    assert (await gql.data(LOGIN, variables))["login"]["errors"] == []
    stored = await db.count("login_throttles")

    clock.advance(timedelta(days=1, seconds=1))
    await fail(gql, "zon.example", "recent@example.nl")  # a fresh pair and account counter
    pruned = await prune(db, clock)
    async with db.sessionmaker() as session:
        kept = list(await session.scalars(select(LoginThrottle.key)))
        known = list(await session.scalars(select(KnownLoginAddress.account_id)))
    clock.advance(timedelta(days=365))
    pruned_later = await prune(db, clock)

    assert stored == 5  # two pairs, two accounts, one address
    assert pruned == 4  # the two pairs and accounts; the address counted again meanwhile
    assert sorted(key.split(":")[0] for key in kept) == ["account", "address", "pair"]
    assert known == [world.people["anna"].account_id]
    assert pruned_later == 4  # the rest: the counters, and Anna's address unused for a year
    assert await db.count("login_throttles") == await db.count("known_login_addresses") == 0


async def test_a_counter_that_still_blocks_is_kept(db: Database, clock: FrozenClock) -> None:
    async with db.sessionmaker() as session:
        session.add(
            LoginThrottle(
                key="address:192.0.2.1",
                failures=40,
                last_failure_at=clock.now - timedelta(days=2),
                blocked_until=clock.now + timedelta(minutes=1),
            )
        )
        await session.commit()

    assert await prune(db, clock) == 0


async def test_the_server_prunes_by_itself(
    settings: Settings, db: Database, clock: FrozenClock
) -> None:
    async with db.sessionmaker() as session:
        session.add(
            LoginThrottle(
                key="account:made-up", failures=1, last_failure_at=clock.now - timedelta(days=2)
            )
        )
        await session.commit()
    app = create_app(settings, clock=clock, background_tasks=True)

    async with run_server(app, clock):
        for _ in range(500):  # the first round runs at start-up
            if await db.count("login_throttles") == 0:
                break
            await asyncio.sleep(0.02)

    assert await db.count("login_throttles") == 0
