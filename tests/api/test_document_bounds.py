"""Documents are bounded before validation, and parsed and validated once (issue 7.2, 10.2)."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
import strawberry.schema.schema as strawberry_schema
from graphql import get_introspection_query

import gateway.documents
from tests.builders import World
from tests.support import GraphQLClient, RunningServer
from tests.ws_client import ws_connect

MODERN = {"Accept": "application/graphql-response+json"}
UNIT = " me { id email }"


def repeated(size: int) -> str:
    """The attack of issue 7: one selection repeated until the document has `size` bytes."""
    return "{" + UNIT * (size // len(UNIT)) + " }"


def aliased(count: int) -> str:
    return "{" + "".join(f" a{n}: me {{ id }}" for n in range(count)) + " }"


FRAGMENT_BOMB = (
    "{ me { ...F0 } } "
    + " ".join(f"fragment F{n} on Account {{ ...F{n + 1} ...F{n + 1} }}" for n in range(16))
    + " fragment F16 on Account { id }"
)


async def post(gql: GraphQLClient, query: str, token: str | None = None) -> Any:
    headers = {**MODERN, **({"Authorization": f"Bearer {token}"} if token else {})}
    return await gql.http.post(gql.url, json={"query": query}, headers=headers)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (repeated(8 * 1024), "The document has more than 1000 tokens without a login."),
        (repeated(96 * 1024), "The document has more than 1000 tokens without a login."),
        (repeated(1000), "The document repeats the same fields too often without a login."),
        (aliased(11), "The document has more than 10 aliases without a login."),
        (FRAGMENT_BOMB, "The document selects more than 400 fields without a login."),
    ],
    ids=["repeated-8k", "repeated-96k", "repeated-1k", "aliases", "fragment-bomb"],
)
async def test_an_anonymous_worst_case_document_is_refused_before_validation(
    gql: GraphQLClient, server: RunningServer, query: str, message: str
) -> None:
    response = await post(gql, query)

    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "DOCUMENT_TOO_COMPLEX"}}]
    }
    assert server.statements.statements == []  # refused before any context was opened


async def test_a_legacy_client_gets_the_refusal_with_200(gql: GraphQLClient) -> None:
    response = await gql.http.post(gql.url, json={"query": repeated(8 * 1024)})

    assert response.status_code == 200
    assert "data" not in response.json()
    assert response.json()["errors"][0]["extensions"] == {"code": "DOCUMENT_TOO_COMPLEX"}


async def test_a_login_allows_larger_documents_within_bounds_too(
    gql: GraphQLClient, world: World
) -> None:
    token = world.token("anna")

    allowed = await post(gql, aliased(20), token)
    too_many = await post(gql, aliased(51), token)
    too_long = await post(gql, repeated(96 * 1024), token)
    repeating = await post(gql, repeated(2000), token)

    assert allowed.status_code == 200
    assert allowed.json()["data"]["a19"]["id"]
    assert too_many.json()["errors"][0]["message"] == "The document has more than 50 aliases."
    assert too_long.json()["errors"][0]["message"] == "The document has more than 2000 tokens."
    assert repeating.json()["errors"][0]["message"] == (
        "The document repeats the same fields too often."
    )


async def test_legitimate_documents_still_run_without_login(gql: GraphQLClient) -> None:
    query = get_introspection_query(descriptions=True, input_value_deprecation=True)

    response = await post(gql, query)

    assert response.status_code == 200
    assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_the_socket_applies_the_same_bounds(server: RunningServer, world: World) -> None:
    async with ws_connect(server.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("big", repeated(96 * 1024))
        refused = await anna.receive()
        await anna.subscribe("ok", "{ me { email } }")
        answered = await anna.next_data()

    assert refused["type"] == "error"
    assert refused["payload"] == [
        {
            "message": "The document has more than 2000 tokens.",
            "extensions": {"code": "DOCUMENT_TOO_COMPLEX"},
        }
    ]
    assert answered == {"me": {"email": "anna@example.nl"}}


async def test_a_document_is_parsed_and_validated_once(
    gql: GraphQLClient, server: RunningServer, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def counting(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return function(*args, **kwargs)

        return wrapper

    for name in ("parse", "validate_document"):
        strawberry_function = getattr(strawberry_schema, name)
        monkeypatch.setattr(
            strawberry_schema, name, counting(f"strawberry {name}", strawberry_function)
        )
        ours = getattr(gateway.documents, name)
        monkeypatch.setattr(gateway.documents, name, counting(name, ours))
    # A text no earlier test sent, so the process-wide cache has not seen it.
    query = f"query Mine{secrets.token_hex(4)} {{ me {{ email }} }}"

    answers = [await gql.data(query, token=world.token("anna")) for _ in range(3)]
    async with ws_connect(server.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("q", query)
        answers.append(await anna.next_data())

    assert answers == [{"me": {"email": "anna@example.nl"}}] * 4
    assert calls == ["parse", "validate_document"]  # the socket found it in the same cache
