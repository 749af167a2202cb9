"""Trusted-documents mode over real HTTP: only operations registered with
`ouderportaal register-operations` (Apollo's and Relay's manifests) run."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.settings import Settings
from tests.api.test_subscriptions import FEED, news_for
from tests.builders import World
from tests.support import Database, FrozenClock, RunningServer, answer, run_server
from tests.ws_client import ws_connect

MODERN = {"Accept": "application/graphql-response+json"}
APOLLO_BODY = "query ApolloRegistered { __typename }"
RELAY_SHA_BODY = "query RelayBySha { __typename }"
RELAY_MD5_BODY = "query RelayByMd5 { __typename }"
UNREGISTERED = "query NotRegistered { __typename }"
RAN = {"data": {"__typename": "Query"}}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


APOLLO_MANIFEST = {
    "format": "apollo-persisted-query-manifest",
    "version": 1,
    "operations": [
        {"id": _sha(APOLLO_BODY), "name": "ApolloRegistered", "type": "query", "body": APOLLO_BODY}
    ],
}
RELAY_MANIFEST = {
    _sha(RELAY_SHA_BODY): RELAY_SHA_BODY,
    _md5(RELAY_MD5_BODY): RELAY_MD5_BODY,
    "feed-subscription": FEED,  # a custom persister's id: taken as given
}


async def register(database_url: str, manifest: Path) -> tuple[int, str, str]:
    """`ouderportaal register-operations` as an operator runs it, in a process of its own."""
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "ouderportaal"),
        "register-operations",
        str(manifest),
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _write(folder: Path, name: str, content: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


@pytest.fixture
async def trusted(
    db: Database, settings: Settings, clock: FrozenClock, tmp_path: Path
) -> AsyncIterator[RunningServer]:
    for name, manifest in (("apollo.json", APOLLO_MANIFEST), ("relay.json", RELAY_MANIFEST)):
        code, out, err = await register(db.url, _write(tmp_path, name, manifest))
        assert code == 0, err
        count = len(manifest.get("operations", manifest))
        assert out == f"registered {count} new operations; 0 were registered already\n"
    assert await db.count("registered_operations") == 4
    # Registering again adds nothing and is no error.
    code, out, _ = await register(db.url, tmp_path / "relay.json")
    assert (code, out) == (0, "registered 0 new operations; 3 were registered already\n")
    on = settings.model_copy(update={"trusted_documents": True})
    async with run_server(create_app(on, clock=clock, background_tasks=False), clock) as server:
        yield server


async def _post(server: RunningServer, body: dict[str, Any]) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.post(server.graphql_url, json=body, headers=MODERN)


def _refused(response: httpx.Response) -> bool:
    codes = [e.get("extensions", {}).get("code") for e in answer(response).get("errors", [])]
    return response.status_code == 400 and codes == ["PERSISTED_QUERY_NOT_ALLOWED"]


async def test_only_registered_operations_run(trusted: RunningServer) -> None:
    assert _refused(await _post(trusted, {"query": UNREGISTERED}))
    # Automatic persisting registers nothing in this mode.
    apq = {"persistedQuery": {"version": 1, "sha256Hash": _sha(UNREGISTERED)}}
    assert _refused(await _post(trusted, {"query": UNREGISTERED, "extensions": apq}))
    assert _refused(await _post(trusted, {"extensions": apq}))
    assert _refused(await _post(trusted, {"documentId": "no-such-id"}))

    # Apollo's manifest: by `extensions.persistedQuery`, or the registered text itself.
    registered = {"persistedQuery": {"version": 1, "sha256Hash": _sha(APOLLO_BODY)}}
    assert answer(await _post(trusted, {"extensions": registered})) == RAN
    assert answer(await _post(trusted, {"query": APOLLO_BODY})) == RAN
    # Relay's: by `documentId` (or `id`), over POST and GET.
    assert answer(await _post(trusted, {"documentId": _sha(RELAY_SHA_BODY)})) == RAN
    assert answer(await _post(trusted, {"id": _md5(RELAY_MD5_BODY)})) == RAN
    async with httpx.AsyncClient() as http:
        got = await http.get(trusted.graphql_url, params={"documentId": _md5(RELAY_MD5_BODY)})
    assert answer(got) == RAN
    # An id does not lend its permission to another text.
    other = {"documentId": _md5(RELAY_MD5_BODY), "query": UNREGISTERED}
    assert _refused(await _post(trusted, other))


async def test_sockets_run_only_registered_subscriptions(
    trusted: RunningServer, world: World
) -> None:
    async with ws_connect(trusted.url) as anna:
        await anna.init(world.token("anna"))
        await anna.subscribe("other", FEED.replace("cursor", "cursor cursor"), {"after": "0"})
        refused = await anna.receive()
        assert refused["type"] == "error"
        assert refused["payload"][0]["extensions"] == {"code": "PERSISTED_QUERY_NOT_ALLOWED"}
        await anna.subscribe("feed", FEED, {"after": "0"})
        await anna.sync()
        await news_for(trusted, world, "zon")
        assert (await anna.next_data())["notifications"]["notification"]["kind"]


async def test_a_manifest_with_a_wrong_id_registers_nothing(db: Database, tmp_path: Path) -> None:
    wrong = {
        **APOLLO_MANIFEST,
        "operations": [
            *APOLLO_MANIFEST["operations"],  # type: ignore[misc]
            {"id": _sha(UNREGISTERED), "name": "X", "type": "query", "body": RELAY_SHA_BODY},
        ],
    }
    code, out, err = await register(db.url, _write(tmp_path, "wrong.json", wrong))
    assert code == 1
    assert out == ""
    assert "the id is not the body's SHA-256" in err
    assert "nothing was registered" in err
    relay = {_md5(UNREGISTERED): RELAY_SHA_BODY}
    code, _, err = await register(db.url, _write(tmp_path, "relay.json", relay))
    assert code == 1
    assert "is not the MD5 of its text" in err
    code, _, err = await register(db.url, _write(tmp_path, "list.json", [1, 2]))
    assert code == 1
    assert "Not a manifest" in err
    assert await db.count("registered_operations") == 0
