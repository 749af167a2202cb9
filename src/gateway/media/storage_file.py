"""Storage in a local folder: one file per key, written to a temporary name and renamed."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO

from gateway.media.keys import content_type_for, validate_key
from gateway.media.storage import CHUNK_SIZE, Content, ObjectInfo, ObjectNotFound, StorageBase

# Temporary files start with a dot, which no valid key segment does, so they are never served.
_TEMP_PREFIX = ".tmp-"


class FileStorage(StorageBase):
    """A folder as storage. Every blocking call runs in a worker thread."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*validate_key(key).split("/"))

    async def put(self, key: str, content: Content) -> ObjectInfo:
        path = self._path(key)
        await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
        temp = path.with_name(f"{_TEMP_PREFIX}{secrets.token_hex(8)}-{path.name}")
        handle = await asyncio.to_thread(open, temp, "xb")
        try:
            try:
                if isinstance(content, bytes):
                    await asyncio.to_thread(handle.write, content)
                else:
                    async for chunk in content:
                        await asyncio.to_thread(handle.write, chunk)
                await asyncio.to_thread(_flush_and_sync, handle)
            finally:
                # Closed here, not in a thread: an await in a cancelled task (a client gone)
                # may never return, and the descriptor would stay open until collected.
                handle.close()
            # The rename is the commit: readers see the old file or the whole new one.
            await asyncio.to_thread(os.replace, temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                await asyncio.shield(asyncio.to_thread(temp.unlink, missing_ok=True))
            raise
        return await self.stat(key)

    async def stat(self, key: str) -> ObjectInfo:
        path = self._path(key)
        try:
            result = await asyncio.to_thread(path.stat)
        except (FileNotFoundError, NotADirectoryError):
            raise ObjectNotFound(key) from None
        if not path.is_file():
            raise ObjectNotFound(key)
        # Like Starlette's FileResponse: a rename gives new content a new inode and mtime.
        tag = f"{result.st_ino}-{result.st_mtime_ns}-{result.st_size}"
        etag = hashlib.sha256(tag.encode()).hexdigest()[:32]
        return ObjectInfo(
            key=key, size=result.st_size, etag=etag, content_type=content_type_for(key)
        )

    async def stream(
        self, key: str, *, start: int = 0, stop: int | None = None
    ) -> AsyncIterator[bytes]:
        path = self._path(key)
        try:
            handle = await asyncio.to_thread(open, path, "rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise ObjectNotFound(key) from None
        try:
            await asyncio.to_thread(handle.seek, start)
            remaining = None if stop is None else max(stop - start, 0)
            while remaining is None or remaining > 0:
                size = CHUNK_SIZE if remaining is None else min(CHUNK_SIZE, remaining)
                chunk = await asyncio.to_thread(handle.read, size)
                if not chunk:
                    break
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk
        finally:
            handle.close()  # see `put`: no await on the way out of a cancelled download

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def list_keys(self, prefix: str = "") -> AsyncIterator[str]:
        found = await asyncio.to_thread(self._walk)
        for key in found:
            if key.startswith(prefix):
                yield key

    def _walk(self) -> list[str]:
        if not self.root.is_dir():
            return []
        found = []
        for path in self.root.rglob("*"):
            key = path.relative_to(self.root).as_posix()
            # Temporary files of writes in progress are not objects (yet).
            if path.is_file() and not path.name.startswith(_TEMP_PREFIX):
                found.append(key)
        return found

    async def close(self) -> None:
        return None


def _flush_and_sync(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())
