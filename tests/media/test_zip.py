"""Streamed ZIPs: members read from storage one after another, written into storage as they go."""

from __future__ import annotations

import asyncio
import io
import itertools
import os
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from gateway.media import Storage, ZipMember, bytes_member, storage_member, zip_stream

WHEN = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


class Interrupted(Exception):
    """The export job's process went away mid-ZIP."""


async def test_an_export_streamed_from_storage_into_storage(storage: Storage) -> None:
    photos = {f"photos/p{n}/download.jpg": os.urandom(700_000) for n in range(3)}
    for key, data in photos.items():
        await storage.put(key, data)

    async def index_page() -> AsyncIterator[bytes]:  # written as it goes, size unknown
        yield b"<!doctype html><title>Dagboek</title>"
        for n in range(3):
            yield f'<img src="foto-{n}.jpg" alt="Zoë">'.encode()

    members = [ZipMember("index.html", index_page, modified_at=WHEN)]
    members += [
        await storage_member(storage, key, f"foto-{n}.jpg", modified_at=WHEN)
        for n, key in enumerate(photos)
    ]
    members.append(bytes_member("Zoë - notities.txt", b"Eerste stapjes!", modified_at=WHEN))

    info = await storage.put("exports/e1.zip", zip_stream(members))

    archive = zipfile.ZipFile(io.BytesIO(await storage.read("exports/e1.zip")))
    assert info.size == archive.fp.seek(0, io.SEEK_END)  # type: ignore[union-attr]
    assert archive.testzip() is None
    assert archive.namelist() == [
        "index.html",
        "foto-0.jpg",
        "foto-1.jpg",
        "foto-2.jpg",
        "Zoë - notities.txt",
    ]
    assert archive.read("index.html").count(b"<img") == 3
    for n, data in enumerate(photos.values()):
        assert archive.read(f"foto-{n}.jpg") == data
        assert archive.getinfo(f"foto-{n}.jpg").compress_size <= len(data) + 1024
    assert archive.read("Zoë - notities.txt") == b"Eerste stapjes!"
    assert archive.getinfo("index.html").date_time == (2026, 3, 10, 9, 30, 0)


async def test_members_are_read_one_at_a_time_in_small_chunks() -> None:
    opened: list[str] = []
    out_at_open: list[int] = []
    sizes: list[int] = []
    open_now = 0
    most_open = 0

    def member(name: str, size: int) -> ZipMember:
        async def chunks() -> AsyncIterator[bytes]:
            nonlocal open_now, most_open
            opened.append(name)
            out_at_open.append(len(sizes))
            open_now += 1
            most_open = max(most_open, open_now)
            try:
                for _ in range(size // 100_000):
                    await asyncio.sleep(0)
                    yield os.urandom(100_000)
            finally:
                open_now -= 1

        return ZipMember(name, chunks, size=size, modified_at=WHEN, compress=False)

    async for chunk in zip_stream([member(f"m{n}.jpg", 2_000_000) for n in range(4)]):
        sizes.append(len(chunk))

    assert opened == ["m0.jpg", "m1.jpg", "m2.jpg", "m3.jpg"]
    # Each member is opened only once the ZIP of the ones before went out (~30 chunks each).
    assert out_at_open[0] <= 1
    assert all(later - earlier >= 25 for earlier, later in itertools.pairwise(out_at_open))
    assert most_open == 1
    assert max(sizes) <= 65_536
    assert sum(sizes) > 8_000_000


async def test_a_failing_member_leaves_no_zip_in_storage(storage: Storage) -> None:
    async def breaks() -> AsyncIterator[bytes]:
        yield os.urandom(200_000)
        raise Interrupted

    members = [
        bytes_member("a.txt", b"a" * 1000, modified_at=WHEN),
        ZipMember("b.jpg", breaks, modified_at=WHEN),
    ]

    with pytest.raises(Interrupted):
        await storage.put("exports/broken.zip", zip_stream(members))

    assert [key async for key in storage.list_keys()] == []
