"""How errors reach clients: public ones with their code, anything else as a logged reference.

Shared by GraphQL over HTTP and the live fan-out, so a subscription event is masked exactly like
an HTTP response.

The reference is always made here, never taken from the client: a client's `X-Request-ID` is
logged beside it (when short and well-formed), so one reference names one failure and nobody
can make theirs collide with someone else's. Unexpected errors are logged with their traceback
once per kind (class and where it was raised) and interval; the repeats are counted, so a
client who can trigger a fault at will cannot fill the disk with tracebacks.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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


def client_request_id(header: str | None) -> str | None:
    """The client's `X-Request-ID` when it is short and well-formed, to log beside ours."""
    return header if header and _SANE_REQUEST_ID.fullmatch(header) else None


@dataclass
class _Kind:
    window_started: float
    repeats: int = 0
    last_reference: str = ""


class RepeatedErrors:
    """Decides which unexpected errors are logged in full: the first of each kind per interval.

    A kind is the exception class and the line that raised it. Repeats within the interval are
    only counted; the first one after it is logged in full with that count. At most `max_kinds`
    kinds are remembered, so made-up variety cannot grow memory either.
    """

    def __init__(
        self,
        interval: float = 60.0,
        max_kinds: int = 1000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = interval
        self.max_kinds = max_kinds
        self.clock = clock
        self._kinds: dict[tuple[str, str], _Kind] = {}

    def admit(self, kind: tuple[str, str], reference: str) -> tuple[bool, int, str]:
        """(log this one in full?, repeats counted since the last full one, last reference)."""
        now = self.clock()
        seen = self._kinds.get(kind)
        if seen is not None and now - seen.window_started < self.interval:
            seen.repeats += 1
            seen.last_reference = reference
            return False, seen.repeats, reference
        if seen is None and len(self._kinds) >= self.max_kinds:
            self._kinds.clear()
        self._kinds[kind] = _Kind(window_started=now)
        if seen is None:
            return True, 0, ""
        return True, seen.repeats, seen.last_reference


repeated_errors = RepeatedErrors()


def error_kind(error: BaseException | None) -> tuple[str, str]:
    """The exception's class and the file and line that raised it."""
    if error is None:
        return ("-", "-")
    traceback = error.__traceback__
    while traceback is not None and traceback.tb_next is not None:
        traceback = traceback.tb_next
    where = f"{traceback.tb_frame.f_code.co_filename}:{traceback.tb_lineno}" if traceback else "-"
    return (f"{type(error).__module__}.{type(error).__qualname__}", where)


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
    _log_unexpected(error, request_id)
    return GraphQLError(
        f"Unexpected error (reference {request_id})",
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": INTERNAL, "requestId": request_id},
    )


def _log_unexpected(error: GraphQLError, request_id: str) -> None:
    original = error.original_error
    kind = error_kind(original)
    in_full, repeats, last = repeated_errors.admit(kind, request_id)
    if not in_full:
        return
    earlier = (
        f" ({repeats} more of this kind in the last interval, the last reference {last})"
        if repeats
        else ""
    )
    error_log.error(
        "Unexpected error (reference %s) at %s: %s%s",
        request_id,
        ".".join(map(str, error.path or ())) or "-",
        kind[0],
        earlier,
        exc_info=original,
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
