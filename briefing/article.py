"""The article model, and reading one from a file or stdin into its title and headed sections.

A reader (``briefing/readers/``) turns decoded text into blocks, headings and paragraphs; this module
groups them into sections: the lead is every paragraph before the first heading, then each heading
opens a section with the paragraphs under it.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Literal

from briefing.errors import InputError

LEAD_LABEL = "المقدمة"
"""How the lead (the section before the first heading) is named in chapters and plans."""

DEFAULT_MAX_CHARS = 200_000
"""Longest article accepted by default: about four hours of speech."""

STDIN = "-"


@dataclass(frozen=True)
class Block:
    """One unit a reader finds: a heading or a paragraph, with its text as written."""

    kind: Literal["heading", "paragraph"]
    text: str


@dataclass(frozen=True)
class Section:
    """A heading (None for the lead) and the paragraphs under it.

    In an episode, ``article`` is the index of the article it belongs to, and the lead of each article is
    named after that article (``lead_label``).
    """

    heading: str | None
    paragraphs: tuple[str, ...]
    article: int = 0
    lead_label: str = LEAD_LABEL

    @property
    def label(self) -> str:
        return self.heading or self.lead_label

    @property
    def chars(self) -> int:
        return sum(len(p) for p in self.paragraphs)


@dataclass(frozen=True)
class Article:
    """What the rest of the pipeline narrates: an optional title and at least one section."""

    title: str | None
    sections: tuple[Section, ...]
    source: str = ""
    format: str = "text"
    encoding: str = "utf-8"
    sha256: str = ""
    """Of the bytes read, so a manifest says exactly which text it narrates."""

    @property
    def chars(self) -> int:
        return sum(s.chars for s in self.sections)

    @property
    def name(self) -> str:
        """A file-name stem for outputs: the article's own, or ``briefing`` for stdin."""
        return "briefing" if self.source in ("", STDIN) else Path(self.source).stem


ORDINALS = ("الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر")


def story_label(number: int) -> str:
    """How the ``number``-th story (from 1) is announced: "الخبر الثاني", past ten "الخبر رقم 11"."""
    return f"الخبر {ORDINALS[number - 1]}" if number <= len(ORDINALS) else f"الخبر رقم {number}"


@dataclass(frozen=True)
class Episode:
    """One briefing: a title and one or more articles, narrated in order.

    ``sections`` lists every article's sections in order, each knowing its article; cues and the
    timeline refer to sections by their index here.
    """

    title: str | None
    articles: tuple[Article, ...]

    @cached_property
    def sections(self) -> tuple[Section, ...]:
        if len(self.articles) == 1:
            return self.articles[0].sections
        return tuple(
            replace(section, article=number, lead_label=article.title or story_label(number + 1))
            for number, article in enumerate(self.articles)
            for section in article.sections
        )

    @property
    def name(self) -> str:
        """A file-name stem for outputs: the first article's."""
        return self.articles[0].name

    @classmethod
    def of(cls, articles: list[Article], title: str | None = None) -> Episode:
        """A lone article is its own episode, under its own title unless ``title`` is given."""
        if len(articles) == 1:
            return cls(title or articles[0].title, tuple(articles))
        return cls(title, tuple(articles))


def warnings_for(article: Article) -> list[str]:
    """Things worth telling the user that do not stop the run."""
    if not any("\u0621" <= ch <= "\u064a" for s in article.sections for p in s.paragraphs for ch in p):
        return [f"{article.source or 'article'}: has no Arabic letters; it will still be read with an Arabic voice"]
    return []


def read_article(
    source: str | Path,
    *,
    title: str | None = None,
    format: str | None = None,
    encoding: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Article:
    """Read an article from a path (or ``-`` for stdin) in any supported format and encoding.

    ``format`` and ``encoding`` override detection; ``title`` overrides the detected title.
    """
    from briefing import readers

    label = "stdin" if str(source) == STDIN else str(source)
    data = sys.stdin.buffer.read() if str(source) == STDIN else readers.load_bytes(Path(source))
    text, encoding = readers.decode(data, label, encoding)
    if not text.strip():
        raise InputError(f"{label}: is empty")
    if len(text) > max_chars:
        raise InputError(f"{label}: has {len(text):,} characters, more than the limit of {max_chars:,} (see --max-chars)")
    format = format or readers.detect_format(str(source), text)
    article = parse_article(text, format, title=title, source=str(source), encoding=encoding)
    return replace(article, sha256=hashlib.sha256(data).hexdigest())


def parse_article(
    text: str, format: str = "text", *, title: str | None = None, source: str = "", encoding: str = "utf-8"
) -> Article:
    """Parse decoded ``text`` of the given format into an article."""
    from briefing import readers

    detected_title, blocks = readers.parse(text, format)
    return Article(
        title=title or detected_title,
        sections=sections_from_blocks(blocks, "stdin" if source == STDIN else source or "article"),
        source=source,
        format=format,
        encoding=encoding,
    )


def sections_from_blocks(blocks: list[Block], label: str = "article") -> tuple[Section, ...]:
    """Group blocks under their headings; a heading without body text is an input error."""
    sections: list[Section] = []
    heading: str | None = None
    paragraphs: list[str] = []

    def close():
        if paragraphs:
            sections.append(Section(heading, tuple(paragraphs)))
        elif heading is not None:
            raise InputError(f"{label}: heading «{heading}» has no body text")

    for block in blocks:
        if block.kind == "heading":
            close()
            heading, paragraphs = block.text, []
        else:
            paragraphs.append(block.text)
    close()
    if not sections:
        raise InputError(f"{label}: has no text to narrate")
    return tuple(sections)
