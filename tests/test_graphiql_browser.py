"""GraphiQL in a real browser on a network without internet: it renders from the gateway's own
assets, logs in from its first tab, runs a query with the token and shows a subscription event."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gateway.app import create_app
from gateway.settings import Settings
from tests.api.messaging import send, start
from tests.browser import CHROMIUM, Page, chromium
from tests.builders import PASSWORD, World
from tests.support import REQUIRE_SERVICES, FrozenClock, GraphQLClient, RunningServer, run_server

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

QUERY_EDITOR = "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror"
# The editor tools hold the variables editor first, the headers editor second.
TOOL_EDITORS = "document.querySelectorAll('.graphiql-editor-tool .CodeMirror')"
RESULT = "document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()"


@pytest.fixture
async def graphiql_server(settings: Settings, clock: FrozenClock) -> AsyncIterator[RunningServer]:
    if CHROMIUM is None:
        if REQUIRE_SERVICES:
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed; apt-get install chromium to run this test")
    app = create_app(
        settings.model_copy(update={"graphiql": True}), clock=clock, background_tasks=False
    )
    async with run_server(app, clock) as s:
        yield s


async def run(page: Page, operation: str, query: str, *, variables: str | None = None) -> None:
    """Type a named operation into the editor and press play once GraphiQL has parsed it."""
    await page.evaluate(f"{QUERY_EDITOR}.setValue({json.dumps(query)})")
    if variables is not None:
        await page.evaluate(f"{TOOL_EDITORS}[0].CodeMirror.setValue({json.dumps(variables)})")
    await page.wait_for(f"{QUERY_EDITOR}.operationName === {json.dumps(operation)}")
    await page.evaluate("document.querySelector('.graphiql-execute-button').click()")


async def test_graphiql_works_offline_with_a_token_and_live_events(
    graphiql_server: RunningServer, world: World, tmp_path: Path
) -> None:
    async with chromium(tmp_path / "profile") as page:
        await page.open(graphiql_server.graphql_url)
        await page.wait_for("document.querySelector('.graphiql-container') !== null")
        assert await page.evaluate("document.title") == "Ouderportaal GraphiQL"
        first_tab = await page.wait_for(f"{QUERY_EDITOR}.getValue()")
        assert "mutation Login" in first_tab

        # The first tab logs in.
        login = {"domain": "zon.example", "email": "anna@example.nl", "password": PASSWORD}
        await page.evaluate(
            f"{TOOL_EDITORS}[0].CodeMirror.setValue({json.dumps(json.dumps(login))})"
        )
        await page.evaluate("document.querySelector('.graphiql-execute-button').click()")
        result = json.loads(await page.wait_for(f"{RESULT}.includes('token') && {RESULT}"))
        token = result["data"]["login"]["token"]
        assert token

        # With the token in the Headers tab, a query sees her children.
        headers = json.dumps({"Authorization": f"Bearer {token}"})
        await page.evaluate(f"{TOOL_EDITORS}[1].CodeMirror.setValue({json.dumps(headers)})")
        await run(
            page,
            "Children",
            "query Children { children(first: 10) { edges { node { name } } } }",
            variables="",
        )
        await page.wait_for(f"{RESULT}.includes('Bo Vos')")

        # A subscription shows a message the moment staff send it.
        async with httpx.AsyncClient(timeout=30) as http:
            gql = GraphQLClient(http, graphiql_server.graphql_url)
            thread = await start(gql, world, "anna", "bo", "Goedemorgen")
            await run(
                page, "Messages", "subscription Messages { messageAdded { message { body } } }"
            )
            # The socket subscribes asynchronously: send until one message shows (bounded).
            deadline = time.monotonic() + 30
            for attempt in range(1000):
                body = f"Bo heeft goed geslapen ({attempt})"
                await send(gql, world, "sita", body, threadId=thread)
                try:
                    await page.wait_for(f"{RESULT}.includes({json.dumps(body)})", seconds=1)
                    break
                except TimeoutError:
                    if time.monotonic() > deadline:
                        raise

        origin = graphiql_server.url
        assert [url for url in page.requests if not url.startswith((origin, "data:"))] == []
        assert page.failed == []
        assert page.errors == []
