"""Speak every cue of a script: cut into the engine's chunks, taken from the cache where possible,
the rest synthesized by a bounded pool with retries, and put back together in order."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from briefing.article import Episode
from briefing.cache import ClipCache, clip_key
from briefing.errors import SynthesisError
from briefing.script import Cue
from briefing.speech.clips import cached_clip, keep_clip
from briefing.speech.engines.base import Engine, Spoken
from briefing.speech.retry import Failures, Stopped, call_with_retries
from briefing.spool import Spool, SpooledAudio
from briefing.text import speakable

DEFAULT_JOBS = 8

Progress = Callable[[int, int, Cue], None]
"""Called as (chunks done, chunks in all, the cue the chunk belongs to), from the calling thread."""


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


def synthesize_cues(
    cues: list[Cue],
    engine: Engine,
    episode: Episode,
    *,
    cache: ClipCache | None = None,
    jobs: int = DEFAULT_JOBS,
    progress: Progress | None = None,
    failures: Failures | None = None,
    spool: Spool | None = None,
) -> tuple[dict[int, SpooledAudio], SpeechReport]:
    """Audio for each voiced cue (its spoken form, :attr:`Cue.spoken`), keyed by its index in ``cues``, kept in ``spool`` (a new one by default)
    as each chunk arrives: only the chunks under way are in memory.

    Each chunk is cached as soon as it is synthesized, so a failed run loses nothing it got. A failure
    names the section and the sentence that could not be spoken, and starts no more requests; so does
    Ctrl-C, at once, without waiting for the requests under way. ``failures`` holds the deadline for all
    retries and says when a server asks for a long wait.
    """
    failures = failures or Failures()
    spool = spool or Spool()
    sound = engine.sound()
    chunks = [
        Chunk(index, text, clip_key(sound, text))
        for index, cue in enumerate(cues)
        if cue.voiced
        for text in engine.chunks(cue.spoken)
        if speakable(text)  # a chunk of punctuation alone is left out: engines fail on it
    ]
    done = 0

    def advance(position: int) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, len(chunks), cues[chunks[position].cue_index])

    at: dict[str, list[int]] = {}  # a text said twice is spoken, cached and kept once
    for position, chunk in enumerate(chunks):
        at.setdefault(chunk.key, []).append(position)
    spooled: dict[str, SpooledAudio] = {}
    for key, positions in at.items():
        cached = cached_clip(cache, key) if cache else None
        if cached is not None:
            spooled[key] = spool.add(cached.audio, cached.words)
            for position in positions:
                advance(position)
    missing = [positions[0] for key, positions in at.items() if key not in spooled]
    report = SpeechReport(len(chunks), sum(len(at[key]) for key in spooled))

    failed = threading.Event()
    first_failure: list[SynthesisError] = []  # the cause: requests stopped because of it fail as "stopped"

    def speak(position: int) -> Spoken:
        chunk = chunks[position]
        cue = cues[chunk.cue_index]
        try:
            if engine.offline:  # nothing to wait out: a local engine that failed fails again
                if failed.is_set():
                    raise Stopped("stopped")
                clip = engine.speak(chunk.text)
            else:
                clip = call_with_retries(lambda: engine.speak(chunk.text), abort=failed, failures=failures)
        except SynthesisError as exc:
            where = episode.sections[cue.section].label
            error = SynthesisError(f"section «{where}», {cue.kind} «{_excerpt(cue.text)}»: {exc}", option=exc.option)
            if not isinstance(exc, Stopped):
                first_failure.append(error)
            failed.set()
            raise error from None
        if cache:
            keep_clip(cache, chunk.key, clip)
        return clip

    workers = max(1, min(jobs, engine.max_jobs or jobs, len(missing) or 1))
    if missing and not engine.offline:
        failures.notify(f"Speaking {len(missing)} clips with {engine.name}, {workers} at a time")
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        futures = {pool.submit(speak, position): position for position in missing}
        for future in as_completed(futures):
            key = chunks[futures.pop(future)].key  # the clip leaves memory once spooled
            spoken = future.result()
            spooled[key] = spool.add(spoken.audio, spoken.words)
            for position in at[key]:
                advance(position)
    except BaseException as stopped:
        failed.set()  # no retry waits out its time, no request starts
        pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C answers now, not after the requests under way
        if isinstance(stopped, SynthesisError) and first_failure:
            raise first_failure[0] from None
        raise
    pool.shutdown()

    by_cue: dict[int, SpooledAudio] = {}
    for chunk in chunks:
        clip = spooled[chunk.key]
        earlier = by_cue.get(chunk.cue_index)
        by_cue[chunk.cue_index] = earlier.followed_by(clip.at_rate(earlier.frame_rate)) if earlier else clip
    return by_cue, report


def _excerpt(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
