"""Microsoft Edge's neural Arabic voices through the edge-tts package (online).

Needs the optional extra ``pip install 'briefing[edge]'``. Shares the synthesis stage's pool, retries and
cache with gTTS: this module only speaks one chunk and says whether a failure may pass.
``BRIEFING_EDGE_URL`` redirects the websocket (a full URL with its query string) for tests.
"""

from __future__ import annotations

import asyncio
import os
import re

import aiohttp
import edge_tts
import edge_tts.communicate
from edge_tts import exceptions as edge_errors

from briefing.audio import AudioSegment, decode_mp3
from briefing.errors import InputError, SynthesisError
from briefing.speech.engines.base import Engine, Spoken, VoiceOptions, reachable, word_starts
from briefing.speech.retry import TransientError
from briefing.text import split_for_limit

DEFAULT_VOICES = {"ar": "ar-SA-HamedNeural", "en": "en-US-AriaNeural"}
"""The voice of each language the narration speaks, unless another is named."""
KNOWN_VOICES = (
    "ar-SA-HamedNeural",
    "ar-SA-ZariyahNeural",
    "ar-EG-SalmaNeural",
    "ar-EG-ShakirNeural",
    "ar-JO-SanaNeural",
    "ar-JO-TaimNeural",
    "ar-AE-FatimaNeural",
    "ar-AE-HamdanNeural",
)
"""A few Arabic voices, listed when the service cannot be asked."""
ENDPOINT_VARIABLE = "BRIEFING_EDGE_URL"
MAX_CHARS = 1000
"""Characters per request: a sentence is one request unless very long."""
TIMEOUT = (5, 20)
"""Seconds to connect, and to wait for the answer."""


class EdgeEngine(Engine):
    name = "edge"
    offline = False
    honours = frozenset({"lang", "rate", "name", "pitch"})

    def __init__(self, options: VoiceOptions = VoiceOptions()):
        super().__init__(options)
        language = options.lang.split("-")[0].lower()
        self.voice_name = options.name or DEFAULT_VOICES.get(language) or f"{language}-?"
        if not self.voice_name.lower().startswith(f"{language}-") or self.voice_name.endswith("?"):
            raise InputError(
                f"voice {self.voice_name}: not an Edge voice for language {language!r} "
                f"(those start with {language}-)",
                option="name",
            )
        if options.pitch is not None and not re.fullmatch(r"[+-]\d{1,3}Hz", options.pitch):
            raise InputError(f"pitch {options.pitch}: write it as +5Hz or -10Hz", option="pitch")
        self.rate = f"{round((options.rate - 1) * 100):+d}%"
        self.pitch = options.pitch or "+0Hz"
        if os.environ.get(ENDPOINT_VARIABLE):
            edge_tts.communicate.WSS_URL = os.environ[ENDPOINT_VARIABLE]  # the name the library reads

    @property
    def voice(self) -> str:
        return f"Microsoft Edge {self.voice_name}"

    def sound(self) -> dict:
        return {"engine": self.name, "voice": self.voice_name, "rate": self.rate, "pitch": self.pitch}

    def chunks(self, text: str) -> list[str]:
        return split_for_limit(text, MAX_CHARS)

    @classmethod
    def available(cls) -> bool:
        return reachable(os.environ.get(ENDPOINT_VARIABLE) or edge_tts.communicate.WSS_URL)

    @classmethod
    def voices(cls) -> list[str]:
        """Arabic voices from the service; a clear note when it cannot be reached."""
        try:
            found = asyncio.run(asyncio.wait_for(edge_tts.list_voices(), timeout=5))
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError, ValueError):
            known = ", ".join(KNOWN_VOICES)
            return [
                "(the Edge service cannot be reached from here to list its voices; "
                f"known Arabic voices: {known})"
            ]
        return sorted(v["ShortName"] for v in found if v["Locale"].startswith("ar-"))

    def synthesize(self, text: str) -> AudioSegment:
        return self.speak(text).audio

    def speak(self, text: str) -> Spoken:
        try:
            # edge-tts's receive timeout does not cover a websocket that stays silent: bound the whole turn
            audio, boundaries = asyncio.run(asyncio.wait_for(self._receive(text), timeout=sum(TIMEOUT)))
        except (
            edge_errors.NoAudioReceived,
            edge_errors.WebSocketError,
            edge_errors.UnexpectedResponse,
            edge_errors.UnknownResponse,
            aiohttp.ClientError,
            asyncio.TimeoutError,
            OSError,
        ) as exc:
            raise TransientError(f"Edge TTS failed ({type(exc).__name__})") from None
        try:
            clip = decode_mp3(audio)
        except SynthesisError:
            raise TransientError("Edge TTS answered with audio that does not decode") from None
        marks, at = [], 0
        for word, ticks in boundaries:  # the service names each word it speaks, in order
            found = text.find(word, at)
            if found >= 0:
                marks.append((found, ticks / 10_000))
                at = found + len(word)
        return Spoken(clip, word_starts(text, marks))

    async def _receive(self, text: str) -> tuple[bytes, list[tuple[str, int]]]:
        """The MP3 the service sends, and its word boundaries: (word, start in 100 ns ticks)."""
        speech = edge_tts.Communicate(
            text,
            self.voice_name,
            rate=self.rate,
            pitch=self.pitch,
            boundary="WordBoundary",
            connect_timeout=TIMEOUT[0],
            receive_timeout=TIMEOUT[1],
        )
        parts, boundaries = [], []
        async for chunk in speech.stream():
            if chunk["type"] == "audio":
                parts.append(chunk["data"])
            elif chunk["type"] == "WordBoundary":
                boundaries.append((chunk["text"], int(chunk["offset"])))
        return b"".join(parts), boundaries
