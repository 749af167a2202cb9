"""The location page over real HTTP: contact details, team, policies, newsletters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from gateway.app import create_app
from gateway.models import PolicyKind
from gateway.settings import Settings
from tests.builders import World
from tests.news_support import Content
from tests.support import FrozenClock, GraphQLClient, RunningServer, run_server

LOCATION = """
query($id: ID) {
  location(id: $id) {
    name street postcode city phone email
    groups { name }
    team { name jobTitle groups { name } }
    policies { kind title validFrom forOrganisation document { filename url } }
  }
}
"""
NEWSLETTERS = """
query($first: Int, $after: String) {
  newsletters(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { title summary scope document { filename contentType url } } }
  }
}
"""


@pytest.fixture
async def content(world: World) -> Content:
    content = Content(world)
    await content.add_noord()
    return content


async def test_a_guardian_sees_their_location_with_team_and_policies(
    gql: GraphQLClient, world: World, content: Content
) -> None:
    await content.policy("zon", "centrum", PolicyKind.SAFETY_HEALTH, "Veiligheid Centrum")
    await content.policy("zon", None, PolicyKind.PEDAGOGICAL, "Pedagogisch beleid Zon")
    await content.policy("zon", "noord", PolicyKind.SAFETY_HEALTH, "Veiligheid Noord")
    await content.policy("maan", None, PolicyKind.PEDAGOGICAL, "Pedagogisch beleid Maan")

    data = await gql.data(LOCATION, token=world.token("anna"))

    location = data["location"]
    assert location["name"] == "Centrum"
    assert location["city"] == "Utrecht"
    assert location["groups"] == [{"name": "Dolfijnen"}, {"name": "Vlinders"}]
    assert location["team"] == [
        {
            "name": "Sita Staff",
            "jobTitle": "Pedagogisch medewerker",
            "groups": [{"name": "Dolfijnen"}],
        },
        {
            "name": "Tim Staff",
            "jobTitle": "Pedagogisch medewerker",
            "groups": [{"name": "Vlinders"}],
        },
    ]
    assert [(p["kind"], p["title"], p["forOrganisation"]) for p in location["policies"]] == [
        ("PEDAGOGICAL", "Pedagogisch beleid Zon", True),
        ("SAFETY_HEALTH", "Veiligheid Centrum", False),
    ]
    assert location["policies"][1]["document"]["url"].startswith("/media/documents/zon/")


async def test_another_locations_policies_stay_hidden(
    gql: GraphQLClient, world: World, content: Content
) -> None:
    await content.policy("zon", "noord", PolicyKind.SAFETY_HEALTH, "Veiligheid Noord")
    await content.policy("zon", None, PolicyKind.PEDAGOGICAL, "Pedagogisch beleid Zon")

    noord = await gql.data(
        LOCATION, {"id": world.gid("Location", "noord")}, token=world.token("anna")
    )
    hof = await gql.data(LOCATION, {"id": world.gid("Location", "hof")}, token=world.token("anna"))
    guessed = await gql.data(LOCATION, {"id": "TG9jYXRpb246OTk5"}, token=world.token("anna"))

    # The location's public details are the organisation's, its policies only its families'.
    assert noord["location"]["name"] == "Noord"
    assert [p["title"] for p in noord["location"]["policies"]] == ["Pedagogisch beleid Zon"]
    assert hof == guessed == {"location": None}


async def test_the_viewers_locations(gql: GraphQLClient, world: World, content: Content) -> None:
    query = "{ locations { name } }"

    assert await gql.data(query, token=world.token("anna")) == {"locations": [{"name": "Centrum"}]}
    assert await gql.data(query, token=world.token("mo")) == {"locations": [{"name": "Hof"}]}
    anonymous = await gql.execute(query)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_newsletters_most_recent_first_with_pages(
    gql: GraphQLClient, world: World, content: Content
) -> None:
    now = world.now
    await content.newsletter("zon", "centrum", "Januari", now - timedelta(days=60))
    await content.newsletter("zon", None, "Februari", now - timedelta(days=30))
    await content.newsletter("zon", "centrum", "Maart", now - timedelta(days=1))
    await content.newsletter("zon", "noord", "Noord", now - timedelta(days=1))
    await content.newsletter("maan", None, "Maan", now - timedelta(days=1))
    await content.newsletter("zon", "centrum", "April", now + timedelta(days=20))
    token = world.token("anna")

    first = await gql.data(NEWSLETTERS, {"first": 2}, token=token)
    rest = await gql.data(
        NEWSLETTERS,
        {"first": 2, "after": first["newsletters"]["pageInfo"]["endCursor"]},
        token=token,
    )
    empty = await gql.data(NEWSLETTERS, {"first": 0}, token=token)

    assert [e["node"]["title"] for e in first["newsletters"]["edges"]] == ["Maart", "Februari"]
    assert first["newsletters"]["totalCount"] == 3
    assert first["newsletters"]["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["title"] for e in rest["newsletters"]["edges"]] == ["Januari"]
    assert rest["newsletters"]["pageInfo"]["hasNextPage"] is False
    assert empty["newsletters"]["edges"] == []
    letter = first["newsletters"]["edges"][1]["node"]
    assert letter["scope"] == "ORGANISATION"
    assert letter["summary"] == "Over Februari"
    assert letter["document"]["filename"] == "Februari.pdf"
    assert letter["document"]["contentType"] == "application/pdf"


@pytest.fixture
async def media_server(
    settings: Settings, tmp_path: Path, clock: FrozenClock
) -> AsyncIterator[RunningServer]:
    app = create_app(
        settings.model_copy(update={"storage_url": f"file://{tmp_path / 'media'}"}),
        clock=clock,
        background_tasks=False,
    )
    async with run_server(app, clock) as running:
        yield running


async def test_a_policy_document_is_fetched_by_its_signed_url_only(
    media_server: RunningServer, world: World, content: Content, clock: FrozenClock
) -> None:
    await content.policy("zon", "centrum", PolicyKind.SAFETY_HEALTH, "Veiligheid")
    async with httpx.AsyncClient(timeout=30, base_url=media_server.url) as http:
        client = GraphQLClient(http, media_server.graphql_url)
        data = await client.data(LOCATION, token=world.token("anna"))
        url = data["location"]["policies"][0]["document"]["url"]
        key = url.split("?")[0].removeprefix("/media/")
        await media_server.app.state.runtime.storage.put(key, b"%PDF-1.4 veiligheid")

        fetched = await http.get(url)
        tampered = await http.get(url.replace("sig=", "sig=x"))
        clock.advance(timedelta(minutes=16))
        expired = await http.get(url)

    assert fetched.status_code == 200
    assert fetched.content == b"%PDF-1.4 veiligheid"
    assert fetched.headers["content-type"] == "application/pdf"
    assert tampered.status_code == expired.status_code == 403
