"""Google Translate's Arabic voice through the gTTS package (online).

``BRIEFING_GTTS_URL`` redirects gTTS's batchexecute requests to another endpoint (a full URL), so the
real gTTS code path can be exercised against a local server.
"""

from __future__ import annotations

import binascii
import io
import os

from gtts import gTTS, gTTSError
from gtts.lang import tts_langs

from briefing.audio import AudioSegment, decode_mp3
from briefing.errors import InputError, SynthesisError
from briefing.speech.engines.base import Engine, VoiceOptions, reachable
from briefing.speech.retry import TransientError, parse_retry_after
from briefing.text import split_for_limit

GOOGLE_URL = "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"
ENDPOINT_VARIABLE = "BRIEFING_GTTS_URL"
MAX_CHARS = gTTS.GOOGLE_TTS_MAX_CHARS
TIMEOUT = (5.0, 15.0)
"""Seconds to connect, and to wait for the answer, per request (gTTS itself waits forever)."""


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

    def __init__(self, options: VoiceOptions = VoiceOptions()):
        super().__init__(options)
        if self.lang not in tts_langs():
            raise InputError(f"Google TTS has no voice for language {self.lang!r}")
        self.timeout = TIMEOUT
        self.url = endpoint()

    @property
    def voice(self) -> str:
        return f"Google Translate {self.lang}"

    def sound(self) -> dict:
        return {**super().sound(), "slow": False}

    @classmethod
    def voices(cls) -> list[str]:
        return ["ar: Google Translate Arabic (the only Arabic voice it has)"]

    def chunks(self, text: str) -> list[str]:
        """At most 100 characters each, cut at phrase punctuation, never inside a word."""
        return split_for_limit(text, MAX_CHARS)

    @classmethod
    def available(cls) -> bool:
        return reachable(endpoint())

    def synthesize(self, text: str) -> AudioSegment:
        """One request for one chunk; failures that may pass are raised as TransientError."""
        buffer = io.BytesIO()
        try:
            _RedirectedTTS(text, self.url, lang=self.lang, timeout=self.timeout).write_to_fp(buffer)
        except gTTSError as exc:
            raise self._classify(exc) from None
        except (binascii.Error, ValueError):  # a reply whose audio is not base64: garbled on the way
            raise TransientError("Google TTS answered with audio that does not decode") from None
        if not buffer.getvalue():
            raise TransientError("Google TTS answered without audio")
        self.answered = True
        try:
            return decode_mp3(buffer.getvalue())
        except SynthesisError:
            raise TransientError("Google TTS answered with audio that does not decode") from None

    answered = False
    """Whether Google has answered anything in this run: until it has, a failed connection means no
    network."""

    def _classify(self, exc: gTTSError) -> SynthesisError:
        """429, 408, 5xx, a 200 without audio and network failures may pass; other HTTP errors will not. A
        name that does not resolve or a connection refused before Google ever answered is no passing
        fault but a machine offline (or behind a wall): it fails at once."""
        response = exc.rsp
        if response is None:
            cause = exc.__context__
            reason = type(cause).__name__ if cause else "no answer"
            if not self.answered and _unreachable(cause):
                return SynthesisError(
                    f"Google TTS cannot be reached from here ({reason}); the espeak engine works offline",
                    option="engine",
                )
            return TransientError(f"Google TTS could not be reached ({reason})")
        self.answered = True
        return _classify_answer(response)


def _unreachable(cause: BaseException | None) -> bool:
    """A name that does not resolve, a connection refused or never opened: the host cannot be reached at
    all (a connection dropped after it opened may pass)."""
    import requests
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

    if not isinstance(cause, requests.exceptions.ConnectionError):
        return False
    reason = getattr(cause.args[0], "reason", None) if cause.args else None
    return isinstance(cause, requests.exceptions.ConnectTimeout) or isinstance(
        reason, (NewConnectionError, ConnectTimeoutError)
    )


def _classify_answer(response) -> SynthesisError:
    """429, 408, 5xx and a 200 without audio may pass; other HTTP errors will not."""
    status = response.status_code
    message = f"Google TTS answered HTTP {status} {response.reason or ''}".rstrip()
    if status in (200, 408, 429) or status >= 500:
        return TransientError(message, retry_after=parse_retry_after(response.headers.get("Retry-After")))
    return SynthesisError(message)
