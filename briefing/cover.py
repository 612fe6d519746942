"""The podcast's cover when none is given."""

from __future__ import annotations

from pathlib import Path


def plain_cover(path: Path, size: int) -> None:
    """A square PNG, deep blue with soft rings like sound waves: plain, but recognisable in a list."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size, size), (18, 52, 86))
    draw = ImageDraw.Draw(image)
    centre = size // 2
    for ring in range(6, 0, -1):
        radius = ring * size // 14
        shade = 52 + ring * 18
        draw.ellipse((centre - radius, centre - radius, centre + radius, centre + radius),
                     fill=(shade // 2, shade, min(255, shade + 70)))  # fmt: skip
    image.save(path, format="PNG")
