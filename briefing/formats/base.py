"""The one interface every output audio format implements, and the tags every format carries."""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from briefing.errors import InputError

if TYPE_CHECKING:
    from briefing.article import Episode
    from briefing.assemble import Timeline
    from briefing.language import Phrases


@dataclass(frozen=True)
class Tags:
    """What a player or podcast app shows. ``source`` is the article's address, when it has one."""

    title: str
    artist: str = "briefing"
    album: str = "موجز صوتي"
    date: str = field(default_factory=lambda: datetime.date.today().isoformat())
    language: str = "ara"
    genre: str = "Speech"
    source: str | None = None

    @classmethod
    def of(cls, episode: Episode, phrases: Phrases) -> Tags:
        """A lone article's author, publication date and address, when known; an episode's own title."""
        known = episode.articles[0].metadata if len(episode.articles) == 1 else None
        return cls(
            title=episode.display_title,
            artist=(known and known.author) or (known and known.site) or "briefing",
            album=phrases.album,
            language=phrases.iso639_2,
            source=known.url if known else None,
            **({"date": known.date} if known and known.date else {}),
        )


Placed = list[tuple[int, int]]
"""Where each part lands in a joined file: (samples it takes, samples before its first sound)."""


class AudioFormat(ABC):
    """Encoding 16-bit mono PCM into one kind of file, with its tags and chapters.

    A track is encoded in parts (on every core, or one per section) that :meth:`join` puts one after the other
    into the file listeners play: by copying bytes (MP3), or by copying packets into one stream (nothing is
    encoded twice).
    """

    name: ClassVar[str]
    suffix: ClassVar[str]
    mime: ClassVar[str]
    bitrates: ClassVar[tuple[int, ...]]
    default_bitrate: ClassVar[int]
    headroom: ClassVar[float] = 0.0
    """dB under the usual ceiling the limiter holds peaks for this encoder: on a whole file its peaks pass
    the ceiling by more than on the probe it is tried on, and a second encoding would cost a whole one."""
    settings: ClassVar[str] = ""
    """Every setting besides the bitrate that decides the encoded bytes, for the cache key of encoded
    files."""

    def check_bitrate(self, bitrate: int | None) -> int:
        """``bitrate`` (kb/s, None for this format's default) if this format encodes at it."""
        if bitrate is None:
            return self.default_bitrate
        if bitrate not in self.bitrates:
            raise InputError(
                f"bitrate {bitrate} kb/s is not one {self.name} is written at; choose one of "
                f"{', '.join(map(str, self.bitrates))}"
            )
        return bitrate

    def prepare(self) -> None:
        """Import what encoding needs (its codec library), for a caller with other work meanwhile: see
        :func:`briefing.formats.prepare`."""

    def delay(self, sample_rate: int) -> int:
        """Samples a decoder plays before the first one encoded (none when the file tells players to skip
        the encoder's priming, as MP4 edit lists and Opus pre-skip do)."""
        return 0

    @abstractmethod
    def encode(self, pcm: Iterable[bytes], sample_rate: int, bitrate: int, target: Path) -> int:
        """Encode PCM pieces as they come into ``target``; return how many samples a decoder will output
        (at ``sample_rate``)."""

    def join(self, parts: list[Path], lengths: list[int], target: Path, sample_rate: int) -> Placed:
        """Write ``parts`` (files of this format, ``lengths`` samples each once decoded at ``sample_rate``)
        one after the other into ``target``; return where each lands in it: (samples it takes, samples
        before its first sound), at ``sample_rate``. Here: bytes copied, each part keeping its delay."""
        import shutil

        with target.open("wb") as out:
            for part in parts:
                with part.open("rb") as stream:
                    shutil.copyfileobj(stream, out)
        return [(length, self.delay(sample_rate)) for length in lengths]

    @abstractmethod
    def decoded(self, path: Path) -> tuple[int, Iterator[bytes]]:
        """An encoded file of this format as 16-bit mono PCM at its own sample rate: the rate, and the PCM
        in pieces as they are decoded (the file is never held in memory whole)."""

    @abstractmethod
    def roundtrip(self, pcm: list[bytes], sample_rate: int, bitrate: int) -> bytes:
        """``pcm`` encoded and decoded again at ``sample_rate``: what listeners will hear, for measuring
        what encoding takes from loudness and adds to peaks."""

    @abstractmethod
    def tag(self, path: Path, tags: Tags, timeline: Timeline | None, track_number: int | None = None) -> None:
        """Write ``tags`` into the encoded file at ``path``, and with a ``timeline`` one chapter per
        section."""
