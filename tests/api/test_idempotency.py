"""Idempotency keys checked against the input, on every mutation that takes one.

The same key with the same input replays the first result; with different input it is
refused with IDEMPOTENCY_KEY_REUSED and no row changes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from gateway.models import ConsentKind
from tests.api.diary_support import WRITE, grant, written
from tests.api.messaging import SEND, start
from tests.api.uploads import media_files, post_upload
from tests.builders import World
from tests.care_support import (
    MONDAY,
    REPORT_ABSENCE,
    REQUEST_EXTRA,
    REQUEST_FLEX,
    THURSDAY,
    add_flex_child,
    slot_of,
)
from tests.media.images import camera_jpeg
from tests.news_support import Content
from tests.support import Database, GraphQLClient, RunningServer

TABLES = (
    "care_requests",
    "care_request_days",
    "swap_credits",
    "swap_allocations",
    "threads",
    "messages",
    "diary_entries",
    "group_posts",
    "photos",
    "photo_tags",
    "news_items",
    "events",
)
KEY = "retry-7f3a"
REUSED = {
    "code": "IDEMPOTENCY_KEY_REUSED",
    "message": "This idempotency key was used before with different input; nothing was "
    "changed. Use a new key for a new submission.",
    "field": ["input", "idempotencyKey"],
}

# Given the world, the input of a first call and of a call that differs in one respect.
Inputs = Callable[[GraphQLClient, World, Database], Awaitable[list[dict[str, Any]]]]


async def extra_days(gql: GraphQLClient, world: World, db: Database) -> list[dict[str, Any]]:
    day = {
        "childId": world.gid("Child", "bo"),
        "date": THURSDAY.isoformat(),
        "slotId": await slot_of(db, world, "dolfijnen"),
    }
    first = {"days": [day], "payment": "INVOICE", "comment": "Opa"}
    return [
        first,
        {**first, "comment": "Oma"},
        {**first, "payment": "SWAP_HOURS"},
        {**first, "days": [{**day, "date": "2026-03-19"}]},
    ]


async def flex_days(gql: GraphQLClient, world: World, db: Database) -> list[dict[str, Any]]:
    fay = await add_flex_child(db, world)
    day = {"childId": fay, "date": "2026-05-04", "startTime": "08:00", "endTime": "12:00"}
    first = {"days": [day]}
    return [
        first,
        {"days": [{**day, "endTime": "13:00"}]},
        {**first, "expiresAt": "2026-04-01T12:00:00+02:00"},
    ]


async def absence(gql: GraphQLClient, world: World, db: Database) -> list[dict[str, Any]]:
    first = {
        "childIds": [world.gid("Child", "bo")],
        "dates": [MONDAY.isoformat()],
        "reason": "Ziek",
    }
    return [
        first,
        {**first, "reason": "Op vakantie"},
        {**first, "dates": ["2026-03-18"]},
    ]


async def message(gql: GraphQLClient, world: World, db: Database) -> list[dict[str, Any]]:
    thread = await start(gql, world, "anna", "bo", "Hallo")
    first = {"threadId": thread, "body": "Bo wordt om vier uur opgehaald"}
    return [
        first,
        {**first, "body": "Bo wordt om vijf uur opgehaald"},
        {"childId": world.gid("Child", "bo"), "body": first["body"]},
    ]


async def diary_entry(gql: GraphQLClient, world: World, db: Database) -> list[dict[str, Any]]:
    first = {"childId": world.gid("Child", "bo"), "body": "Weekend bij opa"}
    return [
        first,
        {**first, "body": "Weekend bij oma"},
        {**first, "date": "2026-03-08"},
        {**first, "facts": {"activities": ["Zwemmen"]}},
    ]


PUBLISH = """
mutation($input: PublishNewsInput!) {
  publishNews(input: $input) { newsItem { id } errors { code message field } }
}
"""


async def news_item(gql: GraphQLClient, world: World, db: Database) -> list[dict[str, Any]]:
    content = Content(world)
    await content.grant_editor("sita", None)
    first = {
        "title": "Sluiting vrijdag",
        "bodyHtml": "<p>Vrijdag zijn we dicht.</p>",
        "locationId": world.gid("Location", "centrum"),
    }
    return [
        first,
        {**first, "title": "Sluiting maandag"},
        {**first, "bodyHtml": "<p>Maandag zijn we dicht.</p>"},
        {**first, "locationId": None},
        {**first, "publishAt": "2026-03-20T08:00:00+01:00"},
    ]


# (mutation, document, payload field, inputs, who calls)
MUTATIONS: list[tuple[str, str, str, Inputs, str]] = [
    ("requestExtraDays", REQUEST_EXTRA, "requests", extra_days, "anna"),
    ("requestFlexDays", REQUEST_FLEX, "requests", flex_days, "anna"),
    ("reportAbsence", REPORT_ABSENCE, "requests", absence, "anna"),
    ("sendMessage", SEND, "message", message, "anna"),
    ("writeDiaryEntry", WRITE, "diaryEntry", diary_entry, "anna"),
    ("publishNews", PUBLISH, "newsItem", news_item, "sita"),
]


async def counts(db: Database) -> dict[str, int]:
    return {table: await db.count(table) for table in TABLES}


def ids(payload: dict[str, Any], field: str) -> Any:
    value = payload[field]
    return [r["id"] for r in value] if isinstance(value, list) else value["id"]


@pytest.mark.parametrize(
    ("name", "document", "field", "inputs", "who"), MUTATIONS, ids=[m[0] for m in MUTATIONS]
)
async def test_a_key_with_other_input_is_refused_and_changes_nothing(
    gql: GraphQLClient,
    world: World,
    db: Database,
    name: str,
    document: str,
    field: str,
    inputs: Inputs,
    who: str,
) -> None:
    first, *others = await inputs(gql, world, db)
    token = world.token(who)

    async def call(given: dict[str, Any]) -> dict[str, Any]:
        data = await gql.data(document, {"input": {**given, "idempotencyKey": KEY}}, token=token)
        payload: dict[str, Any] = data[name]
        return payload

    original = await call(first)
    after_first = await counts(db)
    refusals = [await call(other) for other in others]
    after_refusals = await counts(db)
    retried = await call(first)

    assert original["errors"] == []
    for refused in refusals:
        assert refused["errors"] == [REUSED]
        assert refused[field] in (None, [])
    assert after_refusals == after_first
    assert retried["errors"] == []
    assert ids(retried, field) == ids(original, field)
    assert await counts(db) == after_first


async def test_a_key_of_one_kind_of_request_is_refused_for_another(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    [extra, *_] = await extra_days(gql, world, db)
    [flex, *_] = await flex_days(gql, world, db)
    token = world.token("anna")
    await gql.data(REQUEST_EXTRA, {"input": {**extra, "idempotencyKey": KEY}}, token=token)
    before = await counts(db)

    data = await gql.data(REQUEST_FLEX, {"input": {**flex, "idempotencyKey": KEY}}, token=token)

    assert data["requestFlexDays"]["errors"] == [REUSED]
    assert await counts(db) == before


async def test_an_upload_key_with_other_files_or_target_is_refused_and_stores_nothing(
    gql: GraphQLClient, server: RunningServer, world: World, db: Database
) -> None:
    await grant(world, "bo", ConsentKind.DIARY, ConsentKind.PHOTOS)
    entry = await written(gql, world, "sita", "bo", "Bo schilderde.")
    park, sandbox = camera_jpeg(), camera_jpeg(size=(600, 401))
    first: dict[str, Any] = {
        "files": [("park.jpg", park), ("zand.jpg", sandbox)],
        "groupId": world.gid("Group", "dolfijnen"),
        "caption": "Naar het park",
        "childIds": [world.gid("Child", "bo")],
    }
    others: list[dict[str, Any]] = [
        {**first, "files": [("park.jpg", park), ("zand.jpg", park)]},  # other content
        {**first, "files": [("park.jpg", park), ("strand.jpg", sandbox)]},  # other name
        {**first, "files": [("park.jpg", park)]},
        {**first, "caption": "Naar het bos"},
        {**first, "childIds": []},
        {"files": first["files"], "diaryEntryId": entry},
    ]

    async def call(given: dict[str, Any]) -> dict[str, Any]:
        response = await post_upload(server, world.token("sita"), idempotencyKey=KEY, **given)
        assert response.status_code == 200, response.text
        payload: dict[str, Any] = response.json()["data"]["uploadPhotos"]
        return payload

    original = await call(first)
    after_first, files_after_first = await counts(db), sorted(media_files(server))
    refusals = [await call(other) for other in others]
    after_refusals, files_after_refusals = await counts(db), sorted(media_files(server))
    retried = await call(first)

    assert original["errors"] == []
    for refused in refusals:
        assert refused["errors"] == [REUSED]
        assert refused["photos"] is None
    assert after_refusals == after_first
    assert files_after_refusals == files_after_first
    assert retried["errors"] == []
    assert [p["id"] for p in retried["photos"]] == [p["id"] for p in original["photos"]]
    assert retried["groupPost"]["id"] == original["groupPost"]["id"]
    assert (await counts(db), sorted(media_files(server))) == (after_first, files_after_first)
    assert after_first["photos"] == 2


async def test_the_same_input_written_differently_replays(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    [news, *_] = await news_item(gql, world, db)
    [entry, *_] = await diary_entry(gql, world, db)
    sita, anna = world.token("sita"), world.token("anna")
    later = {**news, "idempotencyKey": KEY, "publishAt": "2026-03-20T08:00:00+01:00"}
    same_instant = {**later, "publishAt": "2026-03-20T07:00:00Z", "title": " Sluiting  vrijdag"}
    entry = {**entry, "idempotencyKey": KEY}

    first_news = await gql.data(PUBLISH, {"input": later}, token=sita)
    again_news = await gql.data(PUBLISH, {"input": same_instant}, token=sita)
    first_entry = await gql.data(WRITE, {"input": entry}, token=anna)
    again_entry = await gql.data(
        WRITE, {"input": {**entry, "body": " Weekend bij opa\n"}}, token=anna
    )

    assert again_news["publishNews"] == first_news["publishNews"]
    assert again_news["publishNews"]["errors"] == []
    assert (
        again_entry["writeDiaryEntry"]["diaryEntry"]["id"]
        == (first_entry["writeDiaryEntry"]["diaryEntry"]["id"])
    )
    assert (await db.count("news_items"), await db.count("diary_entries")) == (1, 1)
