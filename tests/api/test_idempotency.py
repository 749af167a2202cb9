"""Idempotency keys checked against the input, on every mutation that takes one.

The same key with the same input replays the first result; with different input it is
refused with IDEMPOTENCY_KEY_REUSED and no row changes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.messaging import SEND, start
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
from tests.support import Database, GraphQLClient

TABLES = (
    "care_requests",
    "care_request_days",
    "swap_credits",
    "swap_allocations",
    "threads",
    "messages",
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


MUTATIONS: list[tuple[str, str, str, Inputs]] = [
    ("requestExtraDays", REQUEST_EXTRA, "requests", extra_days),
    ("requestFlexDays", REQUEST_FLEX, "requests", flex_days),
    ("reportAbsence", REPORT_ABSENCE, "requests", absence),
    ("sendMessage", SEND, "message", message),
]


async def counts(db: Database) -> dict[str, int]:
    return {table: await db.count(table) for table in TABLES}


def ids(payload: dict[str, Any], field: str) -> Any:
    value = payload[field]
    return [r["id"] for r in value] if isinstance(value, list) else value["id"]


@pytest.mark.parametrize(
    ("name", "document", "field", "inputs"), MUTATIONS, ids=[m[0] for m in MUTATIONS]
)
async def test_a_key_with_other_input_is_refused_and_changes_nothing(
    gql: GraphQLClient,
    world: World,
    db: Database,
    name: str,
    document: str,
    field: str,
    inputs: Inputs,
) -> None:
    first, *others = await inputs(gql, world, db)
    token = world.token("anna")

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
