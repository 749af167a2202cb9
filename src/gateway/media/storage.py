"""The storage interface: put, stat, stream (with byte ranges), delete; chosen by URL."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

CHUNK_SIZE = 256 * 1024

Content = bytes | AsyncIterable[bytes]


class ObjectNotFound(LookupError):
    """No object is stored under the key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no stored object {key!r}")
        self.key = key


@dataclass(frozen=True)
class ObjectInfo:
    """What the media route needs to answer without reading the object."""

    key: str
    size: int
    # Changes whenever the content under the key does; quoted as an HTTP entity tag by the route.
    etag: str
    content_type: str


class Storage(Protocol):
    """Where photos, attachments and exports are kept.

    Keys are checked with `keys.validate_key`. Writes are atomic: until `put` returns, readers
    see the previous object or none, never part of the new one, and a failed `put` (an
    exception from the content iterator included) leaves nothing behind.
    """

    async def put(self, key: str, content: Content) -> ObjectInfo:
        """Store `content` (bytes, or an async iterable of chunks) under `key`, replacing any."""
        ...

    async def stat(self, key: str) -> ObjectInfo:
        """Size and entity tag of the object; raises `ObjectNotFound`."""
        ...

    async def exists(self, key: str) -> bool:
        """Whether an object is stored under `key`."""
        ...

    def stream(self, key: str, *, start: int = 0, stop: int | None = None) -> AsyncIterator[bytes]:
        """The bytes `start` up to (not including) `stop` of the object, in chunks.

        Raises `ObjectNotFound` on the first iteration when there is no such object.
        """
        ...

    async def read(self, key: str) -> bytes:
        """The whole object, for small ones only; raises `ObjectNotFound`."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the object; a missing one is not an error."""
        ...

    def list_keys(self, prefix: str = "") -> AsyncIterator[str]:
        """Every stored key starting with `prefix`, in no particular order (for sweeps, tests)."""
        ...

    async def close(self) -> None:
        """Release connections; the storage is not used afterwards."""
        ...


class StorageBase:
    """What every backend derives from `stat` and `stream` alike."""

    async def stat(self, key: str) -> ObjectInfo:
        raise NotImplementedError

    def stream(self, key: str, *, start: int = 0, stop: int | None = None) -> AsyncIterator[bytes]:
        raise NotImplementedError

    async def exists(self, key: str) -> bool:
        try:
            await self.stat(key)
        except ObjectNotFound:
            return False
        return True

    async def read(self, key: str) -> bytes:
        return b"".join([chunk async for chunk in self.stream(key)])


def storage_from_url(url: str) -> Storage:
    """The storage a `STORAGE_URL` names.

    - `file://var/media` (relative) or `file:///srv/media` (absolute): a local folder.
    - `s3://bucket?endpoint=http://127.0.0.1:9000&region=eu-west-1&prefix=media/`: an
      S3-compatible bucket; credentials come from the usual AWS variables or `?key=&secret=`.
    """
    if url.startswith("file://"):
        from gateway.media.storage_file import FileStorage

        return FileStorage(Path(url.removeprefix("file://")))
    if url.startswith("s3://"):
        try:
            from gateway.media.storage_s3 import S3Storage
        except ImportError as exc:
            raise ValueError("s3:// storage needs aiobotocore: pip install '.[s3]'") from exc

        parts = urlsplit(url)
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        if not parts.netloc:
            raise ValueError("an s3:// storage URL names a bucket: s3://bucket?endpoint=...")
        return S3Storage(
            bucket=parts.netloc,
            endpoint_url=query.get("endpoint"),
            region=query.get("region"),
            prefix=query.get("prefix", ""),
            access_key=query.get("key"),
            secret_key=query.get("secret"),
        )
    raise ValueError(f"unknown storage URL {url!r}: use file:// or s3://")
