"""Who may read and write a thread: its child's guardians and its group's staff, nobody else.

A foreign thread answers exactly like a missing one, on every path to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gateway.ids import to_global_id
from tests.api.messaging import MARK_READ, SEND, THREADS, send
from tests.builders import World
from tests.support import Database, GraphQLClient

NODE = "query($id: ID!) { node(id: $id) { id __typename } }"
THREAD = "query($id: ID!) { thread(id: $id) { id } }"
ALLOWED = ["anna", "bram", "sita"]
DENIED = ["carla", "dani", "tim", "mo", "mara"]


@dataclass
class Conversation:
    thread: str
    message: str


@pytest.fixture
async def about_bo(gql: GraphQLClient, world: World) -> Conversation:
    payload = await send(gql, world, "anna", "About Bo", childId=world.gid("Child", "bo"))
    return Conversation(payload["thread"]["id"], payload["message"]["id"])


@pytest.mark.parametrize("viewer", ALLOWED)
async def test_the_childs_guardians_and_group_staff_see_the_thread(
    gql: GraphQLClient, world: World, about_bo: Conversation, viewer: str
) -> None:
    token = world.token(viewer)
    thread = await gql.data(NODE, {"id": about_bo.thread}, token=token)
    message = await gql.data(NODE, {"id": about_bo.message}, token=token)
    listed = await gql.data(THREADS, token=token)

    assert thread["node"] == {"id": about_bo.thread, "__typename": "Thread"}
    assert message["node"] == {"id": about_bo.message, "__typename": "Message"}
    assert listed["threads"]["totalCount"] == 1


@pytest.mark.parametrize("viewer", DENIED)
async def test_others_cannot_find_the_thread(
    gql: GraphQLClient, world: World, about_bo: Conversation, viewer: str
) -> None:
    token = world.token(viewer)

    assert await gql.data(NODE, {"id": about_bo.thread}, token=token) == {"node": None}
    assert await gql.data(NODE, {"id": about_bo.message}, token=token) == {"node": None}
    assert await gql.data(THREAD, {"id": about_bo.thread}, token=token) == {"thread": None}
    listed = await gql.data(THREADS, token=token)
    assert listed["threads"] == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }


@pytest.mark.parametrize("viewer", DENIED)
async def test_others_cannot_reply_mark_read_or_start_a_thread(
    gql: GraphQLClient, world: World, db: Database, about_bo: Conversation, viewer: str
) -> None:
    token = world.token(viewer)
    reply = await gql.data(
        SEND, {"input": {"body": "Hi", "threadId": about_bo.thread}}, token=token
    )
    new = await gql.data(
        SEND, {"input": {"body": "Hi", "childId": world.gid("Child", "bo")}}, token=token
    )
    read = await gql.data(MARK_READ, {"input": {"threadId": about_bo.thread}}, token=token)

    assert reply["sendMessage"]["errors"] == [
        {"code": "NOT_FOUND", "message": "No such thread.", "field": ["input", "threadId"]}
    ]
    assert new["sendMessage"]["errors"] == [
        {"code": "NOT_FOUND", "message": "No such child.", "field": ["input", "childId"]}
    ]
    assert read["markThreadRead"] == {
        "thread": None,
        "errors": [
            {"code": "NOT_FOUND", "message": "No such thread.", "field": ["input", "threadId"]}
        ],
    }
    assert (await db.count("messages"), await db.count("thread_reads")) == (1, 0)


@pytest.mark.parametrize(
    "guess",
    [
        "",
        "garbage",
        "x" * 10_000,
        to_global_id("Thread", 424242),
        to_global_id("Child", 1),
        "MESSAGE",  # replaced by the real message's ID: a message is not a thread
    ],
)
async def test_guessed_thread_ids_answer_like_missing_ones(
    gql: GraphQLClient, world: World, db: Database, about_bo: Conversation, guess: str
) -> None:
    thread_id = about_bo.message if guess == "MESSAGE" else guess
    token = world.token("anna")
    reply = await gql.data(SEND, {"input": {"body": "Hi", "threadId": thread_id}}, token=token)
    read = await gql.data(MARK_READ, {"input": {"threadId": thread_id}}, token=token)

    assert reply["sendMessage"]["errors"][0]["code"] == "NOT_FOUND"
    assert read["markThreadRead"]["errors"][0]["code"] == "NOT_FOUND"
    assert await db.count("messages") == 1


async def test_staff_of_another_group_cannot_start_a_thread_about_a_child(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    data = await gql.data(
        SEND,
        {"input": {"body": "Hi", "childId": world.gid("Child", "dex")}},
        token=world.token("sita"),
    )

    assert data["sendMessage"]["errors"][0]["code"] == "NOT_FOUND"
    assert await db.count("threads") == 0


async def test_each_family_sees_only_its_own_threads(
    gql: GraphQLClient, world: World, about_bo: Conversation
) -> None:
    await send(gql, world, "carla", "About Cas", childId=world.gid("Child", "cas"))
    await send(gql, world, "mo", "About Mila", childId=world.gid("Child", "mila"))

    def children(data: dict) -> list[str]:
        return [e["node"]["child"]["name"] for e in data["threads"]["edges"]]

    assert children(await gql.data(THREADS, token=world.token("anna"))) == ["Bo Vos"]
    assert children(await gql.data(THREADS, token=world.token("carla"))) == ["Cas Kok"]
    assert children(await gql.data(THREADS, token=world.token("sita"))) == ["Cas Kok", "Bo Vos"]
    assert children(await gql.data(THREADS, token=world.token("mara"))) == ["Mila Vos"]
    assert children(await gql.data(THREADS, token=world.token("tim"))) == []
