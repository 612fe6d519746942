"""Read an article into its title and headed sections.

A plain-text article is a series of lines. The lead is every paragraph before the first heading; each
heading then opens a section with the paragraphs under it. A heading is a short line of its own with no
sentence-final punctuation that body text follows, or a Markdown ``#`` line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from briefing.errors import InputError

LEAD_LABEL = "المقدمة"
"""How the lead (the section before the first heading) is named in chapters and plans."""

SENTENCE_END = ".!?؟؛:…"
"""Punctuation that closes a sentence; a line ending in one is body text, not a heading."""

MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 90

_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_TRAILING_CLOSERS = "\"'”’»)]"


@dataclass(frozen=True)
class Section:
    """A heading (None for the lead) and the paragraphs under it."""

    heading: str | None
    paragraphs: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.heading or LEAD_LABEL

    @property
    def chars(self) -> int:
        return sum(len(p) for p in self.paragraphs)


@dataclass(frozen=True)
class Article:
    """What the rest of the pipeline narrates: an optional title and at least one section."""

    title: str | None
    sections: tuple[Section, ...]
    source: str = ""

    @property
    def chars(self) -> int:
        return sum(s.chars for s in self.sections)


def read_article(path: str | Path, title: str | None = None) -> Article:
    """Read a UTF-8 text or Markdown article from ``path``; ``title`` overrides the detected one."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not an article")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: is not UTF-8 text") from None
    return parse_text(text, title=title, source=str(path))


def parse_text(text: str, title: str | None = None, source: str = "") -> Article:
    """Split plain text (Markdown ``#`` headings allowed) into a title and sections."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    blocks = _blocks(lines)
    if not blocks:
        raise InputError(f"{source or 'article'}: has no text to narrate")

    detected_title = None
    first_kind, first_text = blocks[0]
    if first_kind == "heading" and len(blocks) > 1:
        detected_title = first_text
        blocks = blocks[1:]

    sections: list[Section] = []
    heading: str | None = None
    paragraphs: list[str] = []
    for kind, content in blocks:
        if kind == "heading":
            if heading is not None or paragraphs:
                sections.append(_section(heading, paragraphs, source))
            heading, paragraphs = content, []
        else:
            paragraphs.append(content)
    sections.append(_section(heading, paragraphs, source))
    return Article(title=(title or detected_title), sections=tuple(sections), source=source)


def _section(heading: str | None, paragraphs: list[str], source: str) -> Section:
    if not paragraphs:
        raise InputError(f"{source or 'article'}: heading «{heading}» has no body text")
    return Section(heading=heading, paragraphs=tuple(paragraphs))


def _blocks(lines: list[str]) -> list[tuple[str, str]]:
    """Turn lines into ("heading", text) and ("paragraph", text) blocks.

    Lines of one paragraph hard-wrapped without a blank line between them are joined back.
    """
    blocks: list[tuple[str, str]] = []
    previous_blank = True
    for index, line in enumerate(lines):
        if not line:
            previous_blank = True
            continue
        markdown = _MARKDOWN_HEADING.match(line)
        if markdown:
            blocks.append(("heading", markdown.group(2)))
        elif _is_heading_line(line) and _opens_block(blocks, previous_blank) and any(lines[index + 1 :]):
            blocks.append(("heading", line))
        elif blocks and blocks[-1][0] == "paragraph" and not previous_blank and not _ends_sentence(blocks[-1][1]):
            blocks[-1] = ("paragraph", f"{blocks[-1][1]} {line}")
        else:
            blocks.append(("paragraph", line))
        previous_blank = False
    return blocks


def _is_heading_line(line: str) -> bool:
    return (
        len(line) <= MAX_HEADING_CHARS
        and len(line.split()) <= MAX_HEADING_WORDS
        and not _ends_sentence(line)
        and not line.rstrip(_TRAILING_CLOSERS).endswith((",", "،"))
    )


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip(_TRAILING_CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def _opens_block(blocks: list[tuple[str, str]], previous_blank: bool) -> bool:
    """A heading starts after a blank line, another heading, or a finished sentence."""
    return previous_blank or not blocks or blocks[-1][0] == "heading" or _ends_sentence(blocks[-1][1])
