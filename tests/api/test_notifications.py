"""The notification feed: what concerns the viewer, as their settings allow, with unread state."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from gateway.live import Audience, events
from tests.api.messaging import send, start
from tests.builders import World
from tests.support import Database, FrozenClock, GraphQLClient

FEED = """
query($first: Int, $after: String) {
  notifications(first: $first, after: $after) {
    totalCount unreadCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id kind category isRead child { name } group { name } thread { id }
      subject { __typename ... on Message { body author { name } } }
    } }
  }
}
"""
MARK = """
mutation($input: MarkNotificationsReadInput!) {
  markNotificationsRead(input: $input) { unreadCount errors { code message field } }
}
"""
SETTINGS = "{ notificationSettings { category channel enabled } }"
UPDATE = """
mutation($input: UpdateNotificationSettingsInput!) {
  updateNotificationSettings(input: $input) {
    settings { category channel enabled }
    errors { code message field }
  }
}
"""


def kinds(data: dict[str, Any]) -> list[str]:
    return [e["node"]["kind"] for e in data["notifications"]["edges"]]


async def record(db: Database, world: World, kind: str, audience: Audience) -> None:
    """An event as another feature (news, diary, requests) would record it."""
    async with db.sessionmaker() as s:
        await events.record(s, kind, audience, {}, world.now)
        await s.commit()


async def test_a_new_message_reaches_the_other_side_but_not_its_author(
    gql: GraphQLClient, world: World
) -> None:
    thread = await start(gql, world, "anna", "bo", "Bo has a fever")

    sita = await gql.data(FEED, token=world.token("sita"))
    bram = await gql.data(FEED, token=world.token("bram"))
    anna = await gql.data(FEED, token=world.token("anna"))

    node = sita["notifications"]["edges"][0]["node"]
    assert node == {
        "id": node["id"],
        "kind": "MESSAGE_ADDED",
        "category": "MESSAGES",
        "isRead": False,
        "child": {"name": "Bo Vos"},
        "group": {"name": "Dolfijnen"},
        "thread": {"id": thread},
        "subject": {
            "__typename": "Message",
            "body": "Bo has a fever",
            "author": {"name": "Anna Vos"},
        },
    }
    assert (sita["notifications"]["totalCount"], sita["notifications"]["unreadCount"]) == (1, 1)
    assert kinds(bram) == ["MESSAGE_ADDED"]  # the other guardian is told too
    assert kinds(anna) == []


@pytest.mark.parametrize("viewer", ["carla", "dani", "tim", "mo", "mara"])
async def test_others_are_never_told(gql: GraphQLClient, world: World, viewer: str) -> None:
    await start(gql, world, "anna", "bo", "Bo has a fever")

    data = await gql.data(FEED, token=world.token(viewer))

    assert data["notifications"]["totalCount"] == 0
    assert data["notifications"]["unreadCount"] == 0


async def test_the_feed_holds_every_kind_that_concerns_the_viewer_newest_first(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    zon, ids = world.ids["zon"], world.ids
    await record(db, world, "news.published", Audience(zon))
    await record(db, world, "diary.added", Audience(zon, child_id=ids["bo"]))
    await record(db, world, "photo.added", Audience(zon, group_id=ids["vlinders"]))
    await record(
        db,
        world,
        "request.status_changed",
        Audience(zon, account_id=world.people["anna"].account_id),
    )
    await record(
        db,
        world,
        "request.status_changed",
        Audience(zon, account_id=world.people["bram"].account_id),
    )
    await record(db, world, "news.published", Audience(world.ids["maan"]))
    await record(
        db, world, "thread.archived", Audience(zon, child_id=ids["bo"])
    )  # not a notification

    anna = await gql.data(FEED, token=world.token("anna"))
    carla = await gql.data(FEED, token=world.token("carla"))

    assert kinds(anna) == ["REQUEST_STATUS_CHANGED", "DIARY_ADDED", "NEWS_PUBLISHED"]
    assert kinds(carla) == ["NEWS_PUBLISHED"]


async def test_in_app_settings_filter_the_feed(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    await record(db, world, "news.published", Audience(world.ids["zon"]))
    await start(gql, world, "anna", "bo", "Hello")

    update = await gql.data(
        UPDATE,
        {"input": {"settings": [{"category": "NEWS", "channel": "IN_APP", "enabled": False}]}},
        token=world.token("sita"),
    )
    sita = await gql.data(FEED, token=world.token("sita"))
    bram = await gql.data(FEED, token=world.token("bram"))

    assert {"category": "NEWS", "channel": "IN_APP", "enabled": False} in update[
        "updateNotificationSettings"
    ]["settings"]
    assert kinds(sita) == ["MESSAGE_ADDED"]
    assert kinds(bram) == ["MESSAGE_ADDED", "NEWS_PUBLISHED"]  # settings are per account


async def test_settings_have_defaults_and_keep_changes(gql: GraphQLClient, world: World) -> None:
    before = await gql.data(SETTINGS, token=world.token("anna"))
    await gql.data(
        UPDATE,
        {
            "input": {
                "settings": [
                    {"category": "NEWS", "channel": "PUSH", "enabled": False},
                    {"category": "MESSAGES", "channel": "EMAIL", "enabled": True},
                ]
            }
        },
        token=world.token("anna"),
    )
    after = await gql.data(SETTINGS, token=world.token("anna"))
    bram = await gql.data(SETTINGS, token=world.token("bram"))

    def enabled(data: dict[str, Any]) -> set[tuple[str, str]]:
        return {(s["category"], s["channel"]) for s in data["notificationSettings"] if s["enabled"]}

    everything_in_app_and_push = {
        (category, channel)
        for category in ("MESSAGES", "DIARY_PHOTOS", "NEWS", "REQUEST_STATUS")
        for channel in ("IN_APP", "PUSH")
    }
    assert len(before["notificationSettings"]) == 12
    assert enabled(before) == everything_in_app_and_push | {("REQUEST_STATUS", "EMAIL")}
    assert enabled(after) == enabled(before) - {("NEWS", "PUSH")} | {("MESSAGES", "EMAIL")}
    assert enabled(bram) == enabled(before)


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ([], ["input", "settings"]),
        (
            [
                {"category": "NEWS", "channel": "PUSH", "enabled": False},
                {"category": "NEWS", "channel": "PUSH", "enabled": True},
            ],
            ["input", "settings", "1"],
        ),
    ],
)
async def test_bad_setting_changes_change_nothing(
    gql: GraphQLClient, world: World, db: Database, settings: list[Any], field: list[str]
) -> None:
    data = await gql.data(UPDATE, {"input": {"settings": settings}}, token=world.token("anna"))

    assert data["updateNotificationSettings"]["settings"] is None
    assert data["updateNotificationSettings"]["errors"][0]["code"] == "INVALID_INPUT"
    assert data["updateNotificationSettings"]["errors"][0]["field"] == field
    assert await db.count("notification_settings") == 0


async def test_marking_read_up_to_a_notification_and_never_back(
    gql: GraphQLClient, world: World, clock: FrozenClock
) -> None:
    thread = await start(gql, world, "anna", "bo", "one")
    for body in ("two", "three"):
        clock.advance(timedelta(minutes=1))
        await send(gql, world, "anna", body, threadId=thread)
    feed = await gql.data(FEED, token=world.token("sita"))
    middle = feed["notifications"]["edges"][1]["node"]["id"]

    partly = await gql.data(MARK, {"input": {"upTo": middle}}, token=world.token("sita"))
    after_partly = await gql.data(FEED, token=world.token("sita"))
    everything = await gql.data(MARK, {"input": {}}, token=world.token("sita"))
    back = await gql.data(MARK, {"input": {"upTo": middle}}, token=world.token("sita"))
    bram = await gql.data(FEED, token=world.token("bram"))

    assert partly["markNotificationsRead"] == {"unreadCount": 1, "errors": []}
    assert [e["node"]["isRead"] for e in after_partly["notifications"]["edges"]] == [
        False,
        True,
        True,
    ]
    assert everything["markNotificationsRead"] == {"unreadCount": 0, "errors": []}
    assert back["markNotificationsRead"] == {"unreadCount": 0, "errors": []}
    assert bram["notifications"]["unreadCount"] == 3


async def test_a_foreign_notification_cannot_be_marked_or_fetched(
    gql: GraphQLClient, world: World
) -> None:
    await start(gql, world, "anna", "bo", "one")
    feed = await gql.data(FEED, token=world.token("sita"))
    notification = feed["notifications"]["edges"][0]["node"]["id"]

    marked = await gql.data(MARK, {"input": {"upTo": notification}}, token=world.token("carla"))
    node = await gql.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": notification}, token=world.token("tim")
    )

    assert marked["markNotificationsRead"] == {
        "unreadCount": None,
        "errors": [
            {"code": "NOT_FOUND", "message": "No such notification.", "field": ["input", "upTo"]}
        ],
    }
    assert node == {"node": None}


async def test_the_notification_of_ones_own_message_cannot_be_marked_or_fetched(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    thread = await start(gql, world, "anna", "bo", "one")
    await send(gql, world, "bram", "two", threadId=thread)
    feed = await gql.data(FEED, token=world.token("sita"))
    own, other = [e["node"]["id"] for e in reversed(feed["notifications"]["edges"])]

    marked = await gql.data(MARK, {"input": {"upTo": own}}, token=world.token("anna"))
    node = await gql.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": own}, token=world.token("anna")
    )
    anna = await gql.data(FEED, token=world.token("anna"))

    assert marked["markNotificationsRead"] == {
        "unreadCount": None,
        "errors": [
            {"code": "NOT_FOUND", "message": "No such notification.", "field": ["input", "upTo"]}
        ],
    }
    assert node == {"node": None}
    assert await db.count("notification_markers") == 0
    assert [e["node"]["id"] for e in anna["notifications"]["edges"]] == [other]
    assert anna["notifications"]["unreadCount"] == 1


async def test_the_feed_pages_by_cursor(gql: GraphQLClient, world: World) -> None:
    thread = await start(gql, world, "anna", "bo", "one")
    await send(gql, world, "anna", "two", threadId=thread)
    await send(gql, world, "anna", "three", threadId=thread)

    first = await gql.data(FEED, {"first": 2}, token=world.token("sita"))
    rest = await gql.data(
        FEED,
        {"first": 2, "after": first["notifications"]["pageInfo"]["endCursor"]},
        token=world.token("sita"),
    )

    def subjects(data: dict[str, Any]) -> list[str]:
        return [e["node"]["subject"]["body"] for e in data["notifications"]["edges"]]

    assert subjects(first) == ["three", "two"]
    assert first["notifications"]["pageInfo"]["hasNextPage"] is True
    assert subjects(rest) == ["one"]
    assert rest["notifications"]["totalCount"] == 3


async def test_the_feed_needs_a_session(gql: GraphQLClient, world: World) -> None:
    result = await gql.execute(FEED)
    marked = await gql.data(MARK, {"input": {}})

    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert marked["markNotificationsRead"]["errors"][0]["code"] == "UNAUTHENTICATED"
