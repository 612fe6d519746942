"""Write the track as a tagged MP3, atomically: a failed run leaves any earlier file as it was."""

from __future__ import annotations

import contextlib
import datetime
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from briefing.assemble import Track
from briefing.codec import encode_mp3
from briefing.errors import OutputError

DEFAULT_BITRATE = 64
"""kb/s; plenty for one voice in mono."""


@dataclass(frozen=True)
class Tags:
    """ID3 tags a player or podcast app shows."""

    title: str
    artist: str = "briefing"
    album: str = "موجز صوتي"
    date: str = field(default_factory=lambda: datetime.date.today().isoformat())
    language: str = "ara"
    genre: str = "Speech"


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary file beside ``target`` that replaces it only if the block succeeds."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise OutputError(f"{target.parent}: cannot write there ({exc.strerror or exc})") from None
    os.close(handle)
    temporary = Path(name)
    try:
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; the MP3 is not
        yield temporary
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_mp3(track: Track, target: Path, tags: Tags, bitrate: int = DEFAULT_BITRATE) -> Path:
    """Encode ``track`` to ``target`` with its tags; nothing appears at ``target`` unless all of it worked."""
    with atomic_path(target) as temporary:
        with temporary.open("wb") as out:
            for frames in encode_mp3(track.pcm(), track.sample_rate, bitrate):
                out.write(frames)
        write_tags(temporary, tags)
    return target


def write_tags(path: Path, tags: Tags) -> None:
    from mutagen.id3 import ID3, TALB, TCON, TDRC, TIT2, TLAN, TPE1

    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TDRC(encoding=3, text=tags.date))
    id3.add(TLAN(encoding=3, text=tags.language))
    id3.add(TCON(encoding=3, text=tags.genre))
    id3.save(path, v2_version=4)
