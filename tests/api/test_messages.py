"""Threads and messages: guardians write to their child's group, staff answer, both read."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from gateway.ids import to_global_id
from gateway.models import Event, Thread
from tests.api.messaging import MARK_READ, MESSAGES, SEND, THREADS, bodies, send, start
from tests.builders import World
from tests.support import Database, FrozenClock, GraphQLClient


async def test_a_guardian_starts_a_thread_that_goes_to_the_childs_group(
    gql: GraphQLClient, world: World, clock: FrozenClock
) -> None:
    payload = await send(
        gql,
        world,
        "anna",
        "  Bo has a slight fever, please call me if it gets worse.  ",
        childId=world.gid("Child", "bo"),
        subject="Koorts",
    )

    assert payload["message"] == {
        "id": payload["message"]["id"],
        "body": "Bo has a slight fever, please call me if it gets worse.",
        "sentAt": clock.now.isoformat(),
        "isOwn": True,
        "author": {"name": "Anna Vos", "role": "GUARDIAN"},
    }
    assert payload["thread"]["subject"] == "Koorts"
    assert payload["thread"]["child"] == {"name": "Bo Vos"}
    assert payload["thread"]["group"] == {"name": "Dolfijnen"}


async def test_staff_reply_and_both_guardians_follow_the_conversation(
    gql: GraphQLClient, world: World, clock: FrozenClock
) -> None:
    thread = await start(gql, world, "anna", "bo", "Bo slept badly.")
    clock.advance(timedelta(minutes=5))
    reply = await send(gql, world, "sita", "Thanks, we'll let him nap early.", threadId=thread)
    clock.advance(timedelta(minutes=5))
    await send(gql, world, "bram", "Thank you!", threadId=thread)

    messages = await gql.data(MESSAGES, {"id": thread}, token=world.token("anna"))

    assert reply["message"]["author"] == {"name": "Sita Staff", "role": "STAFF"}
    # Newest first: a chat opens at the latest page and pages back in time.
    assert [
        (e["node"]["body"], e["node"]["author"]["name"], e["node"]["isOwn"])
        for e in messages["thread"]["messages"]["edges"]
    ] == [
        ("Thank you!", "Bram Vos", False),
        ("Thanks, we'll let him nap early.", "Sita Staff", False),
        ("Bo slept badly.", "Anna Vos", True),
    ]
    assert messages["thread"]["messages"]["totalCount"] == 3


async def test_threads_are_listed_by_latest_activity_with_unread_counts(
    gql: GraphQLClient, world: World, clock: FrozenClock
) -> None:
    bo = await start(gql, world, "anna", "bo", "About Bo")
    clock.advance(timedelta(minutes=1))
    await start(gql, world, "carla", "cas", "About Cas")
    clock.advance(timedelta(minutes=1))
    await send(gql, world, "anna", "Bo again", threadId=bo)

    staff = await gql.data(THREADS, token=world.token("sita"))
    anna = await gql.data(THREADS, token=world.token("anna"))

    assert bodies(staff) == [(None, "Bo again", 2), (None, "About Cas", 1)]
    assert staff["threads"]["totalCount"] == 2
    assert bodies(anna) == [(None, "Bo again", 0)]  # her own messages are never unread
    assert staff["threads"]["edges"][0]["node"]["lastMessageAt"] == clock.now.isoformat()


async def test_threads_page_by_cursor(gql: GraphQLClient, world: World, clock: FrozenClock) -> None:
    for n in range(3):
        await start(gql, world, "anna", "bo", f"Message {n}")
        clock.advance(timedelta(seconds=1))

    first = await gql.data(THREADS, {"first": 2}, token=world.token("sita"))
    rest = await gql.data(
        THREADS,
        {"first": 2, "after": first["threads"]["pageInfo"]["endCursor"]},
        token=world.token("sita"),
    )

    assert [b for _, b, _ in bodies(first)] == ["Message 2", "Message 1"]
    assert first["threads"]["pageInfo"]["hasNextPage"] is True
    assert [b for _, b, _ in bodies(rest)] == ["Message 0"]
    assert rest["threads"]["pageInfo"]["hasNextPage"] is False


async def test_messages_page_back_in_time(gql: GraphQLClient, world: World) -> None:
    thread = await start(gql, world, "anna", "bo", "one")
    for body in ("two", "three"):
        await send(gql, world, "anna", body, threadId=thread)

    latest = await gql.data(MESSAGES, {"id": thread, "first": 2}, token=world.token("sita"))
    page = latest["thread"]["messages"]
    older = await gql.data(
        MESSAGES,
        {"id": thread, "first": 2, "after": page["pageInfo"]["endCursor"]},
        token=world.token("sita"),
    )

    assert [e["node"]["body"] for e in page["edges"]] == ["three", "two"]
    assert page["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "endCursor": page["pageInfo"]["endCursor"],
    }
    assert [e["node"]["body"] for e in older["thread"]["messages"]["edges"]] == ["one"]
    assert older["thread"]["messages"]["pageInfo"]["hasNextPage"] is False


async def test_marking_a_thread_read_clears_its_unread_count_and_never_goes_back(
    gql: GraphQLClient, world: World
) -> None:
    thread = await start(gql, world, "anna", "bo", "first")
    second = await send(gql, world, "anna", "second", threadId=thread)
    await send(gql, world, "anna", "third", threadId=thread)

    partly = await gql.data(
        MARK_READ,
        {"input": {"threadId": thread, "messageId": second["message"]["id"]}},
        token=world.token("sita"),
    )
    fully = await gql.data(MARK_READ, {"input": {"threadId": thread}}, token=world.token("sita"))
    backwards = await gql.data(
        MARK_READ,
        {"input": {"threadId": thread, "messageId": second["message"]["id"]}},
        token=world.token("sita"),
    )
    for_bram = await gql.data(THREADS, token=world.token("bram"))

    assert partly["markThreadRead"] == {"thread": {"unreadCount": 1}, "errors": []}
    assert fully["markThreadRead"] == {"thread": {"unreadCount": 0}, "errors": []}
    assert backwards["markThreadRead"] == {"thread": {"unreadCount": 0}, "errors": []}
    # Read markers are per account: Bram (the other guardian) has read nothing yet.
    assert bodies(for_bram) == [(None, "third", 3)]


async def test_a_message_of_another_thread_is_not_a_read_marker(
    gql: GraphQLClient, world: World
) -> None:
    thread = await start(gql, world, "anna", "bo", "mine")
    other = await send(gql, world, "carla", "other", childId=world.gid("Child", "cas"))

    data = await gql.data(
        MARK_READ,
        {"input": {"threadId": thread, "messageId": other["message"]["id"]}},
        token=world.token("sita"),
    )

    assert data["markThreadRead"]["errors"] == [
        {
            "code": "NOT_FOUND",
            "message": "No such message in this thread.",
            "field": ["input", "messageId"],
        }
    ]


async def test_staff_start_a_thread_about_a_child_of_their_group(
    gql: GraphQLClient, world: World
) -> None:
    payload = await send(
        gql, world, "sita", "Cas did great today!", childId=world.gid("Child", "cas")
    )
    carla = await gql.data(THREADS, token=world.token("carla"))

    assert payload["thread"]["group"] == {"name": "Dolfijnen"}
    assert bodies(carla) == [(None, "Cas did great today!", 1)]


async def test_sending_records_an_event_for_the_child_and_group(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    payload = await send(gql, world, "anna", "Hello", childId=world.gid("Child", "bo"))

    async with db.sessionmaker() as s:
        events = (await s.scalars(select(Event))).all()

    assert [
        (e.kind, e.organisation_id, e.child_id, e.group_id, e.location_id, e.account_id)
        for e in events
    ] == [("message.added", world.ids["zon"], world.ids["bo"], world.ids["dolfijnen"], None, None)]
    assert json.loads(events[0].payload) == {
        "threadId": payload["thread"]["id"],
        "messageId": payload["message"]["id"],
        "authorAccountId": world.people["anna"].account_id,
    }
    assert events[0].created_at == clock.now


async def test_a_child_whose_care_ended_gets_no_new_threads(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    # Dex left 3 weeks ago: Dani still sees him, but no staff would read the message.
    data = await gql.data(
        SEND,
        {"input": {"body": "Hello", "childId": world.gid("Child", "dex")}},
        token=world.token("dani"),
    )

    assert data["sendMessage"]["errors"] == [
        {
            "code": "FORBIDDEN",
            "message": "The child's care has ended; contact the location instead.",
            "field": ["input", "childId"],
        }
    ]
    assert await db.count("messages") == 0


async def test_threads_need_a_session(gql: GraphQLClient, world: World) -> None:
    result = await gql.execute(THREADS)
    sent = await gql.data(SEND, {"input": {"body": "x", "childId": world.gid("Child", "bo")}})

    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert sent["sendMessage"]["errors"][0]["code"] == "UNAUTHENTICATED"


async def test_page_arguments_are_checked(gql: GraphQLClient, world: World) -> None:
    too_many = await gql.execute(THREADS, {"first": 101}, token=world.token("anna"))
    forged = await gql.execute(
        THREADS, {"after": to_global_id("Thread", 1)}, token=world.token("anna")
    )

    assert too_many["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert forged["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_a_thread_closes_for_replies_when_the_child_has_left_its_group(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock
) -> None:
    # Written while Dex still attended Vlinders; he left 3 weeks ago.
    async with db.sessionmaker() as s:
        thread = Thread(
            organisation_id=world.ids["zon"],
            child_id=world.ids["dex"],
            group_id=world.ids["vlinders"],
            created_by_account_id=world.people["dani"].account_id,
            created_at=clock.now - timedelta(weeks=5),
            last_message_at=clock.now - timedelta(weeks=5),
        )
        s.add(thread)
        await s.commit()
    thread_id = to_global_id("Thread", thread.id)

    reply = await gql.data(
        SEND, {"input": {"body": "Still there?", "threadId": thread_id}}, token=world.token("dani")
    )
    staff = await gql.data(THREADS, token=world.token("tim"))
    dani = await gql.data(THREADS, token=world.token("dani"))

    assert reply["sendMessage"]["errors"] == [
        {
            "code": "FORBIDDEN",
            "message": "This conversation is closed: the child no longer attends this group.",
            "field": ["input", "threadId"],
        }
    ]
    assert staff["threads"]["totalCount"] == 0  # staff no longer see the child, nor the thread
    assert dani["threads"]["totalCount"] == 1  # the guardian keeps reading it for a while
