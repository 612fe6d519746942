"""The files of a briefing beside its MP3, and reading back the manifest ``briefing generate`` writes there
(the feed and the page use it)."""

from __future__ import annotations

import datetime
import hashlib
import json
import math
from pathlib import Path

from briefing.characters import without_controls
from briefing.errors import InputError


def outputs_for(audio: Path) -> dict[str, Path]:
    """The files that go with the ``audio`` file: subtitles, manifest, listening page, the per-section folder."""
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
        if not (isinstance(record, dict) and plain_path(name) and path.is_file()
                and path.stat().st_size == record.get("bytes")
                and (not thorough or file_record(path)["sha256"] == record.get("sha256"))):  # fmt: skip
            torn.append(str(name))
    return torn


def plain_path(name: str) -> bool:
    """A path inside the briefing's folder: relative, without ``..``."""
    return bool(name) and not name.startswith(("/", "\\")) and ".." not in name.replace("\\", "/").split("/")


REQUIRED = ("briefing_version", "guid", "created", "title", "audio", "sections", "cues")


def load_manifest(path: Path) -> dict:
    """The manifest at ``path``, its text cleaned of characters no output may carry; an InputError when it
    is missing, not one of ours, or holds values the feed and the page cannot use (a hand-edited or
    foreign file)."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: not found; make the briefing with briefing generate first") from None
    except (OSError, ValueError):
        raise InputError(f"{path}: is not a briefing manifest") from None
    if not (isinstance(manifest, dict) and all(key in manifest for key in REQUIRED)
            and isinstance(manifest["audio"], dict) and "file" in manifest["audio"]):  # fmt: skip
        raise InputError(f"{path}: is not a briefing manifest")
    problem = manifest_problem(manifest)
    if problem:
        raise InputError(f"{path}: is not a usable briefing manifest ({problem})")
    return _cleaned(manifest)


def manifest_problem(manifest: dict) -> str | None:
    """What makes a manifest unusable, or None: every value the feed and the page read, of its type."""
    audio = manifest["audio"]
    checks = [
        (isinstance(manifest["title"], str) and manifest["title"].strip(), "title is not text"),
        (isinstance(manifest["guid"], str) and manifest["guid"].strip(), "guid is not text"),
        (_is_moment(manifest["created"]), "created is not a date and time"),
        (isinstance(audio["file"], str) and plain_name(audio["file"]), "audio.file is not a file name in its folder"),
        (_is_number(audio.get("duration_ms")), "audio.duration_ms is not a number"),
        (isinstance(manifest["sections"], list) and manifest["sections"]
         and all(isinstance(s, dict) and isinstance(s.get("title"), str) and _is_number(s.get("start_ms"))
                 and _is_number(s.get("end_ms")) for s in manifest["sections"]), "sections are not well formed"),
        (isinstance(manifest["cues"], list)
         and all(isinstance(c, dict) and isinstance(c.get("text"), str) and isinstance(c.get("kind"), str)
                 and _is_number(c.get("start_ms")) and _is_number(c.get("end_ms")) for c in manifest["cues"]),
         "cues are not well formed"),
        (isinstance(manifest.get("articles", []), list)
         and all(isinstance(a, dict) for a in manifest.get("articles", [])), "articles are not well formed"),
    ]  # fmt: skip
    return next((problem for passed, problem in checks if not passed), None)


def plain_name(name: str) -> bool:
    """A file name with no folder in it: ``news.mp3``, never ``../x``, ``/etc/passwd`` or ``a/b.mp3``."""
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name and "\x00" not in name


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def _is_moment(value) -> bool:
    try:
        datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _cleaned(value):
    """Every string in a manifest read back, without characters no output may carry."""
    if isinstance(value, str):
        return without_controls(value)
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    return value


def build_manifest(episode, timeline, audio, fmt, tags, voice, bitrate, sample_rate, measured, gain, section_files,
                   subtitles: bool) -> dict:  # fmt: skip
    """Everything a feed, a player page or a person needs to know about the briefing, times in ms.

    ``guid`` names the episode for podcast apps: the same file of the same articles keeps it.
    """
    from briefing import __version__, loudness
    from briefing.assemble import TimedArticle
    from briefing.subtitles import spoken_cues

    others = outputs_for(audio)
    identity = json.dumps([audio.name, tags.title, [article.sha256 for article in episode.articles]])
    spans = timeline.articles or (TimedArticle(tags.title, 0.0, timeline.duration_ms),)
    return {
        "briefing_version": __version__,
        "guid": "briefing-" + hashlib.sha256(identity.encode()).hexdigest()[:32],
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "title": tags.title,
        "engine": {"name": voice.engine, "voice": voice.voice, "lang": voice.lang},
        "audio": {
            "file": audio.name,
            "format": fmt.name,
            "mime": fmt.mime,
            "duration_ms": round(timeline.duration_ms),
            "sample_rate": sample_rate,
            "bitrate_kbps": bitrate,
            "loudness_target_lufs": loudness.TARGET_LUFS,
            "measured_lufs": None if measured == float("-inf") else round(measured, 2),
            "gain_db": round(gain, 2),
        },
        "subtitles": {"vtt": others["vtt"].name, "srt": others["srt"].name} if subtitles else {},
        "articles": [
            {"index": number, "title": span.title, "start_ms": round(span.start_ms), "end_ms": round(span.end_ms),
             "source": {"path": article.source, "sha256": article.sha256, "format": article.format,
                        "encoding": article.encoding},
             "metadata": article.metadata.known()}
            for number, (article, span) in enumerate(zip(episode.articles, spans))
        ],  # fmt: skip
        "sections": [
            {"index": number, "article": section.article, "title": section.title,
             "start_ms": round(section.start_ms), "end_ms": round(section.end_ms),
             **({"file": str(section_files[number].relative_to(audio.parent))} if section_files else {})}
            for number, section in enumerate(timeline.sections)
        ],  # fmt: skip
        "cues": [
            {"kind": t.cue.kind, "article": timeline.sections[t.cue.section].article, "section": t.cue.section,
             "text": t.cue.text, "start_ms": round(t.start_ms), "end_ms": round(t.end_ms)}
            for t in spoken_cues(timeline)
        ],  # fmt: skip
    }
