"""Browser clients: which web origins may call the API, over HTTP (CORS) and over WebSocket.

Browsers enforce CORS for HTTP themselves, given the answers of Starlette's middleware; but they
let any page open a WebSocket anywhere, sending only an `Origin` header, so the socket's origin
is checked here. A socket without `Origin` (a native app, a script) is no browser's and passes;
so does one from the gateway's own origin (GraphiQL, served at /graphql). The tokens are bearer
tokens, never cookies, so no credentials are allowed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

# Development servers of the usual frontend tools (Vite, CRA/Next, webpack, Angular, Expo web)
# on any port, when CORS_ORIGINS is not set in development.
DEV_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"
# Authorization carries the token; GraphQL-Require-Preflight is what multipart uploads need
# (gateway/web/multipart.py); X-Request-ID is the client's own reference.
ALLOWED_HEADERS = ("Authorization", "Content-Type", "GraphQL-Require-Preflight", "X-Request-ID")
EXPOSED_HEADERS = ("X-Request-ID", "Retry-After")


def parse_origins(value: str | None) -> tuple[str, ...]:
    """`CORS_ORIGINS`: origins separated by commas (or spaces), `*` for any."""
    if not value:
        return ()
    return tuple(o.strip().rstrip("/") for o in value.replace(",", " ").split() if o.strip())


def cors(app: ASGIApp, *, origins: tuple[str, ...], development: bool) -> CORSMiddleware:
    """Starlette's middleware for `origins`, or for local dev servers in development."""
    return CORSMiddleware(
        app,
        allow_origins=origins,
        allow_origin_regex=DEV_ORIGINS if development and not origins else None,
        allow_methods=("GET", "POST"),
        allow_headers=ALLOWED_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        max_age=600,
    )


class WebSocketOrigins:
    """Refuses (HTTP 403 before the handshake) a WebSocket opened by a page of a foreign origin."""

    def __init__(
        self, app: ASGIApp, *, origins: tuple[str, ...], development: bool, own_origin: str
    ) -> None:
        self.app = app
        self.policy = cors(app, origins=origins, development=development)
        self.own_origin = own_origin.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and not self.allows(Headers(scope=scope)):
            await send({"type": "websocket.close", "code": 1008, "reason": "Origin not allowed"})
            return
        # `send` passes unwrapped: the fan-out writes pre-encoded frames to the server's own.
        await self.app(scope, receive, send)

    def allows(self, headers: Headers) -> bool:
        origin = headers.get("origin")
        if origin is None:
            return True
        origin = origin.rstrip("/")
        # The gateway's own pages (GraphiQL), by the Host asked for or the public address.
        if origin == self.own_origin or urlsplit(origin).netloc == headers.get("host"):
            return True
        return self.policy.is_allowed_origin(origin)
