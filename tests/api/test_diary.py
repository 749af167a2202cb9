"""Diary entries: staff write with diary consent, guardians write too, authors correct them."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from gateway.models import ConsentKind, Event
from tests.api.diary_support import DELETE, ENTRY, UPDATE, grant, write, written
from tests.builders import World
from tests.support import Database, FrozenClock, GraphQLClient

FACTS = {
    "meals": [
        {"what": "brood met kaas", "at": "12:00:00", "amount": "MOST"},
        {"what": "appel", "amount": "ALL"},
    ],
    "sleeps": [{"start": "13:00:00", "end": "14:30:00"}],
    "activities": ["verven", "buiten spelen"],
    "playedWith": ["Cas"],
    "learnt": "Zelf de jas aantrekken",
}


async def test_staff_write_the_day_with_its_facts_when_the_guardians_consented(
    gql: GraphQLClient, world: World, clock: FrozenClock
) -> None:
    await grant(world, "bo", ConsentKind.DIARY)

    payload = await write(gql, world, "sita", "bo", "  Bo had a lovely day.  ", facts=FACTS)

    entry = payload["diaryEntry"]
    assert payload["errors"] == []
    assert entry["body"] == "Bo had a lovely day."
    assert entry["date"] == clock.now.date().isoformat()
    assert entry["writtenAt"] == clock.now.isoformat()
    assert entry["updatedAt"] is None
    assert entry["author"] == {"name": "Sita Staff", "role": "STAFF"}
    assert (entry["child"], entry["group"], entry["isOwn"]) == (
        {"name": "Bo Vos"},
        {"name": "Dolfijnen"},
        True,
    )
    assert entry["facts"] == {
        "meals": [
            {"what": "brood met kaas", "at": "12:00:00", "amount": "MOST"},
            {"what": "appel", "at": None, "amount": "ALL"},
        ],
        "sleeps": [{"start": "13:00:00", "end": "14:30:00"}],
        "activities": ["verven", "buiten spelen"],
        "playedWith": ["Cas"],
        "learnt": "Zelf de jas aantrekken",
    }
    seen = await gql.data(ENTRY, {"id": entry["id"]}, token=world.token("anna"))
    assert seen["diaryEntry"] == {**entry, "isOwn": False}


async def test_staff_are_refused_without_diary_consent(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    await grant(world, "cas", ConsentKind.DIARY, granted=False)

    unanswered = await write(gql, world, "sita", "bo", "Bo had a lovely day.")
    refused = await write(gql, world, "sita", "cas", "Cas had a lovely day.")

    for payload, child in ((unanswered, "bo"), (refused, "cas")):
        assert payload["diaryEntry"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [
            ("NO_DIARY_CONSENT", ["input", "childId"])
        ], child
    assert await db.count("diary_entries") == 0
    assert await db.count("events") == 0


async def test_a_guardian_writes_about_the_weekend_for_the_other_guardian_and_staff(
    gql: GraphQLClient, world: World, clock: FrozenClock
) -> None:
    sunday = clock.now.date() - timedelta(days=2)
    entry_id = await written(
        gql, world, "anna", "bo", "Op zondag naar opa en oma.", date=sunday.isoformat()
    )

    for reader in ("bram", "sita"):
        seen = await gql.data(ENTRY, {"id": entry_id}, token=world.token(reader))
        assert seen["diaryEntry"]["author"] == {"name": "Anna Vos", "role": "GUARDIAN"}
        assert seen["diaryEntry"]["date"] == sunday.isoformat()
    for outsider in ("carla", "tim", "mo"):
        seen = await gql.data(ENTRY, {"id": entry_id}, token=world.token(outsider))
        assert seen == {"diaryEntry": None}, outsider


async def test_a_new_entry_is_a_notification_for_the_childs_guardians_not_its_author(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    await grant(world, "bo", ConsentKind.DIARY)
    entry_id = await written(gql, world, "sita", "bo", "Bo had a lovely day.")
    feed = "{ notifications { totalCount edges { node { kind subject { id } child { name } } } } }"

    for guardian in ("anna", "bram"):
        data = await gql.data(feed, token=world.token(guardian))
        assert data["notifications"]["edges"] == [
            {
                "node": {
                    "kind": "DIARY_ADDED",
                    "subject": {"id": entry_id},
                    "child": {"name": "Bo Vos"},
                }
            }
        ]
    for other in ("sita", "carla", "tim"):
        data = await gql.data(feed, token=world.token(other))
        assert data["notifications"]["totalCount"] == 0, other
    async with db.sessionmaker() as s:
        event = await s.scalar(select(Event))
    assert event is not None
    assert event.kind == "diary.added"
    assert json.loads(event.payload)["diaryEntryId"] == entry_id


async def test_the_same_idempotency_key_twice_writes_one_entry(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    first = await write(gql, world, "anna", "bo", "Weekend.", idempotencyKey="k-1")
    again = await write(gql, world, "anna", "bo", "Weekend.", idempotencyKey="k-1")
    other = await write(gql, world, "anna", "bo", "Something else.", idempotencyKey="k-1")

    assert again["diaryEntry"]["id"] == first["diaryEntry"]["id"]
    assert [e["code"] for e in other["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert await db.count("diary_entries") == 1


async def test_bad_input_is_refused_and_writes_nothing(
    gql: GraphQLClient, world: World, clock: FrozenClock, db: Database
) -> None:
    today = clock.now.date()
    cases = {
        "empty": ({"body": "   "}, ["input", "body"]),
        "too long": ({"body": "x" * 5001}, ["input", "body"]),
        "future": ({"date": (today + timedelta(days=1)).isoformat()}, ["input", "date"]),
        "too old": ({"date": (today - timedelta(days=15)).isoformat()}, ["input", "date"]),
        "nap backwards": (
            {"facts": {"sleeps": [{"start": "14:00:00", "end": "13:00:00"}]}},
            ["input", "facts", "sleeps", "0"],
        ),
        "too many": ({"facts": {"activities": ["a"] * 13}}, ["input", "facts", "activities"]),
    }
    for name, (change, field) in cases.items():
        variables = {"body": "Weekend.", **change}
        payload = await write(gql, world, "anna", "bo", **variables)  # type: ignore[arg-type]
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID_INPUT", field)], (
            name
        )
    assert await db.count("diary_entries") == 0


async def test_no_new_entries_after_the_child_has_left(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    # Dex left 3 weeks ago: Dani still sees the diary, but writes no new entries.
    payload = await write(gql, world, "dani", "dex", "We miss the group!")
    unknown = await write(gql, world, "carla", "bo", "Not my child.")

    assert [e["code"] for e in payload["errors"]] == ["FORBIDDEN"]
    assert [e["code"] for e in unknown["errors"]] == ["NOT_FOUND"]
    assert await db.count("diary_entries") == 0


async def test_only_the_author_corrects_or_deletes_an_entry(
    gql: GraphQLClient, world: World, clock: FrozenClock, db: Database
) -> None:
    entry_id = await written(gql, world, "anna", "bo", "Weekend at the zoo.")
    clock.advance(timedelta(minutes=10))

    by_other = await gql.data(
        UPDATE, {"input": {"id": entry_id, "body": "Hacked"}}, token=world.token("bram")
    )
    by_stranger = await gql.data(DELETE, {"input": {"id": entry_id}}, token=world.token("carla"))
    fixed = await gql.data(
        UPDATE,
        {
            "input": {
                "id": entry_id,
                "body": "Weekend at the beach.",
                "facts": {"learnt": "Zwemmen"},
            }
        },
        token=world.token("anna"),
    )

    assert [e["code"] for e in by_other["updateDiaryEntry"]["errors"]] == ["FORBIDDEN"]
    assert [e["code"] for e in by_stranger["deleteDiaryEntry"]["errors"]] == ["NOT_FOUND"]
    entry = fixed["updateDiaryEntry"]["diaryEntry"]
    assert (entry["body"], entry["updatedAt"], entry["facts"]["learnt"]) == (
        "Weekend at the beach.",
        clock.now.isoformat(),
        "Zwemmen",
    )
    deleted = await gql.data(DELETE, {"input": {"id": entry_id}}, token=world.token("anna"))
    assert deleted["deleteDiaryEntry"] == {"deletedId": entry_id, "errors": []}
    assert await db.count("diary_entries") == 0
