"""A listening page: one self-contained HTML file beside the MP3, built from its manifest.

A native audio player, the sections as buttons that seek, and the transcript, whose cue being spoken is
highlighted as it plays. Nothing is loaded from the network: styles and script are inline, the audio is a
relative link or (``embed_audio``) a data URI, and the captions track is a data URI.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote

from briefing import __version__
from briefing.errors import InputError
from briefing.manifest import load_manifest, outputs_for
from briefing.staging import Staging


def page_path(mp3: Path) -> Path:
    return mp3.with_suffix(".html")


def write_page(mp3: Path, embed_audio: bool = False) -> Path:
    """Write ``NAME.html`` beside ``mp3`` from ``NAME.json`` (and ``NAME.vtt`` when present), atomically."""
    manifest = load_manifest(outputs_for(mp3)["manifest"])
    if not mp3.is_file():
        raise InputError(f"{mp3}: no such file")
    with Staging() as stage:
        stage.file(page_path(mp3)).write_text(render(manifest, mp3, embed_audio), encoding="utf-8")
    return page_path(mp3)


def render(manifest: dict, mp3: Path, embed_audio: bool) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    environment = Environment(loader=PackageLoader("briefing"), autoescape=select_autoescape(["html"]))
    articles = manifest.get("articles", [])
    grouped = len(articles) > 1
    cues = [dict(cue, index=number) for number, cue in enumerate(manifest["cues"])]
    vtt = outputs_for(mp3)["vtt"]
    return environment.get_template("page.html").render(
        version=__version__,
        title=manifest["title"],
        duration_ms=manifest["audio"]["duration_ms"],
        sections=manifest["sections"],
        audio_src=_data_uri(mp3.read_bytes(), "audio/mpeg") if embed_audio else quote(mp3.name),
        vtt_src=_data_uri(vtt.read_bytes(), "text/vtt") if vtt.is_file() else "",
        chapters=_groups(articles if grouped else [{"title": None}], manifest["sections"], "sections"),
        transcript=_groups(articles if grouped else [{"title": None}], cues, "cues"),
        cues_json=json.dumps([cue["start_ms"] for cue in cues]),
        clock=clock,
    )


def _groups(articles: list[dict], items: list[dict], key: str) -> list[dict]:
    """Items under the article they belong to (one untitled group for a lone article)."""
    if len(articles) == 1:
        return [{"title": None, key: items}]
    return [{"title": article["title"], key: [item for item in items if item.get("article") == number]}
            for number, article in enumerate(articles)]  # fmt: skip


def clock(ms: float) -> str:
    """m:ss, or h:mm:ss past an hour."""
    minutes, seconds = divmod(round(ms / 1000), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"
