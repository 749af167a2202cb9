"""Bringing one subscription up to the live position from the events table.

Used when a client resumes with `after`, and when a subscriber fell behind its socket. Pages of
missed events are read and sent in order, each page only once the socket's queue has room,
until the subscription reaches the hub's position; the switch to live happens with no await
after that check, so the fan-out delivers exactly the events that follow (see `LiveHub`: its
position moves before an event's fan-out starts, and the fan-out sorts without awaiting).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from gateway.live import LiveHub, LiveSubscription
from gateway.live.fanout import LiveSchema, render
from gateway.live.replay import PAGE, missed, newest, pruned_through
from gateway.runtime import Runtime
from gateway.web import ws_protocol as wsp
from gateway.web.ws_connection import Connection

log = logging.getLogger(__name__)

CURSOR_EXPIRED: dict[str, Any] = {
    "message": "Events after this cursor are no longer kept; reload, then follow without 'after'.",
    "extensions": {"code": "CURSOR_EXPIRED"},
}


class Replayer:
    def __init__(
        self, live: LiveSchema, runtime: Callable[[], Runtime], hub: Callable[[], LiveHub]
    ) -> None:
        self.live = live
        self._runtime = runtime
        self._hub = hub

    async def run(self, connection: Connection, subscription: LiveSubscription) -> None:
        try:
            await self._replay(connection, subscription)
        except Exception:
            log.exception("replaying events for a subscription failed")
            connection.close(1011, "Internal error")

    async def _replay(self, connection: Connection, subscription: LiveSubscription) -> None:
        viewer = subscription.viewer
        org = viewer.organisation_id
        runtime, hub = self._runtime(), self._hub()
        live_field = subscription.live_field
        if subscription.last_id > hub.cursor(org):
            # A cursor from another process, ahead of this one: it is a position in the same
            # table, so keep it, but never beyond what exists (a guessed cursor would mute).
            async with runtime.sessionmaker() as session:
                subscription.last_id = min(subscription.last_id, await newest(session, org))
        while True:
            await connection.outbox.room()
            upto = hub.cursor(org)
            if subscription.last_id >= upto:
                subscription.catching_up = False
                return
            after = subscription.last_id
            async with runtime.sessionmaker() as session:
                events = await missed(
                    session, viewer, live_field.kinds, after, upto, runtime.clock()
                )
                # Read after the page: a pruning committed before the page was read shows here.
                if after < await pruned_through(session, org):
                    self._expired(connection, subscription)
                    return
            for event in events:
                if live_field.accepts(event, subscription.arguments, viewer, subscription.state):
                    payload = await render(self.live, subscription, event)
                    if connection.subscriptions.get(subscription.id) is not subscription:
                        return  # completed meanwhile
                    connection.send_next(subscription, payload)
                subscription.last_id = event.id
            if len(events) < PAGE:
                subscription.last_id = max(subscription.last_id, upto)

    def _expired(self, connection: Connection, subscription: LiveSubscription) -> None:
        # Not `end_subscription`: that would cancel this very replay.
        connection.subscriptions.pop(subscription.id, None)
        connection.send(wsp.error_frame(connection.protocol, subscription.id, [CURSOR_EXPIRED]))
