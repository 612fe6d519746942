"""Plain text straight to audio, for the OpenAI-shaped ``/v1/audio/speech``: no intro, no outro, the tool's
reading of numbers and names and its loudness. Runs on the service's workers."""

from __future__ import annotations

import io

SPEECH_FORMATS = {
    "mp3": "audio/mpeg",
    "opus": "audio/ogg; codecs=opus",
    "aac": "audio/aac",
    "wav": "audio/wav",
}
"""The formats OpenAI's request names, and the types they are sent as."""

LOSSLESS_SOURCE_KBPS = 160
"""WAV is decoded from an MP3 mastered at this bitrate (LAME's transparent range for speech)."""


def speak(text: str, engine: str, voice: str | None, speed: float, response_format: str) -> bytes:
    """The audio of ``text`` in ``response_format``, at -16 LUFS like every output of the tool."""
    from briefing.article import Article, Episode
    from briefing.language import PHRASES, LanguageError, check_language
    from briefing.narration import narrate
    from briefing.speech.voice import Voice

    try:  # the article check's own rules: Latin letters it cannot place are English
        check_language(text, "ar", "input")
        lang = "ar"
    except LanguageError as other:  # a language the tool does not narrate is refused below, by name
        lang = other.found if other.found in PHRASES else "ar"
    article = Article.from_text(text, "text", lang=lang, source="input")
    narration = narrate(
        Episode(article.title, (article,), lang, framed=False), voice=Voice(engine, voice, speed), cache=True
    )
    made = io.BytesIO()
    if response_format in ("mp3", "opus"):
        narration.write_to(made, response_format)
        return made.getvalue()
    if response_format == "aac":
        narration.write_to(made, "m4a")
        return _remuxed(made.getvalue(), "adts")
    narration.write_to(made, "mp3", bitrate=LOSSLESS_SOURCE_KBPS)
    return _wav(made.getvalue())


def _remuxed(data: bytes, container: str) -> bytes:
    """The audio stream of ``data``, its packets copied into ``container`` (M4A's AAC as bare ADTS)."""
    import av

    out = io.BytesIO()
    with av.open(io.BytesIO(data), "r") as source, av.open(out, "w", format=container) as target:
        stream = source.streams.audio[0]
        copied = target.add_stream_from_template(stream)
        for packet in source.demux(stream):
            if packet.dts is None:
                continue
            packet.stream = copied
            target.mux(packet)
    return out.getvalue()


def _wav(data: bytes) -> bytes:
    """``data`` (MP3) decoded to 16-bit PCM in a WAV file."""
    import wave

    from briefing.audio import decode_mp3

    segment = decode_mp3(data)
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(segment.channels)
        wav.setsampwidth(segment.sample_width)
        wav.setframerate(segment.frame_rate)
        wav.writeframes(segment.raw_data)
    return out.getvalue()
