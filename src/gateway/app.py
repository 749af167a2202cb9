"""The ASGI application: `create_app(settings)` wires the schema, database and mail together."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.auth.viewer_cache import ViewerCache
from gateway.clock import Clock, system_clock
from gateway.db import create_engine, create_sessionmaker
from gateway.documents import CLOSED, OPEN
from gateway.jobs import start_job_worker, start_periodic_tasks
from gateway.live import LiveHub, PubSub
from gateway.live.fanout import fanout
from gateway.mail import Mailer, mailer_from_url
from gateway.runtime import Runtime
from gateway.settings import Settings, get_settings
from gateway.web import GraphQLHTTP, GraphQLWebSocket, MediaEndpoint
from gateway.web.cors import WebSocketOrigins, cors, parse_origins
from gateway.web.graphiql import ASSET_PATH as GRAPHIQL_ASSETS
from gateway.web.graphiql import GraphiQL
from gateway.web.rate_limit import RateLimitHTTP, rate_limiter
from gateway.web.security_headers import SecurityHeaders
from gateway.web.unsubscribe import unsubscribe_endpoint


async def _health(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.runtime
    async with runtime.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    return JSONResponse({"status": "ok"})


async def _ready(request: Request) -> JSONResponse:
    """Ready for everything, live included: 503 while pub/sub is away (events then come late,
    by polling). A hook for a fuller readiness check; liveness stays `/healthz`."""
    hub: LiveHub = request.app.state.hub
    live = hub.ready
    return JSONResponse(
        {"status": "ok" if live else "degraded", "live": live}, 200 if live else 503
    )


class WebSocketAt:
    """Hands WebSocket connections to one path straight to `endpoint`."""

    def __init__(self, app: ASGIApp, *, path: str, endpoint: ASGIApp) -> None:
        self.app = app
        self.path = path
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == self.path:
            await self.endpoint(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn options for serving the gateway (the CLI and the tests use the same).

    The sans-I/O WebSocket protocol keeps no task per connection, and permessage-deflate is off:
    its per-connection compression state about doubles the memory of an idle connection, for
    frames of a few hundred bytes that hardly compress. uvicorn's access log is off: the
    gateway writes one line per request itself (`gateway.http`, with request id and operation).

    The client address (login throttling counts per address) is taken from X-Forwarded-For
    only when the peer is one of `TRUSTED_PROXIES`, and then the nearest untrusted entry: a
    client cannot choose its own address by sending the header. Given explicitly, so that
    uvicorn's FORWARDED_ALLOW_IPS cannot widen it unnoticed.

    No `server` header: it only tells an attacker what to try.
    """
    return {
        "ws": "websockets-sansio",
        "ws_per_message_deflate": False,
        "access_log": False,
        "proxy_headers": True,
        "forwarded_allow_ips": list(settings.trusted_proxies),
        "server_header": False,
    }


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock = system_clock,
    mailer: Mailer | None = None,
    background_tasks: bool = True,
) -> Starlette:
    """Build the gateway. Nothing connects until the lifespan starts."""
    from resolvers.context import build_context  # wiring only: gateway does not use resolvers
    from resolvers.schema import live_schema, schema

    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        sessionmaker = create_sessionmaker(engine)
        hub = LiveHub(
            PubSub(settings.broadcast_url),
            sessionmaker,
            poll_interval=settings.live_poll_interval.total_seconds(),
        )
        hub.fanout = functools.partial(fanout, live, share=settings.live_shared_execution)
        viewers = ViewerCache(settings.viewer_cache_ttl)
        hub.session_watchers.append(viewers)
        await hub.start()
        runtime = Runtime(
            settings=settings,
            engine=engine,
            sessionmaker=sessionmaker,
            mailer=mailer or mailer_from_url(settings.mail_url, settings.mail_from),
            clock=clock,
            events=hub,
            viewers=viewers,
        )
        app.state.runtime = runtime
        app.state.hub = hub
        # Everything loaded so far lives as long as the process: keep the collector from
        # walking it again and again, which showed as latency spikes under fan-out.
        gc.freeze()
        tasks = (
            [*start_periodic_tasks(runtime), start_job_worker(runtime)] if background_tasks else []
        )
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await hub.stop()
            await runtime.close_media()
            await limiter.close()
            await engine.dispose()

    graphiql = (
        GraphiQL(demo_login=settings.environment == "development")
        if settings.graphiql_enabled
        else None
    )
    graphql = GraphQLHTTP(
        schema,
        build_context,
        graphiql=graphiql,
        max_body_bytes=settings.max_body_bytes,
        exposure=OPEN if settings.introspection_enabled else CLOSED,
        max_cost=settings.max_query_cost,
        trusted=lambda: app.state.runtime.trusted_documents,
    )
    live = live_schema()
    limiter = rate_limiter(
        settings.broadcast_url,
        per_token=settings.token_rate_limit,
        per_address=settings.address_rate_limit,
        window=settings.rate_limit_window.total_seconds(),
    )
    websocket = GraphQLWebSocket(
        live, runtime=lambda: app.state.runtime, hub=lambda: app.state.hub, limiter=limiter
    )
    media = MediaEndpoint(runtime=lambda: app.state.runtime)
    origins = parse_origins(settings.cors_origins)
    development = settings.environment == "development"
    app = Starlette(
        routes=[
            Route("/graphql", graphql),
            Route("/healthz", _health),
            Route("/readyz", _ready),
            *([Route(f"{GRAPHIQL_ASSETS}/{{name}}", graphiql.asset)] if graphiql else []),
            Route("/unsubscribe", unsubscribe_endpoint, methods=["GET", "POST"]),
            # Everything under /media, the bare prefix included, answers only to a signature.
            Route("/media", media),
            Route("/media/{rest:path}", media),
        ],
        # As middleware, not a route: Starlette's exception handling wraps `send` for routes,
        # and the fan-out needs the server's own `send` to write pre-encoded frames.
        middleware=[
            # Browser clients: headers, CORS and the WebSocket Origin allow-list.
            Middleware(SecurityHeaders),
            Middleware(cors, origins=origins, development=development),
            Middleware(RateLimitHTTP, limiter=limiter),
            Middleware(
                WebSocketOrigins,
                origins=origins,
                development=development,
                own_origin=settings.public_base_url,
            ),
            Middleware(WebSocketAt, path="/graphql", endpoint=websocket),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings  # for `server_options`, before the lifespan has run
    return app
