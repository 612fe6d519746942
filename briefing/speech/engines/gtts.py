"""Google Translate's Arabic voice through the gTTS package (online).

``BRIEFING_GTTS_URL`` redirects gTTS's batchexecute requests to another endpoint (a full URL), so the
real gTTS code path can be exercised against a local server.
"""

from __future__ import annotations

import io
import os
import socket
import threading
from urllib.parse import urlsplit

from gtts import gTTS, gTTSError
from gtts.lang import tts_langs
from pydub import AudioSegment

from briefing.codec import decode_mp3
from briefing.errors import InputError, SynthesisError
from briefing.speech.engines.base import Engine
from briefing.speech.text import split_for_limit

GOOGLE_URL = "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"
ENDPOINT_VARIABLE = "BRIEFING_GTTS_URL"
MAX_CHARS = gTTS.GOOGLE_TTS_MAX_CHARS
PROBE_SECONDS = 2.0


def endpoint() -> str:
    return os.environ.get(ENDPOINT_VARIABLE) or GOOGLE_URL


class _RedirectedTTS(gTTS):
    """gTTS with its prepared requests pointed at ``url``; everything else is gTTS's own code."""

    def __init__(self, text: str, url: str, **options):
        super().__init__(text, **options)
        self.url = url

    def _prepare_requests(self):
        requests = super()._prepare_requests()
        for request in requests:
            request.prepare_url(self.url, None)
        return requests


class GttsEngine(Engine):
    name = "gtts"
    offline = False
    jobs = 8

    def __init__(self, lang: str = "ar", timeout: tuple[float, float] = (5.0, 20.0)):
        super().__init__(lang)
        if lang not in tts_langs():
            raise InputError(f"Google TTS has no voice for language {lang!r}")
        self.timeout = timeout
        self.url = endpoint()

    @property
    def voice(self) -> str:
        return f"Google Translate {self.lang}"

    @classmethod
    def available(cls) -> bool:
        """A TCP connection to the endpoint opens within two seconds (DNS included)."""
        parts = urlsplit(endpoint())
        port = parts.port or (443 if parts.scheme == "https" else 80)
        answered = threading.Event()
        reached = []

        def connect():
            try:
                socket.create_connection((parts.hostname, port), timeout=PROBE_SECONDS).close()
                reached.append(True)
            except OSError:
                pass
            finally:
                answered.set()

        threading.Thread(target=connect, daemon=True).start()
        return answered.wait(PROBE_SECONDS) and bool(reached)

    def synthesize(self, text: str) -> AudioSegment:
        mp3 = b"".join(self._request(chunk) for chunk in split_for_limit(text, MAX_CHARS))
        return decode_mp3(mp3)

    def _request(self, chunk: str) -> bytes:
        buffer = io.BytesIO()
        try:
            _RedirectedTTS(chunk, self.url, lang=self.lang, timeout=self.timeout).write_to_fp(buffer)
        except gTTSError as exc:
            raise SynthesisError(f"Google TTS failed: {exc}") from None
        if not buffer.getvalue():
            raise SynthesisError("Google TTS answered with no audio")
        return buffer.getvalue()
