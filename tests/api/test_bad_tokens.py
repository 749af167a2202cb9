"""Tokens a client can act on: a sent but bad bearer token is a 401 with the RFC 6750 challenge
over HTTP (not an anonymous `null`); no token stays anonymous; sockets also take the token from
`connection_init`'s `payload.headers`, as Apollo Sandbox sends it."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from tests.builders import PASSWORD, World
from tests.support import Database, FrozenClock, GraphQLClient, RunningServer, answer
from tests.ws_client import LEGACY, TRANSPORT, ws_connect

CHALLENGE = 'Bearer error="invalid_token"'
ME = "{ me { email } }"
LOGIN = """mutation($input: LoginInput!) { login(input: $input) { token errors { code } } }"""


async def post(
    gql: GraphQLClient, authorization: str | None, *, accept: str = "application/json"
) -> httpx.Response:
    headers = {"Accept": accept} | ({"Authorization": authorization} if authorization else {})
    return await gql.http.post(gql.url, json={"query": ME}, headers=headers)


@pytest.mark.parametrize("accept", ["application/json", "application/graphql-response+json"])
async def test_an_unknown_token_is_a_401_with_the_bearer_challenge(
    gql: GraphQLClient, world: World, accept: str
) -> None:
    response = await post(gql, "Bearer op_made_up", accept=accept)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == CHALLENGE
    assert response.headers["content-type"] == f"{accept}; charset=utf-8"
    assert answer(response) == {
        "errors": [
            {
                "message": "The bearer token is unknown, expired or logged out: log in again, "
                "or send none.",
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ]
    }


@pytest.mark.parametrize(
    "authorization", ["Bearer", "bearer op_x", "Bearer " + "x" * 201, "Bearer  op_nope"]
)
async def test_a_malformed_bearer_token_is_refused_too(
    gql: GraphQLClient, world: World, authorization: str
) -> None:
    response = await post(gql, authorization)

    assert (response.status_code, response.headers.get("www-authenticate")) == (401, CHALLENGE)


async def test_a_get_query_with_an_expired_token_is_refused(
    gql: GraphQLClient, world: World, clock: FrozenClock
) -> None:
    clock.advance(timedelta(days=30, seconds=1))

    response = await gql.http.get(
        gql.url,
        params={"query": ME},
        headers={"Authorization": f"Bearer {world.token('anna')}", "Accept": "application/json"},
    )

    assert (response.status_code, response.headers.get("www-authenticate")) == (401, CHALLENGE)


async def test_a_logged_out_token_is_refused_and_nothing_is_written(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    token = world.token("anna")
    await gql.data("mutation { logout { revokedSessions } }", token=token)
    tokens = await db.count("access_tokens")

    response = await gql.http.post(
        gql.url,
        json={"query": "mutation { logout { revokedSessions } }"},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert (response.status_code, response.headers.get("www-authenticate")) == (401, CHALLENGE)
    assert "data" not in answer(response)
    assert await db.count("access_tokens") == tokens


async def test_without_a_token_the_caller_is_anonymous_and_may_log_in(
    gql: GraphQLClient, world: World
) -> None:
    anonymous = await post(gql, None)
    credentials = {"domain": "zon.example", "email": "anna@example.nl", "password": PASSWORD}
    login = await gql.data(LOGIN, {"input": credentials})

    assert (anonymous.status_code, answer(anonymous)) == (200, {"data": {"me": None}})
    assert "www-authenticate" not in anonymous.headers
    assert login["login"]["errors"] == []
    assert await gql.data(ME, token=login["login"]["token"]) == {"me": {"email": "anna@example.nl"}}


async def test_another_scheme_is_not_a_bearer_token_and_stays_anonymous(
    gql: GraphQLClient, world: World
) -> None:
    # A proxy in front may add Basic credentials of its own; they say nothing about a session.
    response = await post(gql, "Basic dXNlcjpwYXNz")

    assert (response.status_code, answer(response)) == (200, {"data": {"me": None}})


async def test_a_valid_token_still_answers(gql: GraphQLClient, world: World) -> None:
    response = await post(gql, f"Bearer {world.token('anna')}")

    assert (response.status_code, answer(response)) == (
        200,
        {"data": {"me": {"email": "anna@example.nl"}}},
    )


@pytest.mark.parametrize("protocol", [TRANSPORT, LEGACY])
async def test_a_socket_takes_the_token_from_payload_headers(
    server: RunningServer, world: World, protocol: str
) -> None:
    async with ws_connect(server.url, protocol) as client:
        headers = {"Authorization": f"Bearer {world.token('anna')}"}
        await client.send({"type": "connection_init", "payload": {"headers": headers}})
        assert (await client.receive())["type"] == "connection_ack"
        await client.subscribe("1", "query { me { email } }")
        assert await client.next_data() == {"me": {"email": "anna@example.nl"}}


async def test_a_bad_token_in_payload_headers_closes_the_socket(
    server: RunningServer, world: World
) -> None:
    async with ws_connect(server.url) as client:
        headers = {"authorization": "Bearer op_nope"}
        await client.send({"type": "connection_init", "payload": {"headers": headers}})
        assert await client.closed() == (4403, "Forbidden")
