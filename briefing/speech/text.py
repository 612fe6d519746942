"""Text as an engine should receive it: small pure clean-up steps, and chunking for length-limited APIs.

The original text stays untouched for display (subtitles, plans); only what is sent to an engine
passes through :func:`spoken_form`.
"""

from __future__ import annotations

import html
import re
import unicodedata

_DIRECTION_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_TATWEEL = "\u0640"
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})
_WHITESPACE = re.compile(r"\s+")


def unescape_entities(text: str) -> str:
    """CMS exports leave entities such as ``&amp;`` or ``&#1605;`` in plain text."""
    return html.unescape(text)


def strip_direction_controls(text: str) -> str:
    """Bidi marks and embeddings only steer display; engines may read them as noise."""
    return _DIRECTION_CONTROLS.sub("", text)


def strip_zero_width(text: str) -> str:
    """Zero-width spaces and joiners split words invisibly; the BOM may survive pasting."""
    return _ZERO_WIDTH.sub("", text)


def remove_tatweel(text: str) -> str:
    """Tatweel (ـ) stretches letters for looks and is not pronounced."""
    return text.replace(_TATWEEL, "")


def plain_quotes(text: str) -> str:
    """Typographic quotes become plain ones, which every engine knows."""
    return text.translate(_SMART_QUOTES)


def collapse_whitespace(text: str) -> str:
    """NBSP, tabs, newlines and runs of spaces become one space."""
    return _WHITESPACE.sub(" ", text.replace("\u00a0", " ")).strip()


SPOKEN_FORM_STEPS = (
    unescape_entities,
    strip_direction_controls,
    strip_zero_width,
    remove_tatweel,
    plain_quotes,
    collapse_whitespace,
)


def spoken_form(text: str) -> str:
    """Run every clean-up step, in order, over text on its way to an engine."""
    text = unicodedata.normalize("NFC", text)
    for step in SPOKEN_FORM_STEPS:
        text = step(text)
    return text


_PHRASE_END = re.compile(r"(?<=[.!?؟؛;:،,…])\s+")


def split_for_limit(text: str, limit: int) -> list[str]:
    """Cut ``text`` into chunks of at most ``limit`` characters for an API that caps its input.

    Cuts fall at phrase punctuation (، , ؛ ; : . ! ? ؟ …) where possible, else between words; short
    phrases are packed together. Only a single word longer than ``limit`` is ever cut inside.
    """
    chunks: list[str] = []
    for phrase in _PHRASE_END.split(text.strip()):
        for piece in _fit_words(phrase, limit):
            if chunks and len(chunks[-1]) + 1 + len(piece) <= limit:
                chunks[-1] = f"{chunks[-1]} {piece}"
            else:
                chunks.append(piece)
    return chunks


def _fit_words(phrase: str, limit: int) -> list[str]:
    pieces: list[str] = []
    for word in phrase.split():
        while len(word) > limit:
            pieces.append(word[:limit])
            word = word[limit:]
        if pieces and len(pieces[-1]) + 1 + len(word) <= limit:
            pieces[-1] = f"{pieces[-1]} {word}"
        elif word:
            pieces.append(word)
    return pieces
