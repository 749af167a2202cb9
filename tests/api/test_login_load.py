"""Password hashing under load: logins must not hold the event loop, so others are answered.

Timings are compared only with each other, in the same run: small requests while 40 logins
are under way against one login alone. On the event loop every hash queued before a small
request made it wait, for seconds; in the hashing pool it waits for none of them. The median
of the small requests sent while the first half of the logins is still out decides, so that
neither one slipping through a gap nor one pause of a busy machine does.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable
from typing import Any

import httpx

from tests.builders import PASSWORD, World
from tests.support import GraphQLClient, RunningServer

LOGIN = "mutation($input: LoginInput!) { login(input: $input) { token errors { code } } }"
CONCURRENT_LOGINS = 40


async def timed(request: Awaitable[Any]) -> float:
    start = time.perf_counter()
    await request
    return time.perf_counter() - start


def login_input(email: str) -> dict[str, Any]:
    return {"input": {"domain": "zon.example", "email": email, "password": PASSWORD}}


async def test_small_requests_are_answered_while_many_logins_hash(
    server: RunningServer, world: World
) -> None:
    # The last of 40 logins waits for 39 hashes: on a busy machine longer than gql's timeout.
    async with httpx.AsyncClient(timeout=300) as http:
        await storm(GraphQLClient(http, server.graphql_url))


async def storm(gql: GraphQLClient) -> None:
    one_login = min([await timed(gql.data(LOGIN, login_input("bram@example.nl"))) for _ in "ab"])
    answered: list[int] = []
    first_answered = asyncio.Event()

    async def login(n: int) -> None:
        # Every tenth an unknown address: checked against the dummy hash, in the pool too.
        unknown = n % 10 == 0
        email = f"nobody{n}@example.nl" if unknown else "bram@example.nl"
        result = await gql.data(LOGIN, login_input(email))
        assert (result["login"]["token"] is None) == unknown
        answered.append(n)
        first_answered.set()

    logins = [asyncio.create_task(login(n)) for n in range(CONCURRENT_LOGINS)]
    await first_answered.wait()  # the server is hashing now, with the rest queued
    small = []
    while len(answered) < CONCURRENT_LOGINS // 2:
        small.append(await timed(gql.data("{ __typename }")))
    await asyncio.gather(*logins)

    assert statistics.median(small) < one_login, (small, one_login)
