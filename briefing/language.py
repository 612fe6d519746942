"""Languages: what the narration says around the article in each language it speaks, and which language a
text is written in.

A briefing in English must not open with an Arabic phrase: intro, outro, story announcements and the
name of the lead come from :data:`PHRASES`. Adding a language is one entry there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from briefing.errors import InputError
from briefing.spoken.arabic_numbers import ordinal


@dataclass(frozen=True)
class Phrases:
    """Everything the narration says that is not the article, in one language."""

    name: str
    """The language's English name, for messages."""
    iso639_2: str
    """Its three-letter code, as ID3 tags want it."""
    intro: str
    outro: str
    lead: str
    """How the lead (the section before the first heading) is named in chapters."""
    album: str
    ordinals: tuple[str, ...]
    story: Callable[[str], str]
    """"الخبر {ordinal}" / "Story {ordinal}"."""
    numbered_story: Callable[[int], str]
    count: Callable[[int], str]
    """"في هذا الموجز 3 أخبار" / "In this briefing: 3 stories"."""

    def story_label(self, number: int) -> str:
        """How the ``number``-th story (from 1) is announced."""
        return (
            self.story(self.ordinals[number - 1])
            if number <= len(self.ordinals)
            else self.numbered_story(number)
        )


def _arabic_count(count: int) -> str:
    counted = {1: "خبر واحد", 2: "خبران"}.get(count) or (f"{count} أخبار" if count <= 10 else f"{count} خبرا")
    return f"في هذا الموجز {counted}"


PHRASES = {
    "ar": Phrases(
        name="Arabic",
        iso639_2="ara",
        intro="موجز صوتي",
        outro="انتهى الموجز. شكرا للاستماع.",
        lead="المقدمة",
        album="موجز صوتي",
        ordinals=tuple(ordinal(number) for number in range(1, 11)),
        story=lambda ordinal: f"الخبر {ordinal}",
        numbered_story=lambda number: f"الخبر رقم {number}",
        count=_arabic_count,
    ),
    "en": Phrases(
        name="English",
        iso639_2="eng",
        intro="Audio briefing",
        outro="End of the briefing. Thank you for listening.",
        lead="Introduction",
        album="Audio briefing",
        ordinals=("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
        story=lambda ordinal: f"Story {ordinal}",
        numbered_story=lambda number: f"Story {number}",
        count=lambda count: f"In this briefing: {count} {'story' if count == 1 else 'stories'}",
    ),
}


def phrases_for(lang: str) -> Phrases:
    """The narration's phrases in ``lang`` (an ISO 639-1 code, a region allowed: ``en-GB``)."""
    try:
        return PHRASES[base_language(lang)]
    except KeyError:
        spoken = ", ".join(PHRASES)
        raise InputError(f"briefings can be narrated in {spoken}, not in {lang!r}") from None


def base_language(lang: str) -> str:
    """``en-GB`` -> ``en``."""
    return lang.replace("_", "-").split("-")[0].lower()


class LanguageError(InputError):
    """The text is written in another language than the one it is to be read in."""

    def __init__(self, label: str, found: str, expected: str):
        self.found, self.expected = found, expected
        super().__init__(f"{label}: the text is {language_name(found)}, not {language_name(expected)}")


_NOT_ARABIC_LETTERS = set("پچژگکیۀےڈڑںھ")
"""Letters Persian and Urdu use and Arabic does not."""
MIN_LETTERS = 40
"""Below this, no language is told from the text by the detector: too little to be sure."""
FEW_ARABIC_LETTERS = 0.1
"""A text of which fewer letters than this share are Arabic is not Arabic, however short."""


def _not_arabic(text: str, letters: list[str]) -> str:
    """What a text with (almost) no Arabic letters is written in: the detector's answer when the text is long
    enough to be sure of; else English for Latin letters (the other language briefings are narrated in),
    else the detector's best guess."""
    sure = detect_language(text, 0.9) if len(letters) >= MIN_LETTERS else None
    if sure:
        return sure
    if sum(ch.isascii() for ch in letters) > len(letters) / 2:
        return "en"
    return detect_language(text, 0.0) or "und"


def check_language(text: str, lang: str, label: str) -> None:
    """Refuse ``text`` when it is clearly in another language than ``lang``.

    Arabic with Latin names and acronyms in it (NATO, F-16, Facebook) is Arabic: a text mostly in Arabic
    letters is taken as Arabic without asking the detector, unless it uses Persian or Urdu letters.
    """
    lang = base_language(lang)
    letters = [ch for ch in text if ch.isalpha()]
    arabic_script = sum("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in letters)
    if lang == "ar" and letters and arabic_script < len(letters) * FEW_ARABIC_LETTERS:  # whatever its length
        raise LanguageError(label, _not_arabic(text, letters), lang)
    if len(letters) < MIN_LETTERS:
        return
    if (
        lang == "ar"
        and arabic_script >= len(letters) / 2
        and sum(ch in _NOT_ARABIC_LETTERS for ch in letters) < len(letters) / 100
    ):
        return
    found = detect_language(text)
    if found and found != lang:
        raise LanguageError(label, found, lang)


def detect_language(text: str, sure: float = 0.8) -> str | None:
    """The ISO 639-1 code of the language ``text`` is most likely in (langdetect), or None when it is less
    likely than ``sure``."""
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    DetectorFactory.seed = 0  # the same text always gets the same answer
    try:
        best = detect_langs(text[:1500])[0]  # a few paragraphs tell as well as the whole text
    except LangDetectException:
        return None
    return base_language(best.lang) if best.prob >= sure else None


def language_name(code: str) -> str:
    """English name of a language code, for messages: ``en`` -> English."""
    if code in PHRASES:
        return PHRASES[code].name
    return _NAMES.get(code, code)


_NAMES = {
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "ru": "Russian",
    "tr": "Turkish",
    "fa": "Persian",
    "ur": "Urdu",
    "he": "Hebrew",
    "zh-cn": "Chinese",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "hi": "Hindi",
    "id": "Indonesian",
    "cs": "Czech",
    "pl": "Polish",
    "sv": "Swedish",
    "el": "Greek",
    "uk": "Ukrainian",
    "ro": "Romanian",
    "hu": "Hungarian",
}
