"""Odd input is the client's error, never a server error nor a logged traceback (issue 7.5)."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest

from tests.api.messaging import MESSAGES, SEND, start
from tests.builders import World
from tests.support import GraphQLClient, RunningServer
from tests.ws_client import ws_connect

MODERN = {"Accept": "application/graphql-response+json", "Content-Type": "application/json"}
LOGIN = "mutation($input: LoginInput!) { login(input: $input) { token errors { code field } } }"
LONE = "\ud800"  # json.dumps escapes it as the six characters \ud800


def cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.fixture
def errors_logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


def no_tracebacks(logs: pytest.LogCaptureFixture) -> bool:
    return not [r for r in logs.records if r.exc_info or r.levelno >= logging.ERROR]


async def post_raw(gql: GraphQLClient, body: dict[str, Any], token: str | None = None) -> Any:
    headers = {**MODERN, **({"Authorization": f"Bearer {token}"} if token else {})}
    return await gql.http.post(gql.url, content=json.dumps(body), headers=headers)


@pytest.mark.parametrize(
    "query",
    [f"{{ __typename }} # {LONE}", f'{{ node(id: "{LONE}") {{ id }} }}', f"{{ {LONE} }}"],
    ids=["comment", "string", "bare"],
)
async def test_a_lone_surrogate_in_the_query_text_is_a_400(
    gql: GraphQLClient, query: str, errors_logged: pytest.LogCaptureFixture
) -> None:
    response = await post_raw(gql, {"query": query})

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {"message": "The request body has an unpaired surrogate escape (such as \\ud800): "
             "not text."}
        ]
    }  # fmt: skip
    assert no_tracebacks(errors_logged)


async def test_a_lone_surrogate_in_get_variables_is_a_400(gql: GraphQLClient) -> None:
    params = {"query": "query($id: ID!) { node(id: $id) { id } }", "variables": '{"id": "\\udfff"}'}

    response = await gql.http.get(gql.url, params=params, headers=MODERN)

    assert response.status_code == 400
    assert "unpaired surrogate" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (SEND, {"input": {"body": f"Hoi {LONE}", "childId": "x"}}),
        (LOGIN, {"input": {"domain": "zon.example", "email": f"{LONE}@x.nl", "password": "p"}}),
        (LOGIN, {"input": {"domain": "zon.example", "email": "a@x.nl", "password": LONE}}),
    ],
    ids=["message-body", "email", "password"],
)
async def test_a_lone_surrogate_in_string_inputs_is_a_400(
    gql: GraphQLClient,
    world: World,
    query: str,
    variables: dict[str, Any],
    errors_logged: pytest.LogCaptureFixture,
) -> None:
    if "childId" in variables["input"]:
        variables["input"]["childId"] = world.gid("Child", "bo")

    response = await post_raw(gql, {"query": query, "variables": variables}, world.token("anna"))

    assert response.status_code == 400
    assert "unpaired surrogate" in response.json()["errors"][0]["message"]
    assert await world.db.count("messages") == 0
    assert no_tracebacks(errors_logged)


@pytest.mark.parametrize("field", ["email", "domain"])
async def test_a_nul_character_in_login_is_invalid_input(
    gql: GraphQLClient, world: World, field: str, errors_logged: pytest.LogCaptureFixture
) -> None:
    login = {"domain": "zon.example", "email": "anna@example.nl", "password": "p"}

    data = await gql.data(LOGIN, {"input": {**login, field: f"a\x00{login[field]}"}})

    assert data["login"]["token"] is None
    assert data["login"]["errors"] == [{"code": "INVALID_INPUT", "field": ["input", field]}]
    assert no_tracebacks(errors_logged)


@pytest.mark.parametrize("field", ["email", "domain"])
async def test_a_nul_character_in_an_activation_request_is_accepted_like_any_address(
    gql: GraphQLClient, world: World, field: str, errors_logged: pytest.LogCaptureFixture
) -> None:
    address = {"domain": "zon.example", "email": "eva@example.nl"}
    query = (
        "mutation($input: RequestActivationMailInput!) "
        "{ requestActivationMail(input: $input) { accepted errors { code } } }"
    )

    data = await gql.data(query, {"input": {**address, field: f"a\x00{address[field]}"}})

    assert data["requestActivationMail"] == {"accepted": True, "errors": []}
    assert no_tracebacks(errors_logged)


FORGED = [
    ("{ children(after: $after) { totalCount } }", [None, None]),
    ("{ children(after: $after) { totalCount } }", ["Bo", "1"]),
    ("{ children(after: $after) { totalCount } }", ["Bo", 2**63]),
    ("{ threads(after: $after) { totalCount } }", [2**63, 1]),
    ("{ threads(after: $after) { totalCount } }", [1.5, 1]),
    ("{ requests(after: $after) { totalCount } }", [2**63]),
    ("{ requests(after: $after) { totalCount } }", [True]),
    ("{ notifications(after: $after) { unreadCount } }", [2**64]),
    ("{ notifications(after: $after) { unreadCount } }", [-(2**63) - 1]),
]


@pytest.mark.parametrize(("selection", "values"), FORGED)
async def test_a_forged_cursor_is_invalid_input(
    gql: GraphQLClient,
    world: World,
    selection: str,
    values: list[Any],
    errors_logged: pytest.LogCaptureFixture,
) -> None:
    query = f"query($after: String) {selection}"

    result = await gql.execute(query, {"after": cursor(values)}, token=world.token("anna"))

    assert result["data"] is None
    [error] = result["errors"]
    assert error["message"] == "'after' is not a valid cursor."
    assert error["extensions"] == {"code": "INVALID_INPUT"}
    assert no_tracebacks(errors_logged)


@pytest.mark.parametrize("values", [[2**63], [None], ["1"]])
async def test_a_forged_cursor_for_thread_messages_is_invalid_input(
    gql: GraphQLClient, world: World, values: list[Any], errors_logged: pytest.LogCaptureFixture
) -> None:
    thread_id = await start(gql, world, "anna", "bo", "Hoi")

    result = await gql.execute(
        MESSAGES, {"id": thread_id, "after": cursor(values)}, token=world.token("anna")
    )

    assert result["errors"][0]["extensions"] == {"code": "INVALID_INPUT"}
    assert no_tracebacks(errors_logged)


@pytest.mark.parametrize("pk", ["²", "١٢", "1" * 19])
async def test_an_odd_id_answers_like_a_missing_one(
    gql: GraphQLClient, world: World, pk: str, errors_logged: pytest.LogCaptureFixture
) -> None:
    forged = base64.urlsafe_b64encode(f"Child:{pk}".encode()).decode()

    data = await gql.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": forged}, token=world.token("anna")
    )

    assert data == {"node": None}
    assert no_tracebacks(errors_logged)


async def test_a_lone_surrogate_over_the_socket_is_an_invalid_message(
    server: RunningServer, world: World, errors_logged: pytest.LogCaptureFixture
) -> None:
    async with ws_connect(server.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("q", f"{{ __typename }} # {LONE}")

        assert await anna.closed() == (4400, "Invalid message")
    assert no_tracebacks(errors_logged)


async def test_an_odd_subscription_cursor_is_invalid_input(
    server: RunningServer, world: World, errors_logged: pytest.LogCaptureFixture
) -> None:
    async with ws_connect(server.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("s", 'subscription { notifications(after: "²") { cursor } }')
        refused = await anna.receive()

    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"] == {"code": "INVALID_INPUT"}
    assert no_tracebacks(errors_logged)
