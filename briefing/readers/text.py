"""Plain text: each line, or each block of hard-wrapped lines, is a paragraph; headings are found by shape.

A heading is a line of its own, short, that opens a block and has text after it, and either
- ends without sentence punctuation (. ! ? ؟ ؛ …, nor a comma), or
- ends with a colon and is not followed by a quotation (``قال الوزير:`` then ``«...»`` is body text), or
- is numbered (``1.``, ``٢)``, ``أولاً:``), whatever it ends with.
Markdown ``#`` lines are headings too. The first block is the title when it is a heading.
"""

from __future__ import annotations

import re

from briefing.readers.base import Block, Parsed
from briefing.text import CLOSERS, ends_sentence, clean

MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 90

_QUOTE_OPENERS = ("«", '"', "“", "„", "'", "‘", ">")
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ORDINALS = "أولا|ثانيا|ثالثا|رابعا|خامسا|سادسا|سابعا|ثامنا|تاسعا|عاشرا|أخيرا|اولا|اخيرا"
_NUMBERED = re.compile(rf"^(?:[0-9٠-٩]{{1,2}}\s*[.)\-–]|(?:{_ORDINALS})ً?\s*[:\-–])\s*\S")


def parse(text: str) -> Parsed:
    lines = [line.strip() for line in text.split("\n")]
    blocks: list[Block] = []
    previous_blank = True
    for index, line in enumerate(lines):
        if not line:
            previous_blank = True
            continue
        markdown = _MARKDOWN_HEADING.match(line)
        if markdown:
            blocks.append(Block("heading", markdown.group(2)))
        elif _opens_block(blocks, previous_blank) and _is_heading(line, _next_line(lines, index) or _only_headings(blocks)):
            blocks.append(Block("heading", line))
        elif blocks and blocks[-1].kind == "paragraph" and not previous_blank and not ends_sentence(blocks[-1].text):
            blocks[-1] = Block("paragraph", f"{blocks[-1].text} {line}")
        else:
            blocks.append(Block("paragraph", line))
        previous_blank = False
    if len(blocks) > 1 and blocks[0].kind == "heading":
        return Parsed(blocks[0].text, blocks[1:])
    return Parsed(None, blocks)


def _only_headings(blocks: list[Block]) -> str | None:
    """After two or more heading lines and nothing else, a last line of the same shape is one more heading
    (a file of headings alone has no text to narrate), not the body."""
    return "" if len(blocks) >= 2 and all(block.kind == "heading" for block in blocks) else None


def _next_line(lines: list[str], index: int) -> str | None:
    return next((line for line in lines[index + 1 :] if line), None)


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


def _opens_block(blocks: list[Block], previous_blank: bool) -> bool:
    """A heading starts after a blank line, another heading, or a finished sentence."""
    return previous_blank or not blocks or blocks[-1].kind == "heading" or ends_sentence(blocks[-1].text)
