"""A listening page: one self-contained HTML file beside the MP3, built from its manifest.

A native audio player, the sections as buttons that seek, and the transcript, whose cue being spoken is
highlighted as it plays. Nothing is loaded from the network: styles and script are inline, the audio is a
relative link or (``embed_audio``) a data URI, and the captions track is a data URI.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, replace
from pathlib import Path
from urllib.parse import quote

from briefing.errors import InputError
from briefing.publishing.manifest import Manifest, load_manifest
from briefing.publishing.sets import file_record, outputs_for, torn_files
from briefing.publishing.staging import Staging, locked
from briefing.version import __version__


def write_page(mp3: Path, embed_audio: bool = False) -> Path:
    """Write ``NAME.html`` beside ``mp3`` from ``NAME.json`` (and ``NAME.vtt`` when present), atomically, and
    record it in the manifest (rewritten after it) as one of the briefing's files.

    A briefing whose files do not match its manifest (a run was killed between its renames) is refused:
    making the briefing again repairs it."""
    others = outputs_for(mp3)
    manifest = load_manifest(others["manifest"])
    if not mp3.is_file():
        raise InputError(f"{mp3}: no such file")
    linked = {mp3.name, others["vtt"].name, *(audio.file for audio in (manifest.audio, *manifest.alternates))}
    torn = [name for name in torn_files(others["manifest"]) if name in linked]
    if torn:
        raise InputError(
            f"{mp3}: the briefing's files do not match its manifest ({', '.join(torn)}); an earlier "
            "run was interrupted; making the briefing again repairs it"
        )
    stage = Staging()
    with locked(others["manifest"]), stage:
        vtt = others["vtt"].read_text(encoding="utf-8") if others["vtt"].is_file() else ""
        staged = stage.file(others["page"])
        staged.write_text(
            render(manifest, mp3.name, vtt, mp3.read_bytes() if embed_audio else None), encoding="utf-8"
        )
        if manifest.files:
            recorded = replace(manifest, files={**manifest.files, others["page"].name: file_record(staged)})
            stage.file(others["manifest"]).write_text(recorded.to_json(), encoding="utf-8")
    return others["page"]


def render(record: Manifest, audio_name: str, vtt: str, embedded_audio: bytes | None = None) -> str:
    """The page's HTML: the audio linked by ``audio_name``, or inside it when ``embedded_audio`` is given."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    manifest = asdict(record)
    environment = Environment(
        loader=PackageLoader("briefing.publishing"), autoescape=select_autoescape(["html"])
    )
    articles = manifest.get("articles", [])
    grouped = len(articles) > 1
    cues = [dict(cue, index=number) for number, cue in enumerate(manifest["cues"])]
    return environment.get_template("page.html").render(
        version=__version__,
        title=manifest["title"],
        duration_ms=manifest["audio"]["duration_ms"],
        sections=manifest["sections"],
        audio_src=_data_uri(embedded_audio, record.audio.mime)
        if embedded_audio is not None
        else quote(audio_name),
        sources=[]
        if embedded_audio is not None
        else [  # every format of the set: the browser plays the first it can
            {"src": quote(audio.file), "type": audio.mime} for audio in (record.audio, *record.alternates)
        ],
        vtt_src=_data_uri(vtt.encode("utf-8"), "text/vtt") if vtt else "",
        chapters=_groups(articles if grouped else [{"title": None}], manifest["sections"], "sections"),
        transcript=_groups(articles if grouped else [{"title": None}], cues, "cues"),
        cues_json=json.dumps([cue["start_ms"] for cue in cues]),
        clock=clock,
    )


def _groups(articles: list[dict], items: list[dict], key: str) -> list[dict]:
    """Items under the article they belong to (one untitled group for a lone article)."""
    if len(articles) == 1:
        return [{"title": None, key: items}]
    return [
        {"title": article["title"], key: [item for item in items if item.get("article") == number]}
        for number, article in enumerate(articles)
    ]


def clock(ms: float) -> str:
    """m:ss, or h:mm:ss past an hour; whole seconds gone by, as players count them (3:27.6 is 3:27)."""
    minutes, seconds = divmod(int(ms // 1000), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"
