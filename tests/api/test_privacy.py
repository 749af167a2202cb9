"""The privacy matrix: other families, other groups, other organisations and guessed IDs.

A foreign object must answer exactly like a missing one, on every path to it.
"""

from __future__ import annotations

import pytest

from gateway.ids import to_global_id
from tests.builders import World
from tests.support import GraphQLClient

NODE = "query($id: ID!) { node(id: $id) { id __typename } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
CHILD = """query($id: ID!) { child(id: $id) {
  name birthDate group { name } location { name } placements { id } guardians { name }
  consents { granted } consentHistory { granted } } }"""

# (object, viewers who may see it, viewers who may not)
MATRIX = [
    ("Child:bo", {"anna", "bram", "sita"}, {"carla", "dani", "tim", "mo", "mara", "eva"}),
    ("Child:mila", {"mo", "mara"}, {"anna", "sita", "tim", "carla"}),
    ("Child:cato", set(), {"carla", "sita", "anna"}),  # left 8 weeks ago: nobody any more
    ("Child:dex", {"dani"}, {"tim", "sita", "anna"}),  # left 3 weeks ago: guardian only
    ("Placement:bo_placement", {"anna", "sita"}, {"carla", "tim", "mo", "mara"}),
    ("Guardian:anna_guardian", {"anna", "bram", "sita"}, {"carla", "tim", "mo", "mara"}),
    ("Group:dolfijnen", {"anna", "sita", "tim"}, {"mo", "mara"}),
    ("Location:centrum", {"anna", "tim"}, {"mo", "mara"}),
    ("Organisation:zon", {"anna", "sita"}, {"mo", "mara"}),
]
VIEWERS = ["anna", "bram", "carla", "dani", "sita", "tim", "mo", "mara"]


def cases() -> list[tuple[str, str, bool]]:
    out = []
    for target, allowed, denied in MATRIX:
        out += [(target, viewer, True) for viewer in sorted(allowed)]
        out += [(target, viewer, False) for viewer in sorted(denied) if viewer != "eva"]
    return out


def global_id(world: World, target: str) -> str:
    type_name, key = target.split(":")
    return world.gid(type_name, key)


@pytest.mark.parametrize(("target", "viewer", "visible"), cases())
async def test_node_answers_only_to_those_allowed(
    gql: GraphQLClient, world: World, target: str, viewer: str, visible: bool
) -> None:
    gid = global_id(world, target)
    data = await gql.data(NODE, {"id": gid}, token=world.token(viewer))

    if visible:
        assert data["node"] == {"id": gid, "__typename": target.split(":")[0]}
    else:
        assert data == {"node": None}


@pytest.mark.parametrize("viewer", ["carla", "dani", "tim", "mo", "mara"])
async def test_a_foreign_child_answers_like_a_missing_one(
    gql: GraphQLClient, world: World, viewer: str
) -> None:
    token = world.token(viewer)
    foreign = await gql.execute(CHILD, {"id": world.gid("Child", "bo")}, token=token)
    missing = await gql.execute(CHILD, {"id": to_global_id("Child", 987654)}, token=token)
    nodes = await gql.data(NODES, {"ids": [world.gid("Child", "bo")]}, token=token)

    assert foreign == missing == {"data": {"child": None}}
    assert nodes == {"nodes": [None]}


@pytest.mark.parametrize(
    "guess",
    [
        "",
        "abc",
        "Q2hpbGQ6MQ",  # plain "Child:1"
        to_global_id("Child", 0),
        to_global_id("Child", -1),
        to_global_id("Nope", 1),
        "x" * 500,
        "Q2hpbGQ6MTExMTExMTExMTExMTExMTExMTExMTEx",  # an absurdly large key
    ],
)
async def test_guessed_ids_find_nothing(gql: GraphQLClient, world: World, guess: str) -> None:
    token = world.token("tim")  # staff with no current children: every child ID is foreign
    data = await gql.data(NODE, {"id": guess}, token=token)
    child = await gql.data("query($id: ID!) { child(id: $id) { id } }", {"id": guess}, token=token)

    assert data == {"node": None}
    assert child == {"child": None}


async def test_an_id_of_another_type_is_not_a_child(gql: GraphQLClient, world: World) -> None:
    data = await gql.data(
        "query($id: ID!) { child(id: $id) { id } }",
        {"id": to_global_id("Group", world.ids["bo"])},
        token=world.token("anna"),
    )

    assert data == {"child": None}


async def test_children_of_a_guardian_are_filtered_for_the_viewer(
    gql: GraphQLClient, world: World
) -> None:
    # Tim (Vlinders) may see that Carla exists? No: she is not a guardian of his children.
    query = "query($id: ID!) { node(id: $id) { ... on Guardian { children { name } } } }"
    sita = await gql.data(
        query, {"id": world.gid("Guardian", "carla_guardian")}, token=world.token("sita")
    )
    tim = await gql.data(
        query, {"id": world.gid("Guardian", "carla_guardian")}, token=world.token("tim")
    )

    assert sita == {"node": {"children": [{"name": "Cas Kok"}]}}  # not Cato, who left
    assert tim == {"node": None}


async def test_the_same_email_at_another_organisation_is_another_account(
    gql: GraphQLClient, world: World
) -> None:
    anna = await gql.data("{ children { edges { node { name } } } }", token=world.token("anna"))
    mo = await gql.data("{ children { edges { node { name } } } }", token=world.token("mo"))

    assert anna == {"children": {"edges": [{"node": {"name": "Bo Vos"}}]}}
    assert mo == {"children": {"edges": [{"node": {"name": "Mila Vos"}}]}}


async def test_anonymous_node_lookups_ask_to_log_in(gql: GraphQLClient, world: World) -> None:
    result = await gql.execute(NODE, {"id": world.gid("Child", "bo")})

    assert result["data"] == {"node": None}
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
