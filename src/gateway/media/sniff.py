"""What a file is, judged by its first bytes only: names and declared types are not trusted."""

from __future__ import annotations

from enum import Enum

# ISO base media brands that mean an HEIF still image (iPhones write `heic`).
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}

SNIFF_BYTES = 32


class ImageFormat(Enum):
    """The image formats accepted for upload."""

    JPEG = "JPEG"
    PNG = "PNG"
    WEBP = "WEBP"
    HEIF = "HEIF"


def sniff_image(head: bytes) -> ImageFormat | None:
    """The accepted image format `head` (the first `SNIFF_BYTES` bytes) starts, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return ImageFormat.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ImageFormat.PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ImageFormat.WEBP
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return ImageFormat.HEIF
    return None
