"""The one interface every speech engine implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from pydub import AudioSegment


class Engine(ABC):
    """Text in, audio out.

    ``name`` is what users pass to ``--engine``; ``offline`` says whether it works without a network.
    ``jobs`` is how many texts may be synthesized at once: an engine that cannot run concurrently
    says 1. Engines raise :class:`briefing.errors.SynthesisError` when speech cannot be produced.
    """

    name: ClassVar[str]
    offline: ClassVar[bool]
    jobs: int = 1

    def __init__(self, lang: str = "ar"):
        self.lang = lang

    @property
    def voice(self) -> str:
        """Which voice speaks, as shown to users and written into tags."""
        return f"{self.name} {self.lang}"

    @classmethod
    def available(cls) -> bool:
        """Whether the engine can speak here and now; ``--engine auto`` asks this."""
        return True

    @abstractmethod
    def synthesize(self, text: str) -> AudioSegment:
        """Speak ``text`` (already in spoken form) and return the audio."""
