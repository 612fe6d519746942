"""The manifest: a typed record of a briefing, written beside its audio and read back by the feed and the
page, with a schema version so that a file of another version or kind gets one clear error."""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from briefing.characters import cleaned
from briefing.errors import InputError

SCHEMA = 2
"""The manifest's layout version: 2 records the audio format and every file of the set."""


@dataclass(frozen=True)
class EngineInfo:
    """Which engine spoke, in which voice and language, how the text was read for it (vowels, months,
    lexicons)."""

    name: str
    voice: str
    lang: str
    vowels: bool = False
    months: str = "latin"
    lexicons: list = field(default_factory=list)


@dataclass(frozen=True)
class AudioInfo:
    """``measured_lufs``: the speech before mastering; ``gain_db``: applied before the limiter (None when each
    section file was leveled apart); ``loudness_lufs``, ``true_peak_dbtp``: the file as decoded."""

    file: str
    format: str
    mime: str
    duration_ms: float
    sample_rate: int
    bitrate_kbps: int
    loudness_target_lufs: float
    measured_lufs: float | None
    gain_db: float | None
    loudness_lufs: float | None = None
    true_peak_dbtp: float | None = None


@dataclass(frozen=True)
class ArticleEntry:
    index: int
    title: str | None
    start_ms: float
    end_ms: float
    source: dict
    metadata: dict


@dataclass(frozen=True)
class SectionEntry:
    index: int
    article: int
    title: str
    start_ms: float
    end_ms: float
    file: str | None = None


@dataclass(frozen=True)
class CueEntry:
    kind: str
    article: int
    section: int
    text: str
    start_ms: float
    end_ms: float
    spoken: str = ""  # what the engine was given for text: numbers as words, lexicon, vowel marks


@dataclass(frozen=True)
class Manifest:
    """Everything a feed, a player page or a person needs to know about a briefing, times in ms; written
    beside the audio as NAME.json, last of its set. ``files`` records every other file's size and SHA-256."""

    briefing_version: str
    guid: str
    created: str
    title: str
    engine: EngineInfo
    audio: AudioInfo
    subtitles: dict
    articles: tuple[ArticleEntry, ...]
    sections: tuple[SectionEntry, ...]
    cues: tuple[CueEntry, ...]
    files: dict = field(default_factory=dict)
    alternates: tuple[AudioInfo, ...] = ()
    """The same briefing in other formats (``audio`` is the first), sharing every other file of the set."""
    track: str = ""
    """A digest of the narration's audio: a set is extended by another format only of the same narration."""
    job: str = ""
    """What made it, as a hash of the article's bytes and every option, for ``briefing batch`` to skip an
    unchanged article."""
    schema: int = SCHEMA

    def to_json(self) -> str:
        document = {"schema": self.schema, **{k: v for k, v in asdict(self).items() if k != "schema"}}
        for optional in ("files", "alternates", "track", "job"):
            if not document[optional]:
                document.pop(optional)
        for section in document["sections"]:
            if section["file"] is None:
                section.pop("file")
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, label: str = "manifest") -> Manifest:
        """A manifest read back, its text cleaned of characters no output may carry; an InputError naming
        what is wrong when it is not JSON, not a briefing's, from another schema, or holds values of the
        wrong kind (a hand-edited file)."""
        try:
            document = json.loads(text)
        except ValueError:
            raise InputError(f"{label}: is not a briefing manifest") from None
        if not isinstance(document, dict) or "guid" not in document or "audio" not in document:
            raise InputError(f"{label}: is not a briefing manifest")
        if document.get("schema") != SCHEMA:
            raise InputError(
                f"{label}: is a briefing manifest of another version (schema {document.get('schema', 1)}, "
                f"this briefing reads {SCHEMA}); make the briefing again with this version"
            )
        try:
            manifest = cls._build(cleaned(document))
        except (TypeError, KeyError, ValueError) as exc:
            raise InputError(f"{label}: is not a usable briefing manifest ({exc})") from None
        return manifest

    @classmethod
    def _build(cls, d: dict) -> Manifest:
        audio = d["audio"]
        _need(isinstance(d["title"], str) and d["title"].strip(), "title is not text")
        _need(isinstance(d["guid"], str) and d["guid"].strip(), "guid is not text")
        _need(_is_moment(d["created"]), "created is not a date and time")
        _need(
            isinstance(audio, dict) and isinstance(audio.get("file"), str) and plain_name(audio["file"]),
            "audio.file is not a file name in its folder",
        )
        _need(_is_number(audio.get("duration_ms")), "audio.duration_ms is not a number")
        _need(
            isinstance(d["sections"], list)
            and d["sections"]
            and all(
                isinstance(s, dict)
                and isinstance(s.get("title"), str)
                and _is_number(s.get("start_ms"))
                and _is_number(s.get("end_ms"))
                for s in d["sections"]
            ),
            "sections are not well formed",
        )
        _need(
            isinstance(d["cues"], list)
            and all(
                isinstance(c, dict)
                and isinstance(c.get("text"), str)
                and isinstance(c.get("kind"), str)
                and _is_number(c.get("start_ms"))
                and _is_number(c.get("end_ms"))
                for c in d["cues"]
            ),
            "cues are not well formed",
        )
        _need(
            isinstance(d.get("articles", []), list)
            and all(isinstance(a, dict) for a in d.get("articles", [])),
            "articles are not well formed",
        )
        _need(
            isinstance(d.get("subtitles", {}), dict) and isinstance(d.get("files", {}), dict),
            "files are not well formed",
        )
        return cls(
            briefing_version=str(d["briefing_version"]),
            guid=d["guid"],
            created=d["created"],
            title=d["title"],
            engine=EngineInfo(**d["engine"]),
            audio=AudioInfo(**audio),
            subtitles=d.get("subtitles", {}),
            articles=tuple(ArticleEntry(**a) for a in d.get("articles", [])),
            sections=tuple(SectionEntry(**s) for s in d["sections"]),
            cues=tuple(CueEntry(**c) for c in d["cues"]),
            files=d.get("files", {}),
            job=str(d.get("job", "")),
            schema=d["schema"],
            track=str(d.get("track", "")),
            alternates=tuple(AudioInfo(**alternate) for alternate in d.get("alternates", [])),
        )


def _need(passed, problem: str) -> None:
    if not passed:
        raise ValueError(problem)


def load_manifest(path: Path) -> Manifest:
    """The manifest at ``path``; an InputError when it is missing or not usable."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: not found; make the briefing first") from None
    except (OSError, UnicodeDecodeError):
        raise InputError(f"{path}: is not a briefing manifest") from None
    return Manifest.from_json(text, str(path))


def plain_name(name: str) -> bool:
    """A file name with no folder in it: ``news.mp3``, never ``../x``, ``/etc/passwd`` or ``a/b.mp3``."""
    return (
        bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name and "\x00" not in name
    )


def _is_number(value) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


def _is_moment(value) -> bool:
    try:
        datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True
