"""The library's front door: ``narrate()`` speaks articles into a :class:`Narration`, which is saved as an
output set or written to any binary file object, in MP3, M4A/M4B or Opus.

    from briefing import Article, narrate
    narration = narrate(Article.from_text(text, title="موجز اليوم"), engine="espeak")
    narration.save("out/today.mp3", page=True)
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import BinaryIO

from briefing.article import Article, Episode
from briefing.assemble import TimedCue, TimedSection, Track, assemble
from briefing.cache import ClipCache, default_cache_dir
from briefing.errors import InputError, SynthesisError
from briefing.language import base_language, phrases_for
from briefing.script import Pauses, build_script
from briefing.speech.engines import AUTO, create_engine
from briefing.speech.engines.base import Engine, VoiceOptions
from briefing.speech.retry import DEFAULT_DEADLINE, Failures, Stopped
from briefing.speech.synthesize import DEFAULT_JOBS, Speech, SpeechReport, synthesize_cues
from briefing.spoken import Lexicon, LexiconSource, SpokenForm, remembered

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

    def save(self, path: str | Path, *, format: str | None = None, formats: Sequence[str] = (),
             bitrate: int | None = None, subtitles: bool = True, page: bool = False, embed_audio: bool = False,
             per_section: bool = False, manifest: bool = True, waiting: Callable[[], None] | None = None, job: str = "",
             stage: Callable[[str], None] | None = None, cores: int | None = None):  # fmt: skip
        """Write the audio to ``path`` (its format from ``format`` or the suffix: .mp3, .m4a, .m4b, .opus)
        with its companions beside it, all or nothing; returns where everything went
        (:class:`briefing.publishing.publish.Published`). ``formats``: more formats of the same set, beside it
        (``["opus"]`` writes NAME.opus too); saving another format to the same name later adds it to the set.
        ``stage`` is told each step (loudness, encoding, writing); ``cores``: how many to encode on (default
        all; a batch running one article per core gives 1)."""
        from briefing.formats import audio_format, format_of
        from briefing.publishing.publish import Companions, publish

        path = Path(path)
        fmt = format_of(path, format)
        fmts = [fmt] + [audio_format(name) for name in dict.fromkeys(formats) if audio_format(name).name != fmt.name]
        check_companions(path, page, embed_audio)
        companions = Companions(subtitles, page, embed_audio, per_section, manifest, job)
        published = publish(self.track, self.episode, path, fmts, tags=self.tags(), engine=self.engine_info(),
                            bitrate=bitrate, companions=companions, cache=self.cache, waiting=waiting,
                            stage=stage, cores=cores)  # fmt: skip
        if self.cache:
            self.cache.prune()
        return published

    def write_to(self, fileobj: BinaryIO, format: str = "mp3", bitrate: int | None = None) -> None:
        """Write the audio, tagged and with chapters, to a binary file object (a socket, a response
        body, ``io.BytesIO``...); nothing else is written."""
        from briefing.formats import audio_format
        from briefing.mastering.encode import encode_track
        from briefing.mastering.parts import place

        if isinstance(fileobj, (str, Path)) or not callable(getattr(fileobj, "write", None)):
            raise TypeError(f"write_to takes a binary file object, not {fileobj!r}: to write a file, use save(path)")

        fmt = audio_format(format)
        bitrate = fmt.check_bitrate(bitrate)
        whole = [(0, len(self.track.pieces))]
        with tempfile.TemporaryDirectory(prefix="briefing-") as folder:
            target = Path(folder) / f"narration{fmt.suffix}"
            mastered = encode_track(self.track, whole, [target], [[0]], fmt, bitrate, 1, self.cache)
            fmt.tag(target, self.tags(), place(self.track, whole, mastered.decoded, fmt.delay(self.track.sample_rate)))
            with target.open("rb") as stream:
                while block := stream.read(1 << 20):
                    fileobj.write(block)

    def tags(self):
        from briefing.formats.base import Tags

        return Tags.of(self.episode, phrases_for(self.lang))

    def engine_info(self):
        """Which engine spoke, in which voice and language, as the manifest records it."""
        from briefing.publishing.manifest import EngineInfo

        return EngineInfo(self.engine, self.voice, self.lang, self.reading.vowels, self.reading.months,
                          [{"source": source, "sha256": digest} for source, digest in self.reading.lexicons])  # fmt: skip


def check_companions(path: Path, page: bool, embed_audio: bool) -> None:
    if embed_audio and not page:
        raise InputError("embed_audio puts the audio inside the listening page: it needs page=True")


def narrate(
    articles: Article | Episode | Sequence[Article],
    *,
    title: str | None = None,
    engine: str = AUTO,
    lang: str | None = None,
    rate: float = 1.0,
    voice: str | None = None,
    model: str | Path | None = None,
    config: str | Path | None = None,
    speaker: int | None = None,
    pitch: str | None = None,
    vowels: bool | None = None,
    lexicon: LexiconSource | Iterable[LexiconSource] | None = None,
    months: str = "latin",
    pauses: Pauses = Pauses(),
    sample_rate: int | None = None,
    jobs: int = DEFAULT_JOBS,
    cache: bool | str | Path = True,
    retry_deadline: float = DEFAULT_DEADLINE,
    notify: Notify | None = None,
    progress: Progress | None = None,
) -> Narration:
    """Speak ``articles`` (one, or several as one episode under ``title``) with ``engine`` in ``lang`` (by
    default the language the article was read in: ``Article.from_text(text, lang="en")`` is narrated in
    English).

    What the engine is given is the text's spoken form (:mod:`briefing.spoken`): numbers, dates, money and
    units as words, ``lexicon`` entries (a TSV or PLS file, a mapping of written to spoken, or a list of
    them, after ``$BRIEFING_LEXICON``'s files), vowel marks (``vowels``: by default for the offline engines),
    numeric dates with ``months`` "latin" (يناير) or "syriac" (كانون الثاني).
    ``cache``: True for the user cache folder, a folder, or False for none. ``notify`` receives lines
    worth showing (the engine chosen by ``auto``, warnings, long waits); ``progress`` is called after
    each clip. Errors are :class:`briefing.BriefingError` subclasses.
    """
    notify = notify or (lambda message: None)
    lang = lang or _language_of(articles)
    phrases_for(lang)  # a language the narration has phrases for, before anything is done
    episode = _episode(articles, title, lang)
    options = VoiceOptions(lang, rate, voice, Path(model) if model else None, Path(config) if config else None,
                           speaker, pitch)  # fmt: skip
    if jobs < 1 or (sample_rate is not None and sample_rate not in SAMPLE_RATES):
        raise InputError(f"jobs must be 1 or more and sample_rate one of {', '.join(map(str, SAMPLE_RATES))}")
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not RATES[0] <= rate <= RATES[1]:
        raise InputError(f"rate must be a number from {RATES[0]} to {RATES[1]} (1.25 is a quarter faster), not {rate!r}",
                         option="rate")  # fmt: skip
    script = build_script(episode, pauses)
    words = Lexicon.load(lexicon)
    SpokenForm(base_language(lang), months=months)  # months checked before anything is spoken

    spoken_by, note = create_engine(engine, options)
    for message in ([note] if note else []) + [f"Warning: {w}" for w in spoken_by.warnings]:
        notify(message)
    clip_cache = _cache(cache, notify)
    threading.Thread(target=_warm, daemon=True).start()  # while the first requests are out

    def advance(done, total, cue):
        if progress:
            progress(done, total, episode.sections[cue.section].label)

    def speak(by: Engine) -> tuple[SpokenForm, Speech]:
        form = SpokenForm.for_engine(base_language(lang), by.offline, vowels=vowels, lexicon=words, months=months)
        return form, synthesize_cues(script, by, episode, form=remembered(form, clip_cache), cache=clip_cache, jobs=jobs, progress=advance,
                                     failures=Failures(retry_deadline, notify))  # fmt: skip

    try:
        form, speech = speak(spoken_by)
    except SynthesisError as failed:
        if engine != AUTO or spoken_by.offline or isinstance(failed, Stopped):
            raise
        notify(f"{spoken_by.name} failed ({failed}); using espeak, which works offline")
        spoken_by, _ = create_engine("espeak", options)
        form, speech = speak(spoken_by)
    rate = sample_rate or max(clip.frame_rate for clip in speech.clips.values())
    track = assemble(speech.cues, speech.clips, episode, sample_rate=rate)
    if clip_cache:
        clip_cache.prune()
    reading = Reading(form.vowels, months, words.sources)
    return Narration(episode, track, spoken_by.name, spoken_by.voice, base_language(lang), speech.report, clip_cache,
                     reading)  # fmt: skip


def _warm() -> None:
    """Import the codecs and publishing while the first sentences are spoken; the vowel model, when one is
    needed, is loaded by the thread that needs it, never at the same time (its lock)."""
    from briefing.spoken.vowels import HEAVY_IMPORTS

    with HEAVY_IMPORTS:  # numpy, which the vowel model's onnxruntime imports too; the rest in parallel with it
        import_module("numpy")
    for name in ("miniaudio", "lameenc", "briefing.publishing.publish"):
        import_module(name)


SAMPLE_RATES = (16000, 22050, 24000, 44100, 48000)
RATES = (0.5, 2.0)
"""The slowest and fastest speech: outside them no voice stays clear (and NaN is no speed)."""


def _language_of(articles: Article | Episode | Sequence[Article]) -> str:
    """The language to narrate in when none is given: the one the (first) article was read in, else Arabic."""
    if isinstance(articles, Episode):
        return articles.language
    first = articles if isinstance(articles, Article) else next(iter(articles), None)
    return getattr(first, "language", None) or "ar"


def _episode(articles: Article | Episode | Sequence[Article], title: str | None, lang: str) -> Episode:
    if isinstance(articles, Episode):
        return Episode(title or articles.title, articles.articles, base_language(lang))
    if isinstance(articles, Article):
        articles = [articles]
    if isinstance(articles, (str, bytes)) or not all(isinstance(a, Article) for a in articles) or not articles:
        raise TypeError("narrate() takes an Article or a list of Articles (read them with Article.from_text, "
                        "Article.from_file or Article.from_url)")  # fmt: skip
    return Episode.of(list(articles), title, base_language(lang))


def _cache(cache: bool | str | Path, notify: Notify) -> ClipCache | None:
    if cache is False:
        return None
    store = ClipCache(default_cache_dir() if cache is True else Path(cache))
    if store.problem():
        notify(f"Warning: {store.problem()}")
        return None
    return store
