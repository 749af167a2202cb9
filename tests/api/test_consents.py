"""Consents per child: guardians change them, every change is kept, others change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gateway.ids import to_global_id
from tests.builders import World
from tests.support import Database, FrozenClock, GraphQLClient

UPDATE = """
mutation($input: UpdateConsentsInput!) {
  updateConsents(input: $input) {
    child { name consents { kind granted changedAt changedBy } }
    errors { code message field }
  }
}
"""
HISTORY = """
query($id: ID!) { child(id: $id) { consentHistory { kind granted changedAt changedBy } } }
"""


async def test_a_guardian_states_consents_and_history_keeps_who_and_when(
    gql: GraphQLClient, world: World, clock: FrozenClock
) -> None:
    bo = world.gid("Child", "bo")
    first_at = clock.now.isoformat()
    first = await gql.data(
        UPDATE,
        {"input": {"childId": bo, "photos": True, "diary": True, "outings": False}},
        token=world.token("anna"),
    )
    clock.advance(timedelta(days=3))
    await gql.data(
        UPDATE,
        {"input": {"childId": bo, "outings": True, "photos": True}},
        token=world.token("bram"),
    )
    history = await gql.data(HISTORY, {"id": bo}, token=world.token("sita"))

    assert first["updateConsents"] == {
        "child": {
            "name": "Bo Vos",
            "consents": [
                {"kind": "PHOTOS", "granted": True, "changedAt": first_at, "changedBy": "Anna Vos"},
                {"kind": "DIARY", "granted": True, "changedAt": first_at, "changedBy": "Anna Vos"},
                {
                    "kind": "OUTINGS",
                    "granted": False,
                    "changedAt": first_at,
                    "changedBy": "Anna Vos",
                },
            ],
        },
        "errors": [],
    }
    # Bram's unchanged `photos: true` adds no history; newest first.
    assert history["child"]["consentHistory"] == [
        {
            "kind": "OUTINGS",
            "granted": True,
            "changedAt": clock.now.isoformat(),
            "changedBy": "Bram Vos",
        },
        {"kind": "OUTINGS", "granted": False, "changedAt": first_at, "changedBy": "Anna Vos"},
        {"kind": "DIARY", "granted": True, "changedAt": first_at, "changedBy": "Anna Vos"},
        {"kind": "PHOTOS", "granted": True, "changedAt": first_at, "changedBy": "Anna Vos"},
    ]


@pytest.mark.parametrize("viewer", ["carla", "tim", "mo", "mara"])
async def test_others_cannot_change_a_childs_consents(
    gql: GraphQLClient, world: World, db: Database, viewer: str
) -> None:
    data = await gql.data(
        UPDATE,
        {"input": {"childId": world.gid("Child", "bo"), "photos": True}},
        token=world.token(viewer),
    )

    assert data["updateConsents"] == {
        "child": None,
        "errors": [
            {"code": "NOT_FOUND", "message": "No such child.", "field": ["input", "childId"]}
        ],
    }
    assert await db.count("consents") == 0
    assert await db.count("consent_changes") == 0


async def test_staff_of_the_group_may_see_but_not_change_consents(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    data = await gql.data(
        UPDATE,
        {"input": {"childId": world.gid("Child", "bo"), "photos": True}},
        token=world.token("sita"),
    )

    assert data["updateConsents"]["errors"][0]["code"] == "FORBIDDEN"
    assert await db.count("consent_changes") == 0


@pytest.mark.parametrize(
    ("child_id", "code"),
    [
        ("", "NOT_FOUND"),
        ("garbage", "NOT_FOUND"),
        (to_global_id("Child", 424242), "NOT_FOUND"),
        (to_global_id("Group", 1), "NOT_FOUND"),
        ("x" * 10_000, "NOT_FOUND"),
    ],
)
async def test_unknown_children_change_nothing(
    gql: GraphQLClient, world: World, db: Database, child_id: str, code: str
) -> None:
    data = await gql.data(
        UPDATE, {"input": {"childId": child_id, "photos": True}}, token=world.token("anna")
    )

    assert data["updateConsents"]["errors"][0]["code"] == code
    assert await db.count("consent_changes") == 0


async def test_an_empty_change_is_an_input_error(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    data = await gql.data(
        UPDATE, {"input": {"childId": world.gid("Child", "bo")}}, token=world.token("anna")
    )

    assert data["updateConsents"]["errors"] == [
        {
            "code": "INVALID_INPUT",
            "message": "Give at least one consent to change.",
            "field": ["input"],
        }
    ]
    assert await db.count("consent_changes") == 0


async def test_without_a_session_nothing_changes(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    data = await gql.data(UPDATE, {"input": {"childId": world.gid("Child", "bo"), "photos": True}})

    assert data["updateConsents"]["errors"][0]["code"] == "UNAUTHENTICATED"
    assert await db.count("consent_changes") == 0


@pytest.mark.parametrize(
    "variables",
    [
        {"input": {"childId": 5, "photos": "yes"}},
        {"input": {"childId": None, "photos": True}},
        {"input": {"photos": True}},
        {"input": "not an object"},
        {"input": {"childId": "x", "photos": True, "unknown": 1}},
    ],
)
async def test_wrongly_typed_input_is_refused_before_anything_runs(
    gql: GraphQLClient, world: World, db: Database, variables: dict
) -> None:
    response = await gql.http.post(
        gql.url,
        json={"query": UPDATE, "variables": variables},
        headers={
            "Authorization": f"Bearer {world.token('anna')}",
            "Accept": "application/graphql-response+json",
        },
    )

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/graphql-response+json")
    assert "data" not in response.json()
    assert response.json()["errors"][0]["message"].startswith("Variable '$input'")
    assert await db.count("consent_changes") == 0
