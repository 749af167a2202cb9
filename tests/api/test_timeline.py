"""The timeline: diary entries and group posts interleaved, newest first, page by page."""

from __future__ import annotations

from datetime import timedelta

from gateway.ids import pk_of, to_global_id
from gateway.models import ConsentKind
from tests.api.diary_support import TIMELINE, entry_photos, grant, group_post, written
from tests.builders import World
from tests.support import FrozenClock, GraphQLClient


async def test_entries_and_group_posts_interleave_newest_first_over_pages(
    gql: GraphQLClient, world: World, clock: FrozenClock
) -> None:
    today = clock.now.date()
    await grant(world, "bo", ConsentKind.DIARY)
    weekend = await written(
        gql, world, "anna", "bo", "Weekend.", date=(today - timedelta(days=2)).isoformat()
    )
    clock.advance(timedelta(hours=1))
    today_entry = await written(gql, world, "sita", "bo", "Today.")
    await entry_photos(world, pk_of(today_entry, "DiaryEntry") or 0, "bo", 2)
    park = await group_post(
        world, "dolfijnen", today - timedelta(days=1), "Park!", clock.now, photos=1
    )
    # Not Bo's group, and a post from before Bo's care started: neither is on Bo's timeline.
    await group_post(world, "vlinders", today, "Vlinders", clock.now)
    await group_post(world, "dolfijnen", today - timedelta(days=401), "Long ago", clock.now)

    first = await gql.data(
        TIMELINE, {"id": world.gid("Child", "bo"), "first": 2}, token=world.token("bram")
    )
    timeline = first["child"]["timeline"]
    rest = await gql.data(
        TIMELINE,
        {"id": world.gid("Child", "bo"), "first": 2, "after": timeline["pageInfo"]["endCursor"]},
        token=world.token("bram"),
    )

    nodes = [e["node"] for e in timeline["edges"]] + [
        e["node"] for e in rest["child"]["timeline"]["edges"]
    ]
    assert [(n["__typename"], n["id"], len(n["photos"])) for n in nodes] == [
        ("DiaryEntry", today_entry, 2),
        ("GroupPost", to_global_id("GroupPost", park), 1),
        ("DiaryEntry", weekend, 0),
    ]
    assert timeline["totalCount"] == 3
    assert timeline["pageInfo"]["hasNextPage"] is True
    assert rest["child"]["timeline"]["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": rest["child"]["timeline"]["edges"][-1]["cursor"],
    }


async def test_a_forged_cursor_is_the_clients_error(gql: GraphQLClient, world: World) -> None:
    result = await gql.execute(
        TIMELINE, {"id": world.gid("Child", "bo"), "after": "bm9wZQ"}, token=world.token("anna")
    )

    assert result["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
