"""Web Push end to end: a push service on loopback verifies VAPID and decrypts each message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from gateway.app import create_app
from gateway.jobs import push_delivery
from gateway.jobs.claims import LEASE
from gateway.jobs.push_delivery import collect, send_due
from gateway.push import SendOutcome, generate_vapid_keys, senders_from_settings
from gateway.settings import Settings
from tests.builders import World
from tests.news_support import Content
from tests.push_service import PushService, push_service
from tests.support import Database, FrozenClock, GraphQLClient, RunningServer, run_server

REGISTER = """
mutation($input: RegisterPushSubscriptionInput!) {
  registerPushSubscription(input: $input) { registered errors { code field } }
}
"""
UNREGISTER = """
mutation($endpoint: String!) {
  unregisterPushSubscription(input: {endpoint: $endpoint}) { registered errors { code field } }
}
"""
PUBLISH = """
mutation($title: String!, $location: ID) {
  publishNews(input: {title: $title, bodyHtml: "<p>Tekst</p>", locationId: $location}) {
    errors { code }
  }
}
"""
SETTINGS = """
mutation {
  updateNotificationSettings(input: {settings: [{category: NEWS, channel: PUSH, enabled: false}]}) {
    errors { code }
  }
}
"""
KEYS = generate_vapid_keys()


@pytest.fixture
def push_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"vapid_private_key": KEYS.private_key})


@pytest.fixture
async def push_server(push_settings: Settings, clock: FrozenClock) -> AsyncIterator[RunningServer]:
    app = create_app(push_settings, clock=clock, background_tasks=False)
    async with run_server(app, clock) as running:
        yield running


@pytest.fixture
async def client(push_server: RunningServer) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(timeout=30) as http:
        yield GraphQLClient(http, push_server.graphql_url)


@pytest.fixture
async def service() -> AsyncIterator[PushService]:
    async with push_service() as running:
        yield running


@pytest.fixture
async def content(world: World) -> Content:
    content = Content(world)
    await content.grant_editor("sita", None)
    await content.grant_editor("mara", None)
    return content


async def subscribe(client: GraphQLClient, service: PushService, world: World, name: str) -> None:
    data = await client.data(
        REGISTER, {"input": service.subscription(name)}, token=world.token(name)
    )
    assert data["registerPushSubscription"] == {"registered": True, "errors": []}


async def publish(client: GraphQLClient, world: World, title: str, by: str = "sita") -> None:
    data = await client.data(PUBLISH, {"title": title}, token=world.token(by))
    assert data["publishNews"]["errors"] == []


async def deliver(db: Database, settings: Settings, clock: FrozenClock) -> dict[SendOutcome, int]:
    """One round of the worker, as a fresh process would run it."""
    async with db.sessionmaker() as session:
        await collect(session, clock())
        return await send_due(session, senders_from_settings(settings), clock())


async def test_the_push_service_receives_a_signed_encrypted_message(
    client: GraphQLClient,
    world: World,
    content: Content,
    service: PushService,
    db: Database,
    push_settings: Settings,
    clock: FrozenClock,
) -> None:
    await subscribe(client, service, world, "anna")
    await subscribe(client, service, world, "mo")  # another organisation

    await publish(client, world, "Zomerfeest")
    outcome = await deliver(db, push_settings, clock)

    assert outcome[SendOutcome.SENT] == 1
    [message] = service.received
    assert message.browser == "anna"
    assert message.payload["title"] == "Nieuws"
    assert message.payload["body"] == "Zomerfeest"
    assert message.payload["kind"] == "news.published"
    assert message.claims["sub"] == "mailto:beheer@ouderportaal.nl"
    assert message.claims["k"] == KEYS.public_key
    assert message.topic is not None
    assert message.ttl == "86400"
    key = await client.data("{ webPushPublicKey }", token=world.token("anna"))
    assert key == {"webPushPublicKey": KEYS.public_key}


async def test_settings_decide_and_nothing_is_sent_twice(
    client: GraphQLClient,
    world: World,
    content: Content,
    service: PushService,
    db: Database,
    push_settings: Settings,
    clock: FrozenClock,
) -> None:
    await subscribe(client, service, world, "anna")
    await subscribe(client, service, world, "bram")
    await client.data(SETTINGS, token=world.token("bram"))

    await publish(client, world, "Eerste")
    await deliver(db, push_settings, clock)
    await deliver(db, push_settings, clock)  # a second round finds nothing new
    await publish(client, world, "Tweede")
    await deliver(db, push_settings, clock)

    assert [(m.browser, m.payload["body"]) for m in service.received] == [
        ("anna", "Eerste"),
        ("anna", "Tweede"),
    ]


async def test_a_gone_subscription_is_removed(
    client: GraphQLClient,
    world: World,
    content: Content,
    service: PushService,
    db: Database,
    push_settings: Settings,
    clock: FrozenClock,
) -> None:
    await subscribe(client, service, world, "anna")
    service.status["anna"] = 410

    await publish(client, world, "Weg")
    outcome = await deliver(db, push_settings, clock)

    assert outcome[SendOutcome.GONE] == 1
    assert await db.count("push_subscriptions") == 0
    assert await db.count("push_deliveries") == 0


async def test_failures_retry_with_back_off_across_a_restart(
    client: GraphQLClient,
    world: World,
    content: Content,
    service: PushService,
    db: Database,
    push_settings: Settings,
    clock: FrozenClock,
) -> None:
    await subscribe(client, service, world, "anna")
    service.status["anna"] = 503
    await publish(client, world, "Later")

    first = await deliver(db, push_settings, clock)
    service.status.pop("anna")
    too_soon = await deliver(db, push_settings, clock)  # a restarted worker: not due yet
    clock.advance(timedelta(seconds=30))
    later = await deliver(db, push_settings, clock)

    assert first[SendOutcome.RETRY] == 1
    assert sum(too_soon.values()) == 0
    assert later[SendOutcome.SENT] == 1
    assert service.posts == 2
    assert [m.payload["body"] for m in service.received] == ["Later"]


async def test_a_crash_after_sending_resends_under_the_same_topic(
    client: GraphQLClient,
    world: World,
    content: Content,
    service: PushService,
    db: Database,
    push_settings: Settings,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await subscribe(client, service, world, "anna")
    await publish(client, world, "Crash")

    async def crash(*_args: object) -> None:
        raise RuntimeError("the process died before recording the outcome")

    with monkeypatch.context() as patch:
        patch.setattr(push_delivery, "_record", crash)
        with pytest.raises(RuntimeError):
            await deliver(db, push_settings, clock)
    nothing_yet = await deliver(db, push_settings, clock)  # leased: not again at once
    clock.advance(LEASE)
    again = await deliver(db, push_settings, clock)

    assert sum(nothing_yet.values()) == 0
    assert again[SendOutcome.SENT] == 1
    first, second = service.received
    # RFC 8030: a message with the same Topic replaces one the service has not delivered.
    assert first.topic == second.topic
    assert await deliver(db, push_settings, clock) == dict.fromkeys(SendOutcome, 0)


async def test_registering_checks_the_subscription_and_unregistering_is_per_account(
    client: GraphQLClient, world: World, service: PushService
) -> None:
    good = service.subscription("anna")

    async def register(token: str, **changes: str) -> list[dict[str, object]]:
        data = await client.data(REGISTER, {"input": {**good, **changes}}, token=token)
        errors: list[dict[str, object]] = data["registerPushSubscription"]["errors"]
        return errors

    anna = world.token("anna")
    assert await register(anna, endpoint="ftp://push.example/x") == [
        {"code": "INVALID_INPUT", "field": ["input", "endpoint"]}
    ]
    assert await register(anna, endpoint="http://10.0.0.1/push") == [
        {"code": "INVALID_INPUT", "field": ["input", "endpoint"]}
    ]
    assert await register(anna, p256dh="AAAA") == [
        {"code": "INVALID_INPUT", "field": ["input", "p256dh"]}
    ]
    assert await register(anna, auth="AAAA") == [
        {"code": "INVALID_INPUT", "field": ["input", "auth"]}
    ]
    assert await register(anna) == []
    bram_removes = await client.data(
        UNREGISTER, {"endpoint": good["endpoint"]}, token=world.token("bram")
    )
    assert bram_removes["unregisterPushSubscription"]["errors"] == [
        {"code": "NOT_FOUND", "field": ["input", "endpoint"]}
    ]
    removed = await client.data(UNREGISTER, {"endpoint": good["endpoint"]}, token=anna)
    assert removed["unregisterPushSubscription"] == {"registered": False, "errors": []}
