"""Join the spoken clips and pauses into one track, and time every cue and section on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from briefing.article import Episode
from briefing.audio import AudioSegment, SpooledAudio
from briefing.language import phrases_for
from briefing.script import Cue


@dataclass(frozen=True)
class TimedCue:
    """A cue on the track; ``words``: where each word of its spoken form starts, in ms from ``start_ms``,
    when the engine said."""

    cue: Cue
    start_ms: float
    end_ms: float
    words: tuple[float, ...] | None = None


@dataclass(frozen=True)
class TimedSection:
    title: str
    start_ms: float
    end_ms: float
    article: int = 0


@dataclass(frozen=True)
class TimedArticle:
    title: str
    start_ms: float
    end_ms: float


@dataclass(frozen=True)
class Timeline:
    """Where each section and cue sits on the track, in milliseconds; ``articles`` when an episode holds
    several (each spans its sections)."""

    sections: tuple[TimedSection, ...]
    cues: tuple[TimedCue, ...]
    duration_ms: float
    articles: tuple[TimedArticle, ...] = ()


def span_articles(sections: tuple[TimedSection, ...], titles: list[str]) -> tuple[TimedArticle, ...]:
    """Each article from its first section's start to its last one's end; none for a lone article."""
    if len(titles) < 2:
        return ()
    spans = []
    for number, title in enumerate(titles):
        mine = [section for section in sections if section.article == number]
        spans.append(TimedArticle(title, mine[0].start_ms, mine[-1].end_ms))
    return tuple(spans)


Piece: TypeAlias = "AudioSegment | SpooledAudio"
"""A piece of a track: spoken audio kept on disk, or a pause or chime generated in memory."""


@dataclass(frozen=True)
class Track:
    """The narration as consecutive pieces of 16-bit mono PCM at one sample rate, plus its timeline.

    The pieces are kept apart, the spoken ones on disk, so that measuring and encoding stream them:
    memory does not grow with the length of the track.
    """

    pieces: tuple[Piece, ...]
    sample_rate: int
    timeline: Timeline


def chime(sample_rate: int) -> AudioSegment:
    """A soft two-note tone (E6 over A5) that marks a new section; generated, no audio file shipped."""
    import numpy as np

    seconds = np.arange(int(0.6 * sample_rate)) / sample_rate
    tone = np.zeros_like(seconds)
    for hertz, dbfs, start in ((880.0, -24, 0.0), (1318.5, -26, 0.12)):
        t = seconds - start
        # 15 ms rise, held, then a 380 ms fall over the 450 ms note
        envelope = np.interp(t, [0, 0.015, 0.07, 0.45], [0, 1, 1, 0], left=0, right=0)
        tone += 10 ** (dbfs / 20) * envelope * np.sin(2 * np.pi * hertz * t)
    pcm = (tone * 32767).astype("<i2").tobytes()
    return AudioSegment(data=pcm, sample_width=2, frame_rate=sample_rate, channels=1)


UNSPOKEN_MS = 250
"""The short silence that stands for a cue with nothing to say."""


def assemble(cues: list[Cue], clips: dict[int, SpooledAudio], episode: Episode, sample_rate: int) -> Track:
    """Lay out cues in order, all at ``sample_rate``, 16-bit mono: each spoken cue's clip, each pause as
    silence, each chime as the chime tone."""
    pieces: list[Piece] = []
    timed: list[TimedCue] = []
    frames = 0
    tone = chime(sample_rate)
    silences: dict[int, AudioSegment] = {}  # one per length: an hour holds a thousand pauses
    for index, cue in enumerate(cues):
        if cue.voiced and index not in clips:  # nothing in it could be spoken ("—" as a heading)
            piece = AudioSegment.silent(duration=UNSPOKEN_MS, frame_rate=sample_rate)
        elif cue.voiced:
            piece = clips[index].at_rate(sample_rate)
        elif cue.kind == "chime":
            piece = tone
        else:
            if cue.pause_ms not in silences:
                silences[cue.pause_ms] = AudioSegment.silent(duration=cue.pause_ms, frame_rate=sample_rate)
            piece = silences[cue.pause_ms]
        start = frames
        frames += int(piece.frame_count())
        pieces.append(piece)
        words = clips[index].words if cue.voiced and index in clips else None
        timed.append(TimedCue(cue, _ms(start, sample_rate), _ms(frames, sample_rate), words))

    sections = []
    for number, section in enumerate(episode.sections):
        mine = [t for t in timed if t.cue.section == number]
        sections.append(TimedSection(section.label, mine[0].start_ms, mine[-1].end_ms, section.article))
    phrases = phrases_for(episode.language)
    titles = [article.title or phrases.story_label(n + 1) for n, article in enumerate(episode.articles)]
    timeline = Timeline(
        tuple(sections), tuple(timed), _ms(frames, sample_rate), span_articles(tuple(sections), titles)
    )
    return Track(tuple(pieces), sample_rate, timeline)


def _ms(frames: int, sample_rate: int) -> float:
    return frames * 1000.0 / sample_rate
