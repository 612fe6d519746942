"""The briefings of a folder as whole sets of files: which input made each, and removing one whole, so that a
batch keeps one briefing per input when an article's title (and so its name) changes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from briefing.errors import InputError
from briefing.outputs import outputs_for, plain_path


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
    from briefing.manifest import load_manifest

    try:
        manifest = load_manifest((folder / name).with_suffix(".json"))
    except InputError:
        return False  # none, or torn: this run writes it
    sources = [str(entry.source.get("path")) for entry in manifest.articles]
    return len(sources) != 1 or source_key(sources[0]) != source_key(source)


def output_name(title: str | None, source: str, taken: set[str], suffix: str) -> str:
    """``<slug of the title, else of the file name><suffix>``, made unique among ``taken``."""
    from slugify import slugify

    stem = slugify(title or "", allow_unicode=True, max_length=60, word_boundary=True)
    stem = stem or slugify(Path(source.rstrip("/")).stem, allow_unicode=True, max_length=60) or "briefing"
    name, number = stem, 2
    while name + suffix in taken:
        name, number = f"{stem}-{number}", number + 1
    taken.add(name + suffix)
    return name + suffix


def remove_set(manifest: Path) -> None:
    """Remove a briefing whole: every file its manifest records, its section folder, the chapters file a
    feed wrote for it, and the manifest last (a set torn by a kill midway is still found and finished)."""
    from briefing.staging import locked

    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    audio = manifest.with_name(str(data.get("audio", {}).get("file") or manifest.with_suffix(".mp3").name))
    recorded = [name for name in data.get("files") or {} if isinstance(name, str) and plain_path(name)]
    with locked(audio):
        for name in recorded:
            (manifest.parent / name).unlink(missing_ok=True)
        others = outputs_for(audio)
        for kind in ("vtt", "srt", "page"):
            others[kind].unlink(missing_ok=True)
        audio.unlink(missing_ok=True)
        shutil.rmtree(others["sections"], ignore_errors=True)
        manifest.with_suffix(".chapters.json").unlink(missing_ok=True)
        manifest.unlink(missing_ok=True)
