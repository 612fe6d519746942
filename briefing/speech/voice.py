"""The voice a narration is spoken in, as one value the library checks when it is made: which engine, which
of its voices, how fast, and how an online engine is asked."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from briefing.errors import InputError
from briefing.speech.engines import AUTO, ENGINES
from briefing.speech.engines.base import VoiceOptions
from briefing.speech.retry import DEFAULT_DEADLINE

RATES = (0.5, 2.0)
"""The slowest and fastest speech: outside them no voice stays clear (and NaN is no speed)."""
SAMPLE_RATES = (16000, 22050, 24000, 44100, 48000)
REQUESTS = (1, 64)
DEFAULT_REQUESTS = 8
RETRY_DEADLINES = (1.0, 3600.0)


@dataclass(frozen=True)
class Voice:
    """Who speaks and how. ``engine``: auto, gtts, espeak, piper or edge; ``name``: a named voice of an
    online service (Edge: ar-EG-SalmaNeural); ``rate``: 1.25 is a quarter faster; ``pitch``: Edge's shift
    (+5Hz); ``model``, ``config``, ``speaker``: a Piper voice file, its config, a speaker of a multi-speaker
    model; ``sample_rate``: of the output (default: the engine's own); ``requests``: sent at once to an
    online engine; ``retry_deadline``: seconds all retries of an online engine may take.

    A value an engine cannot use (a pitch for eSpeak) is refused when the engine is chosen."""

    engine: str = AUTO
    name: str | None = None
    rate: float = 1.0
    pitch: str | None = None
    model: str | Path | None = None
    config: str | Path | None = None
    speaker: int | None = None
    sample_rate: int | None = None
    requests: int = DEFAULT_REQUESTS
    retry_deadline: float = DEFAULT_DEADLINE

    def __post_init__(self) -> None:
        if self.engine != AUTO and self.engine not in ENGINES:
            raise InputError(
                f"engine must be one of {', '.join((AUTO, *ENGINES))}, not {self.engine!r}", option="engine"
            )
        _check_number("rate", self.rate, *RATES, " (1.25 is a quarter faster)")
        _check_number("retry_deadline", self.retry_deadline, *RETRY_DEADLINES, " seconds")
        if not _whole(self.requests) or not REQUESTS[0] <= self.requests <= REQUESTS[1]:
            raise InputError(
                f"requests must be a whole number from {REQUESTS[0]} to {REQUESTS[1]}, not {self.requests!r}",
                option="requests",
            )
        if self.sample_rate is not None and (
            not _whole(self.sample_rate) or self.sample_rate not in SAMPLE_RATES
        ):
            raise InputError(
                f"sample_rate must be one of {', '.join(map(str, SAMPLE_RATES))}, not {self.sample_rate!r}",
                option="sample_rate",
            )
        if self.speaker is not None and (not _whole(self.speaker) or self.speaker < 0):
            raise InputError(f"speaker must be a whole number from 0, not {self.speaker!r}", option="speaker")
        for field in ("name", "pitch"):
            if getattr(self, field) is not None and not isinstance(getattr(self, field), str):
                raise InputError(f"{field} must be a string, not {getattr(self, field)!r}", option=field)

    def options(self, lang: str) -> VoiceOptions:
        """What the engine is told, in ``lang``."""
        return VoiceOptions(
            lang,
            self.rate,
            self.name,
            Path(self.model) if self.model else None,
            Path(self.config) if self.config else None,
            self.speaker,
            self.pitch,
        )


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_number(name: str, value: object, low: float, high: float, unit: str) -> None:
    if (
        not isinstance(value, (int, float))
        or isinstance(value, bool)
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        raise InputError(f"{name} must be a number from {low} to {high}{unit}, not {value!r}", option=name)
