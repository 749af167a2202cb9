"""Operation costs: computed before execution, refused above the limit, reported on every answer."""

from __future__ import annotations

import time

import httpx

from gateway.app import create_app
from gateway.settings import Settings
from tests.builders import World
from tests.support import FrozenClock, GraphQLClient, RunningServer, run_server
from tests.ws_client import ws_connect

MODERN = {"Accept": "application/graphql-response+json"}
LIMIT = 25_000
NOTIFICATIONS = "subscription { notifications { cursor notification { kind } } }"
# 40 aliases (within the alias bound) x 100 ids x (1 + 5 guardians x (1 + 5 children)) = 124,000
DEAR = (
    "query($ids: [ID!]!) { "
    + " ".join(
        f"n{i}: nodes(ids: $ids) {{ ... on Child {{ guardians {{ children {{ id }} }} }} }}"
        for i in range(40)
    )
    + " }"
)


def hundred_ids(world: World) -> dict[str, object]:
    return {"ids": [world.gid("Child", "bo")] * 100}


def bearer(world: World, name: str) -> dict[str, str]:
    return {**MODERN, "Authorization": f"Bearer {world.token(name)}"}


async def post(gql: GraphQLClient, headers: dict[str, str], **body: object) -> httpx.Response:
    return await gql.http.post(gql.url, json=body, headers=headers)


async def test_every_answer_reports_what_its_operation_cost(
    gql: GraphQLClient, world: World
) -> None:
    # 1 connection + 5 edges x (1 + the child 1 + its guardians, a list taken as 5, x 1)
    children = "query($n: Int) { children(first: $n) { edges { node { id guardians { id } } } } }"

    small = await post(gql, bearer(world, "anna"), query=children, variables={"n": 5})
    default = await post(gql, bearer(world, "anna"), query=children)
    scalar = await post(gql, bearer(world, "anna"), query="{ me { email } }")

    assert small.status_code == 200
    assert small.json()["data"]["children"]["edges"]
    assert small.json()["extensions"]["cost"] == {"requested": 36, "limit": LIMIT}
    assert default.json()["extensions"]["cost"] == {"requested": 1 + 20 * 7, "limit": LIMIT}
    assert scalar.json()["extensions"]["cost"] == {"requested": 1, "limit": LIMIT}


async def test_nodes_cost_one_per_id(gql: GraphQLClient, world: World) -> None:
    ids = [world.gid("Child", "bo")] * 3
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"

    response = await post(gql, bearer(world, "anna"), query=query, variables={"ids": ids})

    assert response.json()["extensions"]["cost"]["requested"] == 3
    assert response.json()["data"]["nodes"][0]["id"] == ids[0]


async def test_an_operation_over_the_limit_is_refused_with_its_cost_before_it_runs(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    server.statements.statements.clear()

    response = await post(gql, bearer(world, "anna"), query=DEAR, variables=hundred_ids(world))

    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"] == {"code": "COST_LIMIT_EXCEEDED", "cost": 124_000, "limit": LIMIT}
    assert "124000" in error["message"]
    assert body["extensions"]["cost"] == {"requested": 124_000, "limit": LIMIT}
    assert server.statements.statements == []  # no context, no token lookup, nothing ran


async def test_a_page_size_in_a_variable_is_costed_per_request(
    gql: GraphQLClient, world: World
) -> None:
    query = (
        "query($n: Int, $m: Int) { threads(first: $n) { edges { node { "
        "messages(first: $m) { edges { node { id thread { id } } } } } } } }"
    )

    cheap = await post(gql, bearer(world, "anna"), query=query, variables={"n": 2, "m": 2})
    dear = await post(gql, bearer(world, "anna"), query=query, variables={"n": 100, "m": 100})

    # 1 + n x (1 + 1 + (1 + m x (1 + 1 + 1)))
    assert cheap.json()["extensions"]["cost"]["requested"] == 1 + 2 * (3 + 2 * 3)
    assert "errors" not in cheap.json()
    assert dear.json()["errors"][0]["extensions"]["cost"] == 1 + 100 * (3 + 100 * 3)


async def test_the_alias_attack_of_the_issue_is_refused_at_once(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    fields = " ".join(f"n{i}: nodes(ids: $ids) {{ id }}" for i in range(1000))
    attack = f"query($ids: [ID!]!) {{ {fields} }}"
    server.statements.statements.clear()

    started = time.perf_counter()
    response = await post(gql, bearer(world, "anna"), query=attack, variables=hundred_ids(world))
    elapsed = time.perf_counter() - started

    assert response.status_code == 400
    # Its 1,000 aliases, and the tokens they take, are over the document bounds already.
    assert response.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_TOO_COMPLEX"
    assert server.statements.statements == []
    assert elapsed < 5  # it took 10 s to run; refused it is a parse and a walk


async def test_a_depth_error_has_a_code(gql: GraphQLClient, world: World) -> None:
    deep = "{ me { " + "guardian { children { " * 8 + "name" + " } }" * 8 + " } }"

    response = await post(gql, bearer(world, "anna"), query=deep)

    assert response.json()["errors"] == [
        {
            "message": "The document nests fields more than 15 levels deep.",
            "extensions": {"code": "DEPTH_LIMIT_EXCEEDED"},
        }
    ]


async def test_a_socket_refuses_an_operation_over_the_limit_and_stays_open(
    server: RunningServer, world: World
) -> None:
    async with ws_connect(server.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("dear", DEAR, hundred_ids(world))
        refused = await anna.receive()
        await anna.subscribe("cheap", "{ me { email } }")
        answered = await anna.next_data()

    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert refused["payload"][0]["extensions"]["cost"] == 124_000
    assert answered["me"]["email"]


async def test_subscriptions_per_socket_are_capped(
    settings: Settings, world: World, clock: FrozenClock
) -> None:
    capped = settings.model_copy(update={"max_subscriptions_per_socket": 2})
    app = create_app(capped, clock=clock, background_tasks=False)
    async with run_server(app, clock) as running, ws_connect(running.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("a", NOTIFICATIONS)
        await anna.subscribe("b", NOTIFICATIONS)
        await anna.subscribe("c", NOTIFICATIONS)
        refused = await anna.receive()
        await anna.send({"id": "a", "type": "complete"})
        await anna.subscribe("d", NOTIFICATIONS)
        await anna.subscribe("e", NOTIFICATIONS)
        second = await anna.receive()

    assert refused["type"] == "error"
    assert refused["id"] == "c"
    assert refused["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
    assert second["id"] == "e"  # "d" took the place "a" left; the socket stayed open
    assert second["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
