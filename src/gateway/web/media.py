"""`GET /media/…`: objects and ZIPs served on a signed URL alone, streamed from storage.

The signature and expiry are checked before storage is touched and without a database, so a
media request costs no query and a guessed or altered URL learns nothing (always 403, the
same for a key that exists and one that does not).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from gateway.media import (
    MediaUrlRejected,
    ObjectNotFound,
    ZipGrant,
    content_disposition,
    entry_members,
    verify_media_url,
    verify_zip_url,
    zip_stream,
)
from gateway.media.signing import MEDIA_PREFIX, ZIP_PATH
from gateway.runtime import Runtime
from gateway.web.http_ranges import (
    RangeNotSatisfiable,
    etag_matches,
    parse_range,
)

log = logging.getLogger(__name__)

# Media may be anything a user uploaded: never let a browser run or sniff it as a page.
_SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
}


def _refused() -> Response:
    return PlainTextResponse(
        "This link is invalid or has expired.",
        status_code=403,
        headers={"Cache-Control": "no-store", **_SAFE_HEADERS},
    )


class MediaEndpoint:
    """ASGI app for every path under `/media/`."""

    def __init__(self, runtime: Callable[[], Runtime]) -> None:
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = await self.respond(request)
        await response(scope, receive, send)

    async def respond(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return PlainTextResponse("Method not allowed.", status_code=405)
        runtime = self.runtime()
        query = dict(request.query_params)
        path = request.url.path
        now = runtime.clock()
        secret = runtime.settings.secret_key
        try:
            if path == ZIP_PATH:
                bundle = verify_zip_url(query, secret=secret, now=now)
            else:
                grant = verify_media_url(
                    path.removeprefix(MEDIA_PREFIX), query, secret=secret, now=now
                )
        except (MediaUrlRejected, ValueError):
            return _refused()
        if path == ZIP_PATH:
            return await self._zip(request, runtime, bundle, bundle.max_age(now))
        return await self._object(request, runtime, grant.key, grant.filename, grant.max_age(now))

    async def _object(
        self, request: Request, runtime: Runtime, key: str, filename: str | None, max_age: int
    ) -> Response:
        storage = runtime.storage
        try:
            info = await storage.stat(key)
        except ObjectNotFound:
            return PlainTextResponse("Not found.", status_code=404, headers=_SAFE_HEADERS)
        headers = {
            "Cache-Control": f"private, max-age={max_age}",
            "ETag": f'"{info.etag}"',
            "Accept-Ranges": "bytes",
            **_SAFE_HEADERS,
        }
        if filename:
            headers["Content-Disposition"] = content_disposition(filename)
        if etag_matches(request.headers.get("if-none-match"), info.etag):
            return Response(status_code=304, headers=headers)
        if_range = request.headers.get("if-range")
        wanted = request.headers.get("range")
        if if_range is not None and not etag_matches(if_range, info.etag):
            wanted = None  # the client's part is of other content: send it whole
        try:
            byte_range = parse_range(wanted, info.size)
        except RangeNotSatisfiable:
            headers["Content-Range"] = f"bytes */{info.size}"
            return Response(status_code=416, headers=headers)
        status = 200
        start, stop = 0, info.size
        if byte_range is not None:
            status = 206
            start, stop = byte_range.start, byte_range.stop
            headers["Content-Range"] = byte_range.content_range(info.size)
        headers["Content-Length"] = str(stop - start)
        if request.method == "HEAD":
            return Response(status_code=status, headers=headers, media_type=info.content_type)
        return StreamingResponse(
            storage.stream(key, start=start, stop=stop),
            status_code=status,
            headers=headers,
            media_type=info.content_type,
        )

    async def _zip(
        self, request: Request, runtime: Runtime, bundle: ZipGrant, max_age: int
    ) -> Response:
        try:
            members = await entry_members(
                runtime.storage, bundle.entries, modified_at=runtime.clock()
            )
        except ObjectNotFound:
            return PlainTextResponse("Not found.", status_code=404, headers=_SAFE_HEADERS)
        headers = {
            "Cache-Control": f"private, max-age={max_age}",
            "Content-Disposition": content_disposition(bundle.filename),
            **_SAFE_HEADERS,
        }
        if request.method == "HEAD":
            head = Response(headers=headers, media_type="application/zip")
            del head.headers["content-length"]  # not known before the ZIP is made
            return head
        return StreamingResponse(
            _logged(zip_stream(members)), headers=headers, media_type="application/zip"
        )


async def _logged(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    # Headers are out by now: a failure can only cut the download short, so say why in the log.
    try:
        async for chunk in chunks:
            yield chunk
    except Exception:
        log.exception("streaming a ZIP failed")
        raise
