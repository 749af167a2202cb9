"""Every mutation, given empty, oversized or wrongly typed input, answers a typed error and
changes no row."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from gateway.db import Base
from tests.builders import World
from tests.support import Database, GraphQLClient

HUGE = "x" * 100_000

MUTATIONS: dict[str, str] = {
    "login": (
        "mutation($input: LoginInput!) { login(input: $input) { token errors { code field } } }"
    ),
    "activateAccount": (
        "mutation($input: ActivateAccountInput!) "
        "{ activateAccount(input: $input) { token errors { code field } } }"
    ),
    "requestActivationMail": (
        "mutation($input: RequestActivationMailInput!) "
        "{ requestActivationMail(input: $input) { accepted errors { code field } } }"
    ),
    "logout": "mutation($input: LogoutInput) { logout(input: $input) { errors { code field } } }",
    "updateConsents": (
        "mutation($input: UpdateConsentsInput!) "
        "{ updateConsents(input: $input) { child { id } errors { code field } } }"
    ),
}

# (mutation, input, expected payload error code) — well-typed but empty or oversized.
PAYLOAD_ERRORS: list[tuple[str, dict[str, Any], str]] = [
    ("login", {"domain": "", "email": "", "password": ""}, "INVALID_INPUT"),
    ("login", {"domain": HUGE, "email": "anna@example.nl", "password": "p"}, "INVALID_INPUT"),
    ("login", {"domain": "zon.example", "email": HUGE, "password": "p"}, "INVALID_INPUT"),
    (
        "login",
        {"domain": "zon.example", "email": "anna@example.nl", "password": HUGE},
        "INVALID_INPUT",
    ),
    ("activateAccount", {"token": "", "password": ""}, "TOKEN_INVALID"),
    ("activateAccount", {"token": HUGE, "password": "zonnige dagen"}, "TOKEN_INVALID"),
    ("activateAccount", {"token": "opa_x", "password": HUGE}, "INVALID_INPUT"),
    ("requestActivationMail", {"domain": HUGE, "email": "eva@example.nl"}, "INVALID_INPUT"),
    ("requestActivationMail", {"domain": "zon.example", "email": HUGE}, "INVALID_INPUT"),
    ("updateConsents", {"childId": ""}, "NOT_FOUND"),
    ("updateConsents", {"childId": HUGE, "photos": True}, "NOT_FOUND"),
]

# (mutation, variables) — refused by GraphQL validation before any resolver runs.
WRONG_TYPES: list[tuple[str, dict[str, Any]]] = [
    ("login", {"input": {"domain": 1, "email": True, "password": None}}),
    ("login", {"input": {"domain": "zon.example", "email": "a@b.nl"}}),
    ("login", {"input": []}),
    ("activateAccount", {"input": {"token": 5, "password": "zonnige dagen"}}),
    ("activateAccount", {}),
    ("requestActivationMail", {"input": {"domain": ["zon.example"], "email": "eva@example.nl"}}),
    ("logout", {"input": {"everywhere": "yes"}}),
    ("logout", {"input": {"unknown": 1}}),
    ("updateConsents", {"input": {"childId": "x", "photos": "ja"}}),
    ("updateConsents", {"input": {"childId": {"id": 1}}}),
]


async def snapshot(db: Database) -> dict[str, int]:
    async with db.engine.connect() as connection:
        return {
            table.name: int(
                (await connection.execute(text(f"SELECT count(*) FROM {table.name}"))).scalar_one()
            )
            for table in Base.metadata.sorted_tables
        }


@pytest.mark.parametrize(("mutation", "payload", "code"), PAYLOAD_ERRORS)
async def test_empty_and_oversized_input_is_a_typed_payload_error(
    gql: GraphQLClient,
    world: World,
    db: Database,
    mutation: str,
    payload: dict[str, Any],
    code: str,
) -> None:
    before = await snapshot(db)

    data = await gql.data(MUTATIONS[mutation], {"input": payload}, token=world.token("anna"))

    assert data[mutation]["errors"][0]["code"] == code
    assert data[mutation]["errors"][0]["field"][0] == "input"
    assert await snapshot(db) == before


@pytest.mark.parametrize(("mutation", "variables"), WRONG_TYPES)
async def test_wrongly_typed_input_is_a_request_error(
    gql: GraphQLClient, world: World, db: Database, mutation: str, variables: dict[str, Any]
) -> None:
    before = await snapshot(db)

    response = await gql.http.post(
        gql.url,
        json={"query": MUTATIONS[mutation], "variables": variables},
        headers={
            "Authorization": f"Bearer {world.token('anna')}",
            "Accept": "application/graphql-response+json",
        },
    )

    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["message"].startswith("Variable '$input'")
    assert await snapshot(db) == before


async def test_an_oversized_request_body_is_refused_whole(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    before = await snapshot(db)

    response = await gql.http.post(
        gql.url,
        json={"query": MUTATIONS["login"], "variables": {"input": {"domain": "x" * 2_000_000}}},
    )

    assert response.status_code == 413
    assert await snapshot(db) == before
