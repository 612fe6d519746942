"""The files of a briefing beside its MP3, and reading back the manifest ``briefing generate`` writes there
(the feed and the page use it)."""

from __future__ import annotations

import json
from pathlib import Path

from briefing.errors import InputError


def outputs_for(mp3: Path) -> dict[str, Path]:
    """The files that go with ``mp3``: subtitles, manifest, and the per-section folder."""
    return {
        "vtt": mp3.with_suffix(".vtt"),
        "srt": mp3.with_suffix(".srt"),
        "manifest": mp3.with_suffix(".json"),
        "sections": mp3.with_name(f"{mp3.stem}-sections"),
    }


REQUIRED = ("briefing_version", "guid", "created", "title", "audio", "sections", "cues")


def load_manifest(path: Path) -> dict:
    """The manifest at ``path``; an InputError when it is missing or not one of ours."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: not found; make the briefing with briefing generate first") from None
    except (OSError, ValueError):
        raise InputError(f"{path}: is not a briefing manifest") from None
    if not (isinstance(manifest, dict) and all(key in manifest for key in REQUIRED)
            and isinstance(manifest["audio"], dict) and "file" in manifest["audio"]):  # fmt: skip
        raise InputError(f"{path}: is not a briefing manifest")
    return manifest
