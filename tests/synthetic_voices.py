"""Voices that put loudness normalization to the test: speech-like sound made from the text, with very
different crest factors. Registered as the engine ``synthetic`` (``voice=`` picks one) by the tests.

- soft: a quiet, smooth voice (voiced syllables, peaks only ~10 dB over its level);
- plosive: syllables at a moderate level with short bursts 20 dB louder ("p", "t", "k");
- sparse: loud syllables with long silences between words, most of each clip quiet.
"""

from __future__ import annotations

import hashlib

import numpy as np

from briefing.audio import AudioSegment
from briefing.speech.engines.base import Engine

RATE = 22050
MS_PER_CHAR = 70
VOICES = ("soft", "plosive", "sparse")


class SyntheticEngine(Engine):
    name = "synthetic"
    offline = True
    honours = frozenset({"lang", "name"})

    @property
    def voice(self) -> str:
        return f"synthetic {self.options.name or 'soft'}"

    def sound(self) -> dict:
        return {**super().sound(), "voice": self.options.name}

    def synthesize(self, text: str) -> AudioSegment:
        samples = speech(text, self.options.name or "soft")
        pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
        return AudioSegment(data=pcm, sample_width=2, frame_rate=RATE, channels=1)


def speech(text: str, voice: str) -> np.ndarray:
    """Float samples at RATE, MS_PER_CHAR per character, the same for the same text."""
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little"))
    t = np.arange(RATE * MS_PER_CHAR * max(len(text), 1) // 1000) / RATE
    pitch = 110 + 25 * np.sin(2 * np.pi * 0.7 * t)  # a gliding fundamental with its harmonics
    phase = 2 * np.pi * np.cumsum(pitch) / RATE
    voiced = sum(np.sin(k * phase) / k for k in range(1, 12))
    syllables = np.clip(np.sin(2 * np.pi * 4 * t), 0, None) ** 1.5  # four syllables a second
    signal = voiced * syllables + 0.05 * rng.standard_normal(len(t)) * syllables
    if voice == "soft":
        return 0.03 * signal
    if voice == "plosive":
        signal = 0.06 * signal
        for start in rng.choice(len(t) - RATE // 100, size=max(1, len(t) // (RATE // 2)), replace=False):
            burst = rng.standard_normal(RATE // 200) * np.hanning(RATE // 200)
            signal[start : start + len(burst)] += 0.9 * burst / np.abs(burst).max()
        return signal
    if voice == "sparse":
        words = (np.sin(2 * np.pi * 0.25 * t) > 0.6).astype(float)  # 0.8 s spoken in every 4 s
        return 0.5 * signal * np.convolve(words, np.hanning(441) / np.hanning(441).sum(), mode="same")
    raise ValueError(voice)
