"""The stages chained: read -> script -> speak -> assemble -> publish. Used by the CLI and by tests."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.article import DEFAULT_MAX_CHARS, STDIN, Episode, one_line, read_article, warnings_for
from briefing.codec import BITRATES, DEFAULT_BITRATE
from briefing.errors import InputError, OutputError
from briefing.language import base_language, phrases_for
from briefing.manifest import outputs_for, torn_files
from briefing.readers.fetch import is_url
from briefing.script import Pauses, build_script
from briefing.speech.cache import ClipCache, default_cache_dir
from briefing.speech.engines import AUTO, create_engine
from briefing.speech.engines.base import VoiceOptions
from briefing.staging import check_targets
from briefing.speech.retry import DEFAULT_DEADLINE, Failures
from briefing.speech.synthesize import DEFAULT_JOBS, SpeechReport, synthesize_cues

if TYPE_CHECKING:
    from briefing.publish import Published

DEFAULT_OUTPUT_DIR = Path("audio_out")

Notify = Callable[[str], None]
Progress = Callable[[int, int, str], None]
"""Called as (clips done, clips in all, label of the section being spoken)."""


@dataclass(frozen=True)
class ReadOptions:
    """How to read the articles: overrides of what is otherwise detected. ``title`` names the episode
    (for a lone article, the article)."""

    title: str | None = None
    format: str | None = None
    encoding: str | None = None
    max_chars: int = DEFAULT_MAX_CHARS
    lang: str = "ar"
    """The language the articles must be written in (ISO 639-1)."""

    def read(self, sources: list[str | Path]) -> Episode:
        """Every article, read before anything is spoken: one bad input fails the whole run."""
        if isinstance(sources, (str, Path)):
            raise TypeError("sources must be a list of paths or links, not one string")
        if [str(source) for source in sources].count(STDIN) > 1:
            raise InputError("standard input (-) can be read only once")
        title = one_line(self.title) if self.title is not None else None
        if title == "":
            raise InputError("the title is blank")
        articles = [read_article(source, format=self.format, encoding=self.encoding, max_chars=self.max_chars,
                                 lang=self.lang) for source in sources]  # fmt: skip
        total = sum(article.chars for article in articles)
        if total > self.max_chars:
            raise InputError(f"the {len(articles)} articles have {total:,} characters of text together, more than the "
                             f"limit of {self.max_chars:,} (see --max-chars)")  # fmt: skip
        return Episode.of(articles, title, base_language(self.lang))


@dataclass(frozen=True)
class SpeechOptions:
    """Which engine and voice, how many requests at once, and whether to use the clip cache."""

    engine: str = AUTO
    voice: VoiceOptions = VoiceOptions()
    jobs: int = DEFAULT_JOBS
    cache_dir: Path | None = None
    use_cache: bool = True
    retry_deadline: float = DEFAULT_DEADLINE
    """Seconds all retries of a run may take together before it gives up."""


@dataclass(frozen=True)
class AudioOptions:
    """How the MP3 sounds (pauses, chime, sample rate (None: the engine's own), bitrate) and what goes with
    it: per-section files, a listening page (its audio linked or embedded)."""

    pauses: Pauses = Pauses()
    sample_rate: int | None = None
    bitrate: int = DEFAULT_BITRATE
    per_section: bool = False
    page: bool = False
    embed_audio: bool = False

    def __post_init__(self):
        if self.bitrate not in BITRATES:
            raise InputError(f"bitrate {self.bitrate} kb/s cannot be encoded at every sample rate; choose one of "
                             f"{', '.join(map(str, BITRATES))}")  # fmt: skip


@dataclass(frozen=True)
class Briefing:
    """What a run produced, for the summary line."""

    episode: Episode
    engine: str
    voice: str
    published: Published
    speech: SpeechReport
    page: Path | None = None

    @property
    def path(self) -> Path:
        return self.published.mp3

    @property
    def duration_s(self) -> float:
        return self.published.timeline.duration_ms / 1000

    @property
    def size_bytes(self) -> int:
        return self.path.stat().st_size


def check_output(sources: list[str | Path], output: Path, audio: AudioOptions) -> None:
    """Refuse outputs that would clobber the article or cannot be written, before any work is done.

    Nothing is created here: the output folder is made only when the results are written.
    """
    if output.is_dir():
        raise OutputError(f"{output}: is a directory; give a file name such as {output / 'briefing.mp3'}")
    if output.suffix.lower() != ".mp3":
        raise OutputError(f"{output}: the output is the MP3 and must end in .mp3 (subtitles, manifest and page are "
                          "named after it)")  # fmt: skip
    others = outputs_for(output)
    files = [output, others["vtt"], others["srt"], others["manifest"], *([others["page"]] if audio.page else [])]
    check_targets(files, [others["sections"]] if audio.per_section else [])
    inputs = {Path(source).resolve() for source in sources if str(source) != STDIN and not is_url(str(source))}
    for path in (*files, others["sections"]):
        if path.exists() and path.resolve() in inputs:
            raise OutputError(f"{path}: is an input article; choose another output path")
    existing = next(p for p in (output.parent.absolute(), *output.parent.absolute().parents) if p.exists())
    if not existing.is_dir():
        raise OutputError(f"{output.parent}: cannot be created ({existing} is not a folder)")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{output.parent}: cannot be written (no permission in {existing})")


def preload(*modules: str) -> None:
    """Import ``modules`` on a background thread. While synthesis waits on the network the processor is
    idle; loading what publishing needs then, rather than after the last clip, saves that time."""
    threading.Thread(target=lambda: [import_module(name) for name in modules], daemon=True).start()


def generate(
    sources: list[str | Path],
    output: Path | None = None,
    *,
    reading: ReadOptions = ReadOptions(),
    speech: SpeechOptions = SpeechOptions(),
    audio: AudioOptions = AudioOptions(),
    notify: Notify | None = None,
    progress: Progress | None = None,
) -> Briefing:
    """Narrate the articles at ``sources`` (``-`` for stdin), one after the other, into an MP3 at
    ``output`` and its companions. The default output is ``audio_out/<first article's name>.mp3``.
    """
    notify = notify or (lambda message: None)
    phrases = phrases_for(reading.lang)
    episode = reading.read(sources)
    for article in episode.articles:
        for warning in warnings_for(article):
            notify(f"Warning: {warning}")
    output = output or DEFAULT_OUTPUT_DIR / f"{episode.name}.mp3"
    check_output(sources, output, audio)
    torn = torn_files(outputs_for(output)["manifest"])
    if torn:
        notify(f"Warning: {output}: the briefing there is incomplete ({', '.join(torn)} not as its manifest says; "
               "an earlier run was interrupted); this run rewrites it")  # fmt: skip
    cues = build_script(episode, audio.pauses)

    speaker, note = create_engine(speech.engine, speech.voice)
    for message in ([note] if note else []) + [f"Warning: {w}" for w in speaker.warnings]:
        notify(message)

    def advance(done, total, cue):
        if progress:
            progress(done, total, episode.sections[cue.section].label)

    cache = ClipCache(speech.cache_dir or default_cache_dir()) if speech.use_cache else None
    if cache and cache.problem():
        notify(f"Warning: {cache.problem()}")
        cache = None
    preload("miniaudio", "lameenc", "briefing.publish")
    clips, report = synthesize_cues(cues, speaker, episode, cache=cache, jobs=speech.jobs, progress=advance,
                                    failures=Failures(speech.retry_deadline, notify))  # fmt: skip

    from briefing.assemble import assemble
    from briefing.publish import Tags, Voice, publish

    rate = audio.sample_rate or max(clip.frame_rate for clip in clips.values())
    track = assemble(cues, clips, episode, sample_rate=rate)
    tags = Tags.of(episode, phrases)
    voice = Voice(speaker.name, speaker.voice, speech.voice.lang)
    published = publish(track, episode, output, tags=tags, voice=voice, bitrate=audio.bitrate,
                        per_section=audio.per_section, page=audio.page, embed_audio=audio.embed_audio, cache=cache,
                        waiting=lambda: notify(f"Waiting for another run writing {output} to finish"))  # fmt: skip
    return Briefing(episode, speaker.name, speaker.voice, published, report, published.page)
