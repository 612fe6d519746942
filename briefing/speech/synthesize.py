"""Speak every cue of a script through one engine, in parallel as far as the engine allows."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from pydub import AudioSegment

from briefing.article import Article
from briefing.errors import SynthesisError
from briefing.script import Cue
from briefing.speech.engines.base import Engine
from briefing.speech.text import spoken_form

Progress = Callable[[int, int, Cue], None]
"""Called as (spoken cues done, spoken cues in all, the cue just done), from the calling thread."""


def synthesize_cues(
    cues: list[Cue], engine: Engine, article: Article, progress: Progress | None = None
) -> dict[int, AudioSegment]:
    """Audio for each spoken cue, keyed by its index in ``cues``.

    A failure names the section and the sentence that could not be spoken, and starts no more work.
    """

    def speak(index: int) -> AudioSegment:
        cue = cues[index]
        try:
            return engine.synthesize(spoken_form(cue.text))
        except SynthesisError as exc:
            where = article.sections[cue.section].label
            raise SynthesisError(f"section «{where}», {cue.kind} «{_excerpt(cue.text)}»: {exc}") from None

    spoken = [i for i, cue in enumerate(cues) if cue.spoken]
    clips: dict[int, AudioSegment] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, engine.jobs))
    try:
        for done, (index, clip) in enumerate(zip(spoken, pool.map(speak, spoken)), start=1):
            clips[index] = clip
            if progress:
                progress(done, len(spoken), cues[index])
    finally:
        pool.shutdown(cancel_futures=True)
    return clips


def _excerpt(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
