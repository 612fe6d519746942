"""Audio as the pipeline holds it: pydub's ``AudioSegment`` (imported without its warning that no system
ffmpeg exists: briefing never asks pydub to run one), MP3 decoded in-process, and the spool that keeps spoken
audio on disk while a narration is built and saved, so that memory does not grow with the article: five hours
of speech are a gigabyte of PCM, held in an unnamed temporary file (nothing is left behind, even by a killed
run) and read back piece by piece."""

from __future__ import annotations

import os
import tempfile
import threading
import warnings
import weakref
from dataclasses import dataclass

from briefing.errors import SynthesisError, WriteError

with warnings.catch_warnings():  # silenced for this import only, not for the program importing briefing
    warnings.filterwarnings("ignore", message="Couldn't find ffmpeg or avconv", category=RuntimeWarning)
    from pydub import AudioSegment

__all__ = ["AudioSegment", "Spool", "SpooledAudio", "decode_mp3"]


def decode_mp3(data: bytes) -> AudioSegment:
    """Decode MP3 bytes in-process (miniaudio's dr_mp3) to 16-bit PCM at the stream's own rate, mono."""
    import miniaudio

    try:
        decoded = miniaudio.mp3_read_s16(data)
    except miniaudio.DecodeError:
        raise SynthesisError("audio could not be decoded as MP3") from None
    if not decoded.samples:
        raise SynthesisError("audio holds no samples")
    clip = AudioSegment(
        data=decoded.samples.tobytes(),
        sample_width=2,
        frame_rate=decoded.sample_rate,
        channels=decoded.nchannels,
    )
    return clip.set_channels(1)


class Spool:
    """An append-only store of 16-bit mono PCM; readable from several threads at once."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="briefing-spool-")
        weakref.finalize(self, self._file.close)  # closed with the last narration that reads it
        self._lock = threading.Lock()
        self._size = 0

    def add(self, clip: AudioSegment, words: tuple[float, ...] | None = None) -> SpooledAudio:
        """Keep ``clip`` (as 16-bit mono; ``words``: where its words start, in ms) and return what reads it
        back."""
        pcm = memoryview(clip.set_channels(1).set_sample_width(2).raw_data)
        with self._lock:
            offset = self._size
            try:
                written = 0
                while written < len(pcm):
                    written += os.pwrite(self._file.fileno(), pcm[written:], offset + written)
            except OSError as exc:
                raise WriteError(
                    f"spoken audio cannot be kept in {tempfile.gettempdir()} ({exc.strerror or exc}); "
                    "free space there, or point TMPDIR at a folder with room"
                ) from None
            self._size += len(pcm)
        return SpooledAudio(self, ((offset, len(pcm)),), clip.frame_rate, words)

    def read(self, offset: int, size: int) -> bytes:
        data = os.pread(self._file.fileno(), size, offset)
        if len(data) != size:
            raise OSError(f"the audio spool lost data ({len(data)} of {size} bytes read)")
        return data


@dataclass(frozen=True)
class SpooledAudio:
    """Spoken audio in a :class:`Spool`: consecutive spans of it, 16-bit mono at ``frame_rate``. Reads as
    much of an ``AudioSegment`` as a track needs (``raw_data``, ``frame_count()``)."""

    spool: Spool
    spans: tuple[tuple[int, int], ...]
    frame_rate: int
    words: tuple[float, ...] | None = None
    """Where each word starts, in ms from its start, when the engine said."""

    @property
    def raw_data(self) -> bytes:
        return b"".join(self.spool.read(offset, size) for offset, size in self.spans)

    def frame_count(self) -> int:
        return sum(size for _, size in self.spans) // 2

    def followed_by(self, other: SpooledAudio) -> SpooledAudio:
        """This audio and then ``other`` (of the same spool and rate), as one."""
        words = None
        if self.words is not None and other.words is not None:
            words = self.words + tuple(self.frame_count() * 1000 / self.frame_rate + ms for ms in other.words)
        return SpooledAudio(self.spool, self.spans + other.spans, self.frame_rate, words)

    def at_rate(self, frame_rate: int) -> SpooledAudio:
        """This audio at ``frame_rate``: itself, or resampled into the spool (engines mixing rates are
        rare)."""
        if frame_rate == self.frame_rate:
            return self
        clip = AudioSegment(data=self.raw_data, sample_width=2, frame_rate=self.frame_rate, channels=1)
        return self.spool.add(clip.set_frame_rate(frame_rate), self.words)
