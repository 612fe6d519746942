"""Registry of speech engines, imported only when chosen.

Adding an engine: one new module here with an :class:`~briefing.speech.engines.base.Engine`
subclass, and one line in :data:`ENGINES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from briefing.errors import InputError
from briefing.speech.engines.base import VoiceOptions

if TYPE_CHECKING:
    from briefing.speech.engines.base import Engine

ENGINES = {
    "gtts": "briefing.speech.engines.gtts:GttsEngine",
    "espeak": "briefing.speech.engines.espeak:EspeakEngine",
    "piper": "briefing.speech.engines.piper:PiperEngine",
    "edge": "briefing.speech.engines.edge:EdgeEngine",
}
"""Engine name -> "module:class"."""

AUTO = "auto"
AUTO_ORDER = ("gtts", "espeak")
"""What ``auto`` tries, in order: the first available speaks."""
CHOICES = (AUTO, *ENGINES)


def engine_class(name: str) -> type[Engine]:
    """The class registered under ``name``, imported now; a one-line error if its extra is missing."""
    try:
        module, cls = ENGINES[name].split(":")
    except KeyError:
        raise InputError(f"unknown engine {name!r}; choose one of: {', '.join(CHOICES)}") from None
    try:
        return getattr(import_module(module), cls)
    except ImportError as exc:
        raise InputError(
            f"the {name} engine needs its extra ({exc.name} is missing): pip install 'briefing[{name}]'"
        ) from None


def create_engine(name: str, options: VoiceOptions = VoiceOptions()) -> tuple[Engine, str | None]:
    """Build the named engine; for ``auto``, the first available of AUTO_ORDER.

    Returns the engine and, when ``auto`` passed over an engine, a one-line note saying why.
    """
    cls, skipped = chosen_class(name)
    note = f"{', '.join(skipped)} unavailable; using {cls.name}" if skipped else None
    return _build(cls, options), note


def chosen_class(name: str) -> tuple[type[Engine], list[str]]:
    """The class ``name`` stands for (for ``auto``, the first available of AUTO_ORDER), and the engines
    ``auto`` passed over."""
    if name != AUTO:
        return engine_class(name), []
    skipped: list[str] = []
    for candidate in AUTO_ORDER:
        cls = engine_class(candidate)
        if cls.available():
            return cls, skipped
        skipped.append(candidate)
    raise InputError("no speech engine is available")


def _build(cls: type[Engine], options: VoiceOptions) -> Engine:
    unused = sorted(options.given() - cls.honours)
    if unused:
        named = ", ".join(f"the voice's {name}" for name in unused)
        raise InputError(
            f"{named} {'does' if len(unused) == 1 else 'do'} not apply to the {cls.name} engine",
            option=unused[0],
        )
    return cls(options)


@dataclass(frozen=True)
class EngineReport:
    name: str
    network: str
    status: str
    voices: list[str]


def describe_engines(only: str | None = None) -> list[EngineReport]:
    """For ``briefing voices``: each engine, whether it is installed and can speak here now, its voices."""
    reports = []
    for name in [only] if only else ENGINES:
        try:
            cls = engine_class(name)
        except InputError as missing:
            reports.append(EngineReport(name, "?", "not installed", [str(missing)]))
            continue
        network = "offline" if cls.offline else "online"
        status = (
            "available"
            if cls.available()
            else ("unreachable from here" if not cls.offline else "unavailable")
        )
        reports.append(EngineReport(name, network, status, cls.voices()))
    return reports
