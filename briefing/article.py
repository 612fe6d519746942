"""Articles: the model (an article's title, metadata and sections; an episode of several articles) and
reading one from text, a path, stdin or a link, checked.

A reader (``briefing/readers/``) turns decoded text into blocks, headings and paragraphs; this module groups
them into sections: the lead is every paragraph before the first heading, then each heading opens a section
with the paragraphs under it.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from briefing.characters import without_controls
from briefing.errors import InputError, TooLongError
from briefing.language import base_language, check_language, phrases_for
from briefing.readers.base import Block, Metadata
from briefing.text import speakable, split_sentences

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
    language: str | None = None
    """The language it was checked to be written in (``lang`` when read): narrated in it unless told."""

    @property
    def chars(self) -> int:
        """What is spoken of it: the title, headings and paragraphs."""
        return len(self.title or "") + sum(s.chars + len(s.heading or "") for s in self.sections)

    @classmethod
    def from_text(
        cls,
        text: str,
        format: str | None = None,
        *,
        title: str | None = None,
        lang: str | None = "ar",
        max_chars: int = DEFAULT_MAX_CHARS,
        source: str = "",
    ) -> Article:
        """An article from a string of plain text, Markdown or HTML (``format``; by default told from the
        text,
        as for a file without a known suffix). ``lang``: the language it must be written in (None to skip the
        check); ``max_chars`` bounds its text."""
        from briefing.readers import detect_format

        if not isinstance(text, str):
            raise TypeError("Article.from_text takes a str; for bytes or a path use Article.from_file")
        if not text.strip():
            raise InputError(f"{source or 'the text'}: is empty")
        article = parse_article(text, format or detect_format(source, text), title=title, source=source)
        return checked(
            replace(article, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest()),
            source or "the text",
            max_chars,
            lang,
        )

    @classmethod
    def from_file(
        cls,
        path: str | Path,
        *,
        format: str | None = None,
        encoding: str | None = None,
        title: str | None = None,
        lang: str | None = "ar",
        max_chars: int = DEFAULT_MAX_CHARS,
    ) -> Article:
        """An article from a file (``-`` for standard input) in any supported format and encoding, both
        detected unless given."""
        return read_article(
            path, title=title, format=format, encoding=encoding, max_chars=max_chars, lang=lang
        )

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        format: str | None = None,
        encoding: str | None = None,
        title: str | None = None,
        lang: str | None = "ar",
        max_chars: int = DEFAULT_MAX_CHARS,
    ) -> Article:
        """An article from an http(s) link: the page is fetched, and only its article is kept."""
        from briefing.readers.fetch import is_url

        if not is_url(url):
            raise InputError(f"{url}: not an http or https address")
        return read_article(
            url, title=title, format=format, encoding=encoding, max_chars=max_chars, lang=lang
        )

    @property
    def label(self) -> str:
        """How messages name it: its path or link, ``stdin``, or ``article``."""
        return "stdin" if self.source == STDIN else self.source or "article"

    @property
    def name(self) -> str:
        """A file-name stem for outputs: the file's own, the link's last path part, or ``briefing``; at most
        :data:`LONGEST_NAME` bytes, so the set's longest name (and a temporary's) fits a file system's 255."""
        if self.source in ("", STDIN):
            return "briefing"
        if self.source.lower().startswith(("http://", "https://")):
            stem = (
                PurePosixPath(urlsplit(self.source).path).stem or urlsplit(self.source).hostname or "briefing"
            )
        else:
            stem = Path(self.source).stem
        return stem.encode()[:LONGEST_NAME].decode(errors="ignore") or "briefing"


@dataclass(frozen=True)
class Episode:
    """One briefing: a title and one or more articles, narrated in order, in one language.

    ``sections`` lists every article's sections in order, each knowing its article; cues and the
    timeline refer to sections by their index here.
    """

    title: str | None
    articles: tuple[Article, ...]
    language: str = "ar"
    framed: bool = True
    """Opened by the intro and closed by the outro; a plain reading (``framed=False``) says only its title,
    if it has one, and its text."""

    def __post_init__(self):
        if (
            self.title and len(self.title) > LONGEST_TITLE
        ):  # a title given at any length is said at a sane one
            object.__setattr__(self, "title", shortened(self.title, LONGEST_TITLE))

    @cached_property
    def sections(self) -> tuple[Section, ...]:
        phrases = phrases_for(self.language)
        if len(self.articles) == 1:
            return tuple(replace(section, lead_label=phrases.lead) for section in self.articles[0].sections)
        return tuple(
            replace(section, article=number, lead_label=article.title or headline_from(article))
            for number, article in enumerate(self.articles)
            for section in article.sections
        )

    @property
    def name(self) -> str:
        """A file-name stem for outputs: the first article's."""
        return self.articles[0].name

    @property
    def display_title(self) -> str:
        """What players, pages and feeds show: the title, else the first article's lead sentence cut at a
        word (never a file name)."""
        return self.title or headline_from(self.articles[0])

    @classmethod
    def of(cls, articles: list[Article], title: str | None = None, language: str = "ar") -> Episode:
        """A lone article is its own episode, under its own title unless ``title`` is given."""
        if len(articles) == 1:
            return cls(title or articles[0].title, tuple(articles), language)
        return cls(title, tuple(articles), language)


TITLE_CHARS = 60


def headline_from(article: Article) -> str:
    """A title for an article that has none: its first sentence, cut at a word boundary to at most
    ``TITLE_CHARS`` characters, with an ellipsis when cut."""
    first = split_sentences(article.sections[0].paragraphs[0])[0] if article.sections else ""
    return shortened(first, TITLE_CHARS)


LONGEST_NAME = 150
"""Bytes of an output's stem at most (``.chapters.json``, a temporary's ``.NAME.mp3.x1y2z3.part`` add
more)."""

LONGEST_TITLE = 200
"""Characters of a title at most: a longer one (a Markdown heading of 30,000 words) is cut."""


def shortened(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else cut at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ،,:؛;")
    return f"{cut}…"


# Reading


def read_articles(
    sources: list[str | Path],
    *,
    title: str | None = None,
    format: str | None = None,
    encoding: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    lang: str = "ar",
) -> Episode:
    """Every article, read before anything is spoken (one bad input fails them all), as one episode under
    ``title``; ``max_chars`` bounds each article and the episode."""
    if isinstance(sources, (str, Path)):
        raise TypeError("sources must be a list of paths or links, not one string")
    if [str(source) for source in sources].count(STDIN) > 1:
        raise InputError("standard input (-) can be read only once")
    if title is not None and not one_line(title):
        raise InputError("the title is blank")
    articles = [
        read_article(source, format=format, encoding=encoding, max_chars=max_chars, lang=lang)
        for source in sources
    ]
    total = sum(article.chars for article in articles)
    if total > max_chars:
        raise TooLongError(
            f"the {len(articles)} articles have {total:,} characters of text together, more than the "
            f"limit of {max_chars:,}"
        )
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


def load(source: str | Path, feed: bool = False, private: bool = True) -> Loaded:
    """The bytes of a path, ``-`` (standard input) or an http(s) link (of an article, or a ``feed``; to a
    public address only, unless ``private``)."""
    import briefing.readers as readers
    from briefing.readers.fetch import ARTICLE_TYPES, FEED_TYPES, fetch, is_url

    source = str(source)
    if is_url(source):
        page = fetch(source, FEED_TYPES if feed else ARTICLE_TYPES, private)
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
    return from_loaded(
        load(source), title=title, format=format, encoding=encoding, max_chars=max_chars, lang=lang
    )


def from_loaded(
    loaded: Loaded,
    *,
    title: str | None = None,
    format: str | None = None,
    encoding: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    lang: str | None = "ar",
) -> Article:
    """The article in ``loaded``'s bytes, decoded, parsed and checked."""
    import briefing.readers as readers

    source = loaded.source
    label = "stdin" if source == STDIN else source
    text, encoding = readers.decode(loaded.data, label, encoding, loaded.charset)
    if not text.strip():
        raise InputError(f"{label}: is empty")
    format = (
        format
        or loaded.format
        or readers.detect_format(urlsplit(source).path if loaded.url else source, text)
    )
    article = parse_article(text, format, title=title, source=source, encoding=encoding)
    if loaded.url and not article.metadata.url:
        article = replace(article, metadata=replace(article.metadata, url=loaded.url))
    return checked(replace(article, sha256=hashlib.sha256(loaded.data).hexdigest()), label, max_chars, lang)


def checked(article: Article, label: str, max_chars: int, lang: str | None) -> Article:
    """``article``, if its text is within ``max_chars`` and (with ``lang``) written in that language."""
    if article.chars > max_chars:
        raise TooLongError(
            f"{label}: has {article.chars:,} characters of text, more than the limit of {max_chars:,}"
        )
    if article.title and len(article.title) > LONGEST_TITLE:
        note = f"its title has {len(article.title):,} characters; it is cut to {LONGEST_TITLE}"
        article = replace(
            article, title=shortened(article.title, LONGEST_TITLE), notes=(*article.notes, note)
        )
    if lang:
        check_language("\n".join(filter(None, [article.title, spoken_text(article)])), lang, label)
        article = replace(article, language=base_language(lang))
    return article


def parse_article(
    text: str, format: str = "text", *, title: str | None = None, source: str = "", encoding: str = "utf-8"
) -> Article:
    """Parse decoded ``text`` of the given format into an article."""
    import briefing.readers as readers

    parsed = readers.parse(text, format)
    blocks = [replace(block, text=words) for block in parsed.blocks if (words := one_line(block.text))]
    metadata = Metadata(**{name: one_line(value) for name, value in parsed.metadata.known().items()})
    return Article(
        # a title given is cleaned too; one found of punctuation alone ("---" atop a text) is none
        title=one_line(title or "") or _said(one_line(parsed.title or "")) or None,
        sections=sections_from_blocks(blocks, "stdin" if source == STDIN else source or "article"),
        source=source,
        format=format,
        encoding=encoding,
        metadata=metadata,
        notes=tuple(parsed.notes),
    )


def _said(text: str) -> str:
    return text if speakable(text) else ""


def one_line(text: str) -> str:
    """``text`` on one line, without characters an output cannot carry (entities in HTML can make them)."""
    return " ".join(without_controls(text).split())


def spoken_text(article: Article) -> str:
    """Headings and paragraphs as they will be read, one per line."""
    return "\n".join(
        line for s in article.sections for line in ((s.heading,) if s.heading else ()) + s.paragraphs
    )


def sections_from_blocks(blocks: list[Block], label: str = "article") -> tuple[Section, ...]:
    """Group blocks under their headings; a heading without body text is an input error. A block of
    punctuation or symbols alone (a "—" or "***" line between parts, a row of emoji) has nothing to say:
    it is left out, and a text of nothing else is refused rather than narrated as an intro and an outro."""
    said = [block for block in blocks if speakable(block.text)]
    if blocks and not said:
        raise InputError(f"{label}: has no words to narrate, only punctuation or symbols")
    blocks = said
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
