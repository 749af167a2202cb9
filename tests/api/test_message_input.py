"""What `sendMessage` accepts: body limits, thread or child, and idempotency keys."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.api.messaging import SEND, send, start
from tests.builders import World
from tests.support import Database, GraphQLClient


async def rows(db: Database) -> tuple[int, int, int]:
    return (await db.count("threads"), await db.count("messages"), await db.count("events"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write a message first."),
        ("  \n\t ", "Write a message first."),
        ("x" * 5001, "A message has at most 5000 characters."),
        ("a\x00b", "A message cannot contain NUL characters."),
    ],
)
async def test_a_body_outside_the_limits_changes_nothing(
    gql: GraphQLClient, world: World, db: Database, body: str, message: str
) -> None:
    data = await gql.data(
        SEND,
        {"input": {"body": body, "childId": world.gid("Child", "bo")}},
        token=world.token("anna"),
    )

    assert data["sendMessage"] == {
        "message": None,
        "thread": None,
        "errors": [{"code": "INVALID_INPUT", "message": message, "field": ["input", "body"]}],
    }
    assert await rows(db) == (0, 0, 0)


async def test_the_longest_body_is_counted_after_trimming(gql: GraphQLClient, world: World) -> None:
    payload = await send(gql, world, "anna", f"  {'é' * 5000}\n", childId=world.gid("Child", "bo"))

    assert payload["message"]["body"] == "é" * 5000


@pytest.mark.parametrize(
    ("extra", "message", "field"),
    [
        ({}, "Give either a thread to reply in or a child to start a thread about.", ["input"]),
        (
            {"threadId": "x", "childId": "y"},
            "Give either a thread to reply in or a child to start a thread about.",
            ["input"],
        ),
        ({"threadId": "x", "subject": "Hi"}, "A reply has no subject of its own.", ["subject"]),
        (
            {"childId": "x", "subject": "s" * 201},
            "A subject has at most 200 characters.",
            ["subject"],
        ),
        (
            {"childId": "x", "idempotencyKey": ""},
            "An idempotency key has 1 to 100 characters.",
            ["idempotencyKey"],
        ),
        (
            {"childId": "x", "idempotencyKey": "k" * 101},
            "An idempotency key has 1 to 100 characters.",
            ["idempotencyKey"],
        ),
    ],
)
async def test_the_target_and_extras_are_checked_first(
    gql: GraphQLClient,
    world: World,
    db: Database,
    extra: dict[str, Any],
    message: str,
    field: list[str],
) -> None:
    data = await gql.data(SEND, {"input": {"body": "Hi", **extra}}, token=world.token("anna"))

    expected_field = field if field == ["input"] else ["input", *field]
    assert data["sendMessage"]["errors"] == [
        {"code": "INVALID_INPUT", "message": message, "field": expected_field}
    ]
    assert await rows(db) == (0, 0, 0)


@pytest.mark.parametrize(
    "variables",
    [
        {"input": {"body": 5, "childId": "x"}},
        {"input": {"body": None, "childId": "x"}},
        {"input": {"childId": "x"}},
        {"input": {"body": "x", "childId": ["a"]}},
        {"input": "hello"},
    ],
)
async def test_wrongly_typed_input_is_refused_before_anything_runs(
    gql: GraphQLClient, world: World, db: Database, variables: dict[str, Any]
) -> None:
    response = await gql.http.post(
        gql.url,
        json={"query": SEND, "variables": variables},
        headers={
            "Authorization": f"Bearer {world.token('anna')}",
            "Accept": "application/graphql-response+json",
        },
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("Variable '$input'")
    assert await rows(db) == (0, 0, 0)


async def test_the_same_key_twice_creates_one_thread_and_message(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    target = {"childId": world.gid("Child", "bo"), "idempotencyKey": "c0ffee"}
    first = await send(gql, world, "anna", "Hello", **target)
    again = await send(gql, world, "anna", "Hello", **target)

    assert again == first
    assert await rows(db) == (1, 1, 1)


async def test_concurrent_retries_with_one_key_create_one_message(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    target = {"childId": world.gid("Child", "bo"), "idempotencyKey": "tap-tap-tap"}

    sent = await asyncio.gather(*(send(gql, world, "anna", "Hello", **target) for _ in range(5)))

    assert {p["message"]["id"] for p in sent} == {sent[0]["message"]["id"]}
    assert await rows(db) == (1, 1, 1)


async def test_a_retried_reply_is_one_message(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    thread = await start(gql, world, "anna", "bo", "Hello")
    first = await send(gql, world, "sita", "Hi!", threadId=thread, idempotencyKey="k1")
    again = await send(gql, world, "sita", "Hi!", threadId=thread, idempotencyKey="k1")

    assert again["message"]["id"] == first["message"]["id"]
    assert await rows(db) == (1, 2, 2)


async def test_a_key_reused_for_another_message_is_refused(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    thread = await start(gql, world, "anna", "bo", "Hello")
    await send(gql, world, "anna", "One", threadId=thread, idempotencyKey="k1")

    data = await gql.data(
        SEND,
        {"input": {"body": "Two", "threadId": thread, "idempotencyKey": "k1"}},
        token=world.token("anna"),
    )

    assert data["sendMessage"]["errors"] == [
        {
            "code": "IDEMPOTENCY_KEY_REUSED",
            "message": "This idempotency key was used before with different input; nothing "
            "was changed. Use a new key for a new submission.",
            "field": ["input", "idempotencyKey"],
        }
    ]
    assert await rows(db) == (1, 2, 2)


async def test_keys_belong_to_their_author(gql: GraphQLClient, world: World, db: Database) -> None:
    thread = await start(gql, world, "anna", "bo", "Hello")
    mine = await send(gql, world, "anna", "Same", threadId=thread, idempotencyKey="k")
    theirs = await send(gql, world, "bram", "Same", threadId=thread, idempotencyKey="k")

    assert mine["message"]["id"] != theirs["message"]["id"]
    assert await rows(db) == (1, 3, 3)


HUGE = "x" * 100_000
MUTATIONS = {
    "sendMessage": (
        "mutation($input: SendMessageInput!) "
        "{ sendMessage(input: $input) { message { id } errors { code field } } }"
    ),
    "markThreadRead": (
        "mutation($input: MarkThreadReadInput!) "
        "{ markThreadRead(input: $input) { thread { id } errors { code field } } }"
    ),
    "markNotificationsRead": (
        "mutation($input: MarkNotificationsReadInput!) "
        "{ markNotificationsRead(input: $input) { unreadCount errors { code field } } }"
    ),
}


@pytest.mark.parametrize(
    ("mutation", "payload", "code", "field"),
    [
        ("sendMessage", {"body": HUGE, "childId": "x"}, "INVALID_INPUT", "body"),
        ("sendMessage", {"body": "Hi", "childId": HUGE}, "NOT_FOUND", "childId"),
        ("sendMessage", {"body": "Hi", "threadId": HUGE}, "NOT_FOUND", "threadId"),
        (
            "sendMessage",
            {"body": "Hi", "childId": "x", "subject": HUGE},
            "INVALID_INPUT",
            "subject",
        ),
        ("markThreadRead", {"threadId": ""}, "NOT_FOUND", "threadId"),
        ("markThreadRead", {"threadId": HUGE, "messageId": HUGE}, "NOT_FOUND", "threadId"),
        ("markNotificationsRead", {"upTo": ""}, "NOT_FOUND", "upTo"),
        ("markNotificationsRead", {"upTo": HUGE}, "NOT_FOUND", "upTo"),
    ],
)
async def test_empty_and_oversized_ids_are_typed_errors(
    gql: GraphQLClient,
    world: World,
    db: Database,
    mutation: str,
    payload: dict[str, Any],
    code: str,
    field: str,
) -> None:
    data = await gql.data(MUTATIONS[mutation], {"input": payload}, token=world.token("anna"))

    assert data[mutation]["errors"] == [{"code": code, "field": ["input", field]}]
    assert await rows(db) == (0, 0, 0)
    assert await db.count("notification_markers") == 0
