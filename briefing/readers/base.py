"""What every reader returns: the blocks it found, a title, and the page's metadata.

Kept apart from ``briefing.article`` so that readers never import the article model and the model
imports readers only to call them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Literal


@dataclass(frozen=True)
class Block:
    """One unit a reader finds: a heading or a paragraph, with its text as written."""

    kind: Literal["heading", "paragraph"]
    text: str


@dataclass(frozen=True)
class Metadata:
    """What a page or a front matter says about the article besides its text; any field may be unknown.

    ``date`` is an ISO 8601 date (``2024-05-01``), ``language`` an ISO 639-1 code as the page declares it,
    ``url`` the canonical address.
    """

    title: str | None = None
    author: str | None = None
    site: str | None = None
    date: str | None = None
    language: str | None = None
    url: str | None = None

    def known(self) -> dict[str, str]:
        """The fields that have a value, by name."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


@dataclass(frozen=True)
class Parsed:
    """A reader's result. ``notes`` are things worth telling the user that do not stop the run."""

    title: str | None
    blocks: list[Block]
    metadata: Metadata = Metadata()
    notes: list[str] = field(default_factory=list)
