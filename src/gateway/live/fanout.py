"""Live subscriptions and fan-out: work done once per event, not once per subscriber.

For each event the subscriptions that may see it (a set lookup in the viewer's `LiveScope`)
and want it (kind and arguments) are grouped by what their result depends on: the operation,
its variables, and, unless every selected field is viewer-independent, the account. Each group
is executed once, with a fresh session and loaders (never the connection's first context, whose
DataLoaders would serve stale rows), encoded once, and framed per subscriber by concatenation.
graphql-core's per-event executor is not used: it shares a memo across events and grows by
each one; a fresh `execute` per event leaves nothing behind.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLSchema,
    OperationDefinitionNode,
    TypeInfo,
    Visitor,
    execute,
    visit,
)
from graphql.language import FieldNode
from graphql.utilities import TypeInfoVisitor
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from gateway.auth.event_access import LiveScope, event_visible
from gateway.auth.viewer import Viewer
from gateway.live.hub import LiveEvent
from gateway.masking import mask_errors, new_request_id

log = logging.getLogger(__name__)


Accepts = Callable[[LiveEvent, Mapping[str, Any], Viewer, Any], bool]
Prepare = Callable[[AsyncSession, Viewer], Awaitable[Any]]


@dataclass(frozen=True)
class LiveField:
    """How one root subscription field follows events.

    `accepts(event, arguments, viewer, state)` filters beyond visibility; `state` is what
    `prepare` loaded once when the subscription started (e.g. the viewer's settings).
    """

    kinds: frozenset[str]
    root: Callable[[LiveEvent], Any]
    accepts: Accepts = lambda _event, _arguments, _viewer, _state: True
    prepare: Prepare | None = None


class ContextFactory(Protocol):
    def __call__(
        self, connection: HTTPConnection, viewer: Viewer, request_id: str
    ) -> AbstractAsyncContextManager[Any]: ...


class Subscriber(Protocol):
    """What the fan-out needs of a socket: its subscriptions and somewhere to write frames.

    The WebSocket edge implements it; the fan-out knows nothing of protocols or transports.
    """

    @property
    def viewer(self) -> Viewer | None: ...

    @property
    def websocket(self) -> HTTPConnection: ...

    @property
    def protocol(self) -> str: ...

    @property
    def subscriptions(self) -> Mapping[str, LiveSubscription]: ...

    def handle_session_event(self, event: LiveEvent) -> bool:
        """Act on a session event (e.g. close on logout); True when the event was one."""

    def current_scope(self, now: datetime) -> LiveScope | None:
        """What the viewer may see, to judge events by; None while not yet known."""

    def fell_behind(self, subscription: LiveSubscription) -> None:
        """The socket took no more: stop live delivery, catch up from the events table."""

    def encode_next(self, subscription_id: str, payload_json: str) -> tuple[str, bytes]:
        """The protocol's `next` frame for a payload: as text and as wire bytes."""

    async def deliver(self, frame: str, encoded: bytes) -> bool:
        """Write one frame (text and its pre-encoded wire form); False when the socket is full."""


@dataclass(frozen=True)
class LiveSchema:
    """What the WebSocket endpoint needs from the GraphQL layer."""

    schema: GraphQLSchema
    fields: Mapping[str, LiveField]
    # type name -> fields whose value is the same for every viewer allowed to see the object
    shared_fields: Mapping[str, frozenset[str]]
    open_context: ContextFactory


@dataclass(eq=False)
class LiveSubscription:
    connection: Subscriber
    id: str
    document: DocumentNode
    operation_name: str | None
    variables: dict[str, Any]
    live_field: LiveField
    arguments: dict[str, Any]
    group_key: tuple[Any, ...]
    state: Any = None
    # The last event delivered or passed over: what the subscriber's cursor stands at.
    last_id: int = 0
    # Reading from the events table (resuming, or fallen behind); the fan-out passes it by.
    catching_up: bool = True

    @property
    def viewer(self) -> Viewer:
        viewer = self.connection.viewer
        assert viewer is not None
        return viewer

    def wants(self, event: LiveEvent, scope: LiveScope) -> bool:
        return (
            event.id > self.last_id
            and event.kind in self.live_field.kinds
            and event_visible(event, scope)
            and self.live_field.accepts(event, self.arguments, self.viewer, self.state)
        )


def viewer_independent(
    schema: GraphQLSchema, document: DocumentNode, shared: Mapping[str, frozenset[str]]
) -> bool:
    """Whether every field the document selects is in the shared allow-list (fail-safe)."""
    info = TypeInfo(schema)
    independent = True

    class Check(Visitor):
        def enter_field(self, node: FieldNode, *_args: Any) -> None:
            nonlocal independent
            parent = info.get_parent_type()
            name = node.name.value
            if parent is None or name == "__typename" or parent is schema.subscription_type:
                return  # the root field's value is built from the event alone
            if name not in shared.get(parent.name, frozenset()):
                independent = False

    visit(document, TypeInfoVisitor(info, Check()))
    return independent


def group_key(
    query: str,
    operation_name: str | None,
    variables: dict[str, Any],
    viewer: Viewer,
    independent: bool,
) -> tuple[Any, ...]:
    encoded = json.dumps(variables, sort_keys=True, default=str)
    return (
        query,
        operation_name,
        encoded,
        viewer.organisation_id,
        viewer.role,  # guardians and staff may see different things of the same object
        None if independent else viewer.account_id,
    )


async def render(live: LiveSchema, subscription: LiveSubscription, event: LiveEvent) -> str:
    """Execute the subscription's selection for one event and encode the result."""
    request_id = new_request_id()
    connection = subscription.connection.websocket
    async with live.open_context(connection, subscription.viewer, request_id) as context:
        result = execute(
            live.schema,
            subscription.document,
            root_value=subscription.live_field.root(event),
            context_value=context,
            variable_values=subscription.variables,
            operation_name=subscription.operation_name,
        )
        if not isinstance(result, ExecutionResult):
            result = await result
    return encode(result, request_id)


def encode(result: ExecutionResult, request_id: str) -> str:
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [e.formatted for e in mask_errors(list(result.errors), request_id)]
    return json.dumps(body, separators=(",", ":"), default=str)


async def fanout(
    live: LiveSchema,
    event: LiveEvent,
    connections: Sequence[Subscriber],
    *,
    share: bool = True,
) -> None:
    """Deliver one event; `share=False` runs every subscriber separately (the baseline)."""
    groups: dict[tuple[Any, ...], list[LiveSubscription]] = {}
    for connection in connections:
        if connection.handle_session_event(event):
            continue
        scope = connection.current_scope(event.created_at)
        if scope is None:
            continue
        for subscription in connection.subscriptions.values():
            if subscription.catching_up or not subscription.wants(event, scope):
                continue
            key = subscription.group_key if share else (id(subscription),)
            groups.setdefault(key, []).append(subscription)
    for members in groups.values():
        try:
            payload = await render(live, members[0], event)
        except Exception:
            log.exception("rendering event %s failed", event.id)
            continue
        # Frames differ only by protocol and operation id, and most clients use the same id.
        frames: dict[tuple[str, str], tuple[str, bytes]] = {}
        for subscription in members:
            connection = subscription.connection
            if subscription.catching_up:
                continue  # fell behind while an earlier event was being written
            key = (connection.protocol, subscription.id)
            frame = frames.get(key)
            if frame is None:
                frame = frames[key] = connection.encode_next(subscription.id, payload)
            if await connection.deliver(*frame):
                subscription.last_id = event.id
            else:
                # Nothing after a gap: from here on it reads from the table, in order.
                connection.fell_behind(subscription)


def operation_of(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)
