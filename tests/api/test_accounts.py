"""Logging in and out over real HTTP: tokens, uniform failures, throttling, revocation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.builders import PASSWORD, World
from tests.support import Database, FrozenClock, GraphQLClient

LOGIN = """
mutation($input: LoginInput!) {
  login(input: $input) {
    token expiresAt account { email role }
    errors { code message field }
  }
}
"""
LOGOUT = (
    "mutation($input: LogoutInput) { logout(input: $input) { revokedSessions errors { code } } }"
)
ME = "{ me { email } }"


def login_input(
    email: str = "anna@example.nl", password: str = PASSWORD, domain: str = "zon.example"
) -> dict:
    return {"input": {"domain": domain, "email": email, "password": password}}


async def test_login_returns_a_token_that_identifies_the_account(
    gql: GraphQLClient, world: World, clock: FrozenClock
) -> None:
    data = await gql.data(LOGIN, login_input())
    login = data["login"]

    assert login["errors"] == []
    assert login["account"] == {"email": "anna@example.nl", "role": "GUARDIAN"}
    assert login["expiresAt"] == (clock.now + timedelta(days=30)).isoformat()
    assert await gql.data(ME, token=login["token"]) == {"me": {"email": "anna@example.nl"}}


async def test_the_portal_address_may_be_pasted_as_a_url(gql: GraphQLClient, world: World) -> None:
    data = await gql.data(
        LOGIN, login_input(domain=" https://ZON.example/ ", email="Anna@Example.nl ")
    )

    assert data["login"]["errors"] == []


async def test_the_same_email_logs_in_at_the_organisation_of_the_domain(
    gql: GraphQLClient, world: World
) -> None:
    data = await gql.data(LOGIN, login_input(domain="maan.example"))
    token = data["login"]["token"]
    children = await gql.data("{ children { edges { node { name } } } }", token=token)

    assert children == {"children": {"edges": [{"node": {"name": "Mila Vos"}}]}}


async def test_unknown_email_and_wrong_password_answer_alike(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    wrong_password = await gql.execute(LOGIN, login_input(password="not the password"))
    unknown_email = await gql.execute(LOGIN, login_input(email="nobody@example.nl"))
    unknown_domain = await gql.execute(LOGIN, login_input(domain="nope.example"))
    not_activated = await gql.execute(LOGIN, login_input(email="eva@example.nl"))

    expected = {
        "data": {
            "login": {
                "token": None,
                "expiresAt": None,
                "account": None,
                "errors": [
                    {
                        "code": "INVALID_CREDENTIALS",
                        "message": "The portal address, e-mail address and password do not match "
                        "an account.",
                        "field": ["input", "password"],
                    }
                ],
            }
        }
    }
    assert wrong_password == unknown_email == unknown_domain == not_activated == expected
    assert await db.count("access_tokens") == len(world.people) - 1  # only the builder's tokens


async def test_repeated_failures_are_slowed_down_per_account(
    gql: GraphQLClient, world: World, clock: FrozenClock
) -> None:
    for _ in range(5):
        result = await gql.data(LOGIN, login_input(password="wrong password!"))
        assert result["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"

    blocked = await gql.data(LOGIN, login_input())  # even the right password waits
    other_account = await gql.data(LOGIN, login_input(email="bram@example.nl"))
    clock.advance(timedelta(seconds=2))
    later = await gql.data(LOGIN, login_input())

    assert blocked["login"]["errors"][0]["code"] == "TOO_MANY_ATTEMPTS"
    assert blocked["login"]["token"] is None
    assert other_account["login"]["errors"] == []
    assert later["login"]["errors"] == []


async def test_the_delay_doubles_with_every_further_failure(
    gql: GraphQLClient, world: World, clock: FrozenClock
) -> None:
    async def message(password: str = "wrong password!") -> str:
        result = await gql.data(LOGIN, login_input(password=password))
        return str(result["login"]["errors"][0]["message"])

    for _ in range(5):
        await message()
    waits = [await message()]
    for seconds in (1, 2):
        clock.advance(timedelta(seconds=seconds))
        await message()  # a further failure
        waits.append(await message())

    assert waits == [
        "Too many failed attempts. Try again in 1 second.",
        "Too many failed attempts. Try again in 2 seconds.",
        "Too many failed attempts. Try again in 4 seconds.",
    ]


async def test_many_accounts_tried_from_one_address_are_slowed_down(
    gql: GraphQLClient, world: World
) -> None:
    codes = []
    for n in range(21):
        result = await gql.data(LOGIN, login_input(email=f"guess{n}@example.nl"))
        codes.append(result["login"]["errors"][0]["code"])

    assert codes[:20] == ["INVALID_CREDENTIALS"] * 20
    assert codes[20] == "TOO_MANY_ATTEMPTS"


async def test_logout_ends_the_session_server_side(gql: GraphQLClient, world: World) -> None:
    token = (await gql.data(LOGIN, login_input()))["login"]["token"]

    result = await gql.data(LOGOUT, token=token)

    assert result == {"logout": {"revokedSessions": 1, "errors": []}}
    assert await gql.token_refused(token)
    assert await gql.data(ME, token=world.token("anna")) == {"me": {"email": "anna@example.nl"}}


async def test_logout_everywhere_ends_every_session(gql: GraphQLClient, world: World) -> None:
    token = (await gql.data(LOGIN, login_input()))["login"]["token"]

    result = await gql.data(LOGOUT, {"input": {"everywhere": True}}, token=token)

    assert result == {"logout": {"revokedSessions": 2, "errors": []}}
    assert await gql.token_refused(world.token("anna"))


async def test_logout_without_a_session_is_an_error(gql: GraphQLClient, world: World) -> None:
    assert await gql.data(LOGOUT) == {
        "logout": {"revokedSessions": 0, "errors": [{"code": "UNAUTHENTICATED"}]}
    }


async def test_an_expired_token_is_refused_with_401(
    gql: GraphQLClient, world: World, clock: FrozenClock
) -> None:
    clock.advance(timedelta(days=30, seconds=1))

    assert await gql.token_refused(world.token("anna"))


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("domain", "", "INVALID_INPUT"),
        ("email", "   ", "INVALID_INPUT"),
        ("password", "", "INVALID_INPUT"),
        ("domain", "d" * 254, "INVALID_INPUT"),
        ("email", "e" * 255, "INVALID_INPUT"),
        ("password", "p" * 129, "INVALID_INPUT"),
    ],
)
async def test_empty_and_oversized_login_fields_are_refused(
    gql: GraphQLClient, world: World, db: Database, field: str, value: str, code: str
) -> None:
    variables = login_input()
    variables["input"][field] = value

    data = await gql.data(LOGIN, variables)

    assert data["login"]["errors"][0]["code"] == code
    assert data["login"]["errors"][0]["field"] == ["input", field]
    assert await db.count("login_throttles") == 0
    assert await db.count("access_tokens") == len(world.people) - 1


async def test_staff_log_in_the_same_way(gql: GraphQLClient, world: World) -> None:
    data = await gql.data(LOGIN, login_input(email="sita@zon.example"))

    assert data["login"]["errors"] == []
    assert data["login"]["account"] == {"email": "sita@zon.example", "role": "STAFF"}
    me = await gql.data(
        "{ me { staffMember { name groups { name } } } }", token=data["login"]["token"]
    )
    assert me == {"me": {"staffMember": {"name": "Sita Staff", "groups": [{"name": "Dolfijnen"}]}}}
