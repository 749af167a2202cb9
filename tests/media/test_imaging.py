"""Photos in, clean sizes out: upright, sRGB, no metadata at all; bad files are typed errors."""

from __future__ import annotations

import asyncio
import io

import pytest
from PIL import ExifTags, Image

from gateway.errors import DomainError, ErrorCode
from gateway.media import (
    ImageFormat,
    ImageLimits,
    ImageProcessor,
    ImageRejected,
    RejectCode,
    Storage,
    Variant,
    pending_writes,
    process_image,
    store_photo,
)
from tests.media.images import (
    BLUE,
    RED,
    camera_jpeg,
    cmyk_jpeg,
    encoded,
    jpeg_markers,
    png_bomb,
    png_with_alpha,
    two_colour,
)

APP1_TO_APP15 = set(range(0xE1, 0xF0))
COMMENT = 0xFE


def close_to(pixel: object, colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def test_phone_jpeg_comes_back_upright_without_any_metadata() -> None:
    original = camera_jpeg((600, 400), orientation=6)
    exif = Image.open(io.BytesIO(original)).getexif()
    assert exif.get_ifd(ExifTags.IFD.GPSInfo)  # the input really carries a position
    assert exif[ExifTags.Base.Orientation] == 6

    result = process_image(original)

    assert result.source_format is ImageFormat.JPEG
    assert (result.width, result.height) == (400, 600)  # turned a quarter clockwise
    for variant in Variant:
        data = result[variant].data
        markers = jpeg_markers(data)
        assert not APP1_TO_APP15 & set(markers), (variant, markers)  # no EXIF, XMP, ICC, IPTC
        assert COMMENT not in markers
        for needle in (b"Exif", b"GPS", b"TestPhone", b"taken at home", b"ICC_PROFILE"):
            assert needle not in data
        image = Image.open(io.BytesIO(data))
        assert not image.getexif()
        assert "icc_profile" not in image.info
        assert image.mode == "RGB"
        # The left half (red) is on top once the photo is upright.
        rgb = image.convert("RGB")
        assert close_to(rgb.getpixel((rgb.width // 2, rgb.height // 10)), RED)
        assert close_to(rgb.getpixel((rgb.width // 2, rgb.height * 9 // 10)), BLUE)


def test_sizes() -> None:
    result = process_image(encoded(two_colour((4000, 3000)), "JPEG"))

    sizes = {variant: (image.width, image.height) for variant, image in result.variants.items()}
    assert sizes == {
        Variant.THUMBNAIL: (400, 300),
        Variant.DISPLAY: (1600, 1200),
        Variant.DOWNLOAD: (4000, 3000),
    }
    assert all(image.content_type == "image/jpeg" for image in result.variants.values())


def test_small_images_are_not_enlarged() -> None:
    result = process_image(encoded(two_colour((320, 200)), "PNG"))

    assert {(i.width, i.height) for i in result.variants.values()} == {(320, 200)}


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (encoded(two_colour((900, 600)), "PNG"), ImageFormat.PNG),
        (encoded(two_colour((900, 600)), "WEBP", quality=90), ImageFormat.WEBP),
        (encoded(two_colour((900, 600)), "HEIF", quality=90), ImageFormat.HEIF),
    ],
    ids=["png", "webp", "heic"],
)
def test_other_formats(data: bytes, found: ImageFormat) -> None:
    result = process_image(data)

    assert result.source_format is found
    thumbnail = Image.open(io.BytesIO(result[Variant.THUMBNAIL].data))
    assert (thumbnail.format, thumbnail.size) == ("JPEG", (400, 267))
    assert close_to(thumbnail.getpixel((50, 130)), RED)
    assert close_to(thumbnail.getpixel((350, 130)), BLUE)


def test_cmyk_becomes_rgb_and_transparency_white() -> None:
    cmyk = Image.open(io.BytesIO(process_image(cmyk_jpeg())[Variant.DISPLAY].data))
    transparent = Image.open(io.BytesIO(process_image(png_with_alpha())[Variant.DISPLAY].data))

    assert cmyk.mode == "RGB"
    assert close_to(cmyk.getpixel((30, 100)), RED, tolerance=70)
    assert close_to(transparent.getpixel((30, 100)), (255, 255, 255), tolerance=3)


def rejected(data: bytes, limits: ImageLimits | None = None) -> ImageRejected:
    with pytest.raises(ImageRejected) as caught:
        process_image(data, limits)
    return caught.value


def test_a_text_file_named_jpg_is_not_an_image() -> None:
    error = rejected(b"Dit is geen foto, maar een boodschappenlijstje.\n" * 20)

    assert error.reason is RejectCode.NOT_AN_IMAGE
    assert isinstance(error, DomainError)
    assert error.code is ErrorCode.NOT_AN_IMAGE
    assert error.at(["input", "files", "2"]).field == ["input", "files", "2"]


def test_a_truncated_file_is_corrupt() -> None:
    whole = encoded(two_colour((1200, 900)), "JPEG", quality=95)

    assert rejected(whole[: len(whole) // 2]).reason is RejectCode.CORRUPT
    assert rejected(whole[:40]).reason is RejectCode.CORRUPT


def test_a_file_of_50_megabytes_is_too_large() -> None:
    big = b"\xff\xd8\xff\xe0" + bytes(50_000_000)

    error = rejected(big)

    assert (error.reason, error.code) == (RejectCode.TOO_LARGE, ErrorCode.FILE_TOO_LARGE)
    assert "25 MB" in error.message


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = png_bomb(20_000)
    assert len(bomb) < 1_000_000  # 400 megapixels in well under a megabyte

    assert rejected(bomb).reason is RejectCode.TOO_MANY_PIXELS
    # The limit is a setting: the same photo passes or fails by it alone.
    photo = encoded(two_colour((1000, 1000)), "JPEG")
    assert rejected(photo, ImageLimits(max_pixels=999_999)).reason is RejectCode.TOO_MANY_PIXELS
    assert process_image(photo, ImageLimits(max_pixels=1_000_000)).width == 1000


BAD_FILES = {
    "text": b"not an image at all" * 10,
    "truncated": encoded(two_colour((800, 600)), "JPEG")[:3000],
    "too large": b"\x89PNG\r\n\x1a\n" + bytes(26_000_000),
    "bomb": png_bomb(15_000),
}


@pytest.mark.parametrize("name", BAD_FILES)
async def test_a_rejected_upload_leaves_nothing_in_storage(storage: Storage, name: str) -> None:
    processor = ImageProcessor()

    async def upload() -> None:
        async with pending_writes(storage) as writes:
            await store_photo(writes, "photos/p1", await processor.process(BAD_FILES[name]))
            writes.commit()

    try:
        with pytest.raises(ImageRejected):
            await upload()
    finally:
        processor.close()

    assert [key async for key in storage.list_keys()] == []


async def test_an_accepted_upload_stores_every_size(storage: Storage) -> None:
    processor = ImageProcessor()
    try:
        async with pending_writes(storage) as writes:
            photo = await store_photo(writes, "photos/p2", await processor.process(camera_jpeg()))
            writes.commit()
    finally:
        processor.close()

    assert sorted([key async for key in storage.list_keys()]) == [
        "photos/p2/display.jpg",
        "photos/p2/download.jpg",
        "photos/p2/thumbnail.jpg",
    ]
    assert (photo.width, photo.height) == (400, 600)
    stored = await storage.read("photos/p2/download.jpg")
    assert Image.open(io.BytesIO(stored)).size == (400, 600)


async def test_processing_runs_off_the_event_loop() -> None:
    processor = ImageProcessor(workers=2)
    photo = encoded(two_colour((3000, 2000)), "JPEG")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    running = asyncio.create_task(ticker())
    try:
        await asyncio.gather(*(processor.process(photo) for _ in range(3)))
    finally:
        running.cancel()
        processor.close()

    # Were the photos processed on the loop, the ticker would not have had a turn meanwhile.
    assert ticks > 10
