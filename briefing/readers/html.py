"""HTML: the article a page holds, found by readability-lxml, with the page's metadata from trafilatura.

Why these two: on 28 real news pages with hand-checked reference texts (``make bench``), readability-lxml
kept the article at a token F1 of 0.970 with 14 lines that were not article text, against 0.952 / 65
for trafilatura's ``extract()`` (0.933 / 43 with ``favor_precision``) and 0.885 / 480 for the hand-written
tag rules this reader had before. trafilatura reads metadata better than anything else at hand (JSON-LD,
Open Graph, Dublin Core, htmldate for the publication date), so it supplies title, author, site, date
and canonical address. Neither drops everything a news site puts inside its article (share bars,
bylines, "read also" boxes, follow prompts), so elements and short lines are filtered by
``briefing.readers.boilerplate`` before and after extraction.

Nothing is ever fetched: links, images and styles are ignored.
"""

from __future__ import annotations

import logging
import re

import lxml.html
from lxml import etree

from briefing.readers import boilerplate
from briefing.readers.base import Block, Metadata, Parsed
from briefing.text import LIST_NUMBER, as_sentence

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
PARAGRAPHS = ("p", "li", "blockquote", "pre", "dd", "td")
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»«/]+\s+")


def parse(text: str) -> Parsed:
    try:
        tree = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return Parsed(None, [])
    metadata = page_metadata(tree)
    remove_junk(tree)
    content = main_content(tree)
    title = clean_title(metadata.title, metadata.site, metadata.author)
    blocks, notes = blocks_of(content, title, metadata.author)
    if not title:
        title = next((block.text for block in blocks if block.kind == "heading"), None) if blocks else None
    return Parsed(title, blocks, Metadata(**{**metadata.known(), "title": title}), notes)


def page_metadata(tree) -> Metadata:
    """Title, author, site name, publication date, declared language and canonical URL, when the page has
    them."""
    from trafilatura.metadata import extract_metadata

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs what it could not find
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    found = extract_metadata(tree, extensive=False)
    language = (tree.get("lang") or tree.get("xml:lang") or "").split("-")[0].lower() or None
    return Metadata(
        title=_one_line(found.title),
        author=_one_line(found.author),
        site=_one_line(found.sitename),
        date=found.date or None,
        language=language,
        url=found.url or None,
    )


MAX_JUNK_PROSE = 300
"""Characters of paragraph text above which an element is kept whatever its names: share bars, bylines and
related boxes hold links and labels, not paragraphs, while a site may well call its article body
"read-more" or "sidebar-hidden"."""


def remove_junk(tree) -> None:
    """Drop comments, and every element ``boilerplate.junk_element`` names that holds little prose."""
    for comment in tree.xpath("//comment()"):
        _drop(comment)
    for element in list(tree.iter(etree.Element)):
        if element.getparent() is None or element.tag in ("html", "body", "article", "main"):
            continue
        names = " ".join(filter(None, (element.get("class"), element.get("id"), element.get("role"))))
        if boilerplate.junk_element(str(element.tag), names) and _prose(element) <= MAX_JUNK_PROSE:
            _drop(element)


def _prose(element) -> int:
    """Characters of text in the paragraphs inside ``element``."""
    return sum(len(paragraph.text_content()) for paragraph in element.iter("p", "blockquote"))


def _drop(element) -> None:
    """Remove an element but keep the text that follows it (lxml stores that on the element as its tail)."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    parent.remove(element)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def main_content(tree):
    """The element that holds the article, as readability-lxml finds it."""
    from readability import Document

    logging.getLogger("readability.readability").setLevel(logging.CRITICAL)
    html = lxml.html.tostring(tree, encoding="unicode")
    summary = Document(html, min_text_length=20).summary(html_partial=True)
    return lxml.html.fragment_fromstring(summary, create_parent="div") if summary.strip() else tree


def blocks_of(content, title: str | None, author: str | None) -> tuple[list[Block], list[str]]:
    """Headings and paragraphs in reading order; the headline, boilerplate lines and headings with nothing
    under them are left out (the last with a note). A heading before the first paragraph is the article's
    standfirst, read as its first paragraph."""
    blocks: list[Block] = []
    numbers = _list_numbers(content)
    for element in content.iter(*HEADINGS, *PARAGRAPHS):
        if any(parent.tag in PARAGRAPHS for parent in element.iterancestors()):
            continue  # its text is read with the enclosing paragraph
        words = _text(element)
        if not words or boilerplate.junk_line(words, author):
            continue
        if element.tag in HEADINGS:
            if title and (words == title or (element.tag == "h1" and not blocks)):
                continue  # the headline, spoken in the intro
            blocks.append(Block("paragraph" if not blocks or is_sentence(words) else "heading", words))
        elif element.tag in ("td", "dd") and len(words.split()) < 4:
            continue  # table labels and figures read badly alone
        else:
            number = numbers.get(element) if element.tag == "li" else None
            blocks.append(Block("paragraph", f"{number}. {words}" if number is not None else words))
    return drop_empty_headings(blocks)


def _list_numbers(content) -> dict:
    """Each item of an ordered list and its number, as the page shows it (a ranking without its numbers
    says less: «1. Finland»); counted once per list, however long."""
    numbers = {}
    for ordered in content.iter("ol"):
        try:
            start = int(ordered.get("start", "1"))
        except ValueError:
            start = 1
        for offset, item in enumerate(child for child in ordered if child.tag == "li"):
            numbers[item] = start + offset
    return numbers


def is_sentence(text: str) -> bool:
    """A "heading" that ends like a sentence is a standfirst or a pull quote set large: read it as text."""
    return text.rstrip("\"'”’»)").endswith((".", "!", "؟", "?", "…")) or len(text.split()) > 16


def drop_empty_headings(blocks: list[Block]) -> tuple[list[Block], list[str]]:
    """A heading followed by another heading or by nothing introduces no text of its own on a web page
    ("You Might Also Like", «إضافة تعليق جديد»): leave it out, and say so."""
    kept, notes = [], []
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.kind == "heading" and (following is None or following.kind == "heading"):
            notes.append(f"heading «{block.text}» has no text under it; left out")
        else:
            kept.append(block)
    return kept, notes


def clean_title(title: str | None, site: str | None, author: str | None) -> str | None:
    """The headline without the site's name or the author around it ("… - BBC News", "… | Jane Doe")."""
    if not title:
        return None
    parts = _TITLE_SEPARATORS.split(title)
    others = {name.lower() for name in (site, author, *_TITLE_SEPARATORS.split(site or "")) if name}
    kept = [part for part in parts if part.lower() not in others and not _is_site_part(part, site)]
    cleaned = " - ".join(kept) if len(kept) < len(parts) else title
    return cleaned.strip() or None


def _is_site_part(part: str, site: str | None) -> bool:
    """ "BBC News" and "BBC News - Home" are the site "BBC News"; "News" alone is too little to tell."""
    if not site:
        return False
    part, site = part.lower().strip(), site.lower().strip()
    return (site in part and len(part) < len(site) + 12) or (part in site and len(part) >= len(site) / 2)


def _one_line(value: str | None) -> str | None:
    return " ".join(value.split()) if value else None


def _text(element) -> str:
    """The element's words on one line. Lines broken with ``<br>`` that are numbered (a list typed inside one
    paragraph: «as follows:<br>1. Finland<br>2. Norway») end as sentences, so each item is said apart."""
    for line_break in element.iter("br"):
        line_break.tail = "\n" + (line_break.tail or "")
    lines = [" ".join(line.split()) for line in element.text_content().split("\n")]
    if sum(bool(_LIST_ITEM.match(line)) for line in lines) >= 2:
        lines = [as_sentence(line) if _LIST_ITEM.match(line) else line for line in lines]
    return " ".join(line for line in lines if line)


_LIST_ITEM = re.compile(rf"{LIST_NUMBER}\s+\S")
