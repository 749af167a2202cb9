"""Fixtures: `storage` runs each test on the local folder and on S3 (moto over loopback)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gateway.media import Storage, storage_from_url
from tests.media.s3_server import S3Server, s3_server  # noqa: F401  (fixture)


def storage_url_for(kind: str, request: pytest.FixtureRequest, folder: Path) -> str:
    """A fresh, empty storage of `kind` (file or s3) as a STORAGE_URL."""
    if kind == "file":
        return f"file://{folder / 'media'}"
    server: S3Server = request.getfixturevalue("s3_server")
    return server.storage_url(f"t{secrets.token_hex(6)}/")


@pytest.fixture(params=["file", "s3"])
def storage_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return storage_url_for(request.param, request, tmp_path)


@pytest.fixture
async def storage(storage_url: str) -> AsyncIterator[Storage]:
    """An empty storage of each backend."""
    store = storage_from_url(storage_url)
    try:
        yield store
    finally:
        await store.close()
