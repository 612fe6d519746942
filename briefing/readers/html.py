"""HTML, parsed with BeautifulSoup's built-in parser; nothing is ever fetched.

Title from the first ``<h1>``, else ``<title>``. Inside ``<article>`` or ``<main>`` when the page has one,
``<h2>``-``<h4>`` are headings and ``<p>``, ``<li>`` and ``<blockquote>`` paragraphs. Navigation, scripts,
styles, asides, footers, forms, figures and comments are dropped.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Comment

from briefing.article import Block

DROPPED = ("script", "style", "noscript", "template", "nav", "aside", "footer", "form", "button", "iframe",
           "svg", "figure", "figcaption", "select", "textarea")  # fmt: skip
HEADINGS = ("h2", "h3", "h4")
PARAGRAPHS = ("p", "li", "blockquote")


def parse(text: str) -> tuple[str | None, list[Block]]:
    soup = BeautifulSoup(text, "html.parser")
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    for element in soup.find_all(DROPPED):
        element.decompose()
    for line_break in soup.find_all("br"):
        line_break.replace_with(" ")

    body = soup.find("article") or soup.find("main") or soup.body or soup
    h1 = body.find("h1") or soup.find("h1")
    title = _text(h1) if h1 else (_text(soup.title) if soup.title else None)

    blocks: list[Block] = []
    for element in body.find_all((*HEADINGS, *PARAGRAPHS)):
        if element.find_parent(PARAGRAPHS):
            continue  # its text is read with the enclosing paragraph
        words = _text(element)
        if words:
            blocks.append(Block("heading" if element.name in HEADINGS else "paragraph", words))
    return title or None, blocks


def _text(element) -> str:
    return " ".join(element.get_text().split())
