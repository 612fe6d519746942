"""Speak every cue of a script: cut into the engine's chunks, taken from the cache where possible,
the rest synthesized by a bounded pool with retries, and put back together in order."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace

from briefing.article import Episode
from briefing.audio import Spool, SpooledAudio
from briefing.cache import ClipCache, clip_key
from briefing.errors import SynthesisError
from briefing.script import Cue
from briefing.speech.clips import cached_clip, keep_clip
from briefing.speech.engines.base import Engine, Spoken
from briefing.speech.retry import Failures, Stopped, call_with_retries
from briefing.speech.voice import DEFAULT_REQUESTS
from briefing.text import speakable

Progress = Callable[[int, int, Cue], None]
"""Called as (chunks done, chunks in all, the cue the chunk belongs to), from the calling thread. Until every
cue is in spoken form, chunks in all counts one a cue: it grows if an engine's input limit cuts a cue."""


@dataclass(frozen=True)
class Chunk:
    cue_index: int
    text: str
    key: str


@dataclass(frozen=True)
class SpeechReport:
    """What synthesis cost: chunks in all, and how many of them came from the cache."""

    chunks: int
    cached: int


@dataclass
class Speech:
    """What :func:`synthesize_cues` made: the audio of each voiced cue keyed by its index, the cues with their
    spoken form (:attr:`Cue.spoken`), and what it cost."""

    clips: dict[int, SpooledAudio]
    cues: list[Cue]
    report: SpeechReport


def synthesize_cues(
    cues: list[Cue],
    engine: Engine,
    episode: Episode,
    *,
    form: Callable[[str], str],
    cache: ClipCache | None = None,
    jobs: int = DEFAULT_REQUESTS,
    progress: Progress | None = None,
    failures: Failures | None = None,
    spool: Spool | None = None,
) -> Speech:
    """Audio for each voiced cue, of its spoken form (``form`` of its text), kept in ``spool`` (a new one by
    default) as each chunk arrives: only the chunks under way are in memory.

    The spoken forms are made on a thread of their own, in order, while the chunks of earlier cues are
    spoken (vowel marks cost about as much as eSpeak's speech; both leave the other core free). An online
    engine first waits for them all, to say how many requests it will send. Each chunk is cached as soon
    as it is synthesized, so a failed run loses nothing it got. A failure names the section and the
    sentence that could not be spoken, and starts no more requests; so does Ctrl-C, at once, without
    waiting for the requests under way. ``failures`` holds the deadline for all retries and says when a
    server asks for a long wait.
    """
    speaking = _Speaking(cues, engine, episode, cache, failures or Failures(), spool or Spool(), progress)
    workers = max(1, min(jobs, engine.max_jobs or jobs))
    pool = ThreadPoolExecutor(max_workers=workers)
    former = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spoken-form")
    try:
        texts = dict.fromkeys(cue.text for cue in cues if cue.voiced)  # a text said twice is formed once
        formed = {text: former.submit(form, text) for text in texts}
        for index, cue in enumerate(cues):
            if cue.voiced and not speaking.failed.is_set():
                speaking.add(index, formed[cue.text].result(), pool if engine.offline else None)
        if not engine.offline and speaking.missing:
            speaking.failures.notify(
                f"Speaking {len(speaking.missing)} clips with {engine.name}, "
                f"{min(workers, len(speaking.missing))} at a time"
            )
            for position in speaking.missing:
                speaking.start(position, pool)
        for future in as_completed(list(speaking.running)):
            speaking.collect(future)
    except BaseException as stopped:
        speaking.failed.set()  # no retry waits out its time, no request starts
        pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C answers now, not after the requests under way
        former.shutdown(wait=False, cancel_futures=True)
        if isinstance(stopped, SynthesisError) and speaking.first_failure:
            raise speaking.first_failure[0] from None
        raise
    pool.shutdown()
    former.shutdown()
    return speaking.result()


class _Speaking:
    """The state of one :func:`synthesize_cues`: the chunks found so far, where each text is said (a text
    said twice is spoken, cached and kept once), what is spooled and what is under way."""

    def __init__(self, cues, engine, episode, cache, failures, spool, progress):
        self.cues, self.engine, self.episode, self.cache = list(cues), engine, episode, cache
        self.failures, self.spool, self.progress = failures, spool, progress
        self.sound = engine.sound()
        self.voiced = sum(cue.voiced for cue in cues)
        self.chunks: list[Chunk] = []
        self.at: dict[str, list[int]] = {}
        self.spooled: dict[str, SpooledAudio] = {}
        self.from_cache: set[str] = set()
        self.missing: list[int] = []
        self.running: dict[Future, str] = {}
        self.done = 0
        self.failed = threading.Event()
        self.first_failure: list[SynthesisError] = []  # the cause: requests stopped by it fail as "stopped"

    def add(self, index: int, spoken: str, pool: ThreadPoolExecutor | None) -> None:
        """Cue ``index`` said as ``spoken``: its chunks taken from the spool or the cache, or started on
        ``pool`` (None: kept in :attr:`missing` to start later)."""
        self.cues[index] = replace(self.cues[index], spoken=spoken)
        for text in self.engine.chunks(spoken):
            if not speakable(text):  # a chunk of punctuation alone is left out: engines fail on it
                continue
            position, key = len(self.chunks), clip_key(self.sound, text)
            self.chunks.append(Chunk(index, text, key))
            if key in self.at:
                self.at[key].append(position)
                if key in self.spooled:
                    self._advance(position)
                continue
            self.at[key] = [position]
            cached = cached_clip(self.cache, key) if self.cache else None
            if cached is not None:
                self.from_cache.add(key)
                self._spooled(key, cached)
            elif pool is None:
                self.missing.append(position)
            else:
                self.start(position, pool)
        for future in [future for future in self.running if future.done()]:
            self.collect(future)

    def start(self, position: int, pool: ThreadPoolExecutor) -> None:
        self.running[pool.submit(self._speak, position)] = self.chunks[position].key

    def collect(self, future: Future) -> None:
        """A finished chunk into the spool (its clip leaves memory); its error raised."""
        key = self.running.pop(future)
        self._spooled(key, future.result())

    def _spooled(self, key: str, spoken: Spoken) -> None:
        self.spooled[key] = self.spool.add(spoken.audio, spoken.words)
        for position in self.at[key]:
            self._advance(position)

    def _advance(self, position: int) -> None:
        self.done += 1
        if self.progress:
            total = max(len(self.chunks), self.voiced)  # one chunk a cue at least, more with an input limit
            self.progress(self.done, total, self.cues[self.chunks[position].cue_index])

    def _speak(self, position: int) -> Spoken:
        chunk = self.chunks[position]
        cue = self.cues[chunk.cue_index]
        try:
            if self.engine.offline:  # nothing to wait out: a local engine that failed fails again
                if self.failed.is_set():
                    raise Stopped("stopped")
                clip = self.engine.speak(chunk.text)
            else:
                clip = call_with_retries(
                    lambda: self.engine.speak(chunk.text), abort=self.failed, failures=self.failures
                )
        except SynthesisError as exc:
            where = self.episode.sections[cue.section].label
            error = SynthesisError(
                f"section «{where}», {cue.kind} «{_excerpt(cue.text)}»: {exc}", option=exc.option
            )
            if not isinstance(exc, Stopped):
                self.first_failure.append(error)
            self.failed.set()
            raise error from None
        if self.cache:
            keep_clip(self.cache, chunk.key, clip)
        return clip

    def result(self) -> Speech:
        if self.first_failure:
            raise self.first_failure[0]
        by_cue: dict[int, SpooledAudio] = {}
        for chunk in self.chunks:
            clip = self.spooled[chunk.key]
            earlier = by_cue.get(chunk.cue_index)
            by_cue[chunk.cue_index] = (
                earlier.followed_by(clip.at_rate(earlier.frame_rate)) if earlier else clip
            )
        cached = sum(len(self.at[key]) for key in self.from_cache)
        return Speech(by_cue, self.cues, SpeechReport(len(self.chunks), cached))


def _excerpt(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
