"""What each connected viewer may see, loaded once per viewer and shared by their sockets.

A reconnect storm brings every phone back within seconds; loading the scope (three queries) per
socket was most of the cost of a connect. The scope is kept per session (token), which is what a
phone reconnects with, and is as old as it would be on a long-lived socket: at most `SCOPE_TTL`,
after which the next socket or the next event reloads it (`Connection.current_scope`).

A subscription's prepared state (the viewer's in-app settings for `notifications`) is kept the
same way but only for `PREPARED_TTL` of real time: enough for a storm, in which a phone comes
back within seconds, and short enough that a changed setting applies to the next subscription
soon (an open subscription keeps what it started with, as before).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.auth.event_access import LiveScope, load_scope
from gateway.auth.viewer import Viewer
from gateway.live.fanout import Prepare
from gateway.web.ws_connection import SCOPE_TTL

K = TypeVar("K")
V = TypeVar("V")

MAX_ENTRIES = 20_000
PREPARED_TTL = 10.0  # seconds


class ScopeCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        # By the token's hash, as the viewer cache keys (ids of deleted tokens come back).
        self._scopes: dict[str, LiveScope] = {}
        self._prepared: dict[tuple[str, str], tuple[float, Any]] = {}

    async def scope(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        viewer: Viewer,
        key: str,
        now: datetime,
    ) -> LiveScope:
        """The scope of the viewer whose token hashes to `key`, at most `SCOPE_TTL` old."""
        scope = self._scopes.get(key)
        if scope is not None and timedelta(0) <= now - scope.loaded_at <= SCOPE_TTL:
            return scope
        async with sessionmaker() as session:
            scope = await load_scope(session, viewer, viewer.today(now), now)
        _store(self._scopes, key, scope, self.max_entries)
        return scope

    async def prepared(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        viewer: Viewer,
        key: str,
        field: str,
        prepare: Prepare,
    ) -> Any:
        """What `prepare` loads for the viewer whose token hashes to `key`, `PREPARED_TTL` old."""
        entry = self._prepared.get((key, field))
        if entry is not None and entry[0] > time.monotonic():
            return entry[1]
        async with sessionmaker() as session:
            state = await prepare(session, viewer)
        _store(
            self._prepared, (key, field), (time.monotonic() + PREPARED_TTL, state), self.max_entries
        )
        return state


def _store(entries: dict[K, V], key: K, value: V, most: int) -> None:
    if len(entries) >= most:
        # Insertion order: the oldest tenth goes in one sweep.
        for old in list(entries)[: max(1, most // 10)]:
            del entries[old]
    entries[key] = value
