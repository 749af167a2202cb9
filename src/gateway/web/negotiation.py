"""Reading a GraphQL-over-HTTP request: the media type it accepts, its parameters, its document.

Everything here is pure, so the rules of the GraphQL-over-HTTP draft
(https://graphql.github.io/graphql-over-http/draft/) can be read in one place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
)

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"


class RequestRejected(Exception):
    """The request is not a well-formed GraphQL-over-HTTP request; answer `status` at once."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


class RequestErrors(Exception):
    """GraphQL request errors: nothing was executed, so the response has no `data` entry.

    `status` overrides the usual status of request errors (a persisted-query miss answers 200).
    """

    def __init__(self, *errors: GraphQLError, status: int | None = None) -> None:
        super().__init__(errors[0].message)
        self.errors = list(errors)
        self.status = status


@dataclass(frozen=True)
class GraphQLParams:
    # None only when the request names a persisted document instead.
    query: str | None
    operation_name: str | None
    variables: dict[str, Any] | None
    extensions: dict[str, Any] | None
    document_id: str | None = None  # Relay's and GraphQL Codegen's `documentId` (or `id`)


def _media_ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((media.lower(), quality))
    return ranges


def _quality(ranges: list[tuple[str, float]], media_type: str) -> tuple[float, int]:
    """The q-value of the most specific range matching `media_type`, and that specificity."""
    kind = media_type.split("/")[0]
    best: tuple[float, int] = (0.0, -1)
    for media, quality in ranges:
        specificity = {media_type: 2, f"{kind}/*": 1, "*/*": 0}.get(media, -1)
        if specificity > best[1]:
            best = (quality, specificity)
    return best


def choose_media_type(accept: str | None) -> str | None:
    """The response media type for this `Accept` header, or None when we can offer none (406).

    A missing header or a bare wildcard gets `application/json`, as the graphql-http audit
    expects, because such clients are likely to predate `application/graphql-response+json`.
    A client naming both types with equal weight gets the modern one.
    """
    if accept is None or not accept.strip():
        return JSON
    ranges = _media_ranges(accept)
    modern, legacy = _quality(ranges, GRAPHQL_RESPONSE_JSON), _quality(ranges, JSON)
    if modern[0] <= 0 and legacy[0] <= 0:
        return None
    if modern[0] != legacy[0]:
        return GRAPHQL_RESPONSE_JSON if modern[0] > legacy[0] else JSON
    return GRAPHQL_RESPONSE_JSON if modern[1] == 2 else JSON


def accepts_html(accept: str | None) -> bool:
    """Whether a browser is asking: `text/html` is named, not merely covered by `*/*`."""
    quality, specificity = _quality(_media_ranges(accept or ""), "text/html")
    return quality > 0 and specificity > 0


def check_content_type(content_type: str | None) -> None:
    """Accept only JSON bodies in UTF-8; the spec lets a server refuse the rest."""
    media, *params = (piece.strip().lower() for piece in (content_type or "").split(";"))
    if media != JSON:
        raise RequestRejected(415, "Send the request body as 'Content-Type: application/json'.")
    for param in params:
        name, _, value = param.partition("=")
        if name.strip() == "charset" and value.strip().strip('"') not in ("utf-8", "utf8"):
            raise RequestRejected(415, "Only the utf-8 charset is supported.")


def _load_json(text: str, what: str) -> Any:
    try:
        data = json.loads(text)
    # A deeply nested array exhausts the recursion limit of the decoder.
    except (ValueError, RecursionError):
        raise RequestRejected(400, f"The {what} is not valid JSON.") from None
    if has_lone_surrogate(text, data):
        raise RequestRejected(
            400, f"The {what} has an unpaired surrogate escape (such as \\ud800): not text."
        )
    return data


# Where a JSON text may escape a surrogate: only there can a decoded string hold a lone one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def has_lone_surrogate(text: str, data: Any) -> bool:
    """Whether decoded JSON holds an unpaired UTF-16 surrogate, which is not a character.

    Python decodes `"\\ud800"` to a string that cannot be encoded: it would fail later, in a
    database driver or in the response, as a server error. Valid pairs decode to one character.
    """
    if not _SURROGATE_ESCAPE.search(text):
        return False
    try:
        json.dumps(data, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return True
    return False


def params_from_body(body: bytes) -> GraphQLParams:
    """Parameters of a POST; `json.loads` would guess UTF-16/32 from bytes, the spec says UTF-8."""
    if not body:
        raise RequestRejected(400, "The request body is empty; send a JSON object with 'query'.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestRejected(400, "The request body is not valid UTF-8.") from None
    data = _load_json(text, "request body")
    if not isinstance(data, dict):
        raise RequestRejected(400, "The request body must be a JSON object.")
    return _params(
        data.get("query"),
        data.get("operationName"),
        data.get("variables"),
        data.get("extensions"),
        data.get("documentId", data.get("id")),
    )


def params_from_query_string(query_params: Mapping[str, str]) -> GraphQLParams:
    """Parameters of a GET; `variables` and `extensions` arrive as JSON text."""
    decoded: dict[str, Any] = {}
    for name in ("variables", "extensions"):
        raw = query_params.get(name)
        decoded[name] = _load_json(raw, f"'{name}' parameter") if raw else None
    # An empty operationName means "not given" for GET, per the spec.
    operation_name = query_params.get("operationName") or None
    return _params(
        query_params.get("query"),
        operation_name,
        decoded["variables"],
        decoded["extensions"],
        query_params.get("documentId", query_params.get("id")),
    )


def _params(
    query: object,
    operation_name: object,
    variables: object,
    extensions: object,
    document_id: object = None,
) -> GraphQLParams:
    if document_id is not None and not isinstance(document_id, str):
        raise RequestRejected(400, "The 'documentId' parameter must be a string.")
    persisted = isinstance(extensions, dict) and extensions.get("persistedQuery") is not None
    if query is None and not persisted and document_id is None:
        raise RequestRejected(400, "The 'query' parameter is missing.")
    if query is not None and not isinstance(query, str):
        raise RequestRejected(400, "The 'query' parameter must be a string.")
    if operation_name is not None and not isinstance(operation_name, str):
        raise RequestRejected(400, "The 'operationName' parameter must be a string or null.")
    if variables is not None and not isinstance(variables, dict):
        raise RequestRejected(400, "The 'variables' parameter must be an object or null.")
    if extensions is not None and not isinstance(extensions, dict):
        raise RequestRejected(400, "The 'extensions' parameter must be an object or null.")
    return GraphQLParams(query, operation_name, variables, extensions, document_id)


def operation_to_run(
    document: DocumentNode, params: GraphQLParams, method: str
) -> OperationDefinitionNode:
    """The operation the request names, if this method may run it."""
    operation = get_operation_ast(document, params.operation_name)
    if operation is None:
        if params.operation_name:
            message = f"Unknown operation named '{params.operation_name}'."
        elif any(isinstance(d, OperationDefinitionNode) for d in document.definitions):
            message = "The document has several operations; send 'operationName'."
        else:
            message = "The document contains no operation."
        raise RequestErrors(GraphQLError(message))
    if operation.operation == OperationType.MUTATION and method == "GET":
        raise RequestRejected(405, "Mutations must be sent with POST.", {"Allow": "POST"})
    if operation.operation == OperationType.SUBSCRIPTION:
        raise RequestErrors(GraphQLError("Subscriptions are served over WebSocket, not HTTP."))
    return operation
