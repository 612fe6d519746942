"""How a clip is kept in the cache: its audio as WAV, after a line of its word starts when the engine gave
them, so that a cached rerun captions exactly as the run that spoke."""

from __future__ import annotations

import io
import json
import wave

from briefing.audio import AudioSegment
from briefing.cache import ClipCache
from briefing.speech.engines.base import Spoken

WORDS = b"WORDS "


def cached_clip(cache: ClipCache, key: str) -> Spoken | None:
    """The clip kept under ``key`` and its word starts, or None (a damaged entry is removed)."""
    payload = cache.get_bytes(key, "clip")
    if payload is None:
        return None
    try:
        words = None
        if payload.startswith(WORDS):
            line, _, payload = payload.partition(b"\n")
            words = tuple(float(ms) for ms in json.loads(line[len(WORDS) :]))
        with wave.open(io.BytesIO(payload)) as wav:
            audio = AudioSegment(
                data=wav.readframes(wav.getnframes()),
                sample_width=wav.getsampwidth(),
                frame_rate=wav.getframerate(),
                channels=wav.getnchannels(),
            )
    except (EOFError, wave.Error, ValueError, TypeError):
        cache.discard(key, "clip")
        return None
    return Spoken(audio, words)


def keep_clip(cache: ClipCache, key: str, spoken: Spoken) -> None:
    buffer = io.BytesIO()
    if spoken.words is not None:
        buffer.write(WORDS + json.dumps(spoken.words).encode() + b"\n")
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(spoken.audio.channels)
        wav.setsampwidth(spoken.audio.sample_width)
        wav.setframerate(spoken.audio.frame_rate)
        wav.writeframes(spoken.audio.raw_data)
    cache.put_stream(key, "clip", [buffer.getvalue()])
