"""Browser clients: CORS preflights, the WebSocket Origin allow-list and security headers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from gateway.app import create_app
from gateway.settings import Settings
from gateway.web.graphiql import ASSETS
from tests.builders import World
from tests.support import FrozenClock, GraphQLClient, RunningServer, run_server
from tests.ws_client import ws_connect

APP = "https://app.example"
FOREIGN = "https://evil.example"
UPLOAD_HEADERS = "authorization, content-type, graphql-require-preflight"


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": UPLOAD_HEADERS,
    }


@pytest.fixture
async def configured(
    settings: Settings, clock: FrozenClock
) -> AsyncIterator[tuple[RunningServer, httpx.AsyncClient]]:
    """A production-like server allowing one frontend origin."""
    app = create_app(
        settings.model_copy(update={"cors_origins": f"{APP}, https://beta.app.example"}),
        clock=clock,
        background_tasks=False,
    )
    async with run_server(app, clock) as server, httpx.AsyncClient(base_url=server.url) as client:
        yield server, client


async def test_a_preflight_is_answered_for_an_allowed_origin_and_refused_for_a_foreign_one(
    configured: tuple[RunningServer, httpx.AsyncClient],
) -> None:
    _, client = configured

    response = await client.options("/graphql", headers=preflight(APP))
    foreign = await client.options("/graphql", headers=preflight(FOREIGN))

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == APP
    allowed = {
        h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")
    }
    assert {"authorization", "content-type", "graphql-require-preflight"} <= allowed
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in response.headers  # bearer tokens, no cookies
    assert foreign.status_code == 400
    assert "access-control-allow-origin" not in foreign.headers


async def test_an_allowed_origin_may_read_the_answer_and_its_request_id(
    configured: tuple[RunningServer, httpx.AsyncClient],
) -> None:
    _, client = configured
    body = {"query": "{ me { email } }"}

    allowed = await client.post("/graphql", json=body, headers={"Origin": APP})
    foreign = await client.post("/graphql", json=body, headers={"Origin": FOREIGN})

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == APP
    assert "X-Request-ID" in allowed.headers["access-control-expose-headers"]
    assert {"accept", "origin"} <= {v.strip().lower() for v in allowed.headers["vary"].split(",")}
    assert "access-control-allow-origin" not in foreign.headers  # the browser hides the answer


async def test_without_configured_origins_no_origin_is_allowed_outside_development(
    gql: GraphQLClient,
) -> None:
    response = await gql.http.options(gql.url, headers=preflight("http://localhost:5173"))

    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_development_allows_local_dev_servers_only(
    settings: Settings, clock: FrozenClock
) -> None:
    development = settings.model_copy(update={"environment": "development"})
    app = create_app(development, clock=clock, background_tasks=False)
    async with run_server(app, clock) as server, httpx.AsyncClient(base_url=server.url) as client:
        vite = await client.options("/graphql", headers=preflight("http://localhost:5173"))
        cra = await client.options("/graphql", headers=preflight("http://127.0.0.1:3000"))
        foreign = await client.options("/graphql", headers=preflight(FOREIGN))

    assert vite.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert cra.headers["access-control-allow-origin"] == "http://127.0.0.1:3000"
    assert foreign.status_code == 400


async def test_a_socket_from_a_foreign_origin_is_refused(
    configured: tuple[RunningServer, httpx.AsyncClient], world: World
) -> None:
    server, _ = configured

    with pytest.raises(InvalidStatus) as refused:
        async with ws_connect(server.url, origin=FOREIGN):
            pass

    assert refused.value.response.status_code == 403


@pytest.mark.parametrize("origin", [APP, None, "own"], ids=["allowed", "native-app", "own-page"])
async def test_a_socket_from_an_allowed_origin_or_without_one_is_served(
    configured: tuple[RunningServer, httpx.AsyncClient], world: World, origin: str | None
) -> None:
    server, _ = configured
    options = {} if origin is None else {"origin": server.url if origin == "own" else origin}

    async with ws_connect(server.url, **options) as anna:
        ack = await anna.init(world.token("anna"))
        await anna.subscribe("me", "{ me { email } }")
        data = await anna.next_data()

    assert ack["type"] == "connection_ack"
    assert data["me"]["email"]


async def test_api_answers_carry_security_headers_and_no_server_banner(
    gql: GraphQLClient, world: World
) -> None:
    ok = await gql.http.post(gql.url, json={"query": "{ me { email } }"})
    refused = await gql.http.put(gql.url)
    health = await gql.http.get(gql.url.replace("/graphql", "/healthz"))

    for response in (ok, refused, health):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
        assert "server" not in response.headers
    assert refused.status_code == 405


async def test_graphiql_and_media_keep_their_own_headers(
    settings: Settings, clock: FrozenClock
) -> None:
    app = create_app(
        settings.model_copy(update={"graphiql": True}), clock=clock, background_tasks=False
    )
    asset = json.loads((ASSETS / "manifest.json").read_text())[0]["file"]
    async with run_server(app, clock) as server, httpx.AsyncClient(base_url=server.url) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        script = await client.get(f"/graphiql/{asset}")
        media = await client.get("/media/nothing-here")

    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert media.status_code == 403  # unsigned
    assert media.headers["content-security-policy"] == "default-src 'none'; img-src 'self'; sandbox"
    assert "referrer-policy" not in media.headers  # /media answers for itself
