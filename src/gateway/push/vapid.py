"""VAPID (RFC 8292) keys: a P-256 pair; the public half is the browser's applicationServerKey.

Keys are written as base64url without padding: the private key as its 32-byte scalar, the
public key as the 65-byte uncompressed point, the format browsers and push libraries use.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


@dataclass(frozen=True, slots=True)
class VapidKeys:
    private_key: str
    public_key: str


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _public(key: ec.EllipticCurvePrivateKey) -> str:
    return _b64(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


def generate_vapid_keys() -> VapidKeys:
    key = ec.generate_private_key(ec.SECP256R1())
    scalar = key.private_numbers().private_value.to_bytes(32, "big")
    return VapidKeys(private_key=_b64(scalar), public_key=_public(key))


def public_key_of(private_key: str) -> str:
    """The applicationServerKey for a private key; raises ValueError for a malformed one."""
    raw = _unb64(private_key.strip())
    if len(raw) != 32:
        raise ValueError("a VAPID private key is 32 bytes, base64url-encoded")
    key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    return _public(key)
