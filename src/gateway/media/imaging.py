"""Photo processing: sniff, check limits, decode, turn upright, sRGB, strip, resize, encode.

Pillow with pillow-heif, chosen by `bench/photos.py` (see the README): the libvips wheel from
PyPI cannot decode HEIC, the iPhone default. Every output is a fresh baseline JPEG written
from pixels only: no EXIF (GPS, camera, orientation), XMP, IPTC, ICC profile or comment
survives, because nothing from the input's metadata is passed to the encoder.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import pillow_heif
from PIL import Image, ImageCms, ImageOps

from gateway.errors import DomainError, ErrorCode
from gateway.media.keys import Variant
from gateway.media.sniff import SNIFF_BYTES, ImageFormat, sniff_image
from gateway.settings import Settings

pillow_heif.register_heif_opener()
# The pixel limit is ours (`ImageLimits.max_pixels`), checked on the header before decoding;
# Pillow's own would warn, or refuse, at a different number first.
Image.MAX_IMAGE_PIXELS = None

# Longest edge per size; the download keeps the upright original's full resolution.
LONGEST_EDGE: Mapping[Variant, int | None] = {
    Variant.THUMBNAIL: 400,
    Variant.DISPLAY: 1600,
    Variant.DOWNLOAD: None,
}
JPEG_QUALITY: Mapping[Variant, int] = {
    Variant.THUMBNAIL: 80,
    Variant.DISPLAY: 85,
    Variant.DOWNLOAD: 92,
}
_PILLOW_FORMATS = {
    ImageFormat.JPEG: "JPEG",
    ImageFormat.PNG: "PNG",
    ImageFormat.WEBP: "WEBP",
    ImageFormat.HEIF: "HEIF",
}
_SRGB = ImageCms.createProfile("sRGB")


class RejectCode(Enum):
    """Why an upload is not accepted as a photo."""

    NOT_AN_IMAGE = ErrorCode.NOT_AN_IMAGE
    TOO_LARGE = ErrorCode.FILE_TOO_LARGE
    TOO_MANY_PIXELS = ErrorCode.TOO_MANY_PIXELS
    CORRUPT = ErrorCode.CORRUPT_IMAGE


class ImageRejected(DomainError):
    """A typed upload error; a `DomainError`, so a mutation returns it as a `UserError`."""

    def __init__(self, reason: RejectCode, message: str, field: list[str] | None = None) -> None:
        super().__init__(reason.value, message, field)
        self.reason = reason

    def at(self, field: list[str]) -> ImageRejected:
        """The same error, pointing at the input that carried the file (e.g. the 3rd upload)."""
        return ImageRejected(self.reason, self.message, field)


@dataclass(frozen=True)
class ImageLimits:
    """The size limit (bytes of the file) and the pixel limit (width x height)."""

    max_bytes: int = 25_000_000
    max_pixels: int = 100_000_000

    @classmethod
    def from_settings(cls, settings: Settings) -> ImageLimits:
        return cls(max_bytes=settings.media_max_bytes, max_pixels=settings.media_max_pixels)


@dataclass(frozen=True)
class ImageVariant:
    """One encoded size of a photo."""

    variant: Variant
    data: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


@dataclass(frozen=True)
class ProcessedImage:
    """An accepted photo: its detected format and every size, ready to store."""

    source_format: ImageFormat
    width: int
    height: int
    variants: Mapping[Variant, ImageVariant]

    def __getitem__(self, variant: Variant) -> ImageVariant:
        return self.variants[variant]


def _read_checked(source: bytes | Path, limits: ImageLimits) -> bytes:
    if isinstance(source, Path):
        if source.stat().st_size > limits.max_bytes:
            raise _too_large(limits)
        source = source.read_bytes()
    if len(source) > limits.max_bytes:
        raise _too_large(limits)
    return source


def _too_large(limits: ImageLimits) -> ImageRejected:
    megabytes = limits.max_bytes / 1_000_000
    return ImageRejected(RejectCode.TOO_LARGE, f"The file is larger than {megabytes:g} MB.")


def process_image(source: bytes | Path, limits: ImageLimits | None = None) -> ProcessedImage:
    """Turn an upload into the stored sizes, or raise `ImageRejected`.

    CPU-bound and blocking: call it through `ImageProcessor.process` from async code.
    """
    limits = limits or ImageLimits()
    data = _read_checked(source, limits)
    found = sniff_image(data[:SNIFF_BYTES])
    if found is None:
        raise ImageRejected(
            RejectCode.NOT_AN_IMAGE, "The file is not a JPEG, PNG, WebP or HEIC image."
        )
    try:
        # Only the decoder for the sniffed format may look at the bytes.
        image = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[found]])
    except Exception as exc:
        raise _corrupt() from exc
    width, height = image.size
    if width * height > limits.max_pixels:
        image.close()
        raise ImageRejected(
            RejectCode.TOO_MANY_PIXELS,
            f"The image has more than {limits.max_pixels / 1_000_000:g} million pixels.",
        )
    try:
        image.load()
        upright = _upright_srgb(image)
    except Exception as exc:
        image.close()
        raise _corrupt() from exc
    return _encode_sizes(found, upright)


def _corrupt() -> ImageRejected:
    return ImageRejected(RejectCode.CORRUPT, "The image is damaged or incomplete.")


def _upright_srgb(image: Image.Image) -> Image.Image:
    """Pixels only: orientation applied, colours in sRGB, transparency on white, 8-bit RGB.

    Each step replaces the image instead of keeping the previous one alive: a 12-megapixel
    photo is 36 MB per copy.
    """
    icc = image.info.get("icc_profile")
    ImageOps.exif_transpose(image, in_place=True)
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        image = image.point(lambda value: value / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    if icc:
        image = _to_srgb(image, icc)
    if image.mode != "RGB":
        image = image.convert("RGB")
    # Nothing of the input's metadata may reach an encoder.
    image.info = {}
    return image


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if image.mode == "RGB" and "srgb" in (profile.profile.profile_description or "").lower():
            return image  # already sRGB: converting would change nothing
        if image.mode not in ("RGB", "CMYK", "L"):
            image = image.convert("RGB")
        converted = ImageCms.profileToProfile(image, profile, _SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError):
        # A broken embedded profile: the pixels are still readable; take them as sRGB.
        return image
    return converted if converted is not None else image


def _encode_sizes(found: ImageFormat, upright: Image.Image) -> ProcessedImage:
    variants: dict[Variant, ImageVariant] = {}
    current = upright
    # Largest first: each smaller size is resized from the previous one, which is cheaper.
    for variant in (Variant.DOWNLOAD, Variant.DISPLAY, Variant.THUMBNAIL):
        edge = LONGEST_EDGE[variant]
        if edge is not None and max(current.size) > edge:
            scale = edge / max(current.size)
            target = (max(round(current.width * scale), 1), max(round(current.height * scale), 1))
            current = current.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
        buffer = io.BytesIO()
        # Huffman optimisation buffers the whole image again; worth it only for the small sizes.
        optimize = variant is not Variant.DOWNLOAD
        current.save(buffer, "JPEG", quality=JPEG_QUALITY[variant], optimize=optimize)
        variants[variant] = ImageVariant(
            variant=variant, data=buffer.getvalue(), width=current.width, height=current.height
        )
    return ProcessedImage(
        source_format=found, width=upright.width, height=upright.height, variants=variants
    )


class ImageProcessor:
    """Runs `process_image` in a bounded pool of threads, off the event loop.

    Pillow releases the GIL while decoding, resizing and encoding, so other requests keep being
    served while photos are processed; at most `workers` photos are in work at once.
    """

    def __init__(self, limits: ImageLimits | None = None, *, workers: int = 2) -> None:
        self.limits = limits or ImageLimits()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="imaging")

    @classmethod
    def from_settings(cls, settings: Settings) -> ImageProcessor:
        return cls(ImageLimits.from_settings(settings), workers=settings.media_image_workers)

    async def process(self, source: bytes | Path) -> ProcessedImage:
        """`process_image` in the pool; raises `ImageRejected`."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, process_image, source, self.limits)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
