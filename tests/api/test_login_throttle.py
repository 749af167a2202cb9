"""Login throttling over real HTTP: guessers are slowed, parents are not locked out.

Client addresses come from X-Forwarded-For sent by a trusted peer (loopback by default), or
from the real peer address: the test client binds to other loopback addresses for that.
The addresses in headers are documentation ranges; no traffic goes to them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest

from gateway.app import create_app
from gateway.settings import Settings
from tests.builders import PASSWORD, World
from tests.support import FrozenClock, GraphQLClient, RunningServer, run_server

LOGIN = "mutation($input: LoginInput!) { login(input: $input) { token errors { code } } }"
WRONG = "not the password"
HOME, SCHOOL, GUESSER = "198.51.100.10", "198.51.100.20", "203.0.113.66"


async def login(
    http: httpx.AsyncClient,
    url: str,
    email: str = "anna@example.nl",
    password: str = PASSWORD,
    *,
    via: str | None = None,
) -> str:
    """'OK', or the code of the login's error; `via` is sent as X-Forwarded-For."""
    variables = {"input": {"domain": "zon.example", "email": email, "password": password}}
    response = await http.post(
        url,
        json={"query": LOGIN, "variables": variables},
        headers={"X-Forwarded-For": via} if via else {},
    )
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["login"]
    assert (payload["token"] is not None) == (not payload["errors"])
    return str(payload["errors"][0]["code"]) if payload["errors"] else "OK"


@asynccontextmanager
async def peer(address: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose connections come from `address` (a loopback address)."""
    transport = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(transport=transport, timeout=30) as http:
        yield http


async def test_a_guesser_elsewhere_does_not_lock_the_parent_out(
    gql: GraphQLClient, world: World, clock: FrozenClock
) -> None:
    codes = [await login(gql.http, gql.url, password=WRONG, via=GUESSER) for _ in range(5)]
    for seconds in (1, 2, 4, 8):  # the guesser keeps going as fast as allowed
        assert await login(gql.http, gql.url, via=GUESSER) == "TOO_MANY_ATTEMPTS"
        clock.advance(timedelta(seconds=seconds))
        codes.append(await login(gql.http, gql.url, password=WRONG, via=GUESSER))

    assert codes == ["INVALID_CREDENTIALS"] * 9
    assert await login(gql.http, gql.url, via=HOME) == "OK"  # an address new to her, too


async def test_a_sprayer_behind_a_shared_address_does_not_block_the_parents_there(
    gql: GraphQLClient, world: World
) -> None:
    assert await login(gql.http, gql.url, "bram@example.nl", via=SCHOOL) == "OK"
    sprayed = [
        await login(gql.http, gql.url, f"parent{n}@example.nl", "Welkom2026!", via=SCHOOL)
        for n in range(25)
    ]

    assert sprayed == ["INVALID_CREDENTIALS"] * 20 + ["TOO_MANY_ATTEMPTS"] * 5
    assert await login(gql.http, gql.url, "bram@example.nl", via=SCHOOL) == "OK"
    # A parent new to this address waits like the sprayer, whose lucky guesses would look
    # the same; from anywhere else she is not held back.
    assert await login(gql.http, gql.url, via=SCHOOL) == "TOO_MANY_ATTEMPTS"
    assert await login(gql.http, gql.url, via=HOME) == "OK"


async def test_guessing_one_account_from_many_addresses_is_still_slowed(
    gql: GraphQLClient, world: World
) -> None:
    assert await login(gql.http, gql.url, via=HOME) == "OK"  # Anna's own address
    codes = [
        await login(gql.http, gql.url, password=WRONG, via=f"203.0.113.{n}")
        for n in range(4)
        for _ in range(5)
    ]

    assert codes == ["INVALID_CREDENTIALS"] * 20
    assert await login(gql.http, gql.url, password=WRONG, via="203.0.113.9") == "TOO_MANY_ATTEMPTS"
    assert await login(gql.http, gql.url, via="203.0.113.10") == "TOO_MANY_ATTEMPTS"
    assert await login(gql.http, gql.url, via=HOME) == "OK"
    assert await login(gql.http, gql.url, "bram@example.nl", via="203.0.113.10") == "OK"


async def test_an_ipv6_client_is_counted_by_its_64_block(gql: GraphQLClient, world: World) -> None:
    codes = [
        await login(gql.http, gql.url, password=WRONG, via=f"2001:db8:1:2::{n + 1}")
        for n in range(6)
    ]

    assert codes == ["INVALID_CREDENTIALS"] * 5 + ["TOO_MANY_ATTEMPTS"]
    assert await login(gql.http, gql.url, via="2001:db8:1:3::1") == "OK"


async def test_forwarded_for_is_believed_from_loopback_only_by_default(
    gql: GraphQLClient, world: World, server: RunningServer
) -> None:
    for _ in range(5):
        await login(gql.http, gql.url, password=WRONG, via=GUESSER)
    honoured = (
        await login(gql.http, gql.url, via=GUESSER),
        await login(gql.http, gql.url, via=HOME),
    )
    async with peer("127.0.0.2") as stranger:
        # Claiming another address with each guess: all count for the real peer.
        claimed = [
            await login(stranger, gql.url, "bram@example.nl", WRONG, via=f"198.51.100.{n}")
            for n in range(6)
        ]

    assert honoured == ("TOO_MANY_ATTEMPTS", "OK")
    assert claimed == ["INVALID_CREDENTIALS"] * 5 + ["TOO_MANY_ATTEMPTS"]


@pytest.fixture
async def behind_proxy(
    settings: Settings, clock: FrozenClock, world: World
) -> AsyncIterator[RunningServer]:
    """A gateway that believes X-Forwarded-For from 127.0.0.2 only."""
    app = create_app(
        settings.model_copy(update={"trusted_proxies": ["127.0.0.2/32"]}),
        clock=clock,
        background_tasks=False,
    )
    async with run_server(app, clock) as running:
        yield running


async def test_trusted_proxies_are_the_configured_ones(behind_proxy: RunningServer) -> None:
    url = behind_proxy.graphql_url
    async with peer("127.0.0.2") as proxy, peer("127.0.0.1") as direct:
        for _ in range(5):
            await login(proxy, url, password=WRONG, via=GUESSER)
        honoured = (await login(proxy, url, via=GUESSER), await login(proxy, url, via=HOME))
        claimed = [
            await login(direct, url, "bram@example.nl", WRONG, via=f"198.51.100.{n}")
            for n in range(6)
        ]

    assert honoured == ("TOO_MANY_ATTEMPTS", "OK")
    assert claimed == ["INVALID_CREDENTIALS"] * 5 + ["TOO_MANY_ATTEMPTS"]


@pytest.mark.parametrize(
    ("value", "parsed"),
    [("", []), ("10.0.0.0/8, 192.0.2.1", ["10.0.0.0/8", "192.0.2.1"]), ("::1", ["::1"])],
)
def test_trusted_proxies_are_read_as_a_comma_separated_list(
    monkeypatch: pytest.MonkeyPatch, value: str, parsed: list[str]
) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", value)

    assert Settings(_env_file=None).trusted_proxies == parsed  # type: ignore[call-arg]


def test_a_trusted_proxy_must_be_an_address_or_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "proxy.example")

    with pytest.raises(ValueError, match="not an IP address or network"):
        Settings(_env_file=None)  # type: ignore[call-arg]
