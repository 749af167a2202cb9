"""Production mode shows strangers no schema: introspection is refused and errors carry no "did
you mean"; `INTROSPECTION=true` brings both back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.settings import Settings
from tests.builders import World
from tests.support import FrozenClock, GraphQLClient, RunningServer, answer, run_server
from tests.ws_client import ws_connect

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

SCHEMA = "{ __schema { queryType { name } } }"
TYPE = '{ __type(name: "Child") { name } }'
TYPO = "{ mee { email } }"
REQUESTS = "query($s: RequestStatus) { requests(status: $s) { totalCount } }"
SECRET = "a-production-secret-of-some-length"


@pytest.fixture
async def production(settings: Settings, clock: FrozenClock) -> AsyncIterator[RunningServer]:
    production = settings.model_copy(update={"environment": "production", "secret_key": SECRET})
    async with run_server(create_app(production, clock=clock, background_tasks=False), clock) as s:
        yield s


async def ask(url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    async with httpx.AsyncClient() as http:
        response = await http.post(url, json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = answer(response)
    return body


def messages(body: dict[str, Any]) -> list[str]:
    return [error["message"] for error in body.get("errors", [])]


async def test_production_refuses_introspection(production: RunningServer, world: World) -> None:
    for query in (SCHEMA, TYPE):
        body = await ask(production.graphql_url, query)
        assert "data" not in body
        assert messages(body)[0] == (
            "GraphQL introspection has been disabled, but the requested query contained the "
            f"field '{query.split()[1].split('(')[0]}'."
        )
        assert all(m.startswith("GraphQL introspection has been disabled") for m in messages(body))
    # `__typename` is no introspection: clients rely on it.
    assert await ask(production.graphql_url, "{ __typename }") == {"data": {"__typename": "Query"}}


async def test_production_errors_suggest_nothing(production: RunningServer, world: World) -> None:
    typo = await ask(production.graphql_url, TYPO)
    enum = await ask(production.graphql_url, REQUESTS, {"s": "PENDINGG"})

    assert messages(typo) == ["Cannot query field 'mee' on type 'Query'."]
    assert len(messages(enum)) == 1
    assert "'PENDINGG'" in messages(enum)[0]
    assert "Did you mean" not in messages(enum)[0]


async def test_development_shows_the_schema_from_the_same_cache(
    production: RunningServer, gql: GraphQLClient, world: World
) -> None:
    # One document cache serves every server of the process: the exposure is part of its key.
    await ask(production.graphql_url, SCHEMA)
    await ask(production.graphql_url, TYPO)

    assert await gql.execute(SCHEMA) == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    assert messages(await gql.execute(TYPO)) == [
        "Cannot query field 'mee' on type 'Query'. Did you mean 'me'?"
    ]
    enum = messages(await gql.execute(REQUESTS, {"s": "PENDINGG"}))
    assert "Did you mean the enum value 'PENDING'?" in enum[0]


async def test_introspection_can_be_switched_on_in_production(
    settings: Settings, clock: FrozenClock, world: World
) -> None:
    opened = settings.model_copy(
        update={"environment": "production", "secret_key": SECRET, "introspection": True}
    )
    async with run_server(create_app(opened, clock=clock, background_tasks=False), clock) as s:
        body = await ask(s.graphql_url, SCHEMA)
        typo = await ask(s.graphql_url, TYPO)

    assert body == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    assert messages(typo) == ["Cannot query field 'mee' on type 'Query'. Did you mean 'me'?"]


async def test_production_sockets_refuse_introspection_too(
    production: RunningServer, world: World
) -> None:
    async with ws_connect(production.url) as client:
        await client.init(world.token("anna"))
        await client.subscribe("1", "query { __schema { queryType { name } } me { emial } }")
        message = await client.receive()
        await client.subscribe("2", REQUESTS, {"s": "PENDINGG"})
        enum = await client.receive()

    assert enum["type"] == "next"
    [coercion] = [e["message"] for e in enum["payload"]["errors"]]
    assert "'PENDINGG'" in coercion
    assert "Did you mean" not in coercion
    found = [e["message"] for e in message["payload"]]
    assert message["type"] == "error"
    assert found[0] == (
        "GraphQL introspection has been disabled, but the requested query contained the "
        "field '__schema'."
    )
    assert "Cannot query field 'emial' on type 'Account'." in found  # no "did you mean"
