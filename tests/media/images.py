"""Real image files made in the test: photos with EXIF and GPS, the other formats, bad files."""

from __future__ import annotations

import io
import struct
import zlib

import pillow_heif
from PIL import ExifTags, Image, ImageCms

pillow_heif.register_heif_opener()

RED = (220, 20, 20)
BLUE = (20, 20, 220)


def two_colour(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: shows which way an image was turned."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    return image.convert(mode)


def camera_jpeg(size: tuple[int, int] = (600, 400), orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: sideways pixels, Orientation tag, GPS, camera, ICC."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "TestPhone"
    exif[ExifTags.Base.Model] = "Model 12"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 22.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 53.0, 41.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    two_colour(size).save(
        buffer, "JPEG", exif=exif.tobytes(), icc_profile=icc, comment=b"taken at home"
    )
    return buffer.getvalue()


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def cmyk_jpeg(size: tuple[int, int] = (300, 200)) -> bytes:
    return encoded(two_colour(size, "CMYK"), "JPEG")


def png_with_alpha(size: tuple[int, int] = (300, 200)) -> bytes:
    image = two_colour(size, "RGBA")
    image.putalpha(Image.new("L", size, 0))  # fully transparent: must come out white
    return encoded(image, "PNG")


def png_bomb(side: int = 20_000) -> bytes:
    """A 1-bit PNG of side x side pixels (400 million at 20 000), a few dozen KB on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (side + 7) // 8)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def jpeg_markers(data: bytes) -> list[int]:
    """The segment markers of a JPEG up to the image data (APPn, COM, DQT, SOF, DHT…)."""
    assert data[:2] == b"\xff\xd8"
    markers, offset = [], 2
    while offset < len(data):
        assert data[offset] == 0xFF
        marker = data[offset + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        offset += 2 + length
    return markers
