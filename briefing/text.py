"""Text as it is narrated: what ends a sentence (one definition for readers, script and chunking),
sentence splitting, small pure clean-up steps, and chunking for length-limited engines.

The original text stays untouched for display (subtitles, plans); what is sent to an engine passes through
:func:`clean` and then the spoken form (:mod:`briefing.spoken`).
"""

from __future__ import annotations

import html
import re
import unicodedata

SENTENCE_END = ".!?؟؛;…"
"""What ends a sentence, Arabic question mark and semicolon included (gTTS itself misses ؟ and ؛)."""
PHRASE_END = SENTENCE_END + ":"
"""Where a sentence may be split for narration: a colon opens a quotation or a list."""
CLOSERS = "\"'”’»)]"
_SENTENCE_BREAK = re.compile(
    rf"(?:(?<=[{re.escape(PHRASE_END)}])|(?<=[{re.escape(PHRASE_END)}][{re.escape(CLOSERS)}]))\s+"
)


_TITLE = re.compile(
    r"(?:^|\s)(?:[دمأ]|Mr|Mrs|Ms|Dr|Prof|St|Sen|Rep|Gov|Gen|Lt|Col|Capt|Sgt|Maj|Adm|Mt|Ft|Pres|Rev|Hon|vs|"
    r"No|Nos|Jan|Feb|Aug|Sept?|Oct|Nov|Dec|Fig|Vol|approx)\.$"
)
"""An abbreviation before what it names (د. محمد, م. أحمد, Dr. Smith, Gen. Haftar, Jan. 5): its point ends
no sentence."""
LIST_NUMBER = r"[(\[]?[0-9٠-٩]{1,3}[.)]"
"""A list item's number (1. فنلندا): it opens the item, it is no sentence."""
_ENUMERATOR = re.compile(LIST_NUMBER)
_LOWER_START = re.compile(r"[a-z]")
"""After a point, a lowercase Latin word goes on the same sentence (the U.S. and..., 10 a.m. on Monday)."""


def split_sentences(paragraph: str) -> list[str]:
    """Split after sentence punctuation or a colon followed by a space, keeping the punctuation. A point or
    colon between digits (3.5, 10:30) has no space after it and stays inside its sentence; so does the
    point of an abbreviated title (د. محمد, Dr. Smith), a list item's number (1. Finland), and an
    abbreviation's point before a lowercase word (the U.S. and the U.K. agreed)."""
    sentences: list[str] = []
    for part in (piece.strip() for piece in _SENTENCE_BREAK.split(paragraph)):
        if not part:
            continue
        previous = sentences[-1] if sentences else ""
        if previous and (
            _TITLE.search(previous)
            or _ENUMERATOR.fullmatch(previous)
            or (previous[-1] == "." and _LOWER_START.match(part))
        ):
            sentences[-1] += " " + part
        else:
            sentences.append(part)
    return sentences


def as_sentence(text: str) -> str:
    """``text`` ending as a sentence (a list item said apart from the next): a point added if it has none."""
    return text if ends_sentence(text) else f"{text}."


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends with sentence punctuation or a colon, quotes and brackets aside."""
    stripped = clean(text).rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in PHRASE_END


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


CLEAN_UP_STEPS = (
    unescape_entities,
    strip_direction_controls,
    strip_zero_width,
    remove_tatweel,
    plain_quotes,
    collapse_whitespace,
)


def clean(text: str) -> str:
    """Run every clean-up step, in order, over text on its way to an engine."""
    text = unicodedata.normalize("NFC", text)
    for step in CLEAN_UP_STEPS:
        text = step(text)
    return text


def speakable(text: str) -> bool:
    """Whether ``text`` has anything to say: a letter or a digit. ``...``, ``—``, ``!!!`` or ``:)`` alone
    has not, and engines fail on it (gTTS: "No text to send to TTS API")."""
    return any(ch.isalnum() for ch in text)


CUT_COST = {"sentence": 1, "clause": 2, "phrase": 5, "word": 7, "number": 13}
"""What a cut between two words costs the listener: an engine ends each chunk as if it were a sentence,
so every cut is heard a little (and is one more request). After . ! ? ؟ … ؛ : the voice would pause
anyway; after a comma nearly so; before a word that opens a phrase (a preposition, a relative
pronoun...) it is tolerable; inside a phrase it is heard; beside a number it splits the number from
what it counts ("18 | شهرا"). Two cuts at commas (4) beat one before a preposition (5)."""

_SENTENCE_END = re.compile(rf"[{re.escape(PHRASE_END)}]\W*$")
_CLAUSE_END = re.compile(r"[،,]\W*$")
_DIGIT = re.compile(r"\d")
PHRASE_OPENERS = frozenset(
    "في من إلى الى على عن مع بين حول خلال منذ بعد قبل عند عبر ضمن نحو دون حتى لدى ضد وفق "
    "التي الذي الذين اللذين اللتين اللواتي حيث أن إن أنه أنها لأن كما ثم أو بل لكن لكي كي إذ إذا "
    "وفي ومن وإلى وعلى وعن ومع وبين وخلال والتي والذي وأن وإن وكما ولكن".split()
)
"""Words a phrase starts with: a chunk may begin at them without breaking the phrase in two."""


def cut_cost(before: str, after: str) -> int:
    """The cost of a chunk ending with the word ``before`` and the next starting with ``after``."""
    if _SENTENCE_END.search(before):
        return CUT_COST["sentence"]
    if _CLAUSE_END.search(before):
        return CUT_COST["clause"]
    if _DIGIT.search(before) or _DIGIT.search(after):
        return CUT_COST["number"]
    if after in PHRASE_OPENERS:
        return CUT_COST["phrase"]
    return CUT_COST["word"]


def split_for_limit(text: str, limit: int) -> list[str]:
    """Cut ``text`` into chunks of at most ``limit`` characters for an API that caps its input.

    Of all the ways to cut between words, the one whose cuts cost least (see ``CUT_COST``): few chunks,
    cut at punctuation where it can be, never inside a phrase when a comma will do. Among equal ways,
    the most even chunk lengths. Only a single word longer than ``limit`` is ever cut inside, and each
    of its pieces is a chunk of its own.
    """
    words: list[tuple[str, bool]] = []  # (token, whether it is a piece of an overlong word)
    for word in text.split():
        if len(word) <= limit:
            words.append((word, False))
        else:
            words += [(word[i : i + limit], True) for i in range(0, len(word), limit)]
    if not words:
        return []
    # cuts[i]: the cost of a chunk starting at words[i], once for each place (an hour's captions try
    # every place many times over)
    cuts = [0] + [cut_cost(words[i - 1][0], words[i][0]) for i in range(1, len(words))]
    # best[j]: the cheapest way to cut words[:j], as (cost, start of its last chunk)
    best: list[tuple[float, int]] = [(0.0, 0)] + [(float("inf"), 0)] * len(words)
    for end in range(1, len(words) + 1):
        length = -1
        for start in range(end - 1, -1, -1):
            length += len(words[start][0]) + 1
            if length > limit or (end - start > 1 and (words[start][1] or words[end - 1][1])):
                break
            cost = best[start][0] + cuts[start] + (length / limit) ** 2 / 100  # the last term breaks ties
            if cost < best[end][0]:
                best[end] = (cost, start)
    chunks: list[str] = []
    end = len(words)
    while end:
        start = best[end][1]
        chunks.append(" ".join(word for word, _ in words[start:end]))
        end = start
    return chunks[::-1]
