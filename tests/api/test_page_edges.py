"""`first: 0` and the ends of every connection: `pageInfo` always says how to continue.

The rule, the same for every connection: `hasNextPage` tells whether items follow, and
`endCursor` is what to pass as `after` to get them: the last item's cursor, or on an empty
page the `after` it was asked with (null at the start of the list, where `after: null` is the
continuation).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import pytest

from gateway.models import Invoice, InvoiceKind, InvoiceStatus
from tests.api.diary_support import written
from tests.api.messaging import start
from tests.builders import World
from tests.care_support import add_requests
from tests.news_support import Content
from tests.support import Database, FrozenClock, GraphQLClient

PAGE = "totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor }"
ROOT = "query($first: Int, $after: String) {{ {field}(first: $first, after: $after) {{ {page} }} }}"
MESSAGES = (
    "query($first: Int, $after: String, $id: ID!) "
    f"{{ thread(id: $id) {{ messages(first: $first, after: $after) {{ {PAGE} }} }} }}"
)
TIMELINE = (
    "query($first: Int, $after: String, $id: ID!) "
    f"{{ child(id: $id) {{ timeline(first: $first, after: $after) {{ {PAGE} }} }} }}"
)

Setup = Callable[[GraphQLClient, World, Database, FrozenClock], Awaitable[dict[str, Any]]]


async def three_threads(
    gql: GraphQLClient, world: World, _db: Database, _clock: FrozenClock
) -> dict[str, Any]:
    for n in range(3):
        await start(gql, world, "anna", "bo", f"Vraag {n}")
    return {}


async def one_thread_three_messages(
    gql: GraphQLClient, world: World, _db: Database, _clock: FrozenClock
) -> dict[str, Any]:
    from tests.api.messaging import send

    thread = await start(gql, world, "anna", "bo", "Een")
    await send(gql, world, "sita", "Twee", threadId=thread)
    await send(gql, world, "anna", "Drie", threadId=thread)
    return {"id": thread}


async def three_requests(
    _gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> dict[str, Any]:
    await add_requests(db, world, clock, 3)
    return {}


async def three_diary_entries(
    gql: GraphQLClient, world: World, _db: Database, _clock: FrozenClock
) -> dict[str, Any]:
    for n in range(3):
        await written(gql, world, "anna", "bo", f"Dag {n}")
    return {"id": world.gid("Child", "bo")}


async def three_news_items(
    _gql: GraphQLClient, world: World, _db: Database, _clock: FrozenClock
) -> dict[str, Any]:
    for n in range(3):
        await Content(world).news("zon", "centrum", f"Nieuws {n}", world.now - timedelta(hours=n))
    return {}


async def three_newsletters(
    _gql: GraphQLClient, world: World, _db: Database, _clock: FrozenClock
) -> dict[str, Any]:
    for n in range(3):
        published = world.now - timedelta(days=n)
        await Content(world).newsletter("zon", "centrum", f"Brief {n}", published)
    return {}


async def three_invoices(
    _gql: GraphQLClient, world: World, _db: Database, _clock: FrozenClock
) -> dict[str, Any]:
    """Anna's invoices of three months, written directly: importing has tests of its own."""
    documents = [await Content(world).document("zon", f"F{n}.pdf") for n in range(3)]
    async with world.db.sessionmaker() as s:
        s.add_all(
            Invoice(
                organisation_id=world.ids["zon"],
                payer_guardian_id=world.people["anna"].person_id,
                number=f"F2026-00{n}",
                kind=InvoiceKind.INVOICE,
                period_start=date(2026, n, 1),
                period_end=date(2026, n, 28),
                amount_cents=100_000,
                status=InvoiceStatus.OPEN,
                document_id=document,
                published_at=world.now,
            )
            for n, document in enumerate(documents, start=1)
        )
        await s.commit()
    return {}


async def nothing(
    _gql: GraphQLClient, _world: World, _db: Database, _clock: FrozenClock
) -> dict[str, Any]:
    return {}


# (connection, document, path to the connection, setup, who reads)
CONNECTIONS: list[tuple[str, str, list[str], Setup, str]] = [
    ("children", ROOT.format(field="children", page=PAGE), ["children"], nothing, "sita"),
    ("threads", ROOT.format(field="threads", page=PAGE), ["threads"], three_threads, "sita"),
    ("messages", MESSAGES, ["thread", "messages"], one_thread_three_messages, "sita"),
    ("requests", ROOT.format(field="requests", page=PAGE), ["requests"], three_requests, "anna"),
    (
        "notifications",
        ROOT.format(field="notifications", page=PAGE),
        ["notifications"],
        three_threads,
        "sita",
    ),
    ("timeline", TIMELINE, ["child", "timeline"], three_diary_entries, "anna"),
    ("news", ROOT.format(field="news", page=PAGE), ["news"], three_news_items, "anna"),
    (
        "newsletters",
        ROOT.format(field="newsletters", page=PAGE),
        ["newsletters"],
        three_newsletters,
        "anna",
    ),
    ("invoices", ROOT.format(field="invoices", page=PAGE), ["invoices"], three_invoices, "anna"),
]


def at(data: dict[str, Any], path: list[str]) -> dict[str, Any]:
    for key in path:
        data = data[key]
    return data


@pytest.mark.parametrize(
    ("document", "path", "setup", "who"),
    [c[1:] for c in CONNECTIONS],
    ids=[c[0] for c in CONNECTIONS],
)
async def test_first_zero_tells_how_to_continue_on_every_connection(
    gql: GraphQLClient,
    world: World,
    db: Database,
    clock: FrozenClock,
    document: str,
    path: list[str],
    setup: Setup,
    who: str,
) -> None:
    given = await setup(gql, world, db, clock)
    token = world.token(who)

    async def page(first: int, after: str | None) -> dict[str, Any]:
        variables = {**given, "first": first, "after": after}
        return at(await gql.data(document, variables, token=token), path)

    everything = await page(100, None)
    cursors = [edge["cursor"] for edge in everything["edges"]]
    assert len(cursors) == 3
    assert everything["totalCount"] == 3
    at_start = await page(0, None)
    after_one = await page(0, cursors[0])
    continued = await page(1, after_one["pageInfo"]["endCursor"])
    at_end = await page(0, cursors[-1])
    restarted = await page(1, at_start["pageInfo"]["endCursor"])

    assert (at_start["edges"], at_start["pageInfo"]) == (
        [],
        {"hasNextPage": True, "hasPreviousPage": False, "endCursor": None},
    )
    assert [edge["cursor"] for edge in restarted["edges"]] == cursors[:1]
    assert (after_one["edges"], after_one["pageInfo"]) == (
        [],
        {"hasNextPage": True, "hasPreviousPage": True, "endCursor": cursors[0]},
    )
    assert [edge["cursor"] for edge in continued["edges"]] == cursors[1:2]
    assert (at_end["edges"], at_end["pageInfo"]) == (
        [],
        {"hasNextPage": False, "hasPreviousPage": True, "endCursor": cursors[-1]},
    )
    assert after_one["totalCount"] == at_end["totalCount"] == 3
