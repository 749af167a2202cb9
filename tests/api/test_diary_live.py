"""New diary entries, photos and group posts reach the guardians concerned live."""

from __future__ import annotations

import asyncio

from gateway.models import ConsentKind
from tests.api.diary_support import grant, written
from tests.api.uploads import upload
from tests.builders import World
from tests.media.images import camera_jpeg
from tests.support import GraphQLClient, RunningServer
from tests.ws_client import TRANSPORT, ws_connect

FEED = """
subscription { notifications {
  notification { kind child { name } group { name } subject { id } }
} }
"""


async def test_entries_photos_and_group_posts_arrive_live_for_the_families_concerned(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    await grant(world, "bo", ConsentKind.DIARY, ConsentKind.PHOTOS)
    async with (
        ws_connect(server.url, TRANSPORT) as bram,
        ws_connect(server.url, TRANSPORT) as carla,
        ws_connect(server.url, TRANSPORT) as sita,
    ):
        for client, who in ((bram, "bram"), (carla, "carla"), (sita, "sita")):
            assert (await client.init(world.token(who)))["type"] == "connection_ack"
            await client.subscribe("feed", FEED)
        await asyncio.sleep(0.2)  # the subscriptions are registered with the hub

        entry = await written(gql, world, "anna", "bo", "Weekend bij oma.")
        post = await upload(
            server,
            world,
            "sita",
            [("park.jpg", camera_jpeg())],
            groupId=world.gid("Group", "dolfijnen"),
            caption="Park!",
        )

        first = (await bram.next_data())["notifications"]["notification"]
        second = (await bram.next_data())["notifications"]["notification"]
        for_carla = (await carla.next_data())["notifications"]["notification"]
        for_sita = (await sita.next_data())["notifications"]["notification"]

    assert (first["kind"], first["child"], first["subject"]) == (
        "DIARY_ADDED",
        {"name": "Bo Vos"},
        {"id": entry},
    )
    assert (second["kind"], second["group"]) == ("PHOTO_ADDED", {"name": "Dolfijnen"})
    assert second["subject"] == {"id": post["photos"][0]["id"]}
    # Carla (Cas is in Dolfijnen) hears of the group post, not of Bo's diary.
    assert for_carla["kind"] == "PHOTO_ADDED"
    # Sita hears of the guardian's entry, not of her own upload.
    assert (for_sita["kind"], for_sita["subject"]) == ("DIARY_ADDED", {"id": entry})
