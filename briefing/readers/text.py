"""Plain text: each line, or each block of hard-wrapped lines, is a paragraph; headings are found by shape.

A heading is a line of its own, short, that opens a block and has text after it, and either
- ends without sentence punctuation (. ! ? ؟ ؛ …, nor a comma), or
- ends with a colon and is not followed by a quotation (``قال الوزير:`` then ``«...»`` is body text), or
- is numbered (``1.``, ``٢)``, ``أولاً:``), whatever it ends with.
Markdown ``#`` lines are headings too. The first block is the title when it is a heading.

Numbered lines one under the other (``1. فنلندا`` then ``2. النرويج``) are a list, not headings: body text,
read as one paragraph with each item a sentence; so is the line that introduces them (``وجاء الترتيب
كالتالي:``).
"""

from __future__ import annotations

import re

from briefing.readers.base import Block, Parsed
from briefing.text import CLOSERS, as_sentence, clean, ends_sentence

MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 90

_QUOTE_OPENERS = ("«", '"', "“", "„", "'", "‘", ">")
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ORDINALS = "أولا|ثانيا|ثالثا|رابعا|خامسا|سادسا|سابعا|ثامنا|تاسعا|عاشرا|أخيرا|اولا|اخيرا"
_NUMBERED = re.compile(rf"^(?:[0-9٠-٩]{{1,2}}\s*[.)\-–]|(?:{_ORDINALS})ً?\s*[:\-–])\s*\S")


def parse(text: str) -> Parsed:
    """Headings and paragraphs of plain text, in one pass (a file of 80,000 lines was quadratic)."""
    lines = [line.strip() for line in text.split("\n")]
    following: list[str | None] = [None] * len(lines)  # the next non-blank line after each
    for index in range(len(lines) - 2, -1, -1):
        following[index] = lines[index + 1] or following[index + 1]
    listed = _list_items(lines)
    blocks: list[tuple[str, list[str]]] = []  # kind, lines (a hard-wrapped paragraph is joined at the end)
    previous_blank = True
    for index, line in enumerate(lines):
        if not line:
            previous_blank = True
            continue
        markdown = _MARKDOWN_HEADING.match(line)
        last = blocks[-1] if blocks else None
        ended = last is None or last[0] == "heading" or ends_sentence(last[1][-1])
        if markdown:
            blocks.append(("heading", [markdown.group(2)]))
        elif index in listed or index + 1 in listed:  # a list, or the line that opens it
            if last is not None and last[0] == "list" and not previous_blank:
                last[1].append(as_sentence(line))
            else:
                blocks.append(("list", [as_sentence(line)]))
        elif (previous_blank or ended) and _is_heading(line, following[index] or _only_headings(blocks)):
            blocks.append(("heading", [line]))
        elif last is not None and last[0] == "paragraph" and not previous_blank and not ended:
            last[1].append(line)
        else:
            blocks.append(("paragraph", [line]))
        previous_blank = False
    found = [
        Block("heading" if kind == "heading" else "paragraph", " ".join(parts)) for kind, parts in blocks
    ]
    if len(found) > 1 and found[0].kind == "heading":
        return Parsed(found[0].text, found[1:])
    return Parsed(None, found)


def _list_items(lines: list[str]) -> set[int]:
    """The lines that are items of a numbered list: two or more numbered lines with no other line between."""
    numbered = [bool(line) and bool(_NUMBERED.match(clean(line))) for line in lines]
    return {
        index
        for index, is_numbered in enumerate(numbered)
        if is_numbered
        and ((index > 0 and numbered[index - 1]) or (index + 1 < len(lines) and numbered[index + 1]))
    }


def _only_headings(blocks: list[tuple[str, list[str]]]) -> str | None:
    """After two or more heading lines and nothing else, a last line of the same shape is one more heading
    (a file of headings alone has no text to narrate), not the body."""
    return "" if len(blocks) >= 2 and all(kind == "heading" for kind, _ in blocks) else None


def _is_heading(line: str, next_line: str | None) -> bool:
    plain = clean(line)
    if next_line is None or len(plain) > MAX_HEADING_CHARS or len(plain.split()) > MAX_HEADING_WORDS:
        return False
    if _NUMBERED.match(plain):
        return True
    stripped = plain.rstrip(CLOSERS)
    if stripped.endswith(":"):
        return not next_line.startswith(_QUOTE_OPENERS)
    return not ends_sentence(plain) and not stripped.endswith((",", "،"))
