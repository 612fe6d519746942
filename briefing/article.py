"""The article model: an article's title, metadata and sections, and an episode of several articles.

Reading one from text, a file, stdin or a link is ``briefing.reading``'s work, behind ``Article.from_*``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from briefing.errors import InputError
from briefing.language import phrases_for
from briefing.readers.base import Metadata

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
    def from_text(cls, text: str, format: str = "text", *, title: str | None = None, lang: str | None = "ar",
                  max_chars: int = DEFAULT_MAX_CHARS, source: str = "") -> Article:  # fmt: skip
        """An article from a string of text, Markdown or HTML. ``lang``: the language it must be written in
        (None to skip the check); ``max_chars`` bounds its text."""
        from briefing.reading import checked, parse_article

        if not isinstance(text, str):
            raise TypeError("Article.from_text takes a str; for bytes or a path use Article.from_file")
        if not text.strip():
            raise InputError(f"{source or 'the text'}: is empty")
        article = parse_article(text, format, title=title, source=source)
        return checked(replace(article, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest()), source or "the text",
                       max_chars, lang)  # fmt: skip

    @classmethod
    def from_file(cls, path: str | Path, *, format: str | None = None, encoding: str | None = None,
                  title: str | None = None, lang: str | None = "ar", max_chars: int = DEFAULT_MAX_CHARS) -> Article:  # fmt: skip
        """An article from a file (``-`` for standard input) in any supported format and encoding, both
        detected unless given."""
        from briefing.reading import read_article

        return read_article(path, title=title, format=format, encoding=encoding, max_chars=max_chars, lang=lang)

    @classmethod
    def from_url(cls, url: str, *, format: str | None = None, encoding: str | None = None, title: str | None = None,
                 lang: str | None = "ar", max_chars: int = DEFAULT_MAX_CHARS) -> Article:  # fmt: skip
        """An article from an http(s) link: the page is fetched, and only its article is kept."""
        from briefing.readers.fetch import is_url
        from briefing.reading import read_article

        if not is_url(url):
            raise InputError(f"{url}: not an http or https address")
        return read_article(url, title=title, format=format, encoding=encoding, max_chars=max_chars, lang=lang)

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
            stem = PurePosixPath(urlsplit(self.source).path).stem or urlsplit(self.source).hostname or "briefing"
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

    def __post_init__(self):
        if self.title and len(self.title) > LONGEST_TITLE:  # a title given at any length is said at a sane one
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
    from briefing.text import split_sentences

    first = split_sentences(article.sections[0].paragraphs[0])[0] if article.sections else ""
    return shortened(first, TITLE_CHARS)


LONGEST_NAME = 150
"""Bytes of an output's stem at most (``.chapters.json``, a temporary's ``.NAME.mp3.x1y2z3.part`` add more)."""

LONGEST_TITLE = 200
"""Characters of a title at most: a longer one (a Markdown heading of 30,000 words) is cut."""


def shortened(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else cut at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ،,:؛;")
    return f"{cut}…"
