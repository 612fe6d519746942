"""Vowel marks (tashkeel) for the offline voices, which otherwise say many Arabic words as bare consonants.

Unvowelled Arabic leaves the short vowels to the reader; eSpeak NG guesses them for common words only and
says the rest (حفتر, مشتركة, وأعلنت...) as consonant clusters, about one word in twelve of a news article.
Given the marks, it vowels every word. The model is libtashkeel's, as the piper-tts wheel ships it
(``piper.tashkeel``, a 4.8 MB ONNX network run by onnxruntime): made for Arabic diacritization and for
exactly this use (Piper runs it before eSpeak's phonemizer for its Arabic voices), installed from PyPI with no
download at run time, and quick: a 2,000-character article in about 0.15 s on one core. Mishkal, the
rule-based alternative on PyPI, took 2.3 s for the same article. Words that already carry marks keep them.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import threading

from briefing.errors import InputError

MARKS = re.compile("[\u064b-\u0652\u0670]")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_CHUNK = 4000
"""The model takes at most 12,000 characters at once; longer text is vowelled in pieces cut at spaces."""

_lock = threading.Lock()
_model = None
HEAVY_IMPORTS = threading.Lock()
"""Held while numpy is imported off the main thread (directly, or by onnxruntime): two threads importing it at
once can meet it half-imported (an article of a batch failed so now and then)."""


def without_telemetry() -> None:
    """onnxruntime (1.32) starts Microsoft's telemetry when imported, which leaves a ``.ses`` file in TMPDIR
    after every run; its own switch turns that off. Called before the first import of onnxruntime."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")


def _diacritizer():
    global _model
    with _lock:
        if _model is None:
            without_telemetry()
            with HEAVY_IMPORTS:
                try:
                    import onnxruntime
                    from piper import tashkeel
                except ModuleNotFoundError as exc:
                    raise InputError(
                        f"vowel marks need the tashkeel model of piper-tts ({exc.name} is missing): "
                        "pip install piper-tts, or set vowels to False"
                    ) from None
                _model = _quick_to_load(tashkeel, onnxruntime)
        return _model


def load_in_background() -> None:
    """Load the model on a thread of its own; an error (piper-tts missing) is left for its first use.
    numpy is imported first, here: the caller goes on to import modules that import it too."""
    with HEAVY_IMPORTS:
        import numpy  # noqa: F401

    def load() -> None:
        with contextlib.suppress(InputError):
            _diacritizer()

    # not a daemon: a process that ends meanwhile (an error found early) waits for the load to finish, as
    # onnxruntime torn down mid-load aborts the interpreter ("terminate called without an active exception")
    threading.Thread(target=load, name="vowel-model").start()


def unload() -> None:
    """Let the model's memory go (about 10 MB) once no more text will be vowelled; the next use loads it
    again."""
    global _model
    with _lock:
        _model = None


def _quick_to_load(tashkeel, onnxruntime):
    """piper's diacritizer, its ONNX session built without graph optimizations: 25 ms to load instead of 65
    (it is on the way to the first sentence spoken), the same marks, as quick to run on sentences."""
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.intra_op_num_threads = 1  # the other core speaks meanwhile
    options.enable_cpu_mem_arena = False  # memory as the model needs it, not an arena kept for the run
    session = getattr(tashkeel, "InferenceSession", None)
    if session is None:  # another layout of piper-tts: its own session, as it builds it
        return tashkeel.TashkeelDiacritizer()
    tashkeel.InferenceSession = functools.partial(session, sess_options=options)
    try:
        return tashkeel.TashkeelDiacritizer()
    finally:
        tashkeel.InferenceSession = session


def _pieces(text: str) -> list[str]:
    pieces = []
    while len(text) > _CHUNK:
        cut = text.rfind(" ", 0, _CHUNK)
        cut = cut if cut > 0 else _CHUNK
        pieces.append(text[:cut])
        text = text[cut:]
    return [*pieces, text]


def add_vowels(text: str) -> str:
    """``text`` with vowel marks on its Arabic words; a word written with marks keeps its own."""
    if not _ARABIC_LETTER.search(text):
        return text
    model = _diacritizer()
    vowelled = "".join(_keep_spacing(piece, model.diacritize(piece)) for piece in _pieces(text))
    written, marked = text.split(" "), vowelled.split(" ")
    if len(written) != len(marked):
        return vowelled
    return " ".join(old if MARKS.search(old) else new for old, new in zip(written, marked))


def _keep_spacing(piece: str, vowelled: str) -> str:
    """The model strips the ends of what it is given; put back the spaces a cut left there."""
    start = piece[: len(piece) - len(piece.lstrip())]
    end = piece[len(piece.rstrip()) :]
    return start + vowelled + end


def strip_marks(text: str) -> str:
    return MARKS.sub("", text)
