"""Logging under attack: tracebacks for server faults only, once per kind and interval, and
references that are always the server's own (issue 7.6)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route

from gateway import masking
from gateway.documents import UsePreparedDocument
from gateway.web import GraphQLHTTP
from tests.support import serve_asgi

MODERN = {"Accept": "application/graphql-response+json", "Content-Type": "application/json"}


@dataclass
class Context:
    request_id: str


@strawberry.type
class Query:
    @strawberry.field
    def broken(self) -> str | None:
        raise ValueError("secret detail")

    @strawberry.field
    def also_broken(self) -> str | None:
        return {}["secret"]  # type: ignore[no-any-return]

    @strawberry.field
    def hello(self) -> str:
        return "Hallo"


SCHEMA = strawberry.Schema(
    query=Query, extensions=[masking.MaskUnexpectedErrors, UsePreparedDocument]
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def context_factory(request: Request, request_id: str) -> AsyncIterator[Context]:
    yield Context(request_id)


@pytest.fixture(scope="module")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(
        routes=[Route("/graphql", GraphQLHTTP(SCHEMA, context_factory, graphiql=False))]
    )
    async with serve_asgi(app) as url, httpx.AsyncClient(base_url=url) as client:
        yield client


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(masking, "repeated_errors", masking.RepeatedErrors(60.0, clock=clock))
    return clock


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


def tracebacks(logs: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in logs.records if r.name == "gateway.errors" and r.exc_info]


async def query(http: httpx.AsyncClient, text: str, **headers: str) -> httpx.Response:
    return await http.post(
        "/graphql", content=json.dumps({"query": text}), headers={**MODERN, **headers}
    )


async def test_a_repeated_fault_logs_one_traceback_per_interval_and_counts_the_rest(
    http: httpx.AsyncClient, clock: Clock, logs: pytest.LogCaptureFixture
) -> None:
    responses = [await query(http, "{ broken }") for _ in range(5)]
    logged_first = list(tracebacks(logs))
    clock.now += 61
    later = await query(http, "{ broken }")

    references = [r.json()["errors"][0]["extensions"]["requestId"] for r in responses]
    assert len(set(references)) == 5  # every client still gets a reference of its own
    [first] = logged_first
    assert references[0] in first.getMessage()
    assert "ValueError" in first.getMessage()
    [_, again] = tracebacks(logs)
    assert later.headers["x-request-id"] in again.getMessage()
    assert f"4 more of this kind in the last interval, the last reference {references[4]}" in (
        again.getMessage()
    )
    assert len([r for r in logs.records if r.name == "gateway.errors"]) == 2


async def test_different_faults_are_each_logged_in_full(
    http: httpx.AsyncClient, clock: Clock, logs: pytest.LogCaptureFixture
) -> None:
    await query(http, "{ broken }")
    await query(http, "{ alsoBroken }")
    await query(http, "{ alsoBroken }")

    logged = tracebacks(logs)
    assert [type(r.exc_info[1]) for r in logged if r.exc_info] == [ValueError, KeyError]


@pytest.mark.parametrize(
    "body",
    [
        b'{"query": ',
        b'{"query": "{ hello"}',
        b'{"query": "{ nope }"}',
        b'{"query": "{ hello }", "variables": []}',
        json.dumps({"query": "{" + " hello" * 2000 + " }"}).encode(),
        json.dumps({"query": "{ hello } # \ud800"}).encode(),
    ],
    ids=["json", "syntax", "validation", "variables", "too-complex", "surrogate"],
)
async def test_a_client_error_logs_one_short_line_and_no_traceback(
    http: httpx.AsyncClient, logs: pytest.LogCaptureFixture, body: bytes
) -> None:
    response = await http.post("/graphql", content=body, headers=MODERN)

    assert response.status_code == 400
    [line] = [r for r in logs.records if r.name.startswith("gateway")]
    assert line.name == "gateway.http"
    assert line.exc_info is None
    assert len(line.getMessage()) < 200


async def test_a_client_cannot_choose_the_reference(
    http: httpx.AsyncClient, clock: Clock, logs: pytest.LogCaptureFixture
) -> None:
    first = await query(http, "{ broken }")
    reference = first.headers["x-request-id"]

    second = await query(http, "{ broken }", **{"X-Request-ID": reference})

    assert second.headers["x-request-id"] != reference
    assert second.json()["errors"][0]["extensions"]["requestId"] != reference
    access = [r.getMessage() for r in logs.records if r.name == "gateway.http"]
    assert access[1].endswith(f"client_request_id={reference}")
