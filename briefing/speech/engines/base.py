"""The one interface every speech engine implements."""

from __future__ import annotations

import socket
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from briefing.audio import AudioSegment


@dataclass(frozen=True)
class VoiceOptions:
    """What an engine is told of :class:`briefing.Voice`, in the narration's language. Each engine honours
    some of these (``Engine.honours``); setting one it does not honour is an error, not silently ignored."""

    lang: str = "ar"
    rate: float = 1.0
    """Speed: 1.0 is the voice's own, 1.25 a quarter faster."""
    name: str | None = None
    """A named voice of an online service (Edge: ar-SA-HamedNeural)."""
    model: Path | None = None
    """A voice model file (Piper: voice.onnx)."""
    config: Path | None = None
    """The model's config, when not beside it as MODEL.json."""
    speaker: int | None = None
    """A speaker of a multi-speaker model."""
    pitch: str | None = None
    """A pitch shift the service understands (Edge: +5Hz)."""

    def given(self) -> set[str]:
        """Names of the options set to something other than their default."""
        return {f.name for f in fields(self) if getattr(self, f.name) != f.default}


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
    honours: ClassVar[frozenset[str]] = frozenset({"lang"})
    """The VoiceOptions this engine can apply."""

    def __init__(self, options: VoiceOptions = VoiceOptions()):
        self.options = options
        self.lang = options.lang
        self.warnings: list[str] = []
        """Things worth telling the user that do not stop the run (a voice of another language...)."""

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

    @classmethod
    def voices(cls) -> list[str]:
        """Its Arabic voices, for ``briefing voices``; may say how to get them instead."""
        return [f"{cls.name}: Arabic"]

    @abstractmethod
    def synthesize(self, text: str) -> AudioSegment:
        """Speak one chunk of text (already in spoken form) and return the audio."""

    def speak(self, text: str) -> Spoken:
        """The audio of :meth:`synthesize`, and when the engine tells, where each word of ``text`` starts."""
        return Spoken(self.synthesize(text))


@dataclass(frozen=True)
class Spoken:
    """A chunk's audio and the start of each of its words (split at white space), in ms from the start of
    the audio; None when the engine does not say (captions then share time out by characters)."""

    audio: AudioSegment
    words: tuple[float, ...] | None = None


def word_starts(text: str, marks: list[tuple[int, float]]) -> tuple[float, ...] | None:
    """Each word of ``text``'s start, from an engine's marks (character offset in ``text``, ms); a word with
    no mark of its own starts with the next one that has one. None when fewer than half the words have one."""
    import re

    spans = [match.span() for match in re.finditer(r"\S+", text)]
    starts: list[float | None] = [None] * len(spans)
    word = 0
    for offset, ms in sorted(marks):
        while word + 1 < len(spans) and offset >= spans[word + 1][0]:
            word += 1
        if starts[word] is None:
            starts[word] = ms
    if sum(start is not None for start in starts) * 2 < len(spans) or not spans:
        return None  # too few marks to go by
    filled, later = [], max(ms for _, ms in marks)
    for start in reversed(
        starts
    ):  # from the end: gaps take the next start, and no word starts after the next
        later = later if start is None else min(later, start)
        filled.append(max(0.0, later))
    return tuple(reversed(filled))


def reachable(url: str, seconds: float = 2.0) -> bool:
    """Whether a TCP connection to ``url``'s host opens within ``seconds``, name lookup included."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme in ("https", "wss") else 80)
    answered = threading.Event()
    reached = []

    def connect():
        try:
            socket.create_connection((parts.hostname, port), timeout=seconds).close()
            reached.append(True)
        except OSError:
            pass
        finally:
            answered.set()

    threading.Thread(target=connect, daemon=True).start()
    return answered.wait(seconds) and bool(reached)
