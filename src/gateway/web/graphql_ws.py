"""GraphQL over WebSocket: both protocols, token auth in `connection_init`, live subscriptions.

A connection authenticates once with the bearer token in its `connection_init` payload and is
closed with 4403 otherwise; when that token expires or is revoked (logout) the socket is closed.
Subscriptions take an optional `after` cursor: the events after it are replayed from the events
table, in order, then live ones follow, none lost and none twice. Queries and mutations may be
sent over the socket too.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    OperationType,
    execute,
)
from graphql.execution.values import get_argument_values, get_variable_values
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from gateway.auth.tokens import token_hash
from gateway.auth.viewer import bearer_token
from gateway.cost import cost_refusal
from gateway.documents import CLOSED, OPEN, SIGNED_IN, cost_of, documents
from gateway.live import LiveHub
from gateway.live.fanout import (
    LiveSchema,
    LiveSubscription,
    encode,
    group_key,
    operation_of,
    viewer_independent,
)
from gateway.masking import new_request_id
from gateway.persisted import not_allowed, sha256_hex
from gateway.runtime import Runtime
from gateway.web import ws_protocol as wsp
from gateway.web.rate_limit import RateLimiter, client_address, refusal
from gateway.web.ws_connection import Connection
from gateway.web.ws_fastpath import abort
from gateway.web.ws_outbox import Outbox
from gateway.web.ws_replay import Replayer
from gateway.web.ws_scopes import ScopeCache

log = logging.getLogger(__name__)

INIT_TIMEOUT = 10.0
KEEP_ALIVE = 15.0
# How long a closing socket may take to write its last frames before it is cut.
CLOSE_TIMEOUT = 2.0


class GraphQLWebSocket:
    """ASGI app for WebSocket connections to /graphql."""

    def __init__(
        self,
        live: LiveSchema,
        runtime: Callable[[], Runtime],
        hub: Callable[[], LiveHub],
        limiter: RateLimiter | None = None,
    ):
        self.live = live
        self._limiter = limiter
        self._runtime = runtime
        self._hub = hub
        self._replayer = Replayer(live, runtime, hub)
        self._independent: dict[str, bool] = {}
        self._scopes = ScopeCache()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        websocket = WebSocket(scope, receive, send)
        offered = scope.get("subprotocols") or []
        protocol = next((p for p in (wsp.TRANSPORT_WS, wsp.LEGACY_WS) if p in offered), None)
        if protocol is None:
            await websocket.close(*wsp.Close.UNSUPPORTED_PROTOCOL.value)
            return
        await websocket.accept(subprotocol=protocol)
        limit = self._runtime().settings.live_outbox_limit
        connection = Connection(
            websocket=websocket, protocol=protocol, asgi_send=send, outbox=Outbox(limit)
        )
        sender = asyncio.create_task(self._send_loop(connection, send))
        timers: list[asyncio.Handle | asyncio.Task[None]] = []
        try:
            await self._receive_loop(connection, receive, timers)
        finally:
            for timer in timers:
                timer.cancel()
            if connection.viewer is not None:
                self._hub().unregister(connection)
            connection.close(1000, "")
            # A client that stopped reading would hold this handler, and with it a graceful
            # shutdown, for ever: its last frames get a moment, then the socket is cut.
            done, _ = await asyncio.wait([sender], timeout=CLOSE_TIMEOUT)
            if not done:
                abort(send)
                sender.cancel()
                await asyncio.wait([sender])

    async def _send_loop(self, connection: Connection, send: Send) -> None:
        # The ASGI `send` itself, not Starlette's wrapper: its state checks raise when the
        # client has gone, which here is no error (the receive side sees the disconnect).
        try:
            while (frame := await connection.outbox.get()) is not None:
                connection.sending = True
                await send({"type": "websocket.send", "text": frame})
                connection.sending = False
            code, reason = connection.closing or (1000, "")
            await send({"type": "websocket.close", "code": code, "reason": reason})
        except OSError:
            connection.close(1006, "")  # the client went away while we were writing

    async def _receive_loop(
        self, connection: Connection, receive: Receive, timers: list[Any]
    ) -> None:
        try:
            text = await asyncio.wait_for(_receive_text(receive), INIT_TIMEOUT)
        except TimeoutError:
            connection.close(*wsp.Close.INIT_TIMEOUT.value)
            return
        while text is not None and connection.closing is None:
            message = wsp.parse(text, connection.protocol)
            if message is None:
                connection.close(*wsp.Close.BAD_MESSAGE.value)
                return
            await self._handle(connection, message, timers)
            if connection.closing is not None:
                return
            text = await _receive_text(receive)

    async def _handle(
        self, connection: Connection, message: wsp.Message, timers: list[Any]
    ) -> None:
        if message.type == "connection_init":
            await self._init(connection, message.payload, timers)
        elif message.type == "ping":
            connection.send_urgent(wsp.pong(connection.protocol))
        elif message.type == "pong":
            return
        elif message.type == "terminate":
            connection.close(1000, "")
        elif connection.viewer is None:
            connection.close(*wsp.Close.UNAUTHORIZED.value)
        elif message.type == "subscribe":
            assert message.id is not None
            if message.id in connection.subscriptions:
                connection.close(4409, f"Subscriber for {message.id} already exists")
                return
            if await self._rate_limited(connection, message.id):
                return
            await self._subscribe(connection, message.id, message.payload)
        elif message.type == "complete" and message.id is not None:
            connection.end_subscription(message.id)
            if connection.protocol == wsp.LEGACY_WS:
                # The legacy protocol acknowledges `stop`; clients (gql) wait for it.
                connection.send(wsp.complete_frame(connection.protocol, message.id))
        else:
            connection.close(*wsp.Close.BAD_MESSAGE.value)

    async def _rate_limited(self, connection: Connection, op_id: str) -> bool:
        """Counts a socket message like an HTTP request; over the limit it gets an error."""
        if self._limiter is None:
            return False
        wait = await self._limiter.retry_after(
            client_address(connection.websocket.scope), connection.token
        )
        if wait is None:
            return False
        connection.send(wsp.error_frame(connection.protocol, op_id, [refusal(wait)]))
        return True

    async def _init(self, connection: Connection, payload: Any, timers: list[Any]) -> None:
        if connection.viewer is not None:
            connection.close(*wsp.Close.TOO_MANY_INITS.value)
            return
        runtime = self._runtime()
        now = runtime.clock()
        token = _token_from(payload)
        async with runtime.sessionmaker() as session:
            viewer = await runtime.viewers.viewer(session, token, now)
        if viewer is None or token is None:
            if connection.protocol == wsp.LEGACY_WS:
                connection.send(wsp.connection_error(connection.protocol, "Forbidden"))
            connection.close(*wsp.Close.FORBIDDEN.value)
            return
        scopes, key = self._scopes, token_hash(token)
        connection.viewer, connection.session_key = viewer, key
        connection.scope = await scopes.scope(runtime.sessionmaker, viewer, key, now)
        connection.token = token  # for the rate limits of socket messages

        async def reload_scope() -> None:
            now = runtime.clock()
            connection.scope = await scopes.scope(runtime.sessionmaker, viewer, key, now)

        connection.reload_scope = reload_scope
        connection.replay = functools.partial(self._replayer.run, connection)
        await self._hub().register(connection)
        connection.send(wsp.ack(connection.protocol))
        loop = asyncio.get_running_loop()
        remaining = (viewer.token_expires_at - now).total_seconds()
        timers.append(
            loop.call_later(max(0.0, remaining), connection.close, 4403, "Session expired")
        )
        if connection.protocol == wsp.LEGACY_WS:
            timers.append(asyncio.create_task(_keep_alive(connection)))

    async def _subscribe(self, connection: Connection, op_id: str, payload: Any) -> None:
        protocol = connection.protocol
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            connection.close(*wsp.Close.BAD_MESSAGE.value)
            return
        query: str = payload["query"]
        # Trusted-documents mode holds for sockets too: the text must be a registered one.
        trusted = self._runtime().trusted_documents
        if trusted is not None and await trusted.by_sha256(sha256_hex(query)) is None:
            connection.send(wsp.error_frame(protocol, op_id, [not_allowed().error.formatted]))
            return
        variables = payload.get("variables") or {}
        name = payload.get("operationName")
        # Only signed-in connections get here, so the larger bounds apply.
        exposure = OPEN if self._runtime().settings.introspection_enabled else CLOSED
        prepared = documents.prepare(self.live.schema, query, SIGNED_IN, exposure)
        document = prepared.document
        if document is None or prepared.errors:
            formatted = [e.formatted for e in prepared.errors]
            connection.send(wsp.error_frame(protocol, op_id, formatted))
            return
        operation = operation_of(document, name)
        if operation is None or not isinstance(variables, dict):
            error = {"message": "Name the operation to run, with variables as an object."}
            connection.send(wsp.error_frame(protocol, op_id, [error]))
            return
        # The HTTP cost limit, and a cap on the subscriptions one socket holds.
        settings = self._runtime().settings
        cost = cost_of(self.live.schema, prepared, operation, variables)
        if cost > settings.max_query_cost:
            refused = cost_refusal(cost, settings.max_query_cost)
            connection.send(wsp.error_frame(protocol, op_id, [refused.formatted]))
            return
        cap = settings.max_subscriptions_per_socket
        subscribing = operation.operation is OperationType.SUBSCRIPTION
        if subscribing and len(connection.subscriptions) >= cap:
            full = {
                "message": f"This socket already holds {cap} subscriptions; complete one first.",
                "extensions": {"code": "TOO_MANY_SUBSCRIPTIONS"},
            }
            connection.send(wsp.error_frame(protocol, op_id, [full]))
            return
        if operation.operation is not OperationType.SUBSCRIPTION:
            hide = not exposure.suggestions
            await self._execute_once(connection, op_id, document, variables, name, hide)
            return
        coerced = get_variable_values(
            self.live.schema,
            operation.variable_definitions or (),
            variables,
            hide_suggestions=not exposure.suggestions,
        )
        root = operation.selection_set.selections[0]
        subscription_type = self.live.schema.subscription_type
        if (
            isinstance(coerced, list)
            or not isinstance(root, FieldNode)
            or subscription_type is None
        ):
            errors = coerced if isinstance(coerced, list) else [GraphQLError("Bad subscription")]
            connection.send(wsp.error_frame(protocol, op_id, [e.formatted for e in errors]))
            return
        field_name = root.name.value
        live_field = self.live.fields.get(field_name)
        if live_field is None:
            unknown: dict[str, Any] = {"message": f"'{field_name}' cannot be followed live."}
            connection.send(wsp.error_frame(protocol, op_id, [unknown]))
            return
        arguments = get_argument_values(subscription_type.fields[field_name], root, coerced)
        viewer = connection.viewer
        assert viewer is not None
        independent = self._independent.get(query)
        if independent is None:
            independent = viewer_independent(self.live.schema, document, self.live.shared_fields)
            if len(query) <= 10_000:  # clients send the same few documents; keep those
                if len(self._independent) >= 512:
                    self._independent.clear()
                self._independent[query] = independent
        subscription = LiveSubscription(
            connection=connection,
            id=op_id,
            document=document,
            operation_name=name,
            variables=variables,
            live_field=live_field,
            arguments=arguments,
            group_key=group_key(query, name, variables, viewer, independent),
        )
        after = _cursor(arguments.get("after"))
        if after is False:
            bad_cursor: dict[str, Any] = {
                "message": "'after' is not a cursor from this API.",
                "extensions": {"code": "INVALID_INPUT"},
            }
            connection.send(wsp.error_frame(protocol, op_id, [bad_cursor]))
            return
        if live_field.prepare is not None:
            subscription.state = await self._scopes.prepared(
                self._runtime().sessionmaker,
                viewer,
                connection.session_key,
                field_name,
                live_field.prepare,
            )
        connection.subscriptions[op_id] = subscription
        if after is None:
            subscription.last_id = self._hub().cursor(viewer.organisation_id)
            subscription.catching_up = False
        else:
            # Event ids are one sequence in one table: a cursor means the same on every process.
            subscription.last_id = after
            connection.start_replay(subscription)

    async def _execute_once(
        self,
        connection: Connection,
        op_id: str,
        document: DocumentNode,
        variables: dict[str, Any],
        name: str | None,
        hide_suggestions: bool,
    ) -> None:
        viewer = connection.viewer
        assert viewer is not None
        request_id = new_request_id()
        async with self.live.open_context(connection.websocket, viewer, request_id) as context:
            result = execute(
                self.live.schema,
                document,
                context_value=context,
                variable_values=variables,
                operation_name=name,
                hide_suggestions=hide_suggestions,
            )
            if not isinstance(result, ExecutionResult):
                result = await result
        connection.send(wsp.next_frame(connection.protocol, op_id, encode(result, request_id)))
        connection.send(wsp.complete_frame(connection.protocol, op_id))


async def _receive_text(receive: Receive) -> str | None:
    """The next text message; None once the client has gone (or sent binary, not ours)."""
    message = await receive()
    if message["type"] != "websocket.receive":
        return None
    text = message.get("text")
    return text if isinstance(text, str) else None


def _token_from(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return None
    # `payload.Authorization`, or `payload.headers.Authorization` as Apollo Sandbox sends it.
    for where in (payload, payload.get("headers")):
        for key in ("Authorization", "authorization"):
            value = where.get(key) if isinstance(where, dict) else None
            if isinstance(value, str):
                return bearer_token(value)
    token = payload.get("token")
    return token if isinstance(token, str) and len(token) <= 200 else None


def _cursor(value: Any) -> int | bool | None:
    """The event id in a cursor; None when absent; False when malformed."""
    if value is None:
        return None
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else False


async def _keep_alive(connection: Connection) -> None:
    while True:
        connection.send(wsp.keep_alive())
        await asyncio.sleep(KEEP_ALIVE)


__all__ = ["GraphQLWebSocket"]
