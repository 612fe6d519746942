"""The library's front door: ``narrate()`` speaks articles into a :class:`Narration`, which is saved as an
output set or written to any binary file object, in MP3, M4A/M4B or Opus.

    from briefing import Article, narrate
    narration = narrate(Article.from_text(text, title="موجز اليوم"), voice=Voice("espeak"))
    narration.save("out/today.mp3", companions=Companions(page=True))
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from briefing.article import Article, Episode
from briefing.assemble import TimedCue, TimedSection, Track, assemble
from briefing.cache import ClipCache, default_cache_dir
from briefing.errors import SynthesisError
from briefing.language import base_language, phrases_for
from briefing.publishing.sets import Companions, OutputSet
from briefing.script import Pauses, build_script
from briefing.speech.engines import AUTO, create_engine
from briefing.speech.engines.base import Engine
from briefing.speech.retry import Failures, Stopped
from briefing.speech.synthesize import Speech, SpeechReport, synthesize_cues
from briefing.speech.voice import Voice
from briefing.spoken import Lexicon, Pronunciation, SpokenForm, remembered

if TYPE_CHECKING:
    from briefing.publishing.publish import Published

Notify = Callable[[str], None]
Progress = Callable[[int, int, str], None]
"""Called as (clips done, clips in all, label of the section being spoken); clips in all may grow at first."""


@dataclass(frozen=True)
class Reading:
    """How the text was read aloud, as the manifest records it: vowel marks added or not, the month names of
    numeric dates, and each lexicon's source and SHA-256."""

    vowels: bool = False
    months: str = "latin"
    lexicons: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Narration:
    """Articles spoken and assembled into one track, not yet processed: loudness, encoding and files
    come with :meth:`save` or :meth:`write_to`. ``chapters`` and ``cues`` are timed on the track itself."""

    episode: Episode
    track: Track
    engine: str
    voice: str
    lang: str
    speech: SpeechReport
    cache: ClipCache | None = field(default=None, repr=False)
    reading: Reading = field(default_factory=Reading)

    @property
    def chapters(self) -> tuple[TimedSection, ...]:
        return self.track.timeline.sections

    @property
    def cues(self) -> tuple[TimedCue, ...]:
        """What is said, in order, with its times: intro, story announcements, headings, sentences, outro."""
        return tuple(timed for timed in self.track.timeline.cues if timed.cue.voiced)

    @property
    def duration_s(self) -> float:
        return self.track.timeline.duration_ms / 1000

    def save(
        self,
        path: str | Path,
        *,
        format: str | None = None,
        formats: Sequence[str] = (),
        bitrate: int | None = None,
        companions: Companions = Companions(),
        notify: Notify | None = None,
        stage: Notify | None = None,
    ) -> Published:
        """Write the audio to ``path`` (its format from ``format`` or the suffix: .mp3, .m4a, .m4b, .opus)
        with its ``companions`` beside it, all or nothing; returns where everything went. ``formats``: more
        formats of the same set, beside it (``["opus"]`` writes NAME.opus too); saving another format to the
        same name later adds it to the set. ``notify`` is told when another run is writing the same set;
        ``stage`` each step (loudness, encoding, writing) and how far an encoding is ("Encoding MP3 40%")."""
        return self.publish(
            OutputSet.at(path, format, formats, bitrate, companions), notify=notify, stage=stage
        )

    def publish(
        self,
        out: OutputSet,
        *,
        notify: Notify | None = None,
        stage: Notify | None = None,
        cores: int | None = None,
    ) -> Published:
        """Write the output set ``out``, encoding on ``cores`` (default all; a batch running one article per
        core gives 1). What :meth:`save` and :meth:`write_to` do."""
        from briefing.publishing.publish import publish

        published = publish(
            self.track,
            self.episode,
            out,
            tags=self.tags(),
            engine=self.engine_info(),
            cache=self.cache,
            notify=notify,
            stage=stage,
            cores=cores,
        )
        if self.cache:
            self.cache.prune()
        return published

    def write_to(self, fileobj: BinaryIO, format: str = "mp3", bitrate: int | None = None) -> None:
        """Write the audio, tagged and with chapters, to a binary file object (a socket, a response
        body, ``io.BytesIO``...); nothing else is written."""
        if isinstance(fileobj, (str, Path)) or not callable(getattr(fileobj, "write", None)):
            raise TypeError(
                f"write_to takes a binary file object, not {fileobj!r}: to write a file, use save(path)"
            )
        from briefing.formats import audio_format

        fmt, alone = audio_format(format), Companions(subtitles=False, manifest=False)
        with tempfile.TemporaryDirectory(prefix="briefing-") as folder:
            out = OutputSet.at(Path(folder) / f"narration{fmt.suffix}", fmt.name, (), bitrate, alone)
            published = self.publish(out, cores=1)
            with published.audio.open("rb") as stream:
                while block := stream.read(1 << 20):
                    fileobj.write(block)

    def tags(self):
        from briefing.formats.base import Tags

        return Tags.of(self.episode, phrases_for(self.lang))

    def engine_info(self):
        """Which engine spoke, in which voice and language, as the manifest records it."""
        from briefing.publishing.manifest import EngineInfo

        return EngineInfo(
            self.engine,
            self.voice,
            self.lang,
            self.reading.vowels,
            self.reading.months,
            [{"source": source, "sha256": digest} for source, digest in self.reading.lexicons],
        )


def narrate(
    articles: Article | Episode | Sequence[Article],
    *,
    lang: str | None = None,
    voice: Voice = Voice(),
    pronunciation: Pronunciation = Pronunciation(),
    pauses: Pauses = Pauses(),
    cache: bool | str | Path = True,
    notify: Notify | None = None,
    progress: Progress | None = None,
) -> Narration:
    """Speak ``articles`` (one; several, as one episode; or an :class:`Episode` with its title) in ``voice``,
    in ``lang`` (by default the language the article was read in: ``Article.from_text(text, lang="en")`` is
    narrated in English).

    What the engine is given is the text's spoken form (:mod:`briefing.spoken`): numbers, dates, money and
    units as words, then what ``pronunciation`` says (lexicon, vowel marks, month names).
    ``cache``: True for the user cache folder, a folder, or False for none. ``notify`` receives lines
    worth showing (the engine chosen by ``auto``, warnings, long waits); ``progress`` is called after
    each clip. Errors are :class:`briefing.BriefingError` subclasses.
    """
    for name, value, kind in (
        ("voice", voice, Voice),
        ("pronunciation", pronunciation, Pronunciation),
        ("pauses", pauses, Pauses),
    ):
        if not isinstance(value, kind):
            raise TypeError(f"narrate() takes {name}={kind.__name__}(...), not {value!r}")
    notify = notify or (lambda message: None)
    lang = lang or _language_of(articles)
    phrases_for(lang)  # a language the narration has phrases for, before anything is done
    lang = base_language(lang)
    episode = _episode(articles, lang)
    script = build_script(episode, pauses)
    words = Lexicon.load(pronunciation.lexicon)  # its files read once, before anything is spoken
    pronunciation = replace(pronunciation, lexicon=words)

    spoken_by, note = create_engine(voice.engine, voice.options(lang))
    for message in ([note] if note else []) + [f"Warning: {w}" for w in spoken_by.warnings]:
        notify(message)
    clip_cache = _cache(cache, notify)
    threading.Thread(target=_warm, daemon=True).start()  # while the first requests are out

    def advance(done, total, cue):
        if progress:
            progress(done, total, episode.sections[cue.section].label)

    def speak(by: Engine) -> tuple[SpokenForm, Speech]:
        form = SpokenForm.for_engine(lang, by.offline, pronunciation)
        failures = Failures(voice.retry_deadline, notify)
        return form, synthesize_cues(
            script,
            by,
            episode,
            form=remembered(form, clip_cache),
            cache=clip_cache,
            jobs=voice.requests,
            progress=advance,
            failures=failures,
        )

    try:
        form, speech = speak(spoken_by)
    except SynthesisError as failed:
        if voice.engine != AUTO or spoken_by.offline or isinstance(failed, Stopped):
            raise
        notify(f"{spoken_by.name} failed ({failed}); using espeak, which works offline")
        spoken_by, _ = create_engine("espeak", voice.options(lang))
        form, speech = speak(spoken_by)
    rate = voice.sample_rate or max(clip.frame_rate for clip in speech.clips.values())
    track = assemble(speech.cues, speech.clips, episode, sample_rate=rate)
    if clip_cache:
        clip_cache.prune()
    reading = Reading(form.vowels, pronunciation.months, words.sources)
    return Narration(
        episode, track, spoken_by.name, spoken_by.voice, lang, speech.report, clip_cache, reading
    )


def _warm() -> None:
    """Import publishing while the first sentences are spoken; the vowel model, when one is needed, is
    loaded by the thread that needs it, never at the same time (its lock). The codecs are the output
    format's to import (:func:`briefing.formats.prepare`): an Opus run has no use for the MP3 decoder and
    what it brings (urllib, ssl: 5 MB)."""
    from briefing.spoken.vowels import HEAVY_IMPORTS

    with (
        HEAVY_IMPORTS
    ):  # numpy, which the vowel model's onnxruntime imports too; the rest in parallel with it
        import_module("numpy")
    import_module("briefing.publishing.publish")


def _language_of(articles: Article | Episode | Sequence[Article]) -> str:
    """The language to narrate in when none is given: the one the (first) article was read in, else Arabic."""
    if isinstance(articles, Episode):
        return articles.language
    first = articles if isinstance(articles, Article) else next(iter(articles), None)
    return getattr(first, "language", None) or "ar"


def _episode(articles: Article | Episode | Sequence[Article], lang: str) -> Episode:
    if isinstance(articles, Episode):
        return replace(articles, language=lang)
    if isinstance(articles, Article):
        articles = [articles]
    if (
        isinstance(articles, (str, bytes))
        or not all(isinstance(a, Article) for a in articles)
        or not articles
    ):
        raise TypeError(
            "narrate() takes an Article or a list of Articles (read them with Article.from_text, "
            "Article.from_file or Article.from_url)"
        )
    return Episode.of(list(articles), None, lang)


def _cache(cache: bool | str | Path, notify: Notify) -> ClipCache | None:
    if cache is False:
        return None
    store = ClipCache(default_cache_dir() if cache is True else Path(cache))
    if store.problem():
        notify(f"Warning: {store.problem()}")
        return None
    return store
