"""News over real HTTP: scope, order, pages, attachments, publishing, scheduling, sanitising."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gateway.ids import to_global_id
from gateway.live import NoLivePublisher
from gateway.services.news import announce_due_news
from tests.builders import World
from tests.news_support import Content
from tests.support import Database, FrozenClock, GraphQLClient, RunningServer
from tests.ws_client import ws_connect

NEWS = """
query($first: Int, $after: String, $location: ID) {
  news(first: $first, after: $after, locationId: $location) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { node { title scope location { name } } }
  }
}
"""
ITEM = """
query($id: ID!) {
  node(id: $id) {
    ... on NewsItem {
      title bodyHtml summary publishedAt isPublished author
      attachments { filename contentType sizeBytes url downloadUrl }
    }
  }
}
"""
PUBLISH = """
mutation($input: PublishNewsInput!) {
  publishNews(input: $input) {
    newsItem { id title bodyHtml scope isPublished location { name } }
    errors { code field }
  }
}
"""
FEED = "{ notifications { edges { node { kind subject { ... on NewsItem { title } } } } } }"


@pytest.fixture
async def content(world: World) -> Content:
    content = Content(world)
    await content.add_noord()
    return content


def titles(data: dict[str, object]) -> list[str]:
    news = data["news"]
    assert isinstance(news, dict)
    return [edge["node"]["title"] for edge in news["edges"]]


async def test_guardians_see_their_location_and_organisation_news_most_recent_first(
    gql: GraphQLClient, world: World, content: Content
) -> None:
    now = world.now
    await content.news("zon", "centrum", "Centrum oud", now - timedelta(days=3))
    await content.news("zon", None, "Zon breed", now - timedelta(days=2))
    await content.news("zon", "centrum", "Centrum nieuw", now - timedelta(hours=1))
    await content.news("zon", "noord", "Noord", now - timedelta(hours=2))
    await content.news("maan", "hof", "Maan", now - timedelta(hours=2))
    await content.news("zon", "centrum", "Morgen", now + timedelta(days=1))

    anna = await gql.data(NEWS, token=world.token("anna"))
    mo = await gql.data(NEWS, token=world.token("mo"))
    tim = await gql.data(NEWS, token=world.token("tim"))

    assert titles(anna) == ["Centrum nieuw", "Zon breed", "Centrum oud"]
    assert anna["news"]["totalCount"] == 3
    assert anna["news"]["edges"][1]["node"] == {
        "title": "Zon breed",
        "scope": "ORGANISATION",
        "location": None,
    }
    assert titles(mo) == ["Maan"]
    assert titles(tim) == ["Centrum nieuw", "Zon breed", "Centrum oud"]  # staff at Centrum


async def test_pages_first_last_empty_and_maximum(
    gql: GraphQLClient, world: World, content: Content
) -> None:
    for n in range(5):
        await content.news("zon", "centrum", f"Item {n}", world.now - timedelta(hours=n + 1))
    token = world.token("anna")

    first = await gql.data(NEWS, {"first": 2}, token=token)
    middle = await gql.data(
        NEWS, {"first": 2, "after": first["news"]["pageInfo"]["endCursor"]}, token=token
    )
    last = await gql.data(
        NEWS, {"first": 2, "after": middle["news"]["pageInfo"]["endCursor"]}, token=token
    )
    maximum = await gql.data(NEWS, {"first": 100}, token=token)
    none = await gql.data(NEWS, {"first": 0}, token=token)
    too_many = await gql.execute(NEWS, {"first": 101}, token=token)
    bad_cursor = await gql.execute(NEWS, {"after": "bm9wZQ"}, token=token)
    empty = await gql.data(NEWS, token=world.token("mo"))

    assert titles(first) == ["Item 0", "Item 1"]
    assert first["news"]["pageInfo"]["hasNextPage"] is True
    assert first["news"]["pageInfo"]["hasPreviousPage"] is False
    assert titles(middle) == ["Item 2", "Item 3"]
    assert titles(last) == ["Item 4"]
    assert last["news"]["pageInfo"]["hasNextPage"] is False
    assert titles(maximum) == [f"Item {n}" for n in range(5)]
    assert titles(none) == []
    assert none["news"]["totalCount"] == 5
    assert too_many["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert bad_cursor["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert empty["news"] == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "endCursor": None},
        "edges": [],
    }


async def test_one_locations_news_and_a_foreign_location_filter(
    gql: GraphQLClient, world: World, content: Content
) -> None:
    await content.news("zon", "centrum", "Centrum", world.now - timedelta(hours=1))
    await content.news("zon", None, "Zon breed", world.now - timedelta(hours=2))
    await content.news("zon", "noord", "Noord", world.now - timedelta(hours=2))
    token = world.token("anna")

    centrum = await gql.data(NEWS, {"location": world.gid("Location", "centrum")}, token=token)
    noord = await gql.data(NEWS, {"location": world.gid("Location", "noord")}, token=token)
    guessed = await gql.data(NEWS, {"location": "Z3Vlc3M"}, token=token)

    assert titles(centrum) == ["Centrum"]
    assert titles(noord) == titles(guessed) == []


async def test_an_item_in_full_with_attachments_by_signed_url(
    gql: GraphQLClient, world: World, content: Content
) -> None:
    item = await content.news(
        "zon", "centrum", "Sinterklaas", world.now - timedelta(hours=1), attachments=2
    )

    data = await gql.data(ITEM, {"id": to_global_id("NewsItem", item)}, token=world.token("anna"))

    node = data["node"]
    assert node["title"] == "Sinterklaas"
    assert node["bodyHtml"] == "<p>Sinterklaas</p>"
    assert node["summary"] == "Sinterklaas"
    assert node["isPublished"] is True
    assert node["author"] == "Sita Staff"
    assert [a["filename"] for a in node["attachments"]] == [
        "Sinterklaas 0.pdf",
        "Sinterklaas 1.pdf",
    ]
    first = node["attachments"][0]
    assert first["contentType"] == "application/pdf"
    assert first["url"].startswith("/media/documents/zon/")
    assert "&sig=" in first["url"]
    assert "dl=Sinterklaas%200.pdf" in first["downloadUrl"]


async def test_other_locations_organisations_and_scheduled_items_look_missing(
    gql: GraphQLClient, world: World, content: Content
) -> None:
    noord = await content.news(
        "zon", "noord", "Noord", world.now - timedelta(hours=1), attachments=1
    )
    maan = await content.news("maan", "hof", "Maan", world.now - timedelta(hours=1))
    later = await content.news("zon", "centrum", "Later", world.now + timedelta(hours=1))

    for item in (noord, maan, later):
        data = await gql.data(
            ITEM, {"id": to_global_id("NewsItem", item)}, token=world.token("anna")
        )
        assert data == {"node": None}
    tim = await gql.data(ITEM, {"id": to_global_id("NewsItem", later)}, token=world.token("tim"))
    author = await gql.data(
        ITEM, {"id": to_global_id("NewsItem", later)}, token=world.token("sita")
    )
    assert tim == {"node": None}
    assert author["node"]["isPublished"] is False


async def test_an_editor_publishes_and_the_families_are_notified(
    gql: GraphQLClient, world: World, content: Content
) -> None:
    await content.grant_editor("sita", "centrum")

    data = await gql.data(
        PUBLISH,
        {
            "input": {
                "title": "  Zomerfeest  ",
                "bodyHtml": '<p onclick="steal()">Kom <b>allemaal</b>!<script>alert(1)</script>'
                '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">hier</a></p>',
                "locationId": world.gid("Location", "centrum"),
            }
        },
        token=world.token("sita"),
    )

    assert data["publishNews"]["errors"] == []
    item = data["publishNews"]["newsItem"]
    assert item["title"] == "Zomerfeest"
    assert item["bodyHtml"] == '<p>Kom <b>allemaal</b>!<a rel="noopener noreferrer">hier</a></p>'
    assert item["scope"] == "LOCATION"
    assert item["isPublished"] is True
    read_back = await gql.data(ITEM, {"id": item["id"]}, token=world.token("anna"))
    assert "<script" not in read_back["node"]["bodyHtml"]
    assert "alert" not in read_back["node"]["bodyHtml"]
    bram = await gql.data(FEED, token=world.token("bram"))
    assert bram["notifications"]["edges"] == [
        {"node": {"kind": "NEWS_PUBLISHED", "subject": {"title": "Zomerfeest"}}}
    ]
    mo = await gql.data(FEED, token=world.token("mo"))
    assert mo["notifications"]["edges"] == []


async def test_who_may_publish_where(gql: GraphQLClient, world: World, content: Content) -> None:
    await content.grant_editor("sita", "centrum")
    await content.grant_editor("mara", None)

    def draft(location: str | None) -> dict[str, object]:
        target = world.gid("Location", location) if location else None
        return {"input": {"title": "Nieuws", "bodyHtml": "<p>Tekst</p>", "locationId": target}}

    async def code(name: str, location: str | None) -> str | None:
        data = await gql.data(PUBLISH, draft(location), token=world.token(name))
        errors = data["publishNews"]["errors"]
        return errors[0]["code"] if errors else None

    assert await code("sita", "centrum") is None
    assert await code("sita", None) == "FORBIDDEN"  # location role, organisation-wide item
    assert await code("sita", "noord") == "FORBIDDEN"  # role for another location
    assert await code("tim", "centrum") == "FORBIDDEN"  # staff without the role
    assert await code("anna", "centrum") == "FORBIDDEN"  # guardians never
    assert await code("mara", "centrum") == "NOT_FOUND"  # another organisation's location
    assert await code("mara", None) is None
    assert await code("mara", "hof") is None  # an organisation role covers every location
    anonymous = await gql.data(PUBLISH, draft("centrum"))
    assert anonymous["publishNews"]["errors"] == [{"code": "UNAUTHENTICATED", "field": None}]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("title", "   ", "INVALID_INPUT"),
        ("title", "t" * 201, "INVALID_INPUT"),
        ("bodyHtml", "<script>only a script</script>", "INVALID_INPUT"),
        ("bodyHtml", "x" * 100_001, "INVALID_INPUT"),
        ("publishAt", "2027-12-01T09:00:00+01:00", "INVALID_INPUT"),
    ],
)
async def test_bad_news_input_changes_nothing(
    gql: GraphQLClient,
    world: World,
    content: Content,
    db: Database,
    field: str,
    value: str,
    code: str,
) -> None:
    await content.grant_editor("sita", "centrum")
    draft = {"title": "Nieuws", "bodyHtml": "<p>Tekst</p>", field: value}

    data = await gql.data(PUBLISH, {"input": draft}, token=world.token("sita"))

    assert data["publishNews"]["errors"] == [{"code": code, "field": ["input", field]}]
    assert await db.count("news_items") == 0


async def test_a_scheduled_item_appears_and_is_announced_at_its_moment(
    gql: GraphQLClient, world: World, content: Content, db: Database, clock: FrozenClock
) -> None:
    await content.grant_editor("sita", None)
    at = (world.now + timedelta(hours=2)).isoformat()

    data = await gql.data(
        PUBLISH,
        {"input": {"title": "Sluiting", "bodyHtml": "<p>Dicht</p>", "publishAt": at}},
        token=world.token("sita"),
    )

    assert data["publishNews"]["newsItem"]["isPublished"] is False
    assert titles(await gql.data(NEWS, token=world.token("anna"))) == []
    async with db.sessionmaker() as session:
        assert await announce_due_news(session, clock(), NoLivePublisher()) == 0
    assert (await gql.data(FEED, token=world.token("anna")))["notifications"]["edges"] == []

    clock.advance(timedelta(hours=2))
    async with db.sessionmaker() as session:
        assert await announce_due_news(session, clock(), NoLivePublisher()) == 1
        assert await announce_due_news(session, clock(), NoLivePublisher()) == 0

    assert titles(await gql.data(NEWS, token=world.token("anna"))) == ["Sluiting"]
    feed = await gql.data(FEED, token=world.token("anna"))
    assert feed["notifications"]["edges"] == [
        {"node": {"kind": "NEWS_PUBLISHED", "subject": {"title": "Sluiting"}}}
    ]


async def test_the_same_idempotency_key_publishes_once(
    gql: GraphQLClient, world: World, content: Content, db: Database
) -> None:
    await content.grant_editor("sita", "centrum")
    draft = {
        "title": "Eén keer",
        "bodyHtml": "<p>Tekst</p>",
        "locationId": world.gid("Location", "centrum"),
        "idempotencyKey": "tap-1",
    }

    first = await gql.data(PUBLISH, {"input": draft}, token=world.token("sita"))
    again = await gql.data(PUBLISH, {"input": draft}, token=world.token("sita"))

    assert first["publishNews"]["newsItem"]["id"] == again["publishNews"]["newsItem"]["id"]
    assert await db.count("news_items") == 1
    assert await db.count("events") == 1


async def test_a_published_item_arrives_on_the_live_feed(
    gql: GraphQLClient, server: RunningServer, world: World, content: Content
) -> None:
    await content.grant_editor("sita", "centrum")
    live = """
    subscription { notifications { notification { kind subject { ... on NewsItem { title } } } } }
    """
    async with ws_connect(server.url) as anna, ws_connect(server.url) as mo:
        await anna.init(world.token("anna"))
        await anna.subscribe("1", live)
        await mo.init(world.token("mo"))
        await mo.subscribe("1", live)

        await gql.data(
            PUBLISH,
            {
                "input": {
                    "title": "Live",
                    "bodyHtml": "<p>Nu</p>",
                    "locationId": world.gid("Location", "centrum"),
                }
            },
            token=world.token("sita"),
        )

        assert await anna.next_data() == {
            "notifications": {
                "notification": {"kind": "NEWS_PUBLISHED", "subject": {"title": "Live"}}
            }
        }
        await mo.subscribe("q", "{ me { email } }")  # Maan's parent hears nothing of it
        assert await mo.next_data() == {"me": {"email": "anna@example.nl"}}
