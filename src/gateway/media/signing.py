"""Signed media URLs: the URL alone authorises one object (or one ZIP) until it expires.

A URL is `/media/<key>?exp=<unix seconds>[&dl=<filename>]&sig=<HMAC-SHA256>`, signed with
`SECRET_KEY`. Checking it needs no database: a guardian who may see a photo when the schema
hands out its URL may fetch it until `exp`, and nobody can make a URL for another key.
`dl` asks for a download (`Content-Disposition: attachment`) under that readable name.

ZIP URLs (`/media/_zip?m=…`) carry their manifest: the member names and storage keys (or small
inline texts), compressed, signed like the rest. The route streams the ZIP from the manifest
alone, so whoever hands out the URL (e.g. the diary entry resolver, after its privacy check)
decides exactly what is in it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import unicodedata
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

from gateway.clock import Clock
from gateway.media.keys import Variant, validate_key, variant_key
from gateway.settings import Settings

MEDIA_PREFIX = "/media/"
ZIP_PATH = "/media/_zip"
# A manifest past this (encoded) length would make URLs some proxies refuse (8 KiB lines).
MAX_MANIFEST_CHARS = 6_000

_UNSAFE_IN_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\"]+')


class MediaUrlRejected(Exception):
    """The URL was tampered with, is malformed, or has expired: the route answers 403."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class MediaGrant:
    """What a valid media URL allows: one key, until `expires_at`."""

    key: str
    filename: str | None
    expires_at: datetime

    def max_age(self, now: datetime) -> int:
        """Seconds left, for `Cache-Control: private, max-age=…`."""
        return max(int((self.expires_at - now).total_seconds()), 0)


@dataclass(frozen=True)
class ZipEntry:
    """One member of a signed ZIP: a stored object (`key`) or a small inline `text`."""

    name: str
    key: str | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        if (self.key is None) == (self.text is None):
            raise ValueError("a ZIP entry has either a key or a text")
        if self.key is not None:
            validate_key(self.key)


@dataclass(frozen=True)
class ZipGrant:
    """What a valid ZIP URL allows: these members, streamed as `filename`."""

    entries: tuple[ZipEntry, ...]
    filename: str
    expires_at: datetime

    def max_age(self, now: datetime) -> int:
        return max(int((self.expires_at - now).total_seconds()), 0)


def safe_filename(name: str) -> str:
    """A download name without path separators, quotes or control characters (at most 150)."""
    cleaned = _UNSAFE_IN_FILENAME.sub("_", name).strip(" .")
    return cleaned[:150] or "download"


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the UTF-8 one as `filename*` (RFC 6266)."""
    ascii_name = (
        unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode() or "download"
    )
    ascii_name = ascii_name.replace("\\", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _expiry(now: datetime, ttl: timedelta) -> int:
    return math.floor((now + ttl).timestamp())


def _signature(secret: str, *parts: str) -> str:
    message = "\n".join(parts).encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _checked_expiry(query: Mapping[str, str]) -> tuple[str, datetime]:
    exp = query.get("exp", "")
    if not exp.isdigit() or len(exp) > 12:
        raise MediaUrlRejected("malformed")
    expires_at = datetime.fromtimestamp(int(exp), UTC)
    return exp, expires_at


def _check(secret: str, query: Mapping[str, str], parts: Sequence[str]) -> None:
    given = query.get("sig", "")
    if not hmac.compare_digest(given.encode(), _signature(secret, *parts).encode()):
        raise MediaUrlRejected("tampered")


def sign_media_url(
    key: str,
    *,
    secret: str,
    now: datetime,
    ttl: timedelta,
    variant: Variant | None = None,
    filename: str | None = None,
) -> str:
    """The path and query of a signed URL for `key` (or its `variant`), valid for `ttl`.

    With `filename` the object is served as a download under that name.
    """
    key = variant_key(key, variant) if variant is not None else validate_key(key)
    exp = str(_expiry(now, ttl))
    name = safe_filename(filename) if filename is not None else ""
    query = {"exp": exp, **({"dl": name} if name else {})}
    query["sig"] = _signature(secret, "media", key, exp, name)
    return f"{MEDIA_PREFIX}{quote(key)}?{urlencode(query, quote_via=quote)}"


def verify_media_url(
    key: str, query: Mapping[str, str], *, secret: str, now: datetime
) -> MediaGrant:
    """Check the signature first, then the expiry; raises `MediaUrlRejected`."""
    exp, expires_at = _checked_expiry(query)
    name = query.get("dl", "")
    _check(secret, query, ("media", key, exp, name))
    if expires_at <= now:
        raise MediaUrlRejected("expired")
    return MediaGrant(key=validate_key(key), filename=name or None, expires_at=expires_at)


def _encode_manifest(entries: Sequence[ZipEntry]) -> str:
    rows = [[e.name, "k", e.key] if e.key is not None else [e.name, "t", e.text] for e in entries]
    raw = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode()


def _decode_manifest(manifest: str) -> tuple[ZipEntry, ...]:
    padded = manifest + "=" * (-len(manifest) % 4)
    # Only reached after the signature matched: the manifest is ours, not a client's.
    rows = json.loads(zlib.decompress(base64.urlsafe_b64decode(padded)))
    return tuple(
        ZipEntry(name=name, key=value) if kind == "k" else ZipEntry(name=name, text=value)
        for name, kind, value in rows
    )


def sign_zip_url(
    entries: Sequence[ZipEntry],
    *,
    filename: str,
    secret: str,
    now: datetime,
    ttl: timedelta,
) -> str:
    """A signed URL that streams a ZIP of `entries` named `filename`.

    Raises `ValueError` when the manifest would make the URL too long (keep inline texts short,
    or store them and pass their key).
    """
    manifest = _encode_manifest(entries)
    if len(manifest) > MAX_MANIFEST_CHARS:
        raise ValueError(f"ZIP manifest too long for a URL ({len(manifest)} characters)")
    exp = str(_expiry(now, ttl))
    name = safe_filename(filename)
    query = {"m": manifest, "exp": exp, "dl": name}
    query["sig"] = _signature(secret, "zip", manifest, exp, name)
    return f"{ZIP_PATH}?{urlencode(query, quote_via=quote)}"


def verify_zip_url(query: Mapping[str, str], *, secret: str, now: datetime) -> ZipGrant:
    """Check a ZIP URL's signature and expiry; raises `MediaUrlRejected`."""
    exp, expires_at = _checked_expiry(query)
    manifest = query.get("m", "")
    name = query.get("dl", "")
    _check(secret, query, ("zip", manifest, exp, name))
    if expires_at <= now:
        raise MediaUrlRejected("expired")
    return ZipGrant(
        entries=_decode_manifest(manifest), filename=name or "download.zip", expires_at=expires_at
    )


@dataclass(frozen=True)
class MediaSigner:
    """`sign_media_url` / `sign_zip_url` with the secret, lifetime and clock filled in."""

    secret: str
    ttl: timedelta
    clock: Clock

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock) -> MediaSigner:
        return cls(secret=settings.secret_key, ttl=settings.media_url_ttl, clock=clock)

    def url(
        self,
        key: str,
        *,
        variant: Variant | None = None,
        filename: str | None = None,
        ttl: timedelta | None = None,
    ) -> str:
        """A signed URL for one object; `ttl` overrides `MEDIA_URL_TTL` (e.g. export links)."""
        return sign_media_url(
            key,
            secret=self.secret,
            now=self.clock(),
            ttl=ttl or self.ttl,
            variant=variant,
            filename=filename,
        )

    def zip_url(
        self, entries: Sequence[ZipEntry], *, filename: str, ttl: timedelta | None = None
    ) -> str:
        """A signed URL streaming a ZIP of `entries`."""
        return sign_zip_url(
            entries, filename=filename, secret=self.secret, now=self.clock(), ttl=ttl or self.ttl
        )
