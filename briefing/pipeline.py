"""The stages chained: read -> script -> speak -> assemble -> publish. Used by the CLI and by tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from briefing.article import Article, read_article
from briefing.assemble import Timeline, assemble
from briefing.errors import OutputError
from briefing.publish import DEFAULT_BITRATE, Tags, write_mp3
from briefing.script import build_script
from briefing.speech.engines import AUTO, create_engine
from briefing.speech.synthesize import synthesize_cues

DEFAULT_OUTPUT_DIR = Path("audio_out")

Notify = Callable[[str], None]
Progress = Callable[[int, int, str], None]
"""Called as (spoken cues done, spoken cues in all, label of the section being spoken)."""


@dataclass(frozen=True)
class Briefing:
    """What a run produced, for the summary line."""

    path: Path
    article: Article
    engine: str
    voice: str
    timeline: Timeline

    @property
    def duration_s(self) -> float:
        return self.timeline.duration_ms / 1000

    @property
    def size_bytes(self) -> int:
        return self.path.stat().st_size


def default_output(source: Path) -> Path:
    return DEFAULT_OUTPUT_DIR / f"{source.stem}.mp3"


def check_output(source: Path, output: Path) -> None:
    """Refuse outputs that would clobber the article or cannot be a file."""
    if output.is_dir():
        raise OutputError(f"{output}: is a directory; give a file name such as {output / (source.stem + '.mp3')}")
    if output.exists() and source.exists() and output.resolve() == source.resolve():
        raise OutputError(f"{output}: is the input article; choose another output path")


def generate(
    source: Path,
    output: Path | None = None,
    *,
    title: str | None = None,
    engine: str = AUTO,
    bitrate: int = DEFAULT_BITRATE,
    notify: Notify | None = None,
    progress: Progress | None = None,
) -> Briefing:
    """Narrate the article at ``source`` into one MP3 at ``output`` (default ``audio_out/<name>.mp3``)."""
    output = output or default_output(source)
    article = read_article(source, title=title)
    check_output(source, output)
    cues = build_script(article)

    speaker, note = create_engine(engine)
    if note and notify:
        notify(note)

    def advance(done, total, cue):
        if progress:
            progress(done, total, article.sections[cue.section].label)

    clips = synthesize_cues(cues, speaker, article, advance)
    track = assemble(cues, clips, article, sample_rate=max(clip.frame_rate for clip in clips.values()))
    tags = Tags(title=article.title or source.stem)
    try:
        write_mp3(track, output, tags, bitrate=bitrate)
    except OSError as exc:
        raise OutputError(f"{output}: cannot be written ({exc.strerror or exc})") from None
    return Briefing(output, article, speaker.name, speaker.voice, track.timeline)
