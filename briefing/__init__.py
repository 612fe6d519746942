"""briefing: narrate news articles (Arabic first) as audio briefings, from Python or the command line.

    from briefing import Article, narrate
    article = Article.from_text(text, title="موجز اليوم")
    narration = narrate(article, engine="espeak")
    narration.save("out/today.mp3", page=True)        # or .m4a / .m4b / .opus
    narration.write_to(stream, format="opus")

The names below are imported when first used, so ``import briefing`` stays light.
"""

from importlib import import_module

__version__ = "0.1.0"

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
__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'briefing' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
