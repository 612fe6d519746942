"""eSpeak NG's Arabic voice, offline, from the libespeak-ng that the espeakng-loader wheel ships."""

from __future__ import annotations

import ctypes
import threading

from briefing.audio import AudioSegment
from briefing.errors import InputError, SynthesisError
from briefing.speech.engines.base import Engine, Spoken, VoiceOptions, word_starts

WORDS_PER_MINUTE = 165
"""eSpeak's speed at --rate 1: a little under its default 175, easier to follow in Arabic."""

_SYNCHRONOUS = 2  # AUDIO_OUTPUT_SYNCHRONOUS: espeak_Synth returns when all audio went to the callback
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_WORD = 1  # espeakEVENT_WORD; 0 ends the list of events


class _Event(ctypes.Structure):
    """espeak_EVENT of speak_lib.h: what the synthesis callback is told besides the audio."""

    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    ]


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


class _Library:
    """The process-wide libespeak-ng: global state in C, so one instance, one lock around each call."""

    lock = threading.Lock()
    _instance: _Library | None = None

    def __init__(self):
        import espeakng_loader

        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        self.sample_rate = lib.espeak_Initialize(_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), 0)
        if self.sample_rate <= 0:
            raise SynthesisError("eSpeak NG could not start (its data folder is missing or unreadable)")
        self._pieces: list[bytes] = []
        self._words: list[tuple[int, float]] = []
        self._callback = _CALLBACK(self._collect)  # kept referenced: C holds the pointer
        lib.espeak_SetSynthCallback(self._callback)
        self.lib = lib

    @classmethod
    def get(cls) -> _Library:
        with cls.lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _collect(self, wav, samples, events) -> int:
        if wav and samples > 0:
            self._pieces.append(ctypes.string_at(wav, samples * 2))
        index = 0
        while events and events[index].type != 0:
            if events[index].type == _WORD:  # where a word starts: its character (from 1) and ms
                self._words.append((events[index].text_position - 1, float(events[index].audio_position)))
            index += 1
        return 0

    def has_voice(self, voice: str) -> bool:
        with self.lock:
            return self.lib.espeak_SetVoiceByName(voice.encode()) == 0

    def speak(self, text: str, voice: str, rate: int) -> tuple[bytes, list[tuple[int, float]]]:
        """The audio of ``text``, and where its words start: (character offset, ms)."""
        data = text.encode("utf-8")
        with self.lock:
            self._pieces, self._words = [], []
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise SynthesisError(f"eSpeak NG has no voice {voice!r}")
            self.lib.espeak_SetParameter(1, rate, 0)  # espeakRATE, words per minute
            if self.lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None) != 0:
                raise SynthesisError(f"eSpeak NG failed to speak: {text[:60]}")
            return b"".join(self._pieces), self._words

    def phonemes(self, text: str, voice: str) -> str:
        """What eSpeak NG would say for ``text``, in its phoneme mnemonics (as ``espeak-ng -x`` prints)."""
        self.lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        self.lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_char_p),
            ctypes.c_int,
            ctypes.c_int,
        ]
        buffer = ctypes.create_string_buffer(text.encode("utf-8"))
        pointer = ctypes.c_char_p(ctypes.addressof(buffer))
        clauses = []
        with self.lock:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise SynthesisError(f"eSpeak NG has no voice {voice!r}")
            while pointer.value:
                clauses.append(
                    (self.lib.espeak_TextToPhonemes(ctypes.byref(pointer), _CHARS_UTF8, 0) or b"").decode()
                )
        return " ".join(clauses)


class EspeakEngine(Engine):
    name = "espeak"
    offline = True
    max_jobs = 1  # libespeak-ng has one global state; more threads would only queue on its lock

    honours = frozenset({"lang", "rate"})

    def __init__(self, options: VoiceOptions = VoiceOptions()):
        super().__init__(options)
        self.rate = round(WORDS_PER_MINUTE * options.rate)
        self._library = _Library.get()
        if not self._library.has_voice(self.lang):
            raise InputError(f"eSpeak NG has no voice for language {self.lang!r}")

    @property
    def voice(self) -> str:
        return f"eSpeak NG {self.lang}"

    def sound(self) -> dict:
        return {**super().sound(), "rate": self.rate}

    @classmethod
    def voices(cls) -> list[str]:
        return ["ar: eSpeak NG Arabic (formant synthesis, robotic but always there)"]

    @classmethod
    def available(cls) -> bool:
        try:
            _Library.get()
        except (OSError, ImportError, SynthesisError):
            return False
        return True

    def synthesize(self, text: str) -> AudioSegment:
        return self.speak(text).audio

    def phonemes(self, text: str) -> str:
        """What this voice would say for ``text``, as phoneme mnemonics: which words get no vowel shows
        here."""
        return self._library.phonemes(text, self.lang)

    def speak(self, text: str) -> Spoken:
        pcm, words = self._library.speak(text, self.lang, self.rate)
        audio = AudioSegment(data=pcm, sample_width=2, frame_rate=self._library.sample_rate, channels=1)
        return Spoken(audio, word_starts(text, words))
