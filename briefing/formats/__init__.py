"""Registry of output audio formats, imported only when chosen.

Adding a format: one new module here with an :class:`~briefing.formats.base.AudioFormat` subclass, and
one line in :data:`FORMATS`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.errors import InputError

if TYPE_CHECKING:
    from briefing.formats.base import AudioFormat

FORMATS = {
    "mp3": "briefing.formats.mp3:Mp3",
    "m4a": "briefing.formats.m4a:M4a",
    "m4b": "briefing.formats.m4a:M4b",
    "opus": "briefing.formats.opus:Opus",
}
"""Format name (also its file suffix) -> "module:class"."""


def audio_format(name: str) -> AudioFormat:
    """The format called ``name`` (``mp3``, ``m4a``, ``m4b``, ``opus``)."""
    try:
        module, cls = FORMATS[name.lower().lstrip(".")].split(":")
    except KeyError:
        raise InputError(f"unknown audio format {name!r}; choose one of: {', '.join(FORMATS)}") from None
    return getattr(import_module(module), cls)()


def format_of(path: Path, name: str | None = None) -> AudioFormat:
    """The format ``name`` asks for, else the one ``path``'s suffix names; they must agree."""
    suffix = path.suffix.lower().lstrip(".")
    if name is None:
        if suffix not in FORMATS:
            raise InputError(
                f"{path}: the audio file's name must end in one of "
                f"{', '.join('.' + n for n in FORMATS)} (subtitles, manifest and page are named after it)"
            )
        return audio_format(suffix)
    chosen = audio_format(name)
    if suffix != chosen.suffix.lstrip("."):
        raise InputError(f"{path}: a {chosen.name} file's name ends in {chosen.suffix}")
    return chosen


def prepare(formats: Iterable[AudioFormat]) -> None:
    """Import the codecs of ``formats`` on a thread of their own, for a caller with other work to do first
    (the command line, while the article is spoken): the encoding then starts at once."""
    import numpy  # noqa: F401  (here: two threads importing it at once can meet it half-imported)

    chosen = list(formats)

    def load() -> None:
        for fmt in chosen:
            fmt.prepare()

    threading.Thread(target=load, name="codecs").start()  # awaited at exit: a library half-loaded can abort
