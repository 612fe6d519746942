"""Turn an episode (one or more articles) into the narration script: an ordered list of cues to speak or
pause on."""

from __future__ import annotations

from dataclasses import dataclass

from briefing.article import Episode, headline_from
from briefing.language import phrases_for
from briefing.text import clean, speakable, split_for_limit, split_sentences


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

    ``kind`` is one of intro, story (an episode's announcement of the next article), heading, sentence,
    outro (all voiced), pause and chime; ``section`` is the index of the episode's section the cue belongs
    to (the intro belongs to the first section, the outro to the last). ``spoken`` is what the engine is
    given for ``text`` (:mod:`briefing.spoken`), set once the engine is known.
    """

    kind: str
    section: int
    text: str = ""
    pause_ms: int = 0
    spoken: str = ""

    @property
    def voiced(self) -> bool:
        """Whether the cue is something to say rather than a silence or a chime."""
        return self.kind not in ("pause", "chime")


def build_script(episode: Episode, pauses: Pauses = Pauses()) -> list[Cue]:
    """Intro with the title (and, in an episode, how many stories), then each article (announced by its
    title in an episode) section by section: heading announced, sentences with pauses; then the outro.
    Everything said around the articles is in the episode's language. An episode that is not ``framed``
    has no intro and no outro: its title, if any, is its first sentence."""
    phrases = phrases_for(episode.language)
    sections = episode.sections
    stories = len(episode.articles)
    intro = f"{phrases.intro}: {episode.title}." if episode.title else f"{phrases.intro}."
    if stories > 1:
        intro += f" {phrases.count(stories)}."
    if not episode.framed:
        intro = f"{episode.title}." if episode.title else ""
    cues = [Cue("intro", 0, intro), Cue("pause", 0, pause_ms=pauses.section)] if intro else []
    for index, section in enumerate(sections):
        opens_story = stories > 1 and (index == 0 or sections[index - 1].article != section.article)
        if opens_story:
            if index > 0:
                cues += _section_break(index - 1, pauses, longer=True)
            article = episode.articles[section.article]
            label = phrases.story_label(section.article + 1)
            named = article.title or headline_from(article).rstrip(
                "….!؟?"
            )  # an untitled story: its first words
            cues += [
                Cue("story", index, f"{label}: {named}."),
                Cue("pause", index, pause_ms=pauses.after_heading),
            ]
        if section.heading:
            if index > 0 and not opens_story:
                cues += _section_break(index - 1, pauses)
            cues += [
                Cue("heading", index, section.heading),
                Cue("pause", index, pause_ms=pauses.after_heading),
            ]
        for p, paragraph in enumerate(section.paragraphs):
            if p > 0:
                cues.append(Cue("pause", index, pause_ms=pauses.paragraph))
            for s, sentence in enumerate(cut_long(split_sentences(paragraph))):
                if s > 0:
                    cues.append(Cue("pause", index, pause_ms=pauses.sentence))
                if speakable(clean(sentence)):
                    cues.append(Cue("sentence", index, sentence))
                else:  # "..." or "—" alone: nothing to say, a short pause instead
                    cues.append(Cue("pause", index, pause_ms=pauses.sentence))
    if episode.framed:
        last = len(sections) - 1
        cues += [Cue("pause", last, pause_ms=pauses.section), Cue("outro", last, phrases.outro)]
    return cues


LONGEST_SENTENCE = 400
"""Characters of a sentence said as one cue at most: a longer one (a text with no full stop) is cut where a
clause or a phrase allows, so that no cue runs for minutes and every engine takes it."""


def cut_long(sentences: list[str]) -> list[str]:
    """``sentences``, each longer than :data:`LONGEST_SENTENCE` cut at its cheapest places (see
    :func:`briefing.text.split_for_limit`)."""
    return [
        piece
        for sentence in sentences
        for piece in (
            split_for_limit(sentence, LONGEST_SENTENCE) if len(sentence) > LONGEST_SENTENCE else [sentence]
        )
    ]


def _section_break(section: int, pauses: Pauses, longer: bool = False) -> list[Cue]:
    """The pause before a heading, with the chime in its middle; between stories half as long again.

    It belongs to the section before, so that each section, chapter and per-section file starts
    with its first words: a chapter jump lands on the heading being spoken."""
    length = pauses.section * 3 // 2 if longer else pauses.section
    if not pauses.chime:
        return [Cue("pause", section, pause_ms=length)]
    half = Cue("pause", section, pause_ms=length // 2)
    return [half, Cue("chime", section), half]
