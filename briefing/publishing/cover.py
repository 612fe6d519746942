"""The podcast's cover: the image given (a link, or a file copied in under the feed's own name), else a
plain one."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from briefing.errors import InputError

if TYPE_CHECKING:
    from briefing.publishing.staging import Staging

COVER_NAME = "cover.png"
COVER_SIZE = 1400
"""Pixels a side: the smallest cover Apple Podcasts accepts."""


def plain_cover(path: Path, size: int) -> None:
    """A square PNG, deep blue with soft rings like sound waves: plain, but recognisable in a list."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size, size), (18, 52, 86))
    draw = ImageDraw.Draw(image)
    centre = size // 2
    for ring in range(6, 0, -1):
        radius = ring * size // 14
        shade = 52 + ring * 18
        draw.ellipse(
            (centre - radius, centre - radius, centre + radius, centre + radius),
            fill=(shade // 2, shade, min(255, shade + 70)),
        )
    image.save(path, format="PNG")


def cover_url(folder: Path, image: str | None, stage: Staging, url: str) -> str:
    """The cover's URL: ``image`` when it is one; else a file copied (or a plain cover made) in the folder."""
    if image and urlsplit(image).scheme in ("http", "https"):
        return image
    if image:
        import filetype

        source = Path(image)
        kind = filetype.guess(str(source)) if source.is_file() else None
        if kind is None or not kind.mime.startswith("image/"):
            raise InputError(f"{image}: " + ("is not an image" if source.is_file() else "no such image file"))
        if source.parent.resolve() == folder.resolve():
            return url + quote(source.name)
        target = folder / f"cover.{kind.extension}"  # a name of the feed's own: never an episode's file
        shutil.copyfile(source, stage.file(target))
        return url + quote(target.name)
    plain_cover(stage.file(folder / COVER_NAME), COVER_SIZE)
    return url + COVER_NAME
