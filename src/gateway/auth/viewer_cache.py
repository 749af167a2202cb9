"""The viewer behind a token without a database round trip, for a few seconds at a time.

Every request and every WebSocket `connection_init` asks who a bearer token belongs to; the
answer changes only when the token expires or its session is revoked. This cache keeps it in the
process for `ttl` of real time (`VIEWER_CACHE_TTL`) and never past the token's own expiry, by the
gateway's clock. A logout writes a `session.revoked` event; the live hub hands it to `revoke` in
every process (directly in the one that wrote it, through pub/sub in the others), so a revoked
token is refused everywhere at once rather than after `ttl`. When a process may have missed such
a message (its pub/sub connection dropped, its wake-up queue overflowed), the hub calls `clear`.
`ttl` is what remains if pub/sub itself loses a message while connected, which it does not.

Only live tokens are kept: an unknown token costs a lookup every time, as before, so guessing
cannot fill the cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.tokens import token_hash
from gateway.auth.viewer import Viewer, viewer_for_token

DEFAULT_MAX_ENTRIES = 10_000


@dataclass(frozen=True, slots=True)
class _Entry:
    viewer: Viewer
    fresh_until: float  # on the monotonic clock


class ViewerCache:
    """token hash → viewer, per process; `ttl` zero turns it off."""

    def __init__(
        self,
        ttl: timedelta,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl.total_seconds()
        self.max_entries = max_entries
        self._monotonic = monotonic
        self._entries: dict[str, _Entry] = {}
        # Bumped by every revocation: a lookup that started before one does not store its
        # answer, which may predate the logout it has not seen.
        self._epoch = 0

    async def viewer(
        self, session: AsyncSession, token: str | None, now: datetime
    ) -> Viewer | None:
        """The viewer for a live token (as `viewer_for_token`), from the cache when fresh."""
        if token is None:
            return None
        if self.ttl <= 0:
            return await viewer_for_token(session, token, now)
        key = token_hash(token)
        entry = self._entries.get(key)
        if entry is not None:
            if entry.fresh_until > self._monotonic() and entry.viewer.token_expires_at > now:
                return entry.viewer
            del self._entries[key]
        epoch = self._epoch
        viewer = await viewer_for_token(session, token, now)
        if viewer is not None and epoch == self._epoch:
            self._store(key, viewer)
        return viewer

    def revoke(self, account_id: int, token_ids: Collection[int] | None) -> None:
        """Forget the account's sessions: the given tokens, or all of them (None)."""
        self._epoch += 1
        for key, entry in list(self._entries.items()):
            viewer = entry.viewer
            if viewer.account_id == account_id and (
                token_ids is None or viewer.token_id in token_ids
            ):
                del self._entries[key]

    def clear(self) -> None:
        """Forget everything: a revocation may have gone unheard."""
        self._epoch += 1
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _store(self, key: str, viewer: Viewer) -> None:
        if len(self._entries) >= self.max_entries:
            # Dicts keep insertion order: drop the oldest tenth in one go.
            for old in list(self._entries)[: max(1, self.max_entries // 10)]:
                del self._entries[old]
        self._entries[key] = _Entry(viewer, self._monotonic() + self.ttl)
