"""HTTP details of media responses: one byte range (RFC 9110 14.2), entity tags."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Kept importable from here, where it was first (the media route's helpers).
from gateway.media.signing import content_disposition

__all__ = [
    "ByteRange",
    "RangeNotSatisfiable",
    "content_disposition",
    "etag_matches",
    "parse_range",
]

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class RangeNotSatisfiable(Exception):
    """The requested range lies outside the object: answer 416."""


@dataclass(frozen=True)
class ByteRange:
    start: int
    stop: int  # exclusive

    @property
    def length(self) -> int:
        return self.stop - self.start

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.stop - 1}/{size}"


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The single range asked for, None to send the whole object.

    Several ranges or a malformed header are answered with the whole object, which RFC 9110
    allows; a well-formed range entirely past the end raises `RangeNotSatisfiable`.
    """
    if not header:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0:
            raise RangeNotSatisfiable
        return ByteRange(max(size - suffix, 0), size) if size else _unsatisfiable()
    start = int(first)
    stop = size if not last else min(int(last) + 1, size)
    if last and int(last) < start:
        return None
    if start >= size:
        raise RangeNotSatisfiable
    return ByteRange(start, stop)


def _unsatisfiable() -> ByteRange:
    raise RangeNotSatisfiable


def etag_matches(header: str | None, etag: str) -> bool:
    """Whether an `If-None-Match` (or `If-Range`) header names this entity tag (weakly)."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return f'"{etag}"' in tags
