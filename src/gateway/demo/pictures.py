"""Demo photos, drawn on the spot: coloured shapes and a name, no file fetched from anywhere."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 400, 300
_PALETTE = [
    (244, 162, 97),
    (42, 157, 143),
    (233, 196, 106),
    (231, 111, 81),
    (138, 177, 125),
    (106, 153, 200),
    (181, 131, 191),
]


def picture(seed: int, label: str) -> bytes:
    """A small JPEG: a sky, a few shapes and `label` written across; the same seed, same bytes.

    400x300 is within every stored size's longest edge, so one file can honestly serve as
    thumbnail, display and download size alike, which keeps seeding the demo fast.
    """
    rng = random.Random(seed)  # noqa: S311 (demo pictures, not security)
    image = Image.new("RGB", (WIDTH, HEIGHT), rng.choice(_PALETTE))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, HEIGHT * 2 // 3, WIDTH, HEIGHT), fill=(120, 180, 90))
    for _ in range(rng.randint(3, 6)):
        x, y = rng.randint(0, WIDTH - 60), rng.randint(20, HEIGHT - 60)
        size = rng.randint(30, 90)
        colour = rng.choice(_PALETTE)
        shape = rng.choice(("ellipse", "rectangle", "triangle"))
        if shape == "ellipse":
            draw.ellipse((x, y, x + size, y + size), fill=colour, outline=(255, 255, 255))
        elif shape == "rectangle":
            draw.rectangle((x, y, x + size, y + size * 2 // 3), fill=colour)
        else:
            draw.polygon([(x, y + size), (x + size // 2, y), (x + size, y + size)], fill=colour)
    font = ImageFont.load_default(size=36)
    draw.text(
        (WIDTH // 2, 40),
        label,
        fill=(255, 255, 255),
        font=font,
        anchor="mt",
        stroke_width=2,
        stroke_fill=(40, 40, 40),
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()
