"""GraphQL over HTTP for a Strawberry schema, with the status codes of the GraphQL-over-HTTP draft.

Strawberry's own view answers 200 to most failures; clients that accept
`application/graphql-response+json` are promised a 4xx when a request was never executed,
so parsing, the document's bounds, operation lookup and validation happen here, before a
context (and its database session) is opened. Execution itself stays in `schema.execute`, so
every extension of the schema still runs; with `UsePreparedDocument` among them it executes
the document prepared here instead of parsing and validating it again. WebSockets are served
elsewhere.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

import orjson
import strawberry
from graphql import GraphQLError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from gateway.auth.viewer import InvalidToken, bearer_token
from gateway.cost import cost_refusal
from gateway.documents import (
    ANONYMOUS,
    OPEN,
    SIGNED_IN,
    DocumentLimits,
    Exposure,
    cost_of,
    documents,
    running,
    without_suggestion,
)
from gateway.masking import INTERNAL, client_request_id, is_crash, masked, new_request_id
from gateway.persisted import (
    PersistedQueries,
    PersistedQueryError,
    check_hash,
    not_found,
    persisted_request,
)
from gateway.services.trusted_documents import TrustedDocuments, registered_text
from gateway.web.graphiql import GraphiQL
from gateway.web.multipart import close_uploads, read_post
from gateway.web.negotiation import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    GraphQLParams,
    RequestErrors,
    RequestRejected,
    accepts_html,
    choose_media_type,
    operation_to_run,
    params_from_query_string,
)

access_log = logging.getLogger("gateway.http")


@dataclass
class _Exchange:
    request_id: str  # ours, always: the reference of any error in the response
    client_request_id: str | None = None  # the client's own, logged beside ours
    media_type: str = JSON
    operation_name: str | None = None
    cost: dict[str, int] | None = None  # {requested, limit}, in `extensions.cost`


class GraphQLHTTP:
    """Starlette-compatible ASGI app answering GraphQL over HTTP at one path."""

    def __init__(
        self,
        schema: strawberry.Schema,
        context_factory: Callable[[Request, str], AbstractAsyncContextManager[Any]],
        *,
        graphiql: GraphiQL | None,
        max_body_bytes: int = 1_000_000,
        limits: DocumentLimits = SIGNED_IN,
        anonymous_limits: DocumentLimits = ANONYMOUS,
        exposure: Exposure = OPEN,
        max_cost: int | None = None,
        persisted: PersistedQueries | None = None,
        trusted: Callable[[], TrustedDocuments | None] = lambda: None,
    ) -> None:
        self._trusted = trusted  # trusted-documents mode when it gives the registered ones
        self._persisted = persisted if persisted is not None else PersistedQueries()
        self._max_cost = max_cost  # None: costs are neither limited nor reported
        self._schema = schema
        self._exposure = exposure
        self._limits = limits
        self._anonymous_limits = anonymous_limits
        self._context_factory = context_factory
        self._graphiql = graphiql
        self._max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            raise RuntimeError("GraphQLHTTP serves plain HTTP; route WebSockets elsewhere.")
        started = time.perf_counter()
        request = Request(scope, receive)
        exchange = _Exchange(
            new_request_id(), client_request_id(request.headers.get("x-request-id"))
        )
        try:
            response = await self._handle(request, exchange)
        except RequestRejected as rejection:
            response = _errors(rejection.status, exchange, [GraphQLError(rejection.message)])
            response.headers.update(rejection.headers)
        except RequestErrors as failure:
            status = failure.status or _request_error_status(exchange)
            response = _errors(status, exchange, failure.errors)
        except InvalidToken as refusal:  # RFC 6750: the client should drop the token
            exchange.cost = None  # nothing of the operation ran, so nothing was spent
            error = GraphQLError(refusal.message, extensions={"code": "UNAUTHENTICATED"})
            response = _errors(401, exchange, [error])
            response.headers["WWW-Authenticate"] = refusal.challenge
        except ClientDisconnect:
            _log_access(request, "disconnected", started, exchange)
            return
        except Exception as exc:
            error = masked(GraphQLError(str(exc), original_error=exc), exchange.request_id)
            response = _errors(500, exchange, [error])
        response.headers["X-Request-ID"] = exchange.request_id
        response.headers["Vary"] = "Accept"
        await response(scope, receive, send)
        await close_uploads(request)
        _log_access(request, str(response.status_code), started, exchange)

    async def _handle(self, request: Request, exchange: _Exchange) -> Response:
        if request.method not in ("GET", "POST"):
            raise RequestRejected(405, "Use GET or POST.", {"Allow": "GET, POST"})
        accept = request.headers.get("accept")
        if request.method == "GET" and "query" not in request.query_params and accepts_html(accept):
            if self._graphiql is None:
                raise RequestRejected(404, "GraphiQL is not enabled on this server.")
            return self._graphiql.page()
        media_type = choose_media_type(accept)
        if media_type is None:
            raise RequestRejected(406, f"Accept {GRAPHQL_RESPONSE_JSON} or {JSON}.")
        exchange.media_type = media_type
        if request.method == "GET":
            params = params_from_query_string(request.query_params)
        else:
            params = await read_post(request, self._read_body)
        # Who asks is known only once the context has looked the token up, which costs a
        # database round trip; a request without any token gets the smaller bounds now. A made-up
        # token buys the larger ones, which are also bounded to milliseconds of work.
        try:
            query, remember = await self._document_text(params)
        except PersistedQueryError as refusal:
            raise RequestErrors(refusal.error, status=refusal.status) from None
        anonymous = bearer_token(request.headers.get("authorization")) is None
        limits = self._anonymous_limits if anonymous else self._limits
        prepared = documents.prepare(self._schema._schema, query, limits, self._exposure)
        if prepared.document is None:
            raise RequestErrors(*prepared.errors)
        operation = operation_to_run(prepared.document, params, request.method)
        exchange.operation_name = operation.name.value if operation.name else None
        if prepared.errors:
            raise RequestErrors(
                *(masked(e, exchange.request_id) if is_crash(e) else e for e in prepared.errors)
            )
        if remember is not None:  # only documents that prepare cleanly are kept
            self._persisted.put(remember, query)
        if self._max_cost is not None:  # the cost limit, before any context opens
            cost = cost_of(self._schema._schema, prepared, operation, params.variables or {})
            exchange.cost = {"requested": cost, "limit": self._max_cost}
            if cost > self._max_cost:
                raise RequestErrors(cost_refusal(cost, self._max_cost))
        allowed = {OperationType.QUERY} | (
            {OperationType.MUTATION} if request.method == "POST" else set()
        )
        # The context is closed before answering, so its session has finished its work.
        async with self._context_factory(request, exchange.request_id) as context:
            with running(prepared):
                result = await self._schema.execute(
                    query,
                    variable_values=params.variables,
                    context_value=context,
                    operation_name=params.operation_name,
                    allowed_operation_types=allowed,
                    operation_extensions=params.extensions,
                )
        if not self._exposure.suggestions and result.errors:
            result.errors = [e if e.path else without_suggestion(e) for e in result.errors]
        return _result_response(result, exchange)

    async def _document_text(self, params: GraphQLParams) -> tuple[str, str | None]:
        """The document to run, and the hash to keep it by once it has prepared cleanly."""
        persisted = persisted_request(params.extensions)
        trusted = self._trusted()
        if trusted is not None:
            return await registered_text(trusted, params.query, params.document_id, persisted), None
        if persisted is None:
            if params.query is None:  # a `documentId` that no registered operation has
                raise not_found()
            return params.query, None
        if params.query is None:
            text = self._persisted.get(persisted.sha256)
            if text is None:
                raise not_found()
            return text, None
        check_hash(persisted, params.query)
        return params.query, persisted.sha256

    async def _read_body(self, request: Request) -> bytes:
        """Read at most `max_body_bytes`, so an endless upload cannot fill memory."""
        too_large = RequestRejected(413, f"The request body exceeds {self._max_body_bytes} bytes.")
        declared = request.headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > self._max_body_bytes:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self._max_body_bytes:
                raise too_large
            chunks.append(chunk)
        return b"".join(chunks)


def _request_error_status(exchange: _Exchange) -> int:
    # Legacy `application/json` clients only trust a body that comes with 200 (spec, appendix A).
    return 400 if exchange.media_type == GRAPHQL_RESPONSE_JSON else 200


def _result_response(result: ExecutionResult, exchange: _Exchange) -> Response:
    # The schema extension masks crashes in resolvers; crashes in extension hooks escape it.
    errors = [masked(e, exchange.request_id) if is_crash(e) else e for e in result.errors or []]
    body: dict[str, Any] = {}
    if result.data is not None or any(error.path for error in errors):
        status, body["data"] = 200, result.data
    elif any((error.extensions or {}).get("code") == INTERNAL for error in errors):
        status = 500
    else:  # nothing was executed: variable coercion failed, so no `data` entry
        status = _request_error_status(exchange)
    if errors:
        body["errors"] = [error.formatted for error in errors]
    if result.extensions:
        body["extensions"] = result.extensions
    return _json(status, exchange, body)


def _errors(status: int, exchange: _Exchange, errors: list[GraphQLError]) -> Response:
    return _json(status, exchange, {"errors": [error.formatted for error in errors]})


def _json(status: int, exchange: _Exchange, body: dict[str, Any]) -> Response:
    # orjson: compact UTF-8 like `json.dumps(..., ensure_ascii=False)`, several times faster on
    # large results. GraphQL's Float already refuses NaN and infinities, so none reach it.
    if exchange.cost is not None:
        body["extensions"] = {**body.get("extensions", {}), "cost": exchange.cost}
    content = orjson.dumps(body)
    return Response(content, status, media_type=f"{exchange.media_type}; charset=utf-8")


def _log_access(request: Request, status: str, started: float, exchange: _Exchange) -> None:
    access_log.info(
        "%s %s %s %.1fms request_id=%s operation=%s client_request_id=%s",
        request.method,
        request.url.path,
        status,
        (time.perf_counter() - started) * 1000,
        exchange.request_id,
        exchange.operation_name or "-",
        exchange.client_request_id or "-",
    )
