"""ZIPs streamed chunk by chunk from storage, never assembled in memory or on disk.

`stream-zip` does the format (ZIP64, data descriptors). Its own async wrapper runs the
generator in the event loop's default executor, where it blocks one thread per ZIP for the
whole download, the same threads the file storage reads with: enough parallel downloads and
nothing could read any more. So the generator runs here in a pool of its own, bounded, fed
by the event loop one chunk at a time.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from stat import S_IFREG
from typing import Any

from stream_zip import ZIP_64, ZIP_AUTO, Method, stream_zip

from gateway.media.signing import ZipEntry
from gateway.media.storage import Storage

# Already compressed: deflating them again costs CPU and saves nothing.
_STORED_AS_IS = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".zip", ".pdf", ".gz")
MAX_PARALLEL_ZIPS = 8
# A thread is held for one step of one ZIP (about 64 KiB of output), then free for the next
# ZIP's step; more ZIPs than threads take turns instead of each holding one throughout.
_pool = ThreadPoolExecutor(max_workers=MAX_PARALLEL_ZIPS, thread_name_prefix="zip")
_DONE = object()


@dataclass(frozen=True)
class ZipMember:
    """One file in a streamed ZIP. `open` is called when its turn comes, not before."""

    name: str
    open: Callable[[], AsyncIterator[bytes]]
    size: int | None = None
    modified_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    compress: bool = True


def bytes_member(name: str, data: bytes, *, modified_at: datetime | None = None) -> ZipMember:
    """A small member from bytes in memory (a text, an index page)."""

    async def chunks() -> AsyncIterator[bytes]:
        yield data

    return ZipMember(
        name=name,
        open=chunks,
        size=len(data),
        modified_at=modified_at or datetime.now(UTC),
        compress=not name.lower().endswith(_STORED_AS_IS),
    )


async def storage_member(
    storage: Storage, key: str, name: str, *, modified_at: datetime | None = None
) -> ZipMember:
    """A member read from storage when its turn comes; raises `ObjectNotFound` now if missing."""
    info = await storage.stat(key)
    return ZipMember(
        name=name,
        open=lambda: storage.stream(key),
        size=info.size,
        modified_at=modified_at or datetime.now(UTC),
        compress=not name.lower().endswith(_STORED_AS_IS),
    )


async def entry_members(
    storage: Storage, entries: Iterable[ZipEntry], *, modified_at: datetime | None = None
) -> list[ZipMember]:
    """The members of a signed ZIP manifest; raises `ObjectNotFound` if a key is missing."""
    members = []
    for entry in entries:
        if entry.key is not None:
            members.append(
                await storage_member(storage, entry.key, entry.name, modified_at=modified_at)
            )
        else:
            text = entry.text or ""
            members.append(bytes_member(entry.name, text.encode(), modified_at=modified_at))
    return members


def _method(member: ZipMember) -> Method:
    if member.size is None:
        return ZIP_64
    return ZIP_AUTO(member.size, level=6 if member.compress else 0)


async def zip_stream(
    members: Iterable[ZipMember] | AsyncIterable[ZipMember],
) -> AsyncIterator[bytes]:
    """The ZIP of `members`, in chunks of about 64 KiB, members opened one after another."""
    loop = asyncio.get_running_loop()

    def sync_members() -> Iterator[tuple[str, datetime, int, Method, Iterable[bytes]]]:
        for member in _blocking_iter(loop, _aiter_members(members)):
            chunks = _blocking_iter(loop, member.open())
            yield member.name, member.modified_at, S_IFREG | 0o600, _method(member), chunks

    zipped = iter(
        stream_zip(
            sync_members(),
            get_compressobj=lambda: zlib.compressobj(wbits=-zlib.MAX_WBITS, level=6),
        )
    )
    while (chunk := await loop.run_in_executor(_pool, _step, zipped)) is not None:
        yield chunk


def _step(zipped: Iterator[bytes]) -> bytes | None:
    return next(zipped, None)


async def _aiter_members(
    members: Iterable[ZipMember] | AsyncIterable[ZipMember],
) -> AsyncIterator[ZipMember]:
    if isinstance(members, AsyncIterable):
        async for member in members:
            yield member
    else:
        for member in members:
            yield member


def _blocking_iter(loop: asyncio.AbstractEventLoop, source: AsyncIterator[Any]) -> Iterator[Any]:
    """Iterate an async iterator from the ZIP thread, each step run on the event loop."""
    iterator = source.__aiter__()
    while True:
        future = asyncio.run_coroutine_threadsafe(_next_or_done(iterator), loop)
        value = future.result()
        if value is _DONE:
            return
        yield value


async def _next_or_done(iterator: AsyncIterator[Any]) -> Any:
    try:
        return await iterator.__anext__()
    except StopAsyncIteration:
        return _DONE
