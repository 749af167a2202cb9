"""Staff list, per group and day, which children may be photographed, have a diary, go out."""

from __future__ import annotations

from gateway.models import ConsentKind
from tests.api.diary_support import grant
from tests.builders import World
from tests.support import GraphQLClient

ROSTER = """
query($group: ID!, $date: Date) {
  childConsents(groupId: $group, date: $date) {
    child { name } mayBePhotographed hasDiary mayJoinOutings
  }
}
"""


async def test_staff_see_each_childs_consents_for_the_day(gql: GraphQLClient, world: World) -> None:
    await grant(world, "bo", ConsentKind.PHOTOS, ConsentKind.OUTINGS)
    await grant(world, "cas", ConsentKind.PHOTOS, granted=False)
    await grant(world, "cas", ConsentKind.DIARY)

    data = await gql.data(
        ROSTER, {"group": world.gid("Group", "dolfijnen")}, token=world.token("sita")
    )

    # Cato has left and Eli has not started yet: neither is in the group today.
    assert data["childConsents"] == [
        {"child": {"name": "Bo Vos"}, "mayBePhotographed": True, "hasDiary": False,
         "mayJoinOutings": True},
        {"child": {"name": "Cas Kok"}, "mayBePhotographed": False, "hasDiary": True,
         "mayJoinOutings": False},
    ]  # fmt: skip


async def test_others_get_no_roster(gql: GraphQLClient, world: World) -> None:
    for who in ("tim", "anna", "mara"):
        data = await gql.data(
            ROSTER, {"group": world.gid("Group", "dolfijnen")}, token=world.token(who)
        )
        assert data == {"childConsents": []}, who
