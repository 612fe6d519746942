"""The article model, and reading one from a file, stdin or a link into its title, metadata and sections.

A reader (``briefing/readers/``) turns decoded text into blocks, headings and paragraphs; this module
groups them into sections: the lead is every paragraph before the first heading, then each heading
opens a section with the paragraphs under it.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from briefing.characters import without_controls
from briefing.errors import InputError
from briefing.language import check_language, phrases_for
from briefing.readers.base import Block, Metadata

DEFAULT_MAX_CHARS = 200_000
"""Longest article text accepted by default, markup not counted: about four hours of speech."""

STDIN = "-"


@dataclass(frozen=True)
class Section:
    """A heading (None for the lead) and the paragraphs under it.

    In an episode, ``article`` is the index of the article it belongs to, and the lead of each article is
    named after that article (``lead_label``).
    """

    heading: str | None
    paragraphs: tuple[str, ...]
    article: int = 0
    lead_label: str = phrases_for("ar").lead

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
    metadata: Metadata = Metadata()
    notes: tuple[str, ...] = ()
    """What reading it noticed that the user should know (a heading left out...)."""

    @property
    def chars(self) -> int:
        return sum(s.chars + len(s.heading or "") for s in self.sections)

    @property
    def name(self) -> str:
        """A file-name stem for outputs: the file's own, the link's last path part, or ``briefing``."""
        if self.source in ("", STDIN):
            return "briefing"
        if self.source.lower().startswith(("http://", "https://")):
            return PurePosixPath(urlsplit(self.source).path).stem or urlsplit(self.source).hostname or "briefing"
        return Path(self.source).stem


@dataclass(frozen=True)
class Episode:
    """One briefing: a title and one or more articles, narrated in order, in one language.

    ``sections`` lists every article's sections in order, each knowing its article; cues and the
    timeline refer to sections by their index here.
    """

    title: str | None
    articles: tuple[Article, ...]
    language: str = "ar"

    @cached_property
    def sections(self) -> tuple[Section, ...]:
        phrases = phrases_for(self.language)
        if len(self.articles) == 1:
            return tuple(replace(section, lead_label=phrases.lead) for section in self.articles[0].sections)
        return tuple(
            replace(section, article=number, lead_label=article.title or phrases.story_label(number + 1))
            for number, article in enumerate(self.articles)
            for section in article.sections
        )

    @property
    def name(self) -> str:
        """A file-name stem for outputs: the first article's."""
        return self.articles[0].name

    @classmethod
    def of(cls, articles: list[Article], title: str | None = None, language: str = "ar") -> Episode:
        """A lone article is its own episode, under its own title unless ``title`` is given."""
        if len(articles) == 1:
            return cls(title or articles[0].title, tuple(articles), language)
        return cls(title, tuple(articles), language)


def warnings_for(article: Article) -> list[str]:
    """Things worth telling the user that do not stop the run."""
    label = article.source if article.source not in ("", STDIN) else "stdin" if article.source else "article"
    return [f"{label}: {note}" for note in article.notes]


def read_article(
    source: str | Path,
    *,
    title: str | None = None,
    format: str | None = None,
    encoding: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    lang: str | None = "ar",
) -> Article:
    """Read an article from a path, ``-`` for stdin, or an http(s) link, in any supported format and
    encoding.

    ``format`` and ``encoding`` override detection; ``title`` overrides the detected title. ``max_chars``
    bounds the text to be spoken (markup does not count). With ``lang``, an article clearly written in
    another language is refused.
    """
    from briefing import readers
    from briefing.readers.fetch import fetch, is_url

    source = str(source)
    label = "stdin" if source == STDIN else source
    url = None
    if is_url(source):
        page = fetch(source)
        data, url = page.data, page.url
        encoding = encoding or page.charset
        format = format or page.format
    elif source == STDIN:
        data = readers.read_limited(sys.stdin.buffer, label)
    else:
        data = readers.load_bytes(Path(source))
    text, encoding = readers.decode(data, label, encoding)
    if not text.strip():
        raise InputError(f"{label}: is empty")
    format = format or readers.detect_format(urlsplit(source).path if url else source, text)
    article = parse_article(text, format, title=title, source=source, encoding=encoding)
    if url and not article.metadata.url:
        article = replace(article, metadata=replace(article.metadata, url=url))
    if article.chars > max_chars:
        raise InputError(f"{label}: has {article.chars:,} characters of text, more than the limit of {max_chars:,}"
                         " (see --max-chars)")  # fmt: skip
    if lang:
        check_language(spoken_text(article), lang, label)
    return replace(article, sha256=hashlib.sha256(data).hexdigest())


def parse_article(
    text: str, format: str = "text", *, title: str | None = None, source: str = "", encoding: str = "utf-8"
) -> Article:
    """Parse decoded ``text`` of the given format into an article."""
    from briefing import readers

    parsed = readers.parse(text, format)
    blocks = [replace(block, text=words) for block in parsed.blocks if (words := one_line(block.text))]
    metadata = Metadata(**{name: one_line(value) for name, value in parsed.metadata.known().items()})
    return Article(
        title=title or one_line(parsed.title or "") or None,
        sections=sections_from_blocks(blocks, "stdin" if source == STDIN else source or "article"),
        source=source,
        format=format,
        encoding=encoding,
        metadata=metadata,
        notes=tuple(parsed.notes),
    )


def one_line(text: str) -> str:
    """``text`` on one line, without characters an output cannot carry (entities in HTML can make them)."""
    return " ".join(without_controls(text).split())


def spoken_text(article: Article) -> str:
    """Headings and paragraphs as they will be read, one per line."""
    return "\n".join(line for s in article.sections for line in ((s.heading,) if s.heading else ()) + s.paragraphs)


def sections_from_blocks(blocks: list[Block], label: str = "article") -> tuple[Section, ...]:
    """Group blocks under their headings; a heading without body text is an input error. A "heading" of
    punctuation alone (a "—" or "***" line between parts) only separates: it is left out."""
    blocks = [block for block in blocks if block.kind == "paragraph" or any(ch.isalnum() for ch in block.text)]
    if blocks and not any(block.kind == "paragraph" for block in blocks):
        raise InputError(f"{label}: has headings but no body text to narrate")
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
