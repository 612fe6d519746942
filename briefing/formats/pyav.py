"""Formats encoded by the FFmpeg libraries that PyAV's wheels carry (no system FFmpeg): the shared part of
AAC in MP4 and Opus in Ogg."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import ClassVar, cast

import numpy as np

from briefing.formats.base import AudioFormat, Placed


class PyAvFormat(AudioFormat):
    """Encodes with PyAV; ``container`` and ``codec`` are FFmpeg's names, ``rates`` the sample rates the
    codec takes (the track is resampled to the nearest one above its own)."""

    container: ClassVar[str]
    codec: ClassVar[str]
    rates: ClassVar[tuple[int, ...]]
    options: ClassVar[dict[str, str]] = {}
    """The encoder's options."""
    bitrate_asked: ClassVar[float] = 1.0
    """What the encoder is asked for, as a share of the bitrate the file is to have."""

    def prepare(self) -> None:
        import av  # noqa: F401  (a tenth of a second: FFmpeg's libraries)

    def output_rate(self, sample_rate: int) -> int:
        return min((rate for rate in self.rates if rate >= sample_rate), default=max(self.rates))

    def encode(self, pcm: Iterable[bytes], sample_rate: int, bitrate: int, target: Path | io.BytesIO) -> int:
        import av

        frames = 0
        with av.open(
            target if isinstance(target, io.BytesIO) else str(target), "w", format=self.container
        ) as out:
            stream = cast(
                "av.audio.stream.AudioStream",
                out.add_stream(
                    self.codec, rate=self.output_rate(sample_rate), layout="mono", options=self.options
                ),
            )
            stream.bit_rate = round(bitrate * 1000 * self.bitrate_asked)
            resampler = av.AudioResampler(
                format=stream.codec_context.format.name,
                layout="mono",  # type: ignore[union-attr]
                rate=stream.codec_context.sample_rate,
            )
            for frame in _frames(pcm, sample_rate):
                frames += frame.samples
                for resampled in resampler.resample(frame):
                    out.mux(stream.encode(resampled))
            for resampled in resampler.resample(None):
                out.mux(stream.encode(resampled))
            out.mux(stream.encode(None))
        return frames + self.delay(sample_rate)

    def priming(self, stream) -> tuple[int, bool]:
        """Samples (in ``stream``'s time base) the encoder put before the first sound of a part, and whether
        the container tells decoders to skip them at the start of the stream."""
        return 0, False

    def join(self, parts: list[Path], lengths: list[int], target: Path, sample_rate: int) -> Placed:
        """The parts' packets one after the other in one stream, nothing encoded again. In the joined stream
        each part's last frame is played whole (the container trims only the end of the stream) and each
        part's priming is played but the first's when the container skips it; the parts are cut in pauses,
        where neither is heard."""
        import av

        placed: Placed = []
        with av.open(str(target), "w", format=self.container) as out:
            stream, position = None, 0
            for number, part in enumerate(parts):
                with av.open(str(part)) as source:
                    audio = source.streams.audio[0]
                    stream = stream or out.add_stream_from_template(audio)
                    packets = [packet for packet in source.demux(audio) if packet.dts is not None]
                    whole = max((packet.duration or 0 for packet in packets), default=0)
                    primed, skipped = self.priming(audio)
                    last = number == len(parts) - 1
                    start = position
                    for index, packet in enumerate(packets):
                        duration = (packet.duration or whole) if last and index == len(packets) - 1 else whole
                        packet.pts = packet.dts = position
                        packet.stream = stream
                        out.mux(packet)
                        position += duration
                    scale = sample_rate * (audio.time_base or Fraction(1, audio.rate))
                    heard = position - start - (primed if skipped and number == 0 else 0)
                    delay = 0 if skipped and number == 0 else primed
                    placed.append((round(heard * scale), round(delay * scale)))
        return placed

    def decoded(self, path: Path) -> tuple[int, Iterator[bytes]]:
        import av

        with av.open(str(path)) as source:
            rate = source.streams.audio[0].rate
        return rate, _decoded(str(path), rate)

    def roundtrip(self, pcm: list[bytes], sample_rate: int, bitrate: int) -> bytes:
        encoded = io.BytesIO()
        self.encode(pcm, sample_rate, bitrate, encoded)
        return decode(encoded.getvalue(), sample_rate)


def _frames(pcm: Iterable[bytes], sample_rate: int) -> Iterator:
    """PCM pieces as frames of at most a second: a sentence of half a minute, resampled and encoded whole,
    would hold tens of megabytes at once."""
    import av

    for piece in pcm:
        samples = np.frombuffer(piece, dtype="<i2")
        for start in range(0, len(samples), sample_rate):
            frame = av.AudioFrame.from_ndarray(
                samples[start : start + sample_rate].reshape(1, -1), format="s16", layout="mono"
            )
            frame.sample_rate = sample_rate
            yield frame


def decode(data: bytes, sample_rate: int) -> bytes:
    """Any audio file's bytes as 16-bit mono PCM at ``sample_rate``."""
    return b"".join(_decoded(io.BytesIO(data), sample_rate))


def _decoded(source, sample_rate: int) -> Iterator[bytes]:
    """An audio file (a path or a file object) as pieces of 16-bit mono PCM at ``sample_rate``, a second or
    so each."""
    import av

    with av.open(source) as container:
        frames = container.decode(audio=0)
        first = next(frames, None)
        if first is None:
            return
        frames = itertools.chain([first], frames)
        floats = first.format.name in ("flt", "fltp") and len(first.layout.channels) == 1
        if floats and first.sample_rate == sample_rate:  # AAC and Opus measured at their own rate
            yield from _from_floats(frames)
        else:
            yield from _resampled(frames, sample_rate)


def _from_floats(frames: Iterator) -> Iterator[bytes]:
    """Mono float frames as 16-bit PCM, converted as FFmpeg's resampler does (x * 32768, rounded to even,
    clipped) but in numpy a second at a time: the resampler's call per frame cost more than decoding."""
    pending: list[bytes] = []
    for frame in itertools.chain(frames, [None]):
        if frame is not None:
            pending.append(bytes(frame.planes[0])[: frame.samples * 4])
        if pending and (frame is None or len(pending) >= 48):
            samples = np.frombuffer(b"".join(pending), dtype="<f4")
            yield np.clip(np.rint(samples * 32768.0), -32768, 32767).astype("<i2").tobytes()
            pending = []


def _resampled(frames: Iterator, sample_rate: int) -> Iterator[bytes]:
    import av

    pending: list[bytes] = []
    resampler = av.AudioResampler(format="s16", layout="mono", rate=sample_rate)
    for frame in itertools.chain(frames, [None]):  # None: what the resampler holds
        pending += [bytes(out.planes[0])[: out.samples * 2] for out in resampler.resample(frame)]
        if frame is None or len(pending) >= 32:
            yield b"".join(pending)
            pending = []


def chapters_of(timeline) -> list[dict]:
    """The timeline's sections as PyAV chapters, in milliseconds."""

    return [
        {
            "id": number + 1,
            "start": round(section.start_ms),
            "end": round(section.end_ms),
            "time_base": Fraction(1, 1000),
            "metadata": {"title": section.title},
        }
        for number, section in enumerate(timeline.sections)
    ]
