"""Markdown, parsed with markdown-it-py.

Headings are headings; a paragraph that is bold and nothing else is a heading too. Paragraphs and
quotes are paragraphs; a list is one paragraph with each item as a sentence (an ordered list's items
with their numbers); links read as their text; code blocks, images and raw HTML are skipped. The first
block is the title when it is a heading.
A YAML front matter (between ``---`` lines at the top, as static site generators write it) gives the
title and metadata: ``title``, ``author``, ``site``, ``date``, ``lang`` and ``url`` (or their common
synonyms).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefing.readers.base import Block, Metadata, Parsed
from briefing.text import as_sentence

_SKIPPED_INLINE = {"image", "html_inline"}


def parse(text: str) -> Parsed:
    metadata, text = front_matter(text)
    tokens = MarkdownIt("commonmark").parse(text)
    blocks: list[Block] = []
    list_items: list[str] = []
    list_depth = 0
    number = ""  # of the ordered list's item being read: a ranking without its numbers says less
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type == "list_item_open":
            number = f"{token.info}{token.markup} " if token.info else ""
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            if list_depth == 0 and list_items:
                blocks.append(Block("paragraph", " ".join(list_items)))
                list_items = []
        elif token.type == "inline":
            opener = tokens[index - 1]
            words = _inline_text(token)
            if not words:
                continue
            if list_depth:
                list_items.append(number + as_sentence(words))
                number = ""
            elif opener.type == "heading_open" or _bold_only(token):
                blocks.append(Block("heading", words))
            else:
                blocks.append(Block("paragraph", words))
    if (
        len(blocks) > 1
        and blocks[0].kind == "heading"
        and blocks[0].text == (metadata.title or blocks[0].text)
    ):
        return Parsed(blocks[0].text, blocks[1:], metadata)
    return Parsed(metadata.title, blocks, metadata)


FRONT_MATTER_KEYS = {
    "title": ("title", "headline"),
    "author": ("author", "authors", "byline"),
    "site": ("site", "site_name", "sitename", "publisher", "source"),
    "date": ("date", "published", "pubdate", "publication_date", "published_at"),
    "language": ("lang", "language", "locale"),
    "url": ("url", "canonical_url", "canonical", "link", "permalink"),
}


def front_matter(text: str) -> tuple[Metadata, str]:
    """The front matter's metadata and the text after it; no front matter, or one that is not YAML, is
    left as text."""
    import frontmatter
    import yaml  # type: ignore[import-untyped]  # (its stubs are a package of their own)
    from frontmatter.default_handlers import YAMLHandler

    class Aliased(yaml.YAMLError):
        pass

    class NoAliases(yaml.SafeLoader):
        """YAML without anchors' aliases: 800 bytes of nested aliases expand into gigabytes."""

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                raise Aliased("aliases are not read")
            return super().compose_node(parent, index)

    class Handler(YAMLHandler):
        def load(self, fm: str, **kwargs: object) -> dict:
            return yaml.load(fm, Loader=NoAliases)  # noqa: S506 - a safe loader, aliases refused

    try:
        fields, content = frontmatter.parse(text, handler=Handler())
    except Aliased:  # front matter all the same, not read
        return Metadata(), Handler().split(text)[1]
    except Exception:  # noqa: BLE001 - python-frontmatter raises whatever its YAML parser raises
        return Metadata(), text
    found = {}
    for name, keys in FRONT_MATTER_KEYS.items():
        value = next((fields[key] for key in keys if fields.get(key)), None)
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(item) for item in value)
        if value is not None and not isinstance(value, dict):
            found[name] = " ".join(str(value.isoformat() if hasattr(value, "isoformat") else value).split())
    if "language" in found:
        found["language"] = found["language"].replace("_", "-").split("-")[0].lower()
    return Metadata(**found), content


def _inline_text(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type not in _SKIPPED_INLINE:
            parts.append(child.content)
    return " ".join("".join(parts).split())


def _bold_only(token: Token) -> bool:
    """Only strong text, as in a line ``**Heading**`` used for a heading."""
    depth, bold_text = 0, False
    for child in token.children or []:
        if child.type == "strong_open":
            depth += 1
        elif child.type == "strong_close":
            depth -= 1
        elif child.content.strip():
            if depth == 0:
                return False
            bold_text = True
    return bold_text
