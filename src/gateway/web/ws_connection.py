"""One GraphQL WebSocket connection: its viewer, its subscriptions, and how frames leave."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from starlette.types import Send
from starlette.websockets import WebSocket

from gateway.auth.event_access import LiveScope
from gateway.auth.viewer import Viewer
from gateway.live import SESSION_REVOKED, LiveEvent, LiveSubscription
from gateway.web import ws_protocol as wsp
from gateway.web.ws_fastpath import encode_text_frame, write_frame
from gateway.web.ws_outbox import Outbox

OUTBOX_LIMIT = 1000
SCOPE_TTL = timedelta(minutes=5)
# 1013 "try again later": the client reconnects and resumes from its cursor, which is before
# anything it did not receive (results are never dropped in the middle of a stream).
TOO_FAR_BEHIND = (1013, "Too far behind; reconnect with your cursor")

Replay = Callable[[LiveSubscription], Coroutine[Any, Any, None]]


@dataclass(eq=False)
class Connection:
    """One socket: its viewer, its subscriptions and a bounded queue of frames to send."""

    websocket: WebSocket
    protocol: str
    viewer: Viewer | None = None
    session_key: str = ""  # the token's hash: keys the viewer's cached scope and state
    scope: LiveScope | None = None
    # Reloads `scope`; set once the connection is authenticated.
    reload_scope: Callable[[], Coroutine[Any, Any, None]] | None = None
    reloading: asyncio.Task[None] | None = None
    subscriptions: dict[str, LiveSubscription] = field(default_factory=dict)
    outbox: Outbox = field(default_factory=lambda: Outbox(OUTBOX_LIMIT))
    # Reads a subscription's missed events from the table until it is live; set at init.
    replay: Replay | None = None
    replays: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    closing: tuple[int, str] | None = None
    asgi_send: Send | None = None
    sending: bool = False
    # The bearer token of `connection_init`: socket messages count against its rate limit.
    token: str | None = None

    @property
    def organisation_id(self) -> int:
        assert self.viewer is not None
        return self.viewer.organisation_id

    def send(self, frame: str) -> None:
        if not self.outbox.put(frame):
            # Only a client sending without ever reading gets here.
            self.close(*TOO_FAR_BEHIND)

    def send_urgent(self, frame: str) -> None:
        if not self.outbox.put_urgent(frame):
            self.close(*TOO_FAR_BEHIND)

    async def deliver(self, frame: str, encoded: bytes) -> bool:
        """Send now when nothing is queued and the socket can take it; queue otherwise.

        False when the queue is full of results: the caller lets the subscription fall behind.

        Handing a frame to a per-connection sender task costs a task switch per subscriber per
        event, most of the CPU of a fan-out; writing straight away does not. uvicorn's send
        only waits while the transport is paused, which `_writable` rules out, so the fan-out
        never blocks on a slow client: that one's frames go through its queue.
        """
        send = self.asgi_send
        queued = self.sending or not self.outbox.empty() or self.closing is not None
        if send is not None and not queued and write_frame(send, encoded):
            return True  # the common case; `write_frame` checks writability itself
        if send is None or queued or not _writable(send):
            if self.outbox.full():
                return False
            self.outbox.put(frame, result=True)
            return True
        try:
            await send({"type": "websocket.send", "text": frame})
        except Exception:
            self.close(1011, "Send failed")
        return True

    def encode_next(self, subscription_id: str, payload_json: str) -> tuple[str, bytes]:
        text = wsp.next_frame(self.protocol, subscription_id, payload_json)
        return text, encode_text_frame(text)

    def send_next(self, subscription: LiveSubscription, payload_json: str) -> None:
        """Queue a replayed result; the replay itself waits for `outbox.room()`."""
        self.outbox.put(wsp.next_frame(self.protocol, subscription.id, payload_json), result=True)

    def fell_behind(self, subscription: LiveSubscription) -> None:
        """Stop live delivery to `subscription`; it catches up from the table, in order."""
        subscription.catching_up = True
        self.start_replay(subscription)

    def start_replay(self, subscription: LiveSubscription) -> None:
        running = self.replays.get(subscription.id)
        if self.replay is None or self.closing is not None:
            return
        if running is not None and not running.done():
            return
        task = asyncio.create_task(self.replay(subscription))
        self.replays[subscription.id] = task

        def forget(done: asyncio.Task[None]) -> None:
            if self.replays.get(subscription.id) is done:
                del self.replays[subscription.id]

        task.add_done_callback(forget)

    def end_subscription(self, subscription_id: str) -> bool:
        """Forget a subscription and stop its replay; True if it existed."""
        task = self.replays.pop(subscription_id, None)
        if task is not None:
            task.cancel()
        return self.subscriptions.pop(subscription_id, None) is not None

    def close(self, code: int, reason: str) -> None:
        if self.closing is None:
            self.closing = (code, reason)
            for task in self.replays.values():
                task.cancel()
            self.outbox.put_urgent(None)

    def current_scope(self, now: datetime) -> LiveScope | None:
        """The scope to judge events by; starts a reload in the background once it is old.

        Children join and leave groups while a socket stays open; a scope older than
        `SCOPE_TTL` is reloaded, so what a viewer may see follows within that time.
        """
        scope = self.scope
        stale = scope is not None and now - scope.loaded_at > SCOPE_TTL
        if stale and self.reload_scope is not None and self.reloading is None:
            self.reloading = asyncio.create_task(self.reload_scope())
            self.reloading.add_done_callback(self._reloaded)
        return scope

    def _reloaded(self, _task: asyncio.Task[None]) -> None:
        self.reloading = None

    def handle_session_event(self, event: LiveEvent) -> bool:
        """Close on a logout of this session; True when the event was about sessions."""
        if event.kind != SESSION_REVOKED:
            return False
        viewer = self.viewer
        if viewer is not None and event.account_id == viewer.account_id:
            tokens = event.payload.get("tokenIds")
            if tokens is None or viewer.token_id in tokens:
                self.close(*wsp.Close.FORBIDDEN.value)
        return True


def _writable(send: Send) -> bool:
    """Whether uvicorn's WebSocket protocol would write at once (its transport is not paused).

    Reads uvicorn's `writable` event on the protocol behind the ASGI `send`; under any other
    server the answer is False and every frame takes the queued path.
    """
    event = getattr(getattr(send, "__self__", None), "writable", None)
    return isinstance(event, asyncio.Event) and event.is_set()
