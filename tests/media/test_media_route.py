"""GET /media over real HTTP, on both storages: signatures, expiry, caching, ranges, downloads."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest

from gateway.app import create_app
from gateway.media import (
    Storage,
    Variant,
    ZipEntry,
    sign_media_url,
    sign_zip_url,
    storage_from_url,
    variant_key,
)
from gateway.migrate import migrate
from gateway.settings import Settings
from tests.support import DEFAULT_NOW, FrozenClock, run_server

SECRET = "media-test-secret-0123456789"
BASE = "photos/f3a9"
CONTENT = os.urandom(300_000)


@pytest.fixture(scope="session")
async def media_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    # The media route reads no database; the gateway around it still wants one to start.
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('media-db') / 'media.db'}"
    await migrate(url)
    return url


class Media:
    def __init__(self, http: httpx.AsyncClient, storage: Storage, clock: FrozenClock) -> None:
        self.http = http
        self.storage = storage
        self.clock = clock

    def url(self, key: str = BASE, **options: object) -> str:
        options.setdefault("variant", Variant.DISPLAY)
        return sign_media_url(
            key,
            secret=SECRET,
            now=self.clock(),
            ttl=timedelta(minutes=15),
            **options,  # type: ignore[arg-type]
        )

    async def get(self, url: str, **headers: str) -> httpx.Response:
        return await self.http.get(url, headers=headers)


@pytest.fixture
async def media(storage_url: str, media_database: str, tmp_path: Path) -> AsyncIterator[Media]:
    settings = Settings(
        environment="test",
        database_url=media_database,
        storage_url=storage_url,
        secret_key=SECRET,
        mail_url=f"outbox://{tmp_path / 'outbox'}",
        _env_file=None,  # type: ignore[call-arg]
    )
    clock = FrozenClock(DEFAULT_NOW)
    storage = storage_from_url(storage_url)
    await storage.put(variant_key(BASE, Variant.DISPLAY), CONTENT)
    await storage.put(variant_key(BASE, Variant.THUMBNAIL), b"thumbnail bytes")
    app = create_app(settings, clock=clock, background_tasks=False)
    async with run_server(app, clock) as server, httpx.AsyncClient(base_url=server.url) as http:
        yield Media(http, storage, clock)
    await storage.close()


def altered(url: str, **changes: str | None) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    return f"{parts.path}?{urlencode(query)}"


async def test_a_signed_url_serves_the_object(media: Media) -> None:
    response = await media.get(media.url())

    assert response.status_code == 200
    assert response.content == CONTENT
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["content-length"] == str(len(CONTENT))
    assert response.headers["cache-control"] == "private, max-age=900"
    assert response.headers["etag"] == f'"{(await media.storage.stat(BASE + "/display.jpg")).etag}"'
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-disposition" not in response.headers


async def test_cache_lifetime_is_what_is_left_and_then_403(media: Media) -> None:
    url = media.url()

    media.clock.advance(timedelta(minutes=5))
    later = await media.get(url)
    media.clock.advance(timedelta(minutes=10))
    expired = await media.get(url)

    assert later.headers["cache-control"] == "private, max-age=600"
    assert expired.status_code == 403
    assert expired.headers["cache-control"] == "no-store"


async def test_tampered_urls_are_refused(media: Media) -> None:
    url = media.url()
    other_key = media.url().replace("display.jpg", "thumbnail.jpg")
    exp = dict(parse_qsl(urlsplit(url).query))["exp"]
    forged = sign_media_url(
        BASE,
        variant=Variant.DISPLAY,
        secret="another-secret-0123456789",
        now=media.clock(),
        ttl=timedelta(minutes=15),
    )

    tries = {
        "other key": other_key,
        "later expiry": altered(url, exp=str(int(exp) + 3600)),
        "no expiry": altered(url, exp=None),
        "download name added": altered(url, dl="x.jpg"),
        "signature changed": altered(url, sig="A" + dict(parse_qsl(urlsplit(url).query))["sig"]),
        "no signature": altered(url, sig=None),
        "other secret": forged,
        "no query": urlsplit(url).path,
        "bare prefix": "/media",
        "zip without signature": "/media/_zip",
        "traversal": "/media/photos/..%2F..%2Fetc%2Fpasswd?" + urlsplit(url).query,
    }
    answers = {name: (await media.get(path)).status_code for name, path in tries.items()}

    assert answers == dict.fromkeys(tries, 403)


async def test_a_valid_url_for_a_missing_object_is_404(media: Media) -> None:
    response = await media.get(media.url("photos/gone"))

    assert response.status_code == 404


async def test_other_methods_are_refused(media: Media) -> None:
    response = await media.http.post(media.url(), content=b"x")

    assert response.status_code == 405


async def test_byte_ranges(media: Media) -> None:
    url = media.url()
    size = len(CONTENT)

    first = await media.get(url, range="bytes=0-99")
    tail = await media.get(url, range="bytes=-10")
    rest = await media.get(url, range=f"bytes={size - 5}-")
    past = await media.get(url, range=f"bytes={size}-")
    several = await media.get(url, range="bytes=0-1,5-6")

    assert (first.status_code, first.content) == (206, CONTENT[:100])
    assert first.headers["content-range"] == f"bytes 0-99/{size}"
    assert first.headers["content-length"] == "100"
    assert (tail.status_code, tail.content) == (206, CONTENT[-10:])
    assert (rest.status_code, rest.content) == (206, CONTENT[-5:])
    assert rest.headers["content-range"] == f"bytes {size - 5}-{size - 1}/{size}"
    assert past.status_code == 416
    assert past.headers["content-range"] == f"bytes */{size}"
    assert (several.status_code, several.content) == (200, CONTENT)


async def test_etag_revalidation_and_if_range(media: Media) -> None:
    url = media.url()
    etag = (await media.get(url)).headers["etag"]

    unchanged = await media.get(url, **{"if-none-match": etag})
    same = await media.get(url, range="bytes=0-9", **{"if-range": etag})
    other = await media.get(url, range="bytes=0-9", **{"if-range": '"something-else"'})
    await media.storage.put(variant_key(BASE, Variant.DISPLAY), b"a new version")
    replaced = await media.get(url, **{"if-none-match": etag})

    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    assert (same.status_code, same.content) == (206, CONTENT[:10])
    assert (other.status_code, other.content) == (200, CONTENT)
    assert (replaced.status_code, replaced.content) == (200, b"a new version")
    assert replaced.headers["etag"] != etag


async def test_head(media: Media) -> None:
    response = await media.http.head(media.url())

    assert response.status_code == 200
    assert response.headers["content-length"] == str(len(CONTENT))
    assert response.content == b""


async def test_downloads_carry_a_readable_name(media: Media) -> None:
    url = media.url(filename='Émma van "Dijk" 2026-03-10 (2).jpg')

    response = await media.get(url)

    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'attachment; filename="Emma van _Dijk_ 2026-03-10 (2).jpg"; '
        "filename*=UTF-8''%C3%89mma%20van%20_Dijk_%202026-03-10%20%282%29.jpg"
    )


async def test_an_entry_as_a_zip(media: Media) -> None:
    entries = [
        ZipEntry("dagboek.txt", text="Emma heeft vandaag geschilderd. 🎨"),
        ZipEntry("foto-1.jpg", key=variant_key(BASE, Variant.DISPLAY)),
        ZipEntry("foto-2.jpg", key=variant_key(BASE, Variant.THUMBNAIL)),
    ]
    url = sign_zip_url(
        entries,
        filename="Emma 2026-03-10.zip",
        secret=SECRET,
        now=media.clock(),
        ttl=timedelta(minutes=15),
    )

    response = await media.get(url)
    head = await media.http.head(url)

    assert (head.status_code, head.content) == (200, b"")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["cache-control"] == "private, max-age=900"
    assert 'filename="Emma 2026-03-10.zip"' in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    assert archive.namelist() == ["dagboek.txt", "foto-1.jpg", "foto-2.jpg"]
    assert archive.read("dagboek.txt").decode() == "Emma heeft vandaag geschilderd. 🎨"
    assert archive.read("foto-1.jpg") == CONTENT
    assert archive.read("foto-2.jpg") == b"thumbnail bytes"


async def test_zip_urls_are_checked_like_the_rest(media: Media) -> None:
    def zip_url(*entries: ZipEntry) -> str:
        return sign_zip_url(
            entries, filename="x.zip", secret=SECRET, now=media.clock(), ttl=timedelta(minutes=1)
        )

    url = zip_url(ZipEntry("a.jpg", key=variant_key(BASE, Variant.DISPLAY)))
    other = zip_url(ZipEntry("a.jpg", key=variant_key(BASE, Variant.THUMBNAIL)))
    swapped = altered(url, m=dict(parse_qsl(urlsplit(other).query))["m"])
    missing = zip_url(ZipEntry("a.jpg", key="photos/gone/display.jpg"))

    assert (await media.get(swapped)).status_code == 403
    assert (await media.get(missing)).status_code == 404
    media.clock.advance(timedelta(minutes=1))
    assert (await media.get(url)).status_code == 403
