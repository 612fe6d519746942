"""Spoken form: a cue's text as the engine is given it. Clean-up, the lexicon, then the language's rules
(numbers, dates, times, money, units, abbreviations and symbols as words), then vowel marks for the offline
voices. What a listener reads (captions, page, manifest ``text``, tags) keeps the text as written; the
manifest's ``spoken`` and ``briefing sections --spoken`` show this form.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from briefing.cache import ClipCache, clip_key
from briefing.errors import InputError
from briefing.spoken.lexicon import Lexicon, LexiconError, LexiconSource
from briefing.text import clean

MONTH_NAMES = ("latin", "syriac")
"""How numeric dates name their month in Arabic: يناير... (latin) or كانون الثاني... (syriac)."""

__all__ = [
    "MONTH_NAMES",
    "Lexicon",
    "LexiconError",
    "LexiconSource",
    "Pronunciation",
    "SpokenForm",
    "prepare",
    "remembered",
    "wants_vowels",
    "written_word_starts",
]


@dataclass(frozen=True)
class Pronunciation:
    """What a user can say about how the text is read aloud (numbers, dates, money and units are always
    words). ``vowels``: add vowel marks (default: for the offline engines, which say unvowelled Arabic as
    consonants); ``lexicon``: a TSV or PLS file, a mapping of written to spoken, a :class:`Lexicon`, or a list
    of them, read after ``$BRIEFING_LEXICON``'s files when the narration starts; ``months``: numeric dates
    name their month "latin" (يناير) or "syriac" (كانون الثاني)."""

    vowels: bool | None = None
    lexicon: LexiconSource | tuple[LexiconSource, ...] | list[LexiconSource] | None = None
    months: str = "latin"

    def __post_init__(self) -> None:
        if self.vowels is not None and not isinstance(self.vowels, bool):
            raise InputError(f"vowels must be True, False or None, not {self.vowels!r}", option="vowels")
        check_months(self.months)


def check_months(months: object) -> None:
    if months not in MONTH_NAMES:
        raise InputError(f"months must be one of: {', '.join(MONTH_NAMES)}, not {months!r}", option="months")


def wants_vowels(lang: str, offline: bool, pronunciation: Pronunciation = Pronunciation()) -> bool:
    """Whether the spoken form for an engine (offline or not) in ``lang`` adds vowel marks."""
    wanted = offline if pronunciation.vowels is None else pronunciation.vowels
    return wanted and lang == "ar"


def prepare(lang: str, offline: bool, pronunciation: Pronunciation = Pronunciation()) -> None:
    """Start loading what the spoken form will need (the vowel model, a fifth of a second) on a thread of
    its own, for a caller with other work to do before the narration starts; its first use waits for it."""
    if wants_vowels(lang, offline, pronunciation):
        from briefing.spoken.vowels import load_in_background

        load_in_background()


@dataclass(frozen=True)
class SpokenForm:
    """How text is turned into what an engine says, for one narration. ``vowels``: add vowel marks (the
    offline voices need them; :meth:`for_engine` decides by default)."""

    lang: str = "ar"
    lexicon: Lexicon = field(default_factory=Lexicon)
    vowels: bool = False
    months: str = "latin"

    def __post_init__(self):
        check_months(self.months)

    @classmethod
    def for_engine(
        cls, lang: str, offline: bool, pronunciation: Pronunciation = Pronunciation()
    ) -> SpokenForm:
        """The spoken form an engine is given: vowel marks by default for the offline engines (eSpeak and
        Piper say unvowelled words as consonants; the online voices vowel Arabic themselves)."""
        vowels = wants_vowels(lang, offline, pronunciation)
        return cls(lang, Lexicon.load(pronunciation.lexicon), vowels, pronunciation.months)

    def steps(self):
        if self.lang == "ar":
            from briefing.spoken import arabic

            return [
                partial(arabic.dates, months=self.months) if step is arabic.dates else step
                for step in arabic.STEPS
            ]
        if self.lang == "en":
            from briefing.spoken import english

            return list(english.STEPS)
        return []

    def identity(self) -> dict:
        """Everything that decides the spoken form of a text, for the cache: settings, lexicon hashes, the
        rules' own source and the vowel model's version."""
        return {
            "spoken": [self.lang, self.vowels, self.months, str(self.lexicon), _rules_digest(self.vowels)]
        }

    def __call__(self, text: str) -> str:
        text = self.lexicon.apply(clean(text))
        for step in self.steps():
            text = step(text)
        if self.vowels:
            from briefing.spoken.vowels import add_vowels

            text = add_vowels(text)
        return text


@functools.lru_cache(maxsize=2)
def _rules_digest(vowels: bool) -> str:
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    if vowels:
        from importlib.metadata import PackageNotFoundError, version

        with contextlib.suppress(PackageNotFoundError):
            digest.update(version("piper-tts").encode())
    return digest.hexdigest()[:16]


def remembered(form: SpokenForm, cache: ClipCache | None) -> Callable[[str], str]:
    """``form`` with its results kept in ``cache``: a rerun finds every spoken form there and loads no vowel
    model; a changed sentence is formed again alone."""
    if cache is None:
        return form
    identity = form.identity()

    def spoken(text: str) -> str:
        key = clip_key(identity, text)
        kept = cache.get_bytes(key, "spoken")
        if kept is not None:
            return kept.decode("utf-8")
        said = form(text)
        cache.put_stream(key, "spoken", [said.encode("utf-8")])
        return said

    return spoken


_NOT_LETTER = re.compile(r"[\W\u064b-\u0652\u0670_]+")


def _bare(word: str) -> str:
    return _NOT_LETTER.sub("", word).casefold()


def written_word_starts(
    written: str, spoken: str, starts: tuple[float, ...] | None
) -> tuple[float, ...] | None:
    """Each written word's start, from the start of each spoken word (an engine's word marks): a word said as
    written starts where it is said; the words of a number or a date start where their reading does, spread
    over it. None when the starts do not match the spoken words."""
    said = spoken.split()
    if starts is None or len(starts) != len(said) or not said:
        return None
    words = written.split()
    if [_bare(w) for w in words] == [_bare(w) for w in said]:
        return starts
    matcher = difflib.SequenceMatcher(
        None, [_bare(w) for w in words], [_bare(w) for w in said], autojunk=False
    )
    firsts: list[int] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(i2 - i1):
            firsts.append(j1 + k if tag == "equal" else min(j1 + k * (j2 - j1) // (i2 - i1), len(said) - 1))
    return tuple(starts[index] for index in firsts)
