"""Storage keys: the one shape both backends and the media route accept."""

from __future__ import annotations

import mimetypes
import re
from enum import Enum

# Slash-separated segments of safe characters, none starting with a dot: no `..`, no hidden
# files, nothing a file system or an S3 console treats specially, and always the same in a URL.
_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}"
_KEY = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT}){{0,15}}")

_CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}


class InvalidKey(ValueError):
    """A storage key outside the safe shape (see `validate_key`)."""


class Variant(Enum):
    """The sizes every accepted photo is stored in."""

    THUMBNAIL = "thumbnail"
    DISPLAY = "display"
    DOWNLOAD = "download"


def validate_key(key: str) -> str:
    """Return `key` if it is a safe storage key, else raise `InvalidKey`.

    A key is 1-16 segments joined by '/', each of letters, digits, '.', '_' and '-', not
    starting with '.', '_' or '-'. Keys come from the application, never from a client as-is.
    """
    if not _KEY.fullmatch(key):
        raise InvalidKey(f"not a valid storage key: {key!r}")
    return key


def variant_key(base: str, variant: Variant) -> str:
    """The key of one stored size of a photo: `<base>/<variant>.jpg` (every size is a JPEG)."""
    return validate_key(f"{base}/{variant.value}.jpg")


def content_type_for(key: str) -> str:
    """The media type served for a key, by its extension (keys are chosen by the application)."""
    dot = key.rfind(".")
    extension = key[dot:].lower() if dot > key.rfind("/") else ""
    known = _CONTENT_TYPES.get(extension)
    if known:
        return known
    guessed, _ = mimetypes.guess_type(f"x{extension}")
    return guessed or "application/octet-stream"
