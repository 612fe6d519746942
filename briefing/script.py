"""Turn an article into the narration script: an ordered list of cues to speak or pause on."""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefing.article import Article

INTRO_PHRASE = "موجز صوتي"
OUTRO_PHRASE = "انتهى الموجز. شكرا للاستماع."


@dataclass(frozen=True)
class Pauses:
    """Silences in milliseconds; sane defaults for news narration.

    A paragraph break is twice a sentence's pause; after a heading comes part of a section's pause.
    ``chime`` puts a soft tone in the middle of the pause between sections.
    """

    sentence: int = 350
    section: int = 1000
    chime: bool = True

    @property
    def paragraph(self) -> int:
        return 2 * self.sentence

    @property
    def after_heading(self) -> int:
        return max(self.section * 6 // 10, self.sentence)


@dataclass(frozen=True)
class Cue:
    """One step of the narration: something to say (``text``) or a silence (``pause_ms``).

    ``kind`` is one of intro, heading, sentence, outro, pause; ``section`` is the index of the article
    section the cue belongs to (the intro belongs to the first section, the outro to the last).
    """

    kind: str
    section: int
    text: str = ""
    pause_ms: int = 0

    @property
    def spoken(self) -> bool:
        return self.kind not in ("pause", "chime")


_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?؟؛:…])|(?<=[.!?؟؛:…][\"'”’»)\]]))\s+")


def split_sentences(paragraph: str) -> list[str]:
    """Split at sentence punctuation (. ! ? ؟ ؛ : …) followed by a space, keeping the punctuation.

    gTTS itself does not split at ؟ or ؛, so the script does it. A point or colon between digits
    (3.5, 10:30) has no space after it and stays inside its sentence.
    """
    return [part for part in (piece.strip() for piece in _SENTENCE_BREAK.split(paragraph)) if part]


def build_script(article: Article, pauses: Pauses = Pauses()) -> list[Cue]:
    """Intro with the title, each section (heading announced, sentences with pauses), outro."""
    intro = f"{INTRO_PHRASE}: {article.title}." if article.title else f"{INTRO_PHRASE}."
    cues = [Cue("intro", 0, intro), Cue("pause", 0, pause_ms=pauses.section)]
    last = len(article.sections) - 1
    for index, section in enumerate(article.sections):
        if section.heading:
            if index > 0:
                cues += _section_break(index, pauses)
            cues += [Cue("heading", index, section.heading), Cue("pause", index, pause_ms=pauses.after_heading)]
        for p, paragraph in enumerate(section.paragraphs):
            if p > 0:
                cues.append(Cue("pause", index, pause_ms=pauses.paragraph))
            for s, sentence in enumerate(split_sentences(paragraph)):
                if s > 0:
                    cues.append(Cue("pause", index, pause_ms=pauses.sentence))
                cues.append(Cue("sentence", index, sentence))
    cues += [Cue("pause", last, pause_ms=pauses.section), Cue("outro", last, OUTRO_PHRASE)]
    return cues


def _section_break(section: int, pauses: Pauses) -> list[Cue]:
    if not pauses.chime:
        return [Cue("pause", section, pause_ms=pauses.section)]
    half = Cue("pause", section, pause_ms=pauses.section // 2)
    return [half, Cue("chime", section), half]
