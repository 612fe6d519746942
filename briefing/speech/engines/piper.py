"""A Piper neural voice you bring (a .onnx model and its .onnx.json config), offline.

Needs the optional extra ``pip install 'briefing[piper]'`` (piper-tts, GPL-3.0), imported only when this
engine is chosen. Arabic text comes vowelled by the spoken form (:mod:`briefing.spoken.vowels`, the same
tashkeel model piper would run), so piper's own pass is turned off: ``vowels=False`` then means no marks.
Nothing is downloaded: the voice is a file on disk.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import numpy as np

from briefing.audio import AudioSegment
from briefing.errors import InputError, SynthesisError
from briefing.speech.engines.base import Engine, VoiceOptions
from briefing.spoken.vowels import without_telemetry

without_telemetry()
from piper import PiperVoice, SynthesisConfig  # noqa: E402


class PiperEngine(Engine):
    name = "piper"
    offline = True
    max_jobs = 1  # one ONNX session already uses every core
    honours = frozenset({"lang", "rate", "model", "config", "speaker"})

    def __init__(self, options: VoiceOptions = VoiceOptions()):
        super().__init__(options)
        if options.model is None:
            raise InputError(
                "the piper engine needs a voice model, a .onnx file (see README: Piper voices)",
                option="model",
            )
        model = Path(options.model)
        config = Path(options.config) if options.config else Path(f"{model}.json")
        for path, what in ((model, "voice model"), (config, "voice config")):
            if not path.is_file():
                raise InputError(f"{path}: no such {what}")
        settings = _read_config(config)
        try:
            self.piper = PiperVoice.load(model, config_path=config)
            self.piper.use_tashkeel = False
        except Exception as exc:  # onnxruntime raises its own exception types for a bad model
            raise InputError(f"{model}: is not a Piper voice model ({type(exc).__name__})") from None
        speakers = self.piper.config.num_speakers
        if options.speaker is not None and options.speaker >= speakers:
            raise InputError(
                f"{model.name} has {speakers} speaker(s); speaker {options.speaker} is not one",
                option="speaker",
            )
        language = self.piper.config.espeak_voice
        wanted = options.lang.split("-")[0].lower()
        if not language.lower().startswith(wanted):
            self.warnings.append(
                f"{model.name} is a voice for {language!r}, not {wanted!r}; it will read the article badly"
            )
        self.model = model
        self.settings = SynthesisConfig(
            speaker_id=options.speaker, length_scale=self.piper.config.length_scale / options.rate
        )
        self._identity = hashlib.sha256(model.read_bytes()).hexdigest()[:16] + ":" + settings
        self._lock = threading.Lock()

    @property
    def voice(self) -> str:
        speaker = f", speaker {self.options.speaker}" if self.options.speaker is not None else ""
        return f"Piper {self.model.stem}{speaker}"

    def sound(self) -> dict:
        return {
            "engine": self.name,
            "model": self._identity,
            "speaker": self.options.speaker,
            "length_scale": self.settings.length_scale,
        }

    @classmethod
    def voices(cls) -> list[str]:
        return ["bring your own: an Arabic Piper voice (ar_JO-kareem-medium and others), see README"]

    def synthesize(self, text: str) -> AudioSegment:
        with self._lock:
            try:
                chunks = list(self.piper.synthesize(text, syn_config=self.settings))
            except Exception as exc:  # a model that loads but cannot run
                raise SynthesisError(f"Piper failed: {type(exc).__name__}: {exc}") from None
        rate = self.piper.config.sample_rate
        pcm = b"".join(chunk.audio_int16_bytes for chunk in chunks)
        if not pcm:  # nothing speakable (punctuation only): a breath of silence
            pcm = np.zeros(rate // 10, dtype=np.int16).tobytes()
        return AudioSegment(data=pcm, sample_width=2, frame_rate=rate, channels=1)


def _read_config(path: Path) -> str:
    """The config's text, after checking it is a Piper voice config (for the cache key)."""
    try:
        text = path.read_text(encoding="utf-8")
        config = json.loads(text)
    except (OSError, ValueError):
        config = None
    if not (
        isinstance(config, dict)
        and "phoneme_id_map" in config
        and "sample_rate" in (config.get("audio") or {})
        and "voice" in (config.get("espeak") or {})
    ):
        raise InputError(f"{path}: is not a Piper voice config")
    return hashlib.sha256(text.encode()).hexdigest()[:16]
