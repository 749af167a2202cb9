"""Security headers on every HTTP answer that does not set its own.

API answers are per viewer and must never be cached (`no-store`), sniffed as another type
(`nosniff`) or leak their URL to another site (`no-referrer`). GraphiQL's page brings its own
CSP and /media its own caching, so a header an answer already has is kept, and /media is left
to itself.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
)


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, skip_prefix: str = "/media") -> None:
        self.app = app
        self.skip_prefix = skip_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or path == self.skip_prefix
            or path.startswith(self.skip_prefix + "/")
        ):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS:
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)
