"""A Web Push service on loopback for tests: checks VAPID and decrypts what it receives.

It plays the browser vendor's push service (RFC 8030): the gateway POSTs an encrypted message
(RFC 8291, aes128gcm) with a VAPID `Authorization` header (RFC 8292); this service verifies the
JWT's ES256 signature against the key in the header, then decrypts the body with the
subscription's private key and auth secret, as the browser would.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import http_ece
import uvicorn
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.support import free_port


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """One subscription's private half, as a browser keeps it."""

    name: str
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64(
            self.key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64(self.auth_secret)


@dataclass
class Received:
    browser: str
    payload: dict[str, Any]
    claims: dict[str, Any]
    topic: str | None
    ttl: str | None


class VapidRejected(AssertionError):
    pass


def verify_vapid(authorization: str, origin: str) -> dict[str, Any]:
    """The JWT's claims, after checking its ES256 signature with the key `k` beside it."""
    scheme, _, rest = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise VapidRejected(f"not a vapid Authorization header: {authorization[:20]}")
    params = dict(part.strip().split("=", 1) for part in rest.split(","))
    token, public = params["t"], params["k"]
    head, body, signature = token.split(".")
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(public))
    raw = unb64(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged
    header, claims = json.loads(unb64(head)), json.loads(unb64(body))
    if header.get("alg") != "ES256":
        raise VapidRejected(f"alg {header.get('alg')}")
    if claims.get("aud") != origin:
        raise VapidRejected(f"aud {claims.get('aud')} is not {origin}")
    if not 0 < claims["exp"] - time.time() <= 24 * 3600:
        raise VapidRejected("exp is not within 24 hours")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise VapidRejected("sub is not a contact")
    claims["k"] = public
    return claims


@dataclass
class PushService:
    url: str
    browsers: dict[str, Browser] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    # The status to answer per browser; 201 (Created) unless a test says otherwise.
    status: dict[str, int] = field(default_factory=dict)
    posts: int = 0

    def browser(self, name: str) -> Browser:
        self.browsers[name] = Browser(name)
        return self.browsers[name]

    def endpoint(self, name: str) -> str:
        return f"{self.url}/push/{name}"

    def subscription(self, name: str) -> dict[str, str]:
        browser = self.browsers.get(name) or self.browser(name)
        return {"endpoint": self.endpoint(name), "p256dh": browser.p256dh, "auth": browser.auth}

    async def handle(self, request: Request) -> Response:
        self.posts += 1
        name = request.path_params["name"]
        status = self.status.get(name, 201)
        if status != 201:
            return Response(status_code=status)
        claims = verify_vapid(request.headers["authorization"], self.url)
        assert request.headers["content-encoding"] == "aes128gcm"
        browser = self.browsers[name]
        plain = http_ece.decrypt(
            await request.body(),
            private_key=browser.key,
            auth_secret=browser.auth_secret,
            version="aes128gcm",
        )
        self.received.append(
            Received(
                browser=name,
                payload=json.loads(plain),
                claims=claims,
                topic=request.headers.get("topic"),
                ttl=request.headers.get("ttl"),
            )
        )
        return Response(status_code=201)


@asynccontextmanager
async def push_service() -> AsyncIterator[PushService]:
    port = free_port()
    service = PushService(url=f"http://127.0.0.1:{port}")
    app = Starlette(routes=[Route("/push/{name}", service.handle, methods=["POST"])])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.005)
    try:
        yield service
    finally:
        server.should_exit = True
        await task
