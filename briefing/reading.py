"""Reading articles from a path, stdin or a link into their title, metadata and sections, checked.

A reader (``briefing/readers/``) turns decoded text into blocks, headings and paragraphs; this module
groups them into sections: the lead is every paragraph before the first heading, then each heading
opens a section with the paragraphs under it.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from briefing.article import DEFAULT_MAX_CHARS, LONGEST_TITLE, STDIN, Article, Episode, Section, shortened
from briefing.characters import without_controls
from briefing.errors import InputError, TooLongError
from briefing.language import base_language, check_language
from briefing.readers.base import Block, Metadata


def read_articles(sources: list[str | Path], *, title: str | None = None, format: str | None = None,
                  encoding: str | None = None, max_chars: int = DEFAULT_MAX_CHARS, lang: str = "ar") -> Episode:  # fmt: skip
    """Every article, read before anything is spoken (one bad input fails them all), as one episode under
    ``title``; ``max_chars`` bounds each article and the episode."""
    if isinstance(sources, (str, Path)):
        raise TypeError("sources must be a list of paths or links, not one string")
    if [str(source) for source in sources].count(STDIN) > 1:
        raise InputError("standard input (-) can be read only once")
    if title is not None and not one_line(title):
        raise InputError("the title is blank")
    articles = [read_article(source, format=format, encoding=encoding, max_chars=max_chars, lang=lang)
                for source in sources]  # fmt: skip
    total = sum(article.chars for article in articles)
    if total > max_chars:
        raise TooLongError(f"the {len(articles)} articles have {total:,} characters of text together, more than the "
                         f"limit of {max_chars:,}")  # fmt: skip
    return Episode.of(articles, one_line(title) if title else None, base_language(lang))


@dataclass(frozen=True)
class Loaded:
    """An article's bytes as read from its source, with what the source said about them (a link's charset
    and content type, the address it ended at). Small and plain, so it can travel to a worker."""

    source: str
    data: bytes
    charset: str | None = None
    format: str | None = None
    url: str | None = None


def load(source: str | Path, feed: bool = False) -> Loaded:
    """The bytes of a path, ``-`` (standard input) or an http(s) link (of an article, or a ``feed``)."""
    from briefing import readers
    from briefing.readers.fetch import ARTICLE_TYPES, FEED_TYPES, fetch, is_url

    source = str(source)
    if is_url(source):
        page = fetch(source, FEED_TYPES if feed else ARTICLE_TYPES)
        return Loaded(source, page.data, page.charset, page.format, page.url)
    if source == STDIN:
        return Loaded(source, readers.read_limited(sys.stdin.buffer, "stdin"))
    return Loaded(source, readers.load_bytes(Path(source)))


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
    return from_loaded(load(source), title=title, format=format, encoding=encoding, max_chars=max_chars, lang=lang)


def from_loaded(loaded: Loaded, *, title: str | None = None, format: str | None = None, encoding: str | None = None,
                max_chars: int = DEFAULT_MAX_CHARS, lang: str | None = "ar") -> Article:  # fmt: skip
    """The article in ``loaded``'s bytes, decoded, parsed and checked."""
    from briefing import readers

    source = loaded.source
    label = "stdin" if source == STDIN else source
    text, encoding = readers.decode(loaded.data, label, encoding, loaded.charset)
    if not text.strip():
        raise InputError(f"{label}: is empty")
    format = format or loaded.format or readers.detect_format(urlsplit(source).path if loaded.url else source, text)
    article = parse_article(text, format, title=title, source=source, encoding=encoding)
    if loaded.url and not article.metadata.url:
        article = replace(article, metadata=replace(article.metadata, url=loaded.url))
    return checked(replace(article, sha256=hashlib.sha256(loaded.data).hexdigest()), label, max_chars, lang)


def checked(article: Article, label: str, max_chars: int, lang: str | None) -> Article:
    """``article``, if its text is within ``max_chars`` and (with ``lang``) written in that language."""
    if article.chars > max_chars:
        raise TooLongError(f"{label}: has {article.chars:,} characters of text, more than the limit of {max_chars:,}")
    if article.title and len(article.title) > LONGEST_TITLE:
        note = f"its title has {len(article.title):,} characters; it is cut to {LONGEST_TITLE}"
        article = replace(article, title=shortened(article.title, LONGEST_TITLE), notes=(*article.notes, note))
    if lang:
        check_language("\n".join(filter(None, [article.title, spoken_text(article)])), lang, label)
        article = replace(article, language=base_language(lang))
    return article


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
