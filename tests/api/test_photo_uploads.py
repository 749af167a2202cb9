"""Staff upload photos over the GraphQL multipart request spec; consent and files are checked."""

from __future__ import annotations

import io
import zipfile

import httpx
from PIL import Image

from gateway.models import ConsentKind
from tests.api.diary_support import DELETE, TIMELINE, grant, written
from tests.api.uploads import media_files, post_upload, upload
from tests.builders import World
from tests.media.images import camera_jpeg
from tests.support import Database, GraphQLClient, RunningServer


async def test_staff_add_photos_to_an_entry_and_guardians_fetch_them(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    await grant(world, "bo", ConsentKind.DIARY, ConsentKind.PHOTOS)
    entry = await written(gql, world, "sita", "bo", "Bo painted.")

    payload = await upload(
        server,
        world,
        "sita",
        [("a.jpg", camera_jpeg()), ("b.jpg", camera_jpeg())],
        diaryEntryId=entry,
    )

    assert payload["errors"] == []
    assert len(payload["diaryEntry"]["photos"]) == 2
    first = payload["photos"][0]
    # Orientation 6: the 600x400 camera picture is stored upright, 400x600.
    assert (first["width"], first["height"]) == (400, 600)
    assert first["children"] == [{"name": "Bo Vos"}]
    timeline = await gql.data(TIMELINE, {"id": world.gid("Child", "bo")}, token=world.token("anna"))
    [edge] = timeline["child"]["timeline"]["edges"]
    assert [p["id"] for p in edge["node"]["photos"]] == [p["id"] for p in payload["photos"]]
    async with httpx.AsyncClient() as http:
        shown = await http.get(server.url + first["display"]["url"])
        saved = await http.get(server.url + first["downloadUrl"])
    assert shown.status_code == 200
    assert shown.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(shown.content)).size == (400, 600)
    assert "attachment" in saved.headers["content-disposition"]
    assert "Bo Vos" in saved.headers["content-disposition"]


async def test_a_group_post_with_photos_reaches_the_groups_families(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    await grant(world, "bo", ConsentKind.PHOTOS)

    payload = await upload(
        server,
        world,
        "sita",
        [("park.jpg", camera_jpeg())],
        groupId=world.gid("Group", "dolfijnen"),
        caption="Naar het park!",
        childIds=[world.gid("Child", "bo")],
    )

    post = payload["groupPost"]
    assert payload["errors"] == []
    assert (post["body"], post["group"]) == ("Naar het park!", {"name": "Dolfijnen"})
    for guardian, child in (("anna", "bo"), ("carla", "cas")):
        data = await gql.data(
            TIMELINE, {"id": world.gid("Child", child)}, token=world.token(guardian)
        )
        assert [e["node"]["id"] for e in data["child"]["timeline"]["edges"]] == [post["id"]]
    feed = await gql.data(
        "{ notifications { edges { node { kind } } } }", token=world.token("carla")
    )
    assert feed["notifications"]["edges"] == [{"node": {"kind": "PHOTO_ADDED"}}]


async def test_a_child_without_photo_consent_is_refused_and_nothing_is_stored(
    server: RunningServer, world: World, db: Database
) -> None:
    await grant(world, "bo", ConsentKind.PHOTOS)
    await grant(world, "cas", ConsentKind.PHOTOS, granted=False)

    payload = await upload(
        server,
        world,
        "sita",
        [("x.jpg", camera_jpeg())],
        groupId=world.gid("Group", "dolfijnen"),
        childIds=[world.gid("Child", "bo"), world.gid("Child", "cas")],
    )

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("NO_PHOTO_CONSENT", ["input", "childIds", "1"])
    ]
    assert (await db.count("photos"), await db.count("group_posts")) == (0, 0)


async def test_a_file_that_is_no_image_leaves_no_row_and_no_file(
    server: RunningServer, world: World, db: Database
) -> None:
    await grant(world, "bo", ConsentKind.PHOTOS)
    before = media_files(server)

    payload = await upload(
        server,
        world,
        "sita",
        [("ok.jpg", camera_jpeg()), ("fake.jpg", b"just some text, not a JPEG")],
        groupId=world.gid("Group", "dolfijnen"),
        childIds=[world.gid("Child", "bo")],
    )
    truncated = await upload(
        server,
        world,
        "sita",
        [("cut.jpg", camera_jpeg()[:2000])],
        groupId=world.gid("Group", "dolfijnen"),
    )

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("NOT_AN_IMAGE", ["input", "files", "1"])
    ]
    assert [e["code"] for e in truncated["errors"]] == ["CORRUPT_IMAGE"]
    assert (await db.count("photos"), await db.count("group_posts")) == (0, 0)
    assert media_files(server) == before


async def test_guardians_and_other_groups_staff_cannot_upload(
    server: RunningServer, world: World, db: Database
) -> None:
    by_guardian = await upload(
        server, world, "anna", [("x.jpg", camera_jpeg())], groupId=world.gid("Group", "dolfijnen")
    )
    other_group = await upload(
        server, world, "tim", [("x.jpg", camera_jpeg())], groupId=world.gid("Group", "dolfijnen")
    )

    assert [e["code"] for e in by_guardian["errors"]] == ["FORBIDDEN"]
    assert [(e["code"], e["field"]) for e in other_group["errors"]] == [
        ("NOT_FOUND", ["input", "groupId"])
    ]
    assert await db.count("photos") == 0


async def test_a_multipart_request_without_the_preflight_header_is_refused(
    server: RunningServer, world: World, db: Database
) -> None:
    response = await post_upload(
        server,
        world.token("sita"),
        [("x.jpg", camera_jpeg())],
        headers={},
        groupId=world.gid("Group", "dolfijnen"),
    )
    apollo = await post_upload(
        server,
        world.token("anna"),
        [("x.jpg", camera_jpeg())],
        headers={"Apollo-Require-Preflight": "true"},
        groupId=world.gid("Group", "dolfijnen"),
    )

    assert response.status_code == 400
    assert "Preflight" in response.json()["errors"][0]["message"]
    # Apollo's header is accepted too (the request then fails on its merits: a guardian).
    assert apollo.status_code == 200
    assert await db.count("photos") == 0


async def test_deleting_an_entry_removes_its_photos_and_their_files(
    gql: GraphQLClient, server: RunningServer, world: World, db: Database
) -> None:
    await grant(world, "bo", ConsentKind.DIARY, ConsentKind.PHOTOS)
    before = media_files(server)
    entry = await written(gql, world, "sita", "bo", "Bo painted.")
    await upload(server, world, "sita", [("a.jpg", camera_jpeg())], diaryEntryId=entry)
    assert len(media_files(server)) == len(before) + 3  # thumbnail, display, download

    deleted = await gql.data(DELETE, {"input": {"id": entry}}, token=world.token("sita"))

    assert deleted["deleteDiaryEntry"]["errors"] == []
    assert (await db.count("photos"), await db.count("photo_tags")) == (0, 0)
    assert media_files(server) == before


async def test_a_whole_entry_downloads_as_a_zip_of_its_text_and_photos(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    await grant(world, "bo", ConsentKind.DIARY, ConsentKind.PHOTOS)
    entry = await written(
        gql, world, "sita", "bo", "Bo bouwde een toren.", facts={"learnt": "Tot vijf tellen"}
    )
    await upload(
        server,
        world,
        "sita",
        [("a.jpg", camera_jpeg()), ("b.jpg", camera_jpeg())],
        diaryEntryId=entry,
    )
    data = await gql.data(
        "query($id: ID!) { diaryEntry(id: $id) { downloadUrl } }",
        {"id": entry},
        token=world.token("anna"),
    )

    async with httpx.AsyncClient() as http:
        response = await http.get(server.url + data["diaryEntry"]["downloadUrl"])
    archive = zipfile.ZipFile(io.BytesIO(response.content))

    assert response.status_code == 200
    assert "Bo Vos" in response.headers["content-disposition"]
    names = archive.namelist()
    assert names[0] == "dagboek.txt"
    assert len(names) == 3
    text = archive.read("dagboek.txt").decode()
    assert "Bo bouwde een toren." in text
    assert "Nieuw geleerd: Tot vijf tellen" in text
    assert all(archive.read(n)[:3] == b"\xff\xd8\xff" for n in names[1:])


async def test_a_consent_withdrawn_applies_from_then_on(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    await grant(world, "bo", ConsentKind.DIARY, ConsentKind.PHOTOS)
    entry = await written(gql, world, "sita", "bo", "Bo speelde buiten.")
    before = await upload(server, world, "sita", [("a.jpg", camera_jpeg())], diaryEntryId=entry)
    await gql.data(
        "mutation($input: UpdateConsentsInput!) { updateConsents(input: $input) "
        "{ errors { code } } }",
        {"input": {"childId": world.gid("Child", "bo"), "photos": False}},
        token=world.token("anna"),
    )

    after = await upload(server, world, "sita", [("b.jpg", camera_jpeg())], diaryEntryId=entry)
    kept = await gql.data(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": before["photos"][0]["id"]},
        token=world.token("bram"),
    )

    assert [(e["code"], e["field"]) for e in after["errors"]] == [
        ("NO_PHOTO_CONSENT", ["input", "diaryEntryId"])
    ]
    assert kept == {"node": {"id": before["photos"][0]["id"]}}


async def test_a_retried_upload_with_its_key_stores_the_photos_once(
    server: RunningServer, world: World, db: Database
) -> None:
    await grant(world, "bo", ConsentKind.PHOTOS)
    files = [("a.jpg", camera_jpeg()), ("b.jpg", camera_jpeg())]
    target = {"groupId": world.gid("Group", "dolfijnen"), "idempotencyKey": "upload-1"}
    before = media_files(server)

    first = await upload(server, world, "sita", files, **target)
    again = await upload(server, world, "sita", files, **target)
    elsewhere = await upload(
        server,
        world,
        "sita",
        files,
        groupId=world.gid("Group", "dolfijnen"),
        caption="Other",
        idempotencyKey="upload-2",
    )
    reused = await upload(
        server,
        world,
        "tim",
        files,
        groupId=world.gid("Group", "vlinders"),
        idempotencyKey="upload-1",
    )

    assert [p["id"] for p in again["photos"]] == [p["id"] for p in first["photos"]]
    assert again["groupPost"]["id"] == first["groupPost"]["id"]
    assert elsewhere["errors"] == []
    assert reused["errors"] == []  # keys are per uploader
    assert await db.count("photos") == 6
    assert len(media_files(server)) == len(before) + 6 * 3
