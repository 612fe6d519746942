"""A briefing as a set of files beside its audio: their names, telling a whole set from one torn by an
interrupted run, which input made each set of a folder, and removing one whole (so that a batch keeps one
briefing per input when an article's title, and so its name, changes)."""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.article import LONGEST_NAME
from briefing.errors import InputError, OutputError
from briefing.publishing.manifest import SCHEMA, Manifest

if TYPE_CHECKING:
    from briefing.formats.base import AudioFormat


@dataclass(frozen=True)
class Companions:
    """Which files go with the audio: WebVTT and SRT ``subtitles``, a listening ``page`` (with the audio
    inside it: ``embed_audio``), one audio file per section (``per_section``), the ``manifest``."""

    subtitles: bool = True
    page: bool = False
    embed_audio: bool = False
    per_section: bool = False
    manifest: bool = True

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not isinstance(value, bool):
                raise InputError(f"{name} must be True or False, not {value!r}", option=name)
        if self.embed_audio and not self.page:
            raise InputError(
                "embed_audio puts the audio inside the listening page: it needs page=True",
                option="embed_audio",
            )


@dataclass(frozen=True)
class OutputSet:
    """One briefing's files: the audio in the first of ``formats`` at ``audio``, the others beside it
    (NAME.opus...), the companions named after it. ``job`` is recorded in the manifest: what made the set."""

    audio: Path
    formats: tuple[AudioFormat, ...]
    bitrate: int | None = None
    companions: Companions = Companions()
    job: str = ""

    @classmethod
    def at(
        cls,
        path: str | Path,
        format: str | None = None,
        formats: Sequence[str] = (),
        bitrate: int | None = None,
        companions: Companions = Companions(),
        job: str = "",
    ) -> OutputSet:
        """The set named by ``path``, in ``format`` (default: from its suffix) and ``formats`` besides; every
        bitrate checked now, before any work."""
        from briefing.formats import audio_format, format_of

        if isinstance(formats, str):
            raise TypeError("formats must be a list of format names, not one string")
        audio = Path(path)
        if audio.is_dir():
            raise OutputError(f"{audio}: is a directory; give a file name such as {audio / 'briefing.mp3'}")
        if (
            len(audio.stem.encode()) > LONGEST_NAME
        ):  # its companions and temporaries would not fit, after all the work
            raise OutputError(f"{audio.name}: the name is too long; give one of at most {LONGEST_NAME} bytes")
        first = format_of(audio, format)
        fmts = [
            first,
            *(audio_format(name) for name in dict.fromkeys(formats) if audio_format(name).name != first.name),
        ]
        for fmt in fmts:
            fmt.check_bitrate(bitrate)
        return cls(audio, tuple(fmts), bitrate, companions, job)

    def kbps(self, fmt: AudioFormat) -> int:
        """The bitrate ``fmt`` is written at: the one asked for, else the format's own."""
        return fmt.check_bitrate(self.bitrate)

    def file(self, fmt: AudioFormat) -> Path:
        return self.audio.with_suffix(fmt.suffix)

    @property
    def others(self) -> dict[str, Path]:
        return outputs_for(self.audio)


def outputs_for(audio: Path) -> dict[str, Path]:
    """The files that go with the ``audio`` file: subtitles, manifest, listening page, the per-section
    folder."""
    return {
        "vtt": audio.with_suffix(".vtt"),
        "srt": audio.with_suffix(".srt"),
        "manifest": audio.with_suffix(".json"),
        "page": audio.with_suffix(".html"),
        "sections": audio.with_name(f"{audio.stem}-sections"),
    }


def file_record(path: Path) -> dict:
    """What a manifest records of one of its briefing's files: its size and SHA-256."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def torn_files(manifest_path: Path, thorough: bool = True) -> list[str]:
    """The files of a briefing that are missing or differ from what its manifest recorded: a run killed
    between its final renames leaves some files new and some old. Empty for a whole set, and for a
    manifest from before files were recorded. ``thorough=False`` compares sizes only, for folders of
    thousands of briefings (the feed); otherwise contents are hashed."""
    try:
        recorded = json.loads(manifest_path.read_text(encoding="utf-8")).get("files")
    except (OSError, ValueError, AttributeError):
        return []
    if not isinstance(recorded, dict):
        return []
    torn = []
    for name, record in recorded.items():
        path = manifest_path.parent / name
        if not (
            isinstance(record, dict)
            and plain_path(name)
            and path.is_file()
            and path.stat().st_size == record.get("bytes")
            and (not thorough or file_record(path)["sha256"] == record.get("sha256"))
        ):
            torn.append(str(name))
    return torn


def plain_path(name: str) -> bool:
    """A path inside the briefing's folder: relative, without ``..``."""
    return bool(name) and not name.startswith(("/", "\\")) and ".." not in name.replace("\\", "/").split("/")


def source_key(source: str) -> str:
    """One spelling for one input: a link as given, a file by its absolute path."""
    return source if "://" in source else str(Path(source).resolve())


def sets_by_source(folder: Path) -> dict[str, list[str]]:
    """The briefings in ``folder`` made from one input each, by :func:`source_key` of that input: the names
    of their manifests (``NAME.json``). A manifest that cannot be read is nobody's."""
    found: dict[str, list[str]] = {}
    for manifest in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            (article,) = data["articles"]
            source = article["source"]["path"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if isinstance(source, str) and isinstance(data.get("audio"), dict):
            found.setdefault(source_key(source), []).append(manifest.name)
    return found


def held_by_another(folder: Path, name: str, source: str) -> bool:
    """Whether ``folder`` holds a briefing ``name`` made from another input (or several): not to be
    replaced by an article that shares its title, which gets a name of its own."""
    from briefing.publishing.manifest import load_manifest

    try:
        manifest = load_manifest((folder / name).with_suffix(".json"))
    except InputError:
        return False  # none, or torn: this run writes it
    sources = [str(entry.source.get("path")) for entry in manifest.articles]
    return len(sources) != 1 or source_key(sources[0]) != source_key(source)


RESERVED = frozenset({"batch", "feed", "cover"})
"""Names the folder's own files take (batch.json, feed.xml, cover.png): no briefing is named so."""


def output_name(title: str | None, source: str, taken: set[str], suffix: str) -> str:
    """``<slug of the title, else of the file name><suffix>``, made unique among ``taken``."""
    from slugify import slugify

    stem = slugify(title or "", allow_unicode=True, max_length=60, word_boundary=True)
    stem = stem or slugify(Path(source.rstrip("/")).stem, allow_unicode=True, max_length=60) or "briefing"
    name, number = stem, 2
    while name + suffix in taken or name in RESERVED:
        name, number = f"{stem}-{number}", number + 1
    taken.add(name + suffix)
    return name + suffix


def remove_set(manifest: Path) -> None:
    """Remove a briefing whole: every file its manifest records, its section folder, the chapters file a
    feed wrote for it, and the manifest last (a set torn by a kill midway is still found and finished)."""
    from briefing.publishing.staging import locked

    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    audio = manifest.with_name(str(data.get("audio", {}).get("file") or manifest.with_suffix(".mp3").name))
    recorded = [name for name in data.get("files") or {} if isinstance(name, str) and plain_path(name)]
    recorded += [
        str(alternate.get("file"))
        for alternate in data.get("alternates") or []
        if isinstance(alternate, dict) and plain_path(str(alternate.get("file")))
    ]
    with locked(manifest):
        for name in recorded:
            (manifest.parent / name).unlink(missing_ok=True)
        others = outputs_for(audio)
        for kind in ("vtt", "srt", "page"):
            others[kind].unlink(missing_ok=True)
        audio.unlink(missing_ok=True)
        shutil.rmtree(others["sections"], ignore_errors=True)
        manifest.with_suffix(".chapters.json").unlink(missing_ok=True)
        manifest.unlink(missing_ok=True)


def build_manifest(
    episode, timeline, audio, fmt, tags, engine, bitrate, sample_rate, level, section_files, subtitles: bool
) -> Manifest:
    """Everything a feed, a player page or a person needs to know about the briefing, times in ms.

    ``guid`` names the episode for podcast apps: the same file of the same articles keeps it.
    """
    from briefing.assemble import TimedArticle
    from briefing.publishing.sets import outputs_for
    from briefing.publishing.subtitles import spoken_cues
    from briefing.version import __version__

    others = outputs_for(audio)
    identity = json.dumps([audio.name, tags.title, [article.sha256 for article in episode.articles]])
    spans = timeline.articles or (TimedArticle(tags.title, 0.0, timeline.duration_ms),)
    return Manifest._build(
        {
            "schema": SCHEMA,
            "briefing_version": __version__,
            "guid": "briefing-" + hashlib.sha256(identity.encode()).hexdigest()[:32],
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "title": tags.title,
            "engine": asdict(engine),
            "audio": audio_entry(audio, fmt, timeline, sample_rate, bitrate, level),
            "subtitles": {"vtt": others["vtt"].name, "srt": others["srt"].name} if subtitles else {},
            "articles": [
                {
                    "index": number,
                    "title": span.title,
                    "start_ms": round(span.start_ms),
                    "end_ms": round(span.end_ms),
                    "source": {
                        "path": article.source,
                        "sha256": article.sha256,
                        "format": article.format,
                        "encoding": article.encoding,
                    },
                    "metadata": article.metadata.known(),
                }
                for number, (article, span) in enumerate(zip(episode.articles, spans))
            ],
            "sections": [
                {
                    "index": number,
                    "article": section.article,
                    "title": section.title,
                    "start_ms": round(section.start_ms),
                    "end_ms": round(section.end_ms),
                    **(
                        {"file": str(section_files[number].relative_to(audio.parent))}
                        if section_files
                        else {}
                    ),
                }
                for number, section in enumerate(timeline.sections)
            ],
            "cues": [
                {
                    "kind": t.cue.kind,
                    "article": timeline.sections[t.cue.section].article,
                    "section": t.cue.section,
                    "text": t.cue.text,
                    "spoken": t.cue.spoken,
                    "start_ms": round(t.start_ms),
                    "end_ms": round(t.end_ms),
                }
                for t in spoken_cues(timeline)
            ],
        }
    )


def audio_entry(audio: Path, fmt, timeline, sample_rate: int, bitrate: int, level) -> dict:
    """What a manifest records of one audio file of the set: its format, length and loudness as measured."""
    from briefing.mastering import loudness

    return {
        "file": audio.name,
        "format": fmt.name,
        "mime": fmt.mime,
        "duration_ms": round(timeline.duration_ms),
        "sample_rate": sample_rate,
        "bitrate_kbps": bitrate,
        "loudness_target_lufs": loudness.TARGET_LUFS,
        "measured_lufs": _rounded(level.measured),
        "gain_db": _rounded(level.gain),
        "loudness_lufs": _rounded(level.loudness),
        "true_peak_dbtp": _rounded(level.true_peak),
    }


def _rounded(value: float | None) -> float | None:
    """Two decimals; None for nothing to say (silence measures -inf; never NaN, which is not JSON)."""
    return None if value is None or not math.isfinite(value) else round(value, 2)


def track_digest(track) -> str:
    """A digest of a narration's audio (its samples and rate): two saves of one narration share it."""
    digest = hashlib.sha256(str(track.sample_rate).encode())
    for piece in track.pieces:
        digest.update(piece.raw_data)
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class Kept:
    """The formats a save keeps of the set already there: their manifest entries in the set's order, the
    records of their files, and their section files (relative to the set's folder)."""

    entries: tuple[dict, ...] = ()
    records: dict = field(default_factory=dict)
    section_files: tuple[str, ...] = ()

    def ordered(self, made: dict[str, dict]) -> list[dict]:
        """Every audio file of the set: those kept or made again in the order the set had, then new ones."""
        order = [entry["format"] for entry in self.entries]
        kept = {entry["format"]: entry for entry in self.entries}
        return [made.get(name) or kept[name] for name in order] + [made[n] for n in made if n not in order]


def formats_kept(manifest_path: Path, digest: str, making: set[str]) -> tuple[Kept, list[str]]:
    """What a save of the narration ``digest`` in the formats ``making`` keeps of the set at
    ``manifest_path``, and the audio files it removes: the other formats of the same narration stay (those
    whole on disk), those of another narration go."""
    from briefing.publishing.sets import torn_files

    try:
        old = Manifest.from_json(manifest_path.read_text(encoding="utf-8"))
    except (OSError, InputError):
        return Kept(), []
    others = [info for info in (old.audio, *old.alternates) if info.format not in making]
    if old.track != digest or not old.track:
        return Kept(tuple(asdict(info) for info in (old.audio, *old.alternates) if info.format in making)), [
            info.file for info in others
        ]
    torn = set(torn_files(manifest_path))
    suffixes = {Path(info.file).suffix for info in others}
    folder = outputs_for(manifest_path.with_suffix(".mp3"))["sections"].name
    mine = [
        name
        for name in old.files
        if name not in torn
        and (
            name in {i.file for i in others}
            or (name.startswith(folder + "/") and Path(name).suffix in suffixes)
        )
    ]
    whole = [info for info in others if info.file in mine]
    return Kept(
        tuple(
            asdict(info) for info in (old.audio, *old.alternates) if info in whole or info.format in making
        ),
        {name: old.files[name] for name in mine},
        tuple(n for n in mine if n.startswith(folder + "/")),
    ), [info.file for info in others if info not in whole]
