"""Who sees diary entries, group posts and photos: on every path, others find nothing.

A child's diary and its photos: its guardians (until 6 weeks after the last placement) and
its group's staff. A group post: the group's staff, and the guardians of the children placed
in the group on the post's day. Guessed and foreign IDs answer like missing ones.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from gateway.ids import to_global_id
from tests.api.diary_support import (
    ENTRY,
    NODE,
    TIMELINE,
    entry_photos,
    entry_row,
    group_post,
)
from tests.builders import World
from tests.support import FrozenClock, GraphQLClient

EVERYONE = ["anna", "bram", "carla", "dani", "sita", "tim", "mo", "mara"]


async def visible(gql: GraphQLClient, world: World, who: str, type_name: str, pk: int) -> bool:
    global_id = to_global_id(type_name, pk)
    data = await gql.data(NODE, {"id": global_id}, token=world.token(who))
    return data["node"] is not None


async def on_timeline(gql: GraphQLClient, world: World, who: str, child: str) -> set[str]:
    data = await gql.data(TIMELINE, {"id": world.gid("Child", child)}, token=world.token(who))
    if data["child"] is None:
        return set()
    return {e["node"]["id"] for e in data["child"]["timeline"]["edges"]}


async def test_a_childs_entry_and_photos_are_for_its_guardians_and_group_staff(
    gql: GraphQLClient, world: World
) -> None:
    entry = await entry_row(world, "bo", "dolfijnen", world.now.date(), "sita")
    [photo] = await entry_photos(world, entry, "bo", 1)

    seen = {who for who in EVERYONE if await visible(gql, world, who, "DiaryEntry", entry)}
    photo_seen = {who for who in EVERYONE if await visible(gql, world, who, "Photo", photo)}
    full = await gql.data(
        ENTRY, {"id": to_global_id("DiaryEntry", entry)}, token=world.token("carla")
    )

    assert seen == photo_seen == {"anna", "bram", "sita"}
    assert full == {"diaryEntry": None}


async def test_a_group_post_is_for_the_families_in_the_group_on_its_day(
    gql: GraphQLClient, world: World
) -> None:
    today = world.now.date()
    dolfijnen = await group_post(world, "dolfijnen", today, "Park", world.now, photos=1)
    vlinders_now = await group_post(world, "vlinders", today, "Now", world.now)
    # Four weeks ago Dex was still in Vlinders: that post is Dani's, this week's is not.
    vlinders_then = await group_post(
        world, "vlinders", today - timedelta(weeks=4), "Then", world.now
    )

    async def audience(pk: int) -> set[str]:
        return {who for who in EVERYONE if await visible(gql, world, who, "GroupPost", pk)}

    assert await audience(dolfijnen) == {"anna", "bram", "carla", "sita"}
    assert await audience(vlinders_now) == {"tim"}
    assert await audience(vlinders_then) == {"dani", "tim"}
    assert await on_timeline(gql, world, "dani", "dex") == {
        to_global_id("GroupPost", vlinders_then)
    }


async def test_guardians_keep_the_diary_for_six_weeks_after_the_contract(
    gql: GraphQLClient, world: World, clock: FrozenClock
) -> None:
    # Dex left 3 weeks ago, Cato 8 weeks ago.
    dex = await entry_row(world, "dex", "vlinders", world.now.date() - timedelta(weeks=4), "tim")
    cato = await entry_row(
        world, "cato", "dolfijnen", world.now.date() - timedelta(weeks=9), "sita"
    )

    assert await visible(gql, world, "dani", "DiaryEntry", dex)
    assert await on_timeline(gql, world, "dani", "dex") == {to_global_id("DiaryEntry", dex)}
    assert not await visible(gql, world, "tim", "DiaryEntry", dex)  # Dex is no longer his
    assert not await visible(gql, world, "carla", "DiaryEntry", cato)

    clock.advance(timedelta(weeks=3, days=1))

    assert not await visible(gql, world, "dani", "DiaryEntry", dex)
    assert await on_timeline(gql, world, "dani", "dex") == set()


@pytest.mark.parametrize("type_name", ["DiaryEntry", "GroupPost", "Photo"])
async def test_guessed_ids_find_nothing(gql: GraphQLClient, world: World, type_name: str) -> None:
    for guess in (1, 2, 999_999):
        assert not await visible(gql, world, "anna", type_name, guess)


async def test_another_organisation_sees_nothing_of_the_timeline(
    gql: GraphQLClient, world: World
) -> None:
    await entry_row(world, "bo", "dolfijnen", world.now.date(), "sita")

    data = await gql.data(TIMELINE, {"id": world.gid("Child", "bo")}, token=world.token("mara"))

    assert data == {"child": None}
