"""Characters no output may carry: XML 1.0 forbids C0 controls (but tab and line breaks), lone surrogates
and U+FFFE/U+FFFF, and a podcast app rejects a whole feed for one of them; ID3, captions and pages fare no
better. Text is cleaned where it enters (reading, options) and again where foreign files are read back
(manifests for the feed and the page)."""

from __future__ import annotations

import re

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_OVERRIDES = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Bidi embeddings, overrides and isolates: they turn what follows around on screen (a title can show
«عاجل exe.file» for «عاجل elif.exe»); plain Arabic and its marks never need them."""


_TERMINAL_CODES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
"""A terminal's escape sequences (colour, cursor, title), as text copied from a terminal carries them: dropped
whole, or «\x1b[31m» would leave «[31m» to be read as 31 metres."""


def without_controls(text: str) -> str:
    """``text`` without terminal escape sequences and the characters XML 1.0 forbids (and DEL), each become a
    space so that words they separated stay apart, and without bidi overrides, embeddings and isolates."""
    return _OVERRIDES.sub("", _FORBIDDEN.sub(" ", _TERMINAL_CODES.sub(" ", text)))


def cleaned(value):
    """``value`` (read from JSON) with every string in it, however deep, ``without_controls``."""
    if isinstance(value, str):
        return without_controls(value)
    if isinstance(value, list):
        return [cleaned(item) for item in value]
    if isinstance(value, dict):
        return {key: cleaned(item) for key, item in value.items()}
    return value
