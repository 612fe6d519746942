"""briefing: narrate news articles (Arabic first) as audio briefings, from Python or the command line.

    from briefing import Article, Companions, Voice, narrate
    article = Article.from_text(text, title="موجز اليوم")
    narration = narrate(article, voice=Voice("espeak"))
    narration.save("out/today.mp3", companions=Companions(page=True))   # or .m4a / .m4b / .opus
    narration.write_to(stream, format="opus")

The names below are imported when first used, so ``import briefing`` stays light.
"""

from importlib import import_module
from typing import TYPE_CHECKING

from briefing.version import __version__

if TYPE_CHECKING:  # what type checkers and editors see; at run time each is imported when first used
    from briefing.article import Article, Episode
    from briefing.errors import (
        BriefingError,
        InputError,
        NetworkError,
        OutputError,
        SynthesisError,
        WriteError,
    )
    from briefing.narration import Narration, narrate
    from briefing.publishing.publish import Published
    from briefing.publishing.sets import Companions
    from briefing.script import Pauses
    from briefing.speech.voice import Voice
    from briefing.spoken import Lexicon, Pronunciation, SpokenForm

_EXPORTS = {
    "Article": "briefing.article",
    "Episode": "briefing.article",
    "narrate": "briefing.narration",
    "Narration": "briefing.narration",
    "Pauses": "briefing.script",
    "Voice": "briefing.speech.voice",
    "Pronunciation": "briefing.spoken",
    "Companions": "briefing.publishing.sets",
    "Lexicon": "briefing.spoken",
    "SpokenForm": "briefing.spoken",
    "Published": "briefing.publishing.publish",
    "BriefingError": "briefing.errors",
    "InputError": "briefing.errors",
    "OutputError": "briefing.errors",
    "WriteError": "briefing.errors",
    "NetworkError": "briefing.errors",
    "SynthesisError": "briefing.errors",
}
__all__ = [
    "Article",
    "BriefingError",
    "Companions",
    "Episode",
    "InputError",
    "Lexicon",
    "Narration",
    "NetworkError",
    "OutputError",
    "Pauses",
    "Pronunciation",
    "Published",
    "SpokenForm",
    "SynthesisError",
    "Voice",
    "WriteError",
    "__version__",
    "narrate",
]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'briefing' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
