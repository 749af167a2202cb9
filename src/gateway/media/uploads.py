"""Files written for a change that may still roll back: removed unless the change commits."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from gateway.media.storage import Content, ObjectInfo, Storage

log = logging.getLogger(__name__)


class PendingWrites:
    """The keys written in one `pending_writes` block."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.keys: list[str] = []
        self.committed = False

    async def put(self, key: str, content: Content) -> ObjectInfo:
        """Store like `Storage.put`, remembering the key for removal on rollback."""
        # Remembered first: a put cancelled after the rename must still be cleaned up.
        self.keys.append(key)
        return await self.storage.put(key, content)

    def commit(self) -> None:
        """Keep the files: call right after the database transaction that refers to them commits."""
        self.committed = True


@asynccontextmanager
async def pending_writes(storage: Storage) -> AsyncIterator[PendingWrites]:
    """Write files for a database change; they are deleted unless `commit()` was called.

    ```python
    async with pending_writes(storage) as writes:
        await writes.put(key, data)
        session.add(Photo(key=key))
        await session.commit()
        writes.commit()
    ```
    An exception, a cancellation or a forgotten `commit()` removes every file written.
    """
    writes = PendingWrites(storage)
    try:
        yield writes
    finally:
        if not writes.committed and writes.keys:
            # Shielded: a cancelled request must not leave its files behind half-cleaned.
            await asyncio.shield(_remove(storage, list(writes.keys)))


async def _remove(storage: Storage, keys: list[str]) -> None:
    for key in keys:
        try:
            await storage.delete(key)
        except Exception:
            log.exception("could not remove %s of a rolled-back upload", key)
