"""The GraphQL-over-HTTP endpoint, held to the draft spec and the graphql-http audit."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, NewType

import httpx
import pytest
import strawberry
import uvicorn
from graphql import get_introspection_query
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig

from gateway.errors import ErrorCode, PublicError
from gateway.masking import MaskUnexpectedErrors
from gateway.web import GraphQLHTTP
from gateway.web.graphiql import GraphiQL

GRAPHQL_RESPONSE = "application/graphql-response+json"
MODERN = {"Accept": GRAPHQL_RESPONSE}
LEGACY = {"Accept": "application/json"}
MAX_BODY = 4096

Postcode = NewType("Postcode", str)


def _postcode(value: object) -> str:
    text = str(value).replace(" ", "").upper()
    if len(text) != 6 or not text[:4].isdigit():
        raise ValueError("not a Dutch postcode")
    return text


@strawberry.type
class Nest:
    level: int

    @strawberry.field
    def child(self) -> Nest:
        return Nest(level=self.level + 1)


@dataclass
class Context:
    request_id: str


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, name: str) -> str:
        return f"Hallo {name}"

    @strawberry.field
    def broken(self) -> str | None:
        raise ValueError("secret database detail")

    @strawberry.field
    def broken_required(self) -> str:
        raise ValueError("secret database detail")

    @strawberry.field
    def forbidden(self) -> str | None:
        raise PublicError(ErrorCode.FORBIDDEN, "Dit kind is niet van jou.")

    @strawberry.field
    def request_id(self, info: strawberry.Info[Context, None]) -> str:
        return info.context.request_id

    @strawberry.field
    def nest(self) -> Nest:
        return Nest(level=1)

    @strawberry.field
    def deliver(self, to: Postcode) -> str:
        return f"Bezorgd in {to}"


@strawberry.type
class Mutation:
    @strawberry.mutation
    def shout(self, text: str) -> str:
        return text.upper()


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def ticks(self) -> AsyncIterator[int]:
        yield 1
        raise ValueError("secret broker detail")


class CrashOnExecute(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        raise RuntimeError("secret extension detail")
        yield  # pragma: no cover


CONFIG = StrawberryConfig(
    scalar_map={Postcode: strawberry.scalar(name="Postcode", parse_value=_postcode)}
)
SCHEMA = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=[MaskUnexpectedErrors],
    config=CONFIG,
)
CRASHING_SCHEMA = strawberry.Schema(
    query=Query, extensions=[MaskUnexpectedErrors, CrashOnExecute], config=CONFIG
)

HELLO = 'query Hello { hello(name: "Sanne") }'
HELLO_VARIABLES = "query Hello($name: String!) { hello(name: $name) }"
SHOUT = 'mutation Shout { shout(text: "ja") }'
PARTIAL = 'query Partial { hello(name: "Sanne") broken }'


def nested(depth: int) -> str:
    """A query whose deepest field chain is `depth` fields long."""
    return "{ nest " + "{ child " * (depth - 2) + "{ level }" + " }" * (depth - 1)


# ---------------------------------------------------------------- plumbing


@dataclass
class Served:
    client: httpx.AsyncClient
    contexts: list[str]  # "open <id>" / "close <id>" in order


@pytest.fixture(scope="module")
async def served() -> AsyncIterator[Served]:
    contexts: list[str] = []

    @asynccontextmanager
    async def context_factory(request: Request, request_id: str) -> AsyncIterator[Context]:
        contexts.append(f"open {request_id}")
        try:
            yield Context(request_id=request_id)
        finally:
            contexts.append(f"close {request_id}")

    @asynccontextmanager
    async def failing_context(request: Request, request_id: str) -> AsyncIterator[Context]:
        raise ConnectionError("secret database host")
        yield Context(request_id=request_id)  # pragma: no cover

    app = Starlette(
        routes=[
            Route(
                "/graphql",
                GraphQLHTTP(
                    SCHEMA,
                    context_factory,
                    graphiql=GraphiQL(demo_login=False),
                    max_body_bytes=MAX_BODY,
                ),
            ),
            # The default body limit, and no GraphiQL.
            Route("/quiet", GraphQLHTTP(SCHEMA, context_factory, graphiql=None)),
            Route("/crashing", GraphQLHTTP(CRASHING_SCHEMA, context_factory, graphiql=None)),
            Route("/no-database", GraphQLHTTP(SCHEMA, failing_context, graphiql=None)),
        ]
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan="off", ws="none", log_config=None
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn stopped during start-up"
        await asyncio.sleep(0.005)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        yield Served(client, contexts)
    server.should_exit = True
    await task


@pytest.fixture
def http(served: Served) -> httpx.AsyncClient:
    served.contexts.clear()
    return served.client


async def post(
    http: httpx.AsyncClient, body: object, headers: dict[str, str], path: str = "/graphql"
) -> httpx.Response:
    return await http.post(path, content=json.dumps(body), headers=_json_body(headers))


def _json_body(headers: dict[str, str]) -> dict[str, str]:
    return {"Content-Type": "application/json", **headers}


def content_type(response: httpx.Response) -> str:
    return response.headers["content-type"]


# ---------------------------------------------------------------- media types


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        ("application/*", "application/json"),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.5", "application/json"),
        (f"{GRAPHQL_RESPONSE}; charset=utf-8, application/json; charset=utf-8", GRAPHQL_RESPONSE),
        ("text/html, */*;q=0.8", "application/json"),
    ],
)
async def test_the_response_media_type_follows_accept(
    http: httpx.AsyncClient, accept: str, expected: str
) -> None:
    response = await post(http, {"query": HELLO}, {"Accept": accept})

    assert response.status_code == 200
    assert content_type(response) == f"{expected}; charset=utf-8"
    assert response.json() == {"data": {"hello": "Hallo Sanne"}}


async def test_a_request_without_accept_gets_application_json(http: httpx.AsyncClient) -> None:
    request = http.build_request("GET", "/graphql", params={"query": HELLO})
    del request.headers["accept"]

    response = await http.send(request)

    assert response.status_code == 200
    assert content_type(response) == "application/json; charset=utf-8"
    assert response.json() == {"data": {"hello": "Hallo Sanne"}}


@pytest.mark.parametrize("accept", ["text/plain", "application/json;q=0", "image/*"])
async def test_an_unsupported_accept_gets_406(
    served: Served, http: httpx.AsyncClient, accept: str
) -> None:
    response = await post(http, {"query": HELLO}, {"Accept": accept})

    assert response.status_code == 406
    assert response.json() == {
        "errors": [{"message": f"Accept {GRAPHQL_RESPONSE} or application/json."}]
    }
    assert served.contexts == []


async def test_the_body_is_utf8(http: httpx.AsyncClient) -> None:
    response = await post(http, {"query": '{ hello(name: "Zoë 🐳") }'}, MODERN)

    assert response.content == '{"data":{"hello":"Hallo Zoë 🐳"}}'.encode()


# ---------------------------------------------------------------- methods and bodies


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "HEAD"])
async def test_other_methods_get_405(http: httpx.AsyncClient, method: str) -> None:
    response = await http.request(method, "/graphql", headers=MODERN)

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    if method != "HEAD":
        assert response.json() == {"errors": [{"message": "Use GET or POST."}]}


@pytest.mark.parametrize(
    "media", [None, "text/plain", "application/graphql", "application/json; charset=latin-1"]
)
async def test_a_body_that_is_not_utf8_json_gets_415(
    http: httpx.AsyncClient, media: str | None
) -> None:
    headers = {"Accept": GRAPHQL_RESPONSE} | ({"Content-Type": media} if media else {})

    response = await http.post("/graphql", content=json.dumps({"query": HELLO}), headers=headers)

    assert response.status_code == 415
    assert content_type(response) == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert list(response.json()) == ["errors"]


async def test_a_charset_parameter_is_allowed(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql",
        content=json.dumps({"query": HELLO}),
        headers={"Content-Type": "application/json; charset=UTF-8"},
    )

    assert response.status_code == 200


async def test_a_body_over_the_limit_gets_413(http: httpx.AsyncClient) -> None:
    padding = "#" * MAX_BODY
    response = await post(http, {"query": f"{HELLO}\n{padding}"}, MODERN)

    assert response.status_code == 413
    assert response.json() == {
        "errors": [{"message": f"The request body exceeds {MAX_BODY} bytes."}]
    }


async def test_a_streamed_body_is_cut_off_at_the_limit(http: httpx.AsyncClient) -> None:
    async def endless_chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "'
        for _ in range(8):
            yield b" " * 1024

    response = await http.post("/graphql", content=endless_chunks(), headers=_json_body(MODERN))

    assert "content-length" not in response.request.headers
    assert response.status_code == 413


# ---------------------------------------------------------------- request parameters

MALFORMED_BODIES = [
    pytest.param(b'{ "not a JSON', "The request body is not valid JSON.", id="json"),
    pytest.param(b"", "The request body is empty; send a JSON object with 'query'.", id="empty"),
    pytest.param(b"[1, 2]", "The request body must be a JSON object.", id="array"),
    pytest.param(b'"query"', "The request body must be a JSON object.", id="string"),
    pytest.param(b"\xff\xfe{}", "The request body is not valid UTF-8.", id="utf-16"),
    pytest.param(b"[" * 1500 + b"]" * 1500, "The request body is not valid JSON.", id="deep"),
    pytest.param(b'{"qeury": "{ __typename }"}', "The 'query' parameter is missing.", id="typo"),
]


@pytest.mark.parametrize(("body", "message"), MALFORMED_BODIES)
@pytest.mark.parametrize("accept", [MODERN, LEGACY])
async def test_a_malformed_body_gets_400(
    served: Served, http: httpx.AsyncClient, body: bytes, message: str, accept: dict[str, str]
) -> None:
    response = await http.post("/graphql", content=body, headers=_json_body(accept))

    assert response.status_code == 400
    assert response.json() == {"errors": [{"message": message}]}
    assert served.contexts == []  # no database session for a request that cannot run


@pytest.mark.parametrize("invalid", [{"obj": "ect"}, 0, False, ["array"]])
@pytest.mark.parametrize("accept", [MODERN, LEGACY])
async def test_a_query_that_is_not_a_string_gets_400(
    http: httpx.AsyncClient, invalid: object, accept: dict[str, str]
) -> None:
    response = await post(http, {"query": invalid}, accept)

    assert response.status_code == 400
    assert response.json() == {"errors": [{"message": "The 'query' parameter must be a string."}]}


@pytest.mark.parametrize(
    ("name", "invalid", "message"),
    [
        *(
            ("operationName", v, "The 'operationName' parameter must be a string or null.")
            for v in ({"obj": "ect"}, 0, False, ["array"])
        ),
        *(
            ("variables", v, "The 'variables' parameter must be an object or null.")
            for v in ("string", 0, False, ["array"])
        ),
        *(
            ("extensions", v, "The 'extensions' parameter must be an object or null.")
            for v in ("string", 0, False, ["array"])
        ),
    ],
)
@pytest.mark.parametrize("accept", [MODERN, LEGACY])
async def test_a_parameter_of_the_wrong_type_gets_400(
    http: httpx.AsyncClient, name: str, invalid: object, message: str, accept: dict[str, str]
) -> None:
    response = await post(http, {"query": HELLO, name: invalid}, accept)

    assert response.status_code == 400
    assert response.json() == {"errors": [{"message": message}]}


@pytest.mark.parametrize("name", ["operationName", "variables", "extensions"])
@pytest.mark.parametrize("accept", [MODERN, LEGACY])
async def test_null_optional_parameters_are_ignored(
    http: httpx.AsyncClient, name: str, accept: dict[str, str]
) -> None:
    response = await post(http, {"query": HELLO, name: None}, accept)

    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "Hallo Sanne"}}


async def test_variables_operation_name_and_extensions_are_used(http: httpx.AsyncClient) -> None:
    body = {
        "query": f"{HELLO_VARIABLES}\nquery Other {{ __typename }}",
        "operationName": "Hello",
        "variables": {"name": "Daan"},
        "extensions": {"persistedQuery": None},
    }

    response = await post(http, body, MODERN)

    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "Hallo Daan"}}


async def test_mutations_run_over_post(http: httpx.AsyncClient) -> None:
    response = await post(http, {"query": SHOUT}, MODERN)

    assert response.status_code == 200
    assert response.json() == {"data": {"shout": "JA"}}


# ---------------------------------------------------------------- GET


async def test_get_runs_queries_with_json_variables(http: httpx.AsyncClient) -> None:
    params = {"query": HELLO_VARIABLES, "variables": '{"name": "Mila"}', "operationName": ""}

    response = await http.get("/graphql", params=params, headers=MODERN)

    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "Hallo Mila"}}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"query": HELLO_VARIABLES, "variables": "{nope"},
            "The 'variables' parameter is not valid JSON.",
        ),
        ({"query": HELLO, "extensions": "[1"}, "The 'extensions' parameter is not valid JSON."),
        (
            {"query": HELLO_VARIABLES, "variables": "[1]"},
            "The 'variables' parameter must be an object or null.",
        ),
        ({}, "The 'query' parameter is missing."),
    ],
)
async def test_malformed_get_parameters_get_400(
    http: httpx.AsyncClient, params: dict[str, str], message: str
) -> None:
    response = await http.get("/graphql", params=params, headers=LEGACY)

    assert response.status_code == 400
    assert response.json() == {"errors": [{"message": message}]}


@pytest.mark.parametrize("accept", [MODERN, LEGACY])
async def test_a_mutation_over_get_gets_405_and_does_not_run(
    served: Served, http: httpx.AsyncClient, accept: dict[str, str]
) -> None:
    response = await http.get("/graphql", params={"query": SHOUT}, headers=accept)

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json() == {"errors": [{"message": "Mutations must be sent with POST."}]}
    assert served.contexts == []


async def test_get_picks_the_mutation_by_operation_name(http: httpx.AsyncClient) -> None:
    document = f"{HELLO}\n{SHOUT}"

    query = await http.get("/graphql", params={"query": document, "operationName": "Hello"})
    mutation = await http.get("/graphql", params={"query": document, "operationName": "Shout"})

    assert query.status_code == 200
    assert mutation.status_code == 405


# ---------------------------------------------------------------- GraphQL request errors

REQUEST_ERRORS = [
    pytest.param({"query": "{"}, "Syntax Error: Expected Name, found <EOF>.", id="parse"),
    pytest.param(
        {"query": "{ 8f31403dfe404bccbb0e835f2629c6a7 }"},
        "Syntax Error: Invalid number, expected digit but got: 'f'.",
        id="parse-number",
    ),
    pytest.param(
        {"query": "{ doesNotExist }"},
        "Cannot query field 'doesNotExist' on type 'Query'.",
        id="validation",
    ),
    pytest.param(
        {"query": HELLO_VARIABLES, "variables": {"name": 7}},
        "Variable '$name' has invalid value: String cannot represent a non string value: 7",
        id="variable-coercion",
    ),
    pytest.param(
        {"query": HELLO_VARIABLES},
        "Variable '$name' has invalid value: "
        "Expected a value of non-null type 'String!' to be provided.",
        id="variable-missing",
    ),
    pytest.param(
        {"query": HELLO, "operationName": "Nope"}, "Unknown operation named 'Nope'.", id="op-name"
    ),
    pytest.param(
        {"query": f"{HELLO}\n{SHOUT}"},
        "The document has several operations; send 'operationName'.",
        id="op-ambiguous",
    ),
    pytest.param(
        {"query": "fragment F on Query { hello }"},
        "The document contains no operation.",
        id="no-operation",
    ),
    pytest.param(
        {"query": "subscription { ticks }"},
        "Subscriptions are served over WebSocket, not HTTP.",
        id="subscription",
    ),
    pytest.param(
        {"query": nested(16)}, "The document nests fields more than 15 levels deep.", id="depth"
    ),
    pytest.param(
        {"query": HELLO + " " * 100_000},
        "The document exceeds 100000 bytes.",
        id="document-size",
    ),
]


@pytest.mark.parametrize(("body", "message"), REQUEST_ERRORS)
async def test_request_errors_get_400_without_data_for_graphql_response_json(
    served: Served, body: dict[str, Any], message: str
) -> None:
    """Big bodies go to a second endpoint: the first one has a tiny body limit."""
    response = await served.client.post(
        "/quiet" if len(body["query"]) > MAX_BODY else "/graphql",
        content=json.dumps(body),
        headers=_json_body(MODERN),
    )

    assert response.status_code == 400
    assert content_type(response) == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert "data" not in response.json()
    assert response.json()["errors"][0]["message"] == message


@pytest.mark.parametrize(("body", "message"), REQUEST_ERRORS)
async def test_request_errors_get_200_without_data_for_application_json(
    served: Served, body: dict[str, Any], message: str
) -> None:
    response = await served.client.post(
        "/quiet" if len(body["query"]) > MAX_BODY else "/graphql",
        content=json.dumps(body),
        headers=_json_body(LEGACY),
    )

    assert response.status_code == 200
    assert content_type(response) == "application/json; charset=utf-8"
    assert "data" not in response.json()
    assert response.json()["errors"][0]["message"] == message


async def test_the_default_body_limit_is_a_megabyte(served: Served) -> None:
    """Guards the tests above: /quiet keeps the default limit, so big documents reach it."""
    padding = "#" * 500_000
    body = json.dumps({"query": f"{HELLO}\n{padding}"})

    response = await served.client.post("/quiet", content=body, headers=_json_body(MODERN))

    assert response.status_code == 400  # a request error about the document, not a 413
    assert response.json() == {"errors": [{"message": "The document exceeds 100000 bytes."}]}


async def test_a_syntax_error_points_at_the_location(http: httpx.AsyncClient) -> None:
    response = await post(http, {"query": "{\n  hello("}, MODERN)

    assert response.json() == {
        "errors": [
            {
                "message": "Syntax Error: Expected Name, found <EOF>.",
                "locations": [{"line": 2, "column": 9}],
            }
        ]
    }


async def test_fifteen_levels_are_allowed(http: httpx.AsyncClient) -> None:
    response = await post(http, {"query": nested(15)}, MODERN)

    assert response.status_code == 200
    assert json.dumps(response.json()).count('"child"') == 13


async def test_depth_hidden_in_fragments_is_counted(http: httpx.AsyncClient) -> None:
    fragments = "\n".join(f"fragment F{i} on Nest {{ child {{ ...F{i + 1} }} }}" for i in range(20))
    document = f"{{ nest {{ ...F0 }} }}\n{fragments}\nfragment F20 on Nest {{ level }}"

    response = await post(http, {"query": document}, MODERN)

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "message": "The document nests fields more than 15 levels deep.",
            "extensions": {"code": "DEPTH_LIMIT_EXCEEDED"},
        }
    ]


async def test_a_fragment_cycle_is_a_validation_error(http: httpx.AsyncClient) -> None:
    document = "{ nest { ...A } }\nfragment A on Nest { child { ...A } }"

    response = await post(http, {"query": document}, MODERN)

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Cannot spread fragment 'A' within itself."


async def test_the_introspection_query_fits_the_depth_limit(http: httpx.AsyncClient) -> None:
    query = get_introspection_query(descriptions=True, input_value_deprecation=True)

    response = await post(http, {"query": query}, MODERN)

    assert response.status_code == 200
    assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_a_scalar_rejecting_a_literal_is_reported_not_masked(
    http: httpx.AsyncClient,
) -> None:
    response = await post(http, {"query": '{ deliver(to: "nergens") }'}, MODERN)

    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert "not a Dutch postcode" in message
    assert "Unexpected error" not in message


async def test_a_scalar_rejecting_a_variable_is_a_request_error(http: httpx.AsyncClient) -> None:
    body = {"query": "query D($to: Postcode!) { deliver(to: $to) }", "variables": {"to": "?"}}

    response = await post(http, body, MODERN)

    assert response.status_code == 400
    assert "data" not in response.json()
    assert "not a Dutch postcode" in response.json()["errors"][0]["message"]


async def test_a_valid_postcode_is_delivered(http: httpx.AsyncClient) -> None:
    response = await post(http, {"query": '{ deliver(to: "1234 ab") }'}, MODERN)

    assert response.json() == {"data": {"deliver": "Bezorgd in 1234AB"}}


# ---------------------------------------------------------------- execution and masking


@pytest.mark.parametrize("accept", [MODERN, LEGACY])
async def test_an_unexpected_error_is_masked_with_its_reference(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, accept: dict[str, str]
) -> None:
    caplog.set_level(logging.ERROR, logger="gateway.errors")

    response = await post(http, {"query": PARTIAL}, accept)

    reference = response.headers["x-request-id"]
    assert response.status_code == 200
    assert response.json() == {
        "data": {"hello": "Hallo Sanne", "broken": None},
        "errors": [
            {
                "message": f"Unexpected error (reference {reference})",
                "locations": [{"line": 1, "column": 38}],
                "path": ["broken"],
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": reference},
            }
        ],
    }
    assert "secret" not in response.text
    [record] = [r for r in caplog.records if r.name == "gateway.errors"]
    assert record.levelno == logging.ERROR
    assert reference in record.getMessage()
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == "secret database detail"


async def test_an_error_nulling_all_data_still_gets_200_with_data_null(
    http: httpx.AsyncClient,
) -> None:
    response = await post(http, {"query": "{ brokenRequired }"}, MODERN)

    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["path"] == ["brokenRequired"]
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"


async def test_a_public_error_is_shown_with_its_code(http: httpx.AsyncClient) -> None:
    response = await post(http, {"query": "{ forbidden }"}, MODERN)

    assert response.status_code == 200
    assert response.json() == {
        "data": {"forbidden": None},
        "errors": [
            {
                "message": "Dit kind is niet van jou.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["forbidden"],
                "extensions": {"code": "FORBIDDEN"},
            }
        ],
    }


@pytest.mark.parametrize("accept", [MODERN, LEGACY])
async def test_a_crash_outside_resolvers_is_a_masked_500(
    served: Served,
    http: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
    accept: dict[str, str],
) -> None:
    caplog.set_level(logging.ERROR, logger="gateway.errors")

    response = await post(http, {"query": HELLO}, accept, "/crashing")

    reference = response.headers["x-request-id"]
    assert response.status_code == 500
    assert response.json() == {
        "errors": [
            {
                "message": f"Unexpected error (reference {reference})",
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": reference},
            }
        ]
    }
    assert any(reference in r.getMessage() for r in caplog.records if r.name == "gateway.errors")
    assert served.contexts == [f"open {reference}", f"close {reference}"]


async def test_a_failing_context_is_a_masked_500(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="gateway.errors")

    response = await post(http, {"query": HELLO}, MODERN, "/no-database")

    reference = response.headers["x-request-id"]
    assert response.status_code == 500
    assert content_type(response) == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert response.json() == {
        "errors": [
            {
                "message": f"Unexpected error (reference {reference})",
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": reference},
            }
        ]
    }
    [record] = [r for r in caplog.records if r.name == "gateway.errors"]
    assert reference in record.getMessage()
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ConnectionError)


async def test_subscription_errors_are_masked_too() -> None:
    results = await SCHEMA.subscribe(
        "subscription { ticks }", context_value=Context(request_id="sub-1")
    )

    received = [result async for result in results]

    assert [r.data for r in received] == [{"ticks": 1}, None]
    [error] = received[1].errors or []
    assert error.message == "Unexpected error (reference sub-1)"
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR", "requestId": "sub-1"}


# ---------------------------------------------------------------- request ids and context


async def test_the_request_id_is_ours_and_a_sane_client_one_is_logged_beside_it(
    served: Served, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gateway.http")

    response = await post(http, {"query": "{ requestId }"}, {"X-Request-ID": "app-42_x.Y"})

    ours = response.headers["x-request-id"]
    assert ours != "app-42_x.Y"
    assert len(ours) == 32
    assert response.json() == {"data": {"requestId": ours}}
    assert served.contexts == [f"open {ours}", f"close {ours}"]
    [record] = [r for r in caplog.records if r.name == "gateway.http"]
    assert record.getMessage().endswith(
        f"request_id={ours} operation=- client_request_id=app-42_x.Y"
    )


@pytest.mark.parametrize("sent", ["a" * 65, "with space", "<script>", "a/b", ""])
async def test_an_odd_client_request_id_is_not_logged(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, sent: str
) -> None:
    caplog.set_level(logging.INFO, logger="gateway.http")

    response = await post(http, {"query": "{ requestId }"}, {"X-Request-ID": sent})

    generated = response.headers["x-request-id"]
    assert len(generated) == 32
    assert response.json() == {"data": {"requestId": generated}}
    [record] = [r for r in caplog.records if r.name == "gateway.http"]
    assert record.getMessage().endswith(" client_request_id=-")


async def test_every_response_has_a_request_id(http: httpx.AsyncClient) -> None:
    responses = [
        await http.delete("/graphql"),
        await http.post("/graphql", content=b"{}", headers={"Content-Type": "text/plain"}),
        await post(http, {"query": "{"}, MODERN),
        await http.get("/graphql", headers={"Accept": "text/html"}),
    ]

    ids = {response.headers["x-request-id"] for response in responses}
    assert len(ids) == 4


async def test_the_context_is_closed_after_a_failing_execution(
    served: Served, http: httpx.AsyncClient
) -> None:
    response = await post(http, {"query": "{ broken }"}, {})

    ours = response.headers["x-request-id"]
    assert served.contexts == [f"open {ours}", f"close {ours}"]


# ---------------------------------------------------------------- GraphiQL and logging


async def test_a_browser_gets_graphiql(http: httpx.AsyncClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

    response = await http.get("/graphql", headers={"Accept": browser})

    assert response.status_code == 200
    assert content_type(response) == "text/html; charset=utf-8"
    assert "graphiql" in response.text.lower()


async def test_graphiql_can_be_switched_off(http: httpx.AsyncClient) -> None:
    response = await http.get("/quiet", headers={"Accept": "text/html"})

    assert response.status_code == 404
    assert response.json() == {"errors": [{"message": "GraphiQL is not enabled on this server."}]}


async def test_a_browser_with_a_query_gets_json(http: httpx.AsyncClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

    response = await http.get("/graphql", params={"query": HELLO}, headers={"Accept": browser})

    assert content_type(response) == "application/json; charset=utf-8"
    assert response.json() == {"data": {"hello": "Hallo Sanne"}}


async def test_each_request_is_logged_once(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gateway.http")

    response = await post(http, {"query": HELLO}, {"X-Request-ID": "log-1"})

    [record] = [r for r in caplog.records if r.name == "gateway.http"]
    message = record.getMessage()
    assert message.startswith("POST /graphql 200 ")
    ours = response.headers["x-request-id"]
    assert message.endswith(f"ms request_id={ours} operation=Hello client_request_id=log-1")
