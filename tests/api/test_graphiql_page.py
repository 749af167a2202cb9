"""The GraphiQL page and its pinned assets over HTTP: nothing from a CDN, integrity that holds."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.app import create_app
from gateway.settings import Settings
from gateway.web.graphiql import ASSETS
from tests.support import FrozenClock, RunningServer, run_server

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

HTML = {"Accept": "text/html"}


@pytest.fixture
async def http(
    settings: Settings, clock: FrozenClock
) -> AsyncIterator[tuple[RunningServer, httpx.AsyncClient]]:
    app = create_app(
        settings.model_copy(update={"graphiql": True}), clock=clock, background_tasks=False
    )
    async with run_server(app, clock) as server, httpx.AsyncClient(base_url=server.url) as client:
        yield server, client


def sha384(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


async def test_the_page_loads_only_the_gateways_own_files_with_their_hashes(
    http: tuple[RunningServer, httpx.AsyncClient],
) -> None:
    _, client = http
    page = await client.get("/graphql", headers=HTML)
    assert page.status_code == 200
    assert "<title>Ouderportaal GraphiQL</title>" in page.text
    sources = re.findall(r'(?:src|href)="([^"]+)" integrity="([^"]+)"', page.text)
    assert len(sources) == 4  # React, ReactDOM, GraphiQL's script and its style sheet
    for path, integrity in sources:
        assert path.startswith("/graphiql/")
        asset = await client.get(path)
        assert asset.status_code == 200
        assert sha384(asset.content) == integrity
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert not re.search(r"https?://", page.text.split("<script id=")[0])


async def test_the_page_allows_no_script_from_elsewhere(
    http: tuple[RunningServer, httpx.AsyncClient],
) -> None:
    _, client = http
    first = await client.get("/graphql", headers=HTML)
    second = await client.get("/graphql", headers=HTML)
    policy = first.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce is not None
    assert f'<script nonce="{nonce.group(1)}">' in first.text
    assert second.headers["content-security-policy"] != policy  # a fresh nonce each time
    assert first.headers["x-content-type-options"] == "nosniff"


async def test_assets_are_compressed_and_revalidated(
    http: tuple[RunningServer, httpx.AsyncClient],
) -> None:
    _, client = http
    manifest = json.loads((ASSETS / "manifest.json").read_text())
    name = next(
        a["file"] for a in manifest if a["package"] == "graphiql" and a["file"].endswith(".js")
    )
    raw = await client.get(f"/graphiql/{name}", headers={"Accept-Encoding": "identity"})
    zipped = await client.get(f"/graphiql/{name}", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in raw.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert len(zipped.content) == len(raw.content)  # httpx decoded it again
    assert int(zipped.headers["content-length"]) < len(raw.content) / 2
    again = await client.get(f"/graphiql/{name}", headers={"If-None-Match": raw.headers["etag"]})
    assert again.status_code == 304
    assert (await client.get("/graphiql/../settings.py")).status_code == 404
    assert (await client.get("/graphiql/unknown.js")).status_code == 404


async def test_without_graphiql_neither_page_nor_assets(
    settings: Settings, clock: FrozenClock
) -> None:
    app = create_app(
        settings.model_copy(update={"graphiql": False}), clock=clock, background_tasks=False
    )
    async with run_server(app, clock) as server, httpx.AsyncClient(base_url=server.url) as client:
        assert (await client.get("/graphql", headers=HTML)).status_code == 404
        manifest = json.loads((ASSETS / "manifest.json").read_text())
        assert (await client.get(f"/graphiql/{manifest[0]['file']}")).status_code == 404
