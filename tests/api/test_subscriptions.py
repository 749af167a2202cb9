"""Live subscriptions over real WebSockets, in both protocols."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete

from gateway.app import create_app
from gateway.live import Audience, events
from gateway.models import Account, StaffGroup
from gateway.services.accounts import issue_token
from gateway.settings import Settings
from tests.builders import World
from tests.support import FrozenClock, GraphQLClient, RunningServer, run_server
from tests.ws_client import LEGACY, TRANSPORT, ws_connect

SEND = """
mutation($input: SendMessageInput!) {
  sendMessage(input: $input) { message { id } thread { id } errors { code message } }
}
"""
MESSAGES = """
subscription($after: String, $threadId: ID) {
  messageAdded(after: $after, threadId: $threadId) {
    cursor message { body author { name } } thread { child { name } }
  }
}
"""
FEED = (
    "subscription($after: String) { notifications(after: $after) { cursor notification { kind } } }"
)


async def send(gql: GraphQLClient, world: World, who: str, body: str, **target: str) -> dict:
    data = await gql.data(SEND, {"input": {"body": body, **target}}, token=world.token(who))
    assert data["sendMessage"]["errors"] == []
    return data["sendMessage"]


async def news_for(server: RunningServer, world: World, org: str) -> None:
    """An organisation-wide event: a marker every viewer of that organisation may see."""
    async with world.db.sessionmaker() as session:
        event = await events.record(
            session, "news.published", Audience(organisation_id=world.ids[org]), {}, server.clock()
        )
        await session.commit()
    await server.app.state.hub.publish([event])


@pytest.mark.parametrize("protocol", [TRANSPORT, LEGACY])
async def test_a_new_message_reaches_both_guardians_live(
    gql: GraphQLClient, server: RunningServer, world: World, protocol: str
) -> None:
    async with ws_connect(server.url, protocol) as anna, ws_connect(server.url, protocol) as bram:
        assert (await anna.init(world.token("anna")))["type"] == "connection_ack"
        assert (await bram.init(world.token("bram")))["type"] == "connection_ack"
        await anna.subscribe("1", MESSAGES)
        await bram.subscribe("m", MESSAGES)

        sent = await send(gql, world, "sita", "Bo heeft koorts", childId=world.gid("Child", "bo"))

        expected = {
            "messageAdded": {
                "cursor": "1",
                "message": {"body": "Bo heeft koorts", "author": {"name": "Sita Staff"}},
                "thread": {"child": {"name": "Bo Vos"}},
            }
        }
        assert await anna.next_data() == expected
        assert await bram.next_data() == expected
        assert sent["message"]["id"]


async def test_others_never_receive_a_message_not_theirs(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    observers = ["carla", "tim", "mara"]
    async with (
        ws_connect(server.url) as carla,
        ws_connect(server.url) as tim,
        ws_connect(server.url) as mara,
    ):
        clients = dict(zip(observers, [carla, tim, mara], strict=True))
        for name, client in clients.items():
            assert (await client.init(world.token(name)))["type"] == "connection_ack"
            await client.subscribe("feed", FEED)

        await send(gql, world, "anna", "Bo is ziek", childId=world.gid("Child", "bo"))
        await news_for(server, world, "zon")
        await news_for(server, world, "maan")

        # Events reach each subscriber in order: the first thing each sees is its marker.
        for client in clients.values():
            data = await client.next_data()
            assert data["notifications"]["notification"]["kind"] == "NEWS_PUBLISHED"


async def test_a_thread_filter_delivers_only_that_thread(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    first = await send(gql, world, "sita", "Eerste draad", childId=world.gid("Child", "bo"))
    async with ws_connect(server.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("1", MESSAGES, {"threadId": first["thread"]["id"]})

        await send(gql, world, "sita", "Andere draad", childId=world.gid("Child", "bo"))
        await send(gql, world, "sita", "Antwoord", threadId=first["thread"]["id"])

        data = await anna.next_data()
        assert data["messageAdded"]["message"]["body"] == "Antwoord"


async def test_a_reconnecting_client_gets_exactly_what_it_missed(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    bo = world.gid("Child", "bo")
    async with ws_connect(server.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("1", MESSAGES)
        await send(gql, world, "sita", "een", childId=bo)
        cursor = (await anna.next_data())["messageAdded"]["cursor"]

    await send(gql, world, "sita", "twee", childId=bo)
    await send(gql, world, "anna", "drie", childId=bo)

    async with ws_connect(server.url, LEGACY) as again:
        await again.init(world.token("anna"))
        await again.subscribe("1", MESSAGES, {"after": cursor})
        missed = [(await again.next_data())["messageAdded"]["message"]["body"] for _ in range(2)]
        await send(gql, world, "sita", "vier", childId=bo)
        live = (await again.next_data())["messageAdded"]["message"]["body"]

    assert missed == ["twee", "drie"]
    assert live == "vier"


async def test_a_bad_token_is_refused_with_4403(server: RunningServer, world: World) -> None:
    async with ws_connect(server.url) as client:
        await client.send(
            {"type": "connection_init", "payload": {"Authorization": "Bearer op_nope"}}
        )
        assert await client.closed() == (4403, "Forbidden")


async def test_subscribing_before_init_is_refused_with_4401(server: RunningServer) -> None:
    async with ws_connect(server.url) as client:
        await client.subscribe("1", MESSAGES)
        assert await client.closed() == (4401, "Unauthorized")


async def test_logout_ends_the_socket(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    async with ws_connect(server.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("1", MESSAGES)

        await gql.data("mutation { logout { revokedSessions } }", token=world.token("anna"))

        assert await anna.closed() == (4403, "Forbidden")


async def test_an_expiring_token_ends_the_socket(server: RunningServer, world: World) -> None:
    async with world.db.sessionmaker() as session:
        account = await session.get(Account, world.people["anna"].account_id)
        assert account is not None
        login = await issue_token(session, account, server.clock(), timedelta(milliseconds=300))
        await session.commit()

    async with ws_connect(server.url) as anna:
        assert (await anna.init(login.token))["type"] == "connection_ack"
        assert await anna.closed() == (4403, "Session expired")


async def test_queries_run_over_the_socket_too(server: RunningServer, world: World) -> None:
    async with ws_connect(server.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("q", "{ me { email } }")

        assert await anna.next_data() == {"me": {"email": "anna@example.nl"}}
        assert await anna.receive() == {"type": "complete", "id": "q"}


async def test_the_live_feed_follows_the_in_app_settings(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    settings = {"category": "MESSAGES", "channel": "IN_APP", "enabled": False}
    await gql.data(
        "mutation($input: UpdateNotificationSettingsInput!) "
        "{ updateNotificationSettings(input: $input) { errors { code } } }",
        {"input": {"settings": [settings]}},
        token=world.token("anna"),
    )
    async with ws_connect(server.url) as anna, ws_connect(server.url) as bram:
        for client, name in ((anna, "anna"), (bram, "bram")):
            await client.init(world.token(name))
            await client.subscribe("feed", FEED)

        await send(gql, world, "sita", "Bo heeft gegeten", childId=world.gid("Child", "bo"))
        await news_for(server, world, "zon")

        assert (await bram.next_data())["notifications"]["notification"]["kind"] == "MESSAGE_ADDED"
        assert (await anna.next_data())["notifications"]["notification"]["kind"] == "NEWS_PUBLISHED"


async def test_the_live_feed_leaves_out_your_own_messages(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    async with ws_connect(server.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("feed", FEED)

        await send(gql, world, "anna", "Bo komt later", childId=world.gid("Child", "bo"))
        await news_for(server, world, "zon")

        assert (await anna.next_data())["notifications"]["notification"]["kind"] == "NEWS_PUBLISHED"


async def test_delivery_works_under_another_websocket_implementation(
    gql: GraphQLClient, settings: Settings, clock: FrozenClock, world: World
) -> None:
    # Not uvicorn's sans-I/O protocol: frames go the ordinary ASGI way, not pre-encoded.
    app = create_app(settings, clock=clock, background_tasks=False)
    async with run_server(app, clock, ws="wsproto") as other, ws_connect(other.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("1", MESSAGES)
        data = await gql.data(
            SEND, {"input": {"body": "Via elders", "childId": world.gid("Child", "bo")}},
            token=world.token("sita"),
        )  # fmt: skip
        # Written through the shared server; this one reads it when woken.
        other.app.state.hub.resync_all()
        received = await anna.next_data()

    assert data["sendMessage"]["errors"] == []
    assert received["messageAdded"]["message"]["body"] == "Via elders"


async def test_a_staff_member_moved_out_of_a_group_stops_hearing_of_it(
    gql: GraphQLClient, server: RunningServer, world: World, clock: FrozenClock
) -> None:
    bo = world.gid("Child", "bo")
    async with ws_connect(server.url) as sita:
        await sita.init(world.token("sita"))
        await sita.subscribe("1", MESSAGES)
        async with world.db.sessionmaker() as session:
            await session.execute(delete(StaffGroup))
            await session.commit()
        clock.advance(timedelta(minutes=6))

        # Judged by the old scope, so delivered; but loaded fresh, so its content is not shown.
        await send(gql, world, "anna", "al verborgen", childId=bo)
        assert (await sita.next_data())["messageAdded"]["message"] is None
        [connection] = server.app.state.hub.listeners_of(world.ids["zon"])
        if connection.reloading is not None:
            await connection.reloading
        await send(gql, world, "anna", "niet meer", childId=bo)
        await news_for(server, world, "zon")
        await sita.subscribe("feed", FEED)
        await news_for(server, world, "zon")

        first = await sita.next_data()
        assert "notifications" in first  # the message about Bo was not delivered


async def test_documents_over_the_socket_have_the_http_limits(
    server: RunningServer, world: World
) -> None:
    deep = "{ me { " + "guardian { children { " * 8 + "name" + " } }" * 8 + " } }"
    async with ws_connect(server.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("deep", deep)
        refused = await anna.receive()

    assert refused["type"] == "error"
    assert refused["id"] == "deep"
    assert refused["payload"][0]["message"] == "The document nests fields more than 15 levels deep."
