"""Reading children: what guardians and staff see, through real HTTP."""

from __future__ import annotations

from tests.builders import World
from tests.support import GraphQLClient

CHILDREN = """
query Children($first: Int, $after: String) {
  children(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id name birthDate group { name } location { name } } }
  }
}
"""

CHILD = """
query Child($id: ID!) {
  child(id: $id) {
    id firstName lastName
    placements {
      careType startDate endDate status
      schedule { weekday startTime endTime } group { name }
    }
    guardians { name email phone }
    consents { kind granted changedAt changedBy }
  }
}
"""


def names(data: dict) -> list[str]:
    return [edge["node"]["name"] for edge in data["children"]["edges"]]


async def test_a_guardian_sees_only_her_own_children(gql: GraphQLClient, world: World) -> None:
    data = await gql.data(CHILDREN, token=world.token("anna"))

    assert names(data) == ["Bo Vos"]
    assert data["children"]["totalCount"] == 1
    assert data["children"]["edges"][0]["node"]["group"] == {"name": "Dolfijnen"}
    assert data["children"]["edges"][0]["node"]["location"] == {"name": "Centrum"}


async def test_access_lasts_six_weeks_after_the_last_placement(
    gql: GraphQLClient, world: World
) -> None:
    carla = await gql.data(CHILDREN, token=world.token("carla"))
    dani = await gql.data(CHILDREN, token=world.token("dani"))

    assert names(carla) == ["Cas Kok"]  # Cato left 8 weeks ago
    assert names(dani) == ["Dex Bakker"]  # Dex left 3 weeks ago


async def test_staff_see_the_current_children_of_their_groups(
    gql: GraphQLClient, world: World
) -> None:
    sita = await gql.data(CHILDREN, token=world.token("sita"))
    tim = await gql.data(CHILDREN, token=world.token("tim"))

    assert names(sita) == ["Bo Vos", "Cas Kok", "Eli Smit"]
    assert names(tim) == []  # Dex's placement has ended


async def test_pages_follow_the_cursor(gql: GraphQLClient, world: World) -> None:
    first = await gql.data(CHILDREN, {"first": 2}, token=world.token("sita"))
    cursor = first["children"]["pageInfo"]["endCursor"]
    second = await gql.data(CHILDREN, {"first": 2, "after": cursor}, token=world.token("sita"))

    assert names(first) == ["Bo Vos", "Cas Kok"]
    assert first["children"]["pageInfo"]["hasNextPage"] is True
    assert names(second) == ["Eli Smit"]
    assert second["children"]["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": second["children"]["edges"][0]["cursor"],
    }
    assert second["children"]["totalCount"] == 3


async def test_page_size_is_capped(gql: GraphQLClient, world: World) -> None:
    result = await gql.execute(CHILDREN, {"first": 101}, token=world.token("sita"))

    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_a_bad_cursor_is_an_input_error(gql: GraphQLClient, world: World) -> None:
    result = await gql.execute(CHILDREN, {"after": "bm9wZQ"}, token=world.token("sita"))

    assert result["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_a_child_with_placements_guardians_and_consents(
    gql: GraphQLClient, world: World
) -> None:
    data = await gql.data(CHILD, {"id": world.gid("Child", "bo")}, token=world.token("anna"))
    child = data["child"]

    assert child["firstName"] == "Bo"
    assert child["placements"] == [
        {
            "careType": "DAYCARE",
            "startDate": "2025-02-03",
            "endDate": None,
            "status": "ACTIVE",
            "schedule": [
                {"weekday": "MONDAY", "startTime": "08:00:00", "endTime": "18:00:00"},
                {"weekday": "WEDNESDAY", "startTime": "08:00:00", "endTime": "13:00:00"},
            ],
            "group": {"name": "Dolfijnen"},
        }
    ]
    # Anna sees her own contact details, not her partner's; staff see both.
    assert child["guardians"] == [
        {"name": "Anna Vos", "email": "anna@example.nl", "phone": "06 1234 5678"},
        {"name": "Bram Vos", "email": None, "phone": None},
    ]
    assert [c["kind"] for c in child["consents"]] == ["PHOTOS", "DIARY", "OUTINGS"]
    assert all(c["granted"] is None for c in child["consents"])


async def test_staff_see_guardian_contact_details(gql: GraphQLClient, world: World) -> None:
    data = await gql.data(CHILD, {"id": world.gid("Child", "bo")}, token=world.token("sita"))

    assert data["child"]["guardians"] == [
        {"name": "Anna Vos", "email": "anna@example.nl", "phone": "06 1234 5678"},
        {"name": "Bram Vos", "email": "bram@example.nl", "phone": "06 1234 5678"},
    ]


async def test_without_a_token_children_asks_to_log_in(gql: GraphQLClient, world: World) -> None:
    result = await gql.execute(CHILDREN)

    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_me_describes_the_account(gql: GraphQLClient, world: World) -> None:
    data = await gql.data(
        "{ me { email role organisation { name domain timeZone }"
        " guardian { name children { name } } staffMember { name } } }",
        token=world.token("anna"),
    )

    assert data["me"] == {
        "email": "anna@example.nl",
        "role": "GUARDIAN",
        "organisation": {"name": "Zon", "domain": "zon.example", "timeZone": "Europe/Amsterdam"},
        "guardian": {"name": "Anna Vos", "children": [{"name": "Bo Vos"}]},
        "staffMember": None,
    }


async def test_me_is_null_without_a_token(gql: GraphQLClient, world: World) -> None:
    assert await gql.data("{ me { email } }") == {"me": None}
