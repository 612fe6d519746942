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


def outputs_for(mp3: Path) -> dict[str, Path]:
    """The files that go with ``mp3``: subtitles, manifest, listening page, and the per-section folder."""
    return {
        "vtt": mp3.with_suffix(".vtt"),
        "srt": mp3.with_suffix(".srt"),
        "manifest": mp3.with_suffix(".json"),
        "page": mp3.with_suffix(".html"),
        "sections": mp3.with_name(f"{mp3.stem}-sections"),
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
