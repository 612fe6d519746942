"""The files of a briefing beside its audio, and telling a whole set from one torn by an interrupted run."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


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
