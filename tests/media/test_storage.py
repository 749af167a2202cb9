"""One suite, both backends: the local folder and S3 (moto's server over loopback)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from pydantic import ValidationError

from gateway.media import InvalidKey, ObjectNotFound, Storage, pending_writes, storage_from_url
from gateway.media.storage_file import FileStorage
from gateway.media.storage_s3 import PART_SIZE, S3Storage
from gateway.settings import Settings
from tests.media.s3_server import S3Server

KEY = "photos/ab12/display.jpg"


class Broken(Exception):
    """The client went away halfway through an upload."""


async def chunks(*parts: bytes, then_fail: bool = False) -> AsyncIterator[bytes]:
    for part in parts:
        await asyncio.sleep(0)
        yield part
    if then_fail:
        raise Broken


async def stored_keys(storage: Storage) -> list[str]:
    return sorted([key async for key in storage.list_keys()])


async def test_put_bytes_then_stat_read_and_stream(storage: Storage) -> None:
    info = await storage.put(KEY, b"0123456789")

    assert (info.key, info.size, info.content_type) == (KEY, 10, "image/jpeg")
    assert await storage.stat(KEY) == info
    assert await storage.read(KEY) == b"0123456789"
    assert await storage.exists(KEY)
    assert await stored_keys(storage) == [KEY]


async def test_byte_ranges(storage: Storage) -> None:
    await storage.put(KEY, bytes(range(256)) * 4)

    async def part(start: int, stop: int | None) -> bytes:
        return b"".join([c async for c in storage.stream(KEY, start=start, stop=stop)])

    assert await part(0, 3) == b"\x00\x01\x02"
    assert await part(254, 258) == b"\xfe\xff\x00\x01"
    assert await part(1020, None) == b"\xfc\xfd\xfe\xff"
    assert await part(5, 5) == b""


async def test_put_from_chunks_larger_than_one_part(storage: Storage) -> None:
    # Past one S3 part, so the S3 backend goes through a multipart upload.
    block = os.urandom(1024 * 1024)
    count = PART_SIZE // len(block) * 2 + 1

    info = await storage.put("exports/big.zip", chunks(*[block] * count))

    assert info.size == count * len(block)
    assert info.content_type == "application/zip"
    streamed = [c async for c in storage.stream("exports/big.zip", start=PART_SIZE - 2)]
    assert b"".join(streamed) == (block * count)[PART_SIZE - 2 :]
    assert max(len(c) for c in streamed) <= 1024 * 1024  # streamed in chunks, not whole


async def test_replacing_changes_the_etag(storage: Storage) -> None:
    first = await storage.put(KEY, b"first version")
    await asyncio.sleep(0.01)
    second = await storage.put(KEY, b"second version")

    assert first.etag != second.etag
    assert await storage.read(KEY) == b"second version"


async def test_failed_write_leaves_nothing_and_keeps_the_old_object(storage: Storage) -> None:
    with pytest.raises(Broken):
        await storage.put("photos/new/download.jpg", chunks(b"half", then_fail=True))
    await storage.put(KEY, b"old")
    with pytest.raises(Broken):
        await storage.put(KEY, chunks(os.urandom(PART_SIZE), b"more", then_fail=True))

    assert not await storage.exists("photos/new/download.jpg")
    assert await storage.read(KEY) == b"old"
    assert await stored_keys(storage) == [KEY]
    if isinstance(storage, FileStorage):
        leftovers = [p.name for p in storage.root.rglob("*") if p.is_file()]
        assert leftovers == ["display.jpg"]  # no temporary file either


async def test_a_reader_never_sees_a_half_written_object(storage: Storage) -> None:
    await storage.put(KEY, b"A" * 1000)
    release = asyncio.Event()

    async def slow() -> AsyncIterator[bytes]:
        yield b"B" * 500
        await release.wait()
        yield b"B" * 500

    writing = asyncio.create_task(storage.put(KEY, slow()))
    await asyncio.sleep(0.05)
    during = await storage.read(KEY)
    release.set()
    await writing

    assert during == b"A" * 1000
    assert await storage.read(KEY) == b"B" * 1000


async def test_missing_objects(storage: Storage) -> None:
    with pytest.raises(ObjectNotFound):
        await storage.stat("photos/none/display.jpg")
    with pytest.raises(ObjectNotFound):
        await storage.read("photos/none/display.jpg")
    with pytest.raises(ObjectNotFound):
        [c async for c in storage.stream("photos/none/display.jpg", start=3, stop=9)]
    assert not await storage.exists("photos/none/display.jpg")
    await storage.delete("photos/none/display.jpg")  # not an error


async def test_delete(storage: Storage) -> None:
    await storage.put(KEY, b"x")
    await storage.delete(KEY)

    assert not await storage.exists(KEY)
    assert await stored_keys(storage) == []


@pytest.mark.parametrize(
    "key", ["../etc/passwd", "/abs", "a//b", ".hidden", "a/../b", "a/.tmp-x", "", "a b", "a\\b"]
)
async def test_unsafe_keys_are_refused(storage: Storage, key: str) -> None:
    with pytest.raises(InvalidKey):
        await storage.put(key, b"x")
    with pytest.raises(InvalidKey):
        await storage.stat(key)


async def test_rolled_back_upload_removes_its_files(storage: Storage) -> None:
    await storage.put("photos/kept/display.jpg", b"kept")

    async def failing_change() -> None:
        async with pending_writes(storage) as writes:
            await writes.put("photos/gone/thumbnail.jpg", b"t")
            await writes.put("photos/gone/display.jpg", b"d")
            raise Broken  # e.g. the database transaction failed

    with pytest.raises(Broken):
        await failing_change()

    async with pending_writes(storage) as writes:
        await writes.put("photos/forgotten/display.jpg", b"d")  # never committed

    async with pending_writes(storage) as writes:
        await writes.put("photos/new/display.jpg", b"n")
        writes.commit()

    assert await stored_keys(storage) == ["photos/kept/display.jpg", "photos/new/display.jpg"]


async def test_cancelled_upload_removes_its_files(storage: Storage) -> None:
    started = asyncio.Event()

    async def upload() -> None:
        async with pending_writes(storage) as writes:
            await writes.put("photos/c/thumbnail.jpg", b"t")
            started.set()
            await asyncio.Event().wait()  # the request is cancelled here

    task = asyncio.create_task(upload())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert await stored_keys(storage) == []


def test_storage_urls() -> None:
    relative = storage_from_url("file://var/media")
    absolute = storage_from_url("file:///srv/media")

    assert isinstance(relative, FileStorage)
    assert isinstance(absolute, FileStorage)
    assert (str(relative.root), str(absolute.root)) == ("var/media", "/srv/media")
    with pytest.raises(ValueError, match="bucket"):
        storage_from_url("s3://?endpoint=http://127.0.0.1:9000")
    with pytest.raises(ValueError, match="unknown storage"):
        storage_from_url("ftp://host/media")
    with pytest.raises(ValidationError, match="file:// or s3://"):
        Settings(storage_url="ftp://host/media", _env_file=None)  # type: ignore[call-arg]


async def test_s3_presigned_download(s3_server: S3Server) -> None:
    storage = storage_from_url(s3_server.storage_url("presigned/"))
    assert isinstance(storage, S3Storage)
    try:
        await storage.put(KEY, b"photo bytes")
        url = await storage.presigned_url(KEY, ttl=timedelta(minutes=5), filename="Zoë 1.jpg")
        async with httpx.AsyncClient() as http:
            response = await http.get(url)
            tampered = await http.get(url.replace("display.jpg", "thumbnail.jpg"))
    finally:
        await storage.close()

    assert (response.status_code, response.content) == (200, b"photo bytes")
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"Zoe 1.jpg\"; filename*=UTF-8''Zo%C3%AB%201.jpg"
    )
    assert tampered.status_code == 403
