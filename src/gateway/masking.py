"""How errors reach clients: public ones with their code, anything else as a logged reference.

Shared by GraphQL over HTTP and the live fan-out, so a subscription event is masked exactly like
an HTTP response.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import StreamExecutionResult

from gateway.errors import PublicError

INTERNAL = "INTERNAL_SERVER_ERROR"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

error_log = logging.getLogger("gateway.errors")


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_from(client_id: str | None) -> str:
    """The client's `X-Request-ID` when it is short and well-formed, else a new one."""
    return client_id if client_id and _SANE_REQUEST_ID.fullmatch(client_id) else new_request_id()


def is_crash(error: GraphQLError) -> bool:
    """Whether the error wraps an exception the client did not cause and must not see.

    That is one raised in a resolver (the error has a path) or outside the document (no
    location). An error located in the document without a path comes from validating it,
    e.g. a custom scalar rejecting a literal with ValueError: that message is for the client.
    """
    original = error.original_error
    if original is None or isinstance(original, GraphQLError | PublicError):
        return False
    return error.path is not None or not error.locations


def masked(error: GraphQLError, request_id: str) -> GraphQLError:
    error_log.error(
        "Unexpected error (reference %s) at %s",
        request_id,
        ".".join(map(str, error.path or ())) or "-",
        exc_info=error.original_error,
    )
    return GraphQLError(
        f"Unexpected error (reference {request_id})",
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": INTERNAL, "requestId": request_id},
    )


def _with_code(error: GraphQLError) -> GraphQLError:
    if isinstance(error.original_error, PublicError):
        error.extensions = {**(error.extensions or {}), "code": error.original_error.code.value}
    return error


def mask_errors(errors: list[GraphQLError], request_id: str) -> list[GraphQLError]:
    """Each error as a client may see it: public ones with their code, others as a reference."""
    return [masked(e, request_id) if is_crash(e) else _with_code(e) for e in errors]


@runtime_checkable
class _HasErrors(Protocol):
    errors: list[GraphQLError] | None


class MaskUnexpectedErrors(SchemaExtension):
    """Show clients `PublicError`s with their code; replace other exceptions by a log reference.

    Hooks into every operation and every streamed result (as Strawberry's `MaskErrors`
    does), so subscriptions over WebSocket are masked exactly like HTTP responses.
    """

    def __init__(self) -> None:
        self._streamed = False

    def on_operation(self) -> Iterator[None]:
        self._streamed = False
        yield
        if not self._streamed:  # streamed results were masked one by one already
            result = self.execution_context.result
            self._mask(getattr(result, "initial_result", result))

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        self._streamed = True
        self._mask(result)
        for part in (
            *(getattr(result, "incremental", None) or ()),
            *(getattr(result, "completed", None) or ()),
        ):
            self._mask(part)
        yield

    def _mask(self, result: object) -> None:
        if not isinstance(result, _HasErrors) or not result.errors:
            return
        request_id = getattr(self.execution_context.context, "request_id", None)
        request_id = request_id if isinstance(request_id, str) else "-"
        result.errors = mask_errors(result.errors, request_id)
