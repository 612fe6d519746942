"""Registry of speech engines, imported only when chosen.

Adding an engine: one new module here with an :class:`~briefing.speech.engines.base.Engine`
subclass, and one line in :data:`ENGINES`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from briefing.errors import InputError

if TYPE_CHECKING:
    from briefing.speech.engines.base import Engine

ENGINES = {
    "gtts": "briefing.speech.engines.gtts:GttsEngine",
    "espeak": "briefing.speech.engines.espeak:EspeakEngine",
}
"""Engine name -> "module:class". ``auto`` tries them in this order and takes the first available."""

AUTO = "auto"
CHOICES = (AUTO, *ENGINES)


def engine_class(name: str) -> type[Engine]:
    """The class registered under ``name``, imported now."""
    try:
        module, cls = ENGINES[name].split(":")
    except KeyError:
        raise InputError(f"unknown engine {name!r}; choose one of: {', '.join(CHOICES)}") from None
    return getattr(import_module(module), cls)


def create_engine(name: str, **options) -> tuple[Engine, str | None]:
    """Build the named engine; for ``auto``, the first available one.

    Returns the engine and, when ``auto`` passed over an engine, a one-line note saying why.
    """
    if name != AUTO:
        return engine_class(name)(**options), None
    skipped = []
    for candidate in ENGINES:
        cls = engine_class(candidate)
        if cls.available():
            note = f"{', '.join(skipped)} unavailable; using {candidate}" if skipped else None
            return cls(**options), note
        skipped.append(candidate)
    raise InputError("no speech engine is available")
