"""A pronunciation lexicon: how a newsroom wants a name, an acronym or a word said.

A lexicon file is UTF-8 TSV (``written<TAB>spoken`` a line, ``#`` comments) or a W3C Pronunciation Lexicon
(PLS) with ``<alias>`` entries, the format commercial voices accept. Entries match whole words, also behind
the clitics و ف ب ل ك and the article ال; Latin entries whatever their case; the longest entry wins.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from briefing.characters import without_controls
from briefing.errors import InputError

ENVIRONMENT = "BRIEFING_LEXICON"
"""Lexicon files every narration uses first (a newsroom's), separated like PATH; those given add to them."""
PLS_NAMESPACE = "http://www.w3.org/2005/01/pronunciation-lexicon"
_MARKS = "\u064b-\u0652\u0670"
_LETTER = rf"[\w{_MARKS}]"
_PREFIX = r"(?P<pre>[وف]?(?:[بك]?(?:ال)?|لل|ل)?)"
"""Clitics a word may carry: و or ف, then ب ك or ل, then the article (ل and ال make لل)."""

LexiconSource = Union[str, Path, Mapping[str, str], "Lexicon"]


class LexiconError(InputError):
    """A lexicon that cannot be read; the message names FILE:LINE."""


@dataclass(frozen=True)
class Lexicon:
    """Entries (written, spoken), later ones winning over earlier ones, and where they came from: each
    file's name and SHA-256 (the manifest records them)."""

    entries: tuple[tuple[str, str], ...] = ()
    sources: tuple[tuple[str, str], ...] = ()

    @classmethod
    def load(
        cls, given: LexiconSource | Iterable[LexiconSource] | None = None, environment: bool = True
    ) -> Lexicon:
        """The lexicon of ``BRIEFING_LEXICON``'s files (unless ``environment`` is False) and then ``given``:
        a file, a mapping of written to spoken, a Lexicon, or a list of them."""
        if isinstance(given, Lexicon):
            return given
        parts: list[LexiconSource] = []
        if environment:
            parts += [Path(p) for p in os.environ.get(ENVIRONMENT, "").split(os.pathsep) if p.strip()]
        if given is None:
            pass
        elif isinstance(given, (str, Path, Mapping)):
            parts.append(given)
        else:
            parts += list(given)
        entries: list[tuple[str, str]] = []
        sources: list[tuple[str, str]] = []
        for part in parts:
            if isinstance(part, Lexicon):
                entries += part.entries
                sources += part.sources
            elif isinstance(part, Mapping):
                pairs = [_entry(str(k), str(v), "lexicon entry") for k, v in part.items()]
                entries += pairs
                digest = hashlib.sha256(repr(sorted(pairs)).encode()).hexdigest()
                sources.append(("(mapping)", digest))
            else:
                path = Path(part)
                found, digest = read_lexicon(path)
                entries += found
                sources.append((str(path), digest))
        return cls(tuple(entries), tuple(sources))

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __str__(self) -> str:
        """What identifies the lexicon in a batch's job hash: its sources' hashes, not its paths."""
        return "lexicon:" + ",".join(digest for _, digest in self.sources)

    def apply(self, text: str) -> str:
        """``text`` with every entry's written form replaced by its spoken form."""
        if not self.entries:
            return text
        pattern, spoken = _compiled(self.entries)
        return pattern.sub(lambda m: _replacement(m, spoken), text)


def _key(written: str) -> str:
    return " ".join(written.split()).casefold()


@functools.lru_cache(maxsize=16)
def _compiled(entries: tuple[tuple[str, str], ...]) -> tuple[re.Pattern, dict[str, str]]:
    spoken: dict[str, str] = {}
    for written, said in entries:
        spoken[_key(written)] = said
        if written.startswith("ال") and len(written) > 2:  # ل + الأونروا is written للأونروا
            spoken.setdefault(
                _key("ل" + written[2:]), "ل" + said[2:] if said.startswith("ال") else "ل" + said
            )
    alternatives = sorted(spoken, key=len, reverse=True)
    words = "|".join(r"\s+".join(re.escape(part) for part in key.split()) for key in alternatives)
    pattern = re.compile(rf"(?<!{_LETTER}){_PREFIX}(?P<word>{words})(?!{_LETTER})", re.IGNORECASE)
    return pattern, spoken


def _replacement(match: re.Match, spoken: dict[str, str]) -> str:
    return match["pre"] + spoken[_key(match["word"])]


def _entry(written: str, spoken: str, where: str) -> tuple[str, str]:
    """An entry as it is kept: without the control and bidi override characters no output may carry (what
    is said is recorded in the manifest), and checked."""
    written, spoken = without_controls(written).strip(), without_controls(spoken).strip()
    if not written or not spoken:
        raise LexiconError(f"{where}: an entry needs both a written and a spoken form")
    if "\n" in written or "\n" in spoken:
        raise LexiconError(f"{where}: an entry is one line")
    return written, spoken


def read_lexicon(path: Path) -> tuple[list[tuple[str, str]], str]:
    """A lexicon file's entries and its SHA-256; TSV or PLS by its first character."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read the lexicon ({exc.strerror or exc})") from None
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LexiconError(f"{path}:{line}: a lexicon is UTF-8; this line is not") from None
    if text.lstrip().startswith("<"):
        return _read_pls(path, data), digest
    return _read_tsv(path, text), digest


def _read_tsv(path: Path, text: str) -> list[tuple[str, str]]:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.rstrip("\r").split("\t")
        if len(fields) != 2:
            raise LexiconError(f"{path}:{number}: expected written<TAB>spoken, found {len(fields)} field(s)")
        written, spoken = fields
        entries.append(_entry(written, spoken, f"{path}:{number}"))
    return entries


def _read_pls(path: Path, data: bytes) -> list[tuple[str, str]]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise LexiconError(f"{path}:{exc.lineno}: not well-formed XML ({exc.msg})") from None
    if etree.QName(root).localname != "lexicon":
        raise LexiconError(f"{path}:{root.sourceline}: a PLS file's root is <lexicon>")
    entries = []
    for lexeme in root.iter(f"{{{PLS_NAMESPACE}}}lexeme", "lexeme"):
        graphemes = [g.text.strip() for g in lexeme if etree.QName(g).localname == "grapheme" and g.text]
        aliases = [a.text.strip() for a in lexeme if etree.QName(a).localname == "alias" and a.text]
        if not graphemes or not aliases:
            missing = "<grapheme>" if not graphemes else "<alias> (phonemes are not supported)"
            raise LexiconError(f"{path}:{lexeme.sourceline}: a lexeme needs a {missing}")
        for grapheme in graphemes:
            entries.append(_entry(grapheme, aliases[0], f"{path}:{lexeme.sourceline}"))
    return entries
