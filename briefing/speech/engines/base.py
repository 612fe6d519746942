"""The one interface every speech engine implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from pydub import AudioSegment


class Engine(ABC):
    """Text in, audio out.

    ``name`` is what users pass to ``--engine``; ``offline`` says whether it works without a network.
    ``max_jobs`` caps how many texts may be synthesized at once (1 for an engine that is not
    thread-safe, None for no cap beyond ``--jobs``). Engines raise
    :class:`briefing.errors.SynthesisError` when speech cannot be produced, and
    :class:`briefing.speech.retry.TransientError` when another try may succeed.
    """

    name: ClassVar[str]
    offline: ClassVar[bool]
    max_jobs: ClassVar[int | None] = None

    def __init__(self, lang: str = "ar"):
        self.lang = lang

    @property
    def voice(self) -> str:
        """Which voice speaks, as shown to users and written into tags."""
        return f"{self.name} {self.lang}"

    def sound(self) -> dict:
        """Every setting that changes the audio, for the clip cache's key."""
        return {"engine": self.name, "lang": self.lang}

    def chunks(self, text: str) -> list[str]:
        """The pieces ``text`` is synthesized in; an engine with an input limit cuts it here."""
        return [text]

    @classmethod
    def available(cls) -> bool:
        """Whether the engine can speak here and now; ``--engine auto`` asks this."""
        return True

    @abstractmethod
    def synthesize(self, text: str) -> AudioSegment:
        """Speak one chunk of text (already in spoken form) and return the audio."""
