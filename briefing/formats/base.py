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


class AudioFormat(ABC):
    """Encoding 16-bit mono PCM into one kind of file, with its tags and chapters.

    ``concatenates``: streams encoded apart join into one valid file by copying bytes (MP3), so a long
    track is encoded in parts on every core; otherwise the track is encoded as one stream.
    """

    name: ClassVar[str]
    suffix: ClassVar[str]
    mime: ClassVar[str]
    bitrates: ClassVar[tuple[int, ...]]
    default_bitrate: ClassVar[int]
    concatenates: ClassVar[bool] = False
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

    def delay(self, sample_rate: int) -> int:
        """Samples a decoder plays before the first one encoded (none when the file tells players to skip
        the encoder's priming, as MP4 edit lists and Opus pre-skip do)."""
        return 0

    @abstractmethod
    def encode(self, pcm: Iterable[bytes], sample_rate: int, bitrate: int, target: Path) -> int:
        """Encode PCM pieces as they come into ``target``; return how many samples a decoder will output
        (at ``sample_rate``)."""

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
