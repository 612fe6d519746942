"""Podcast loudness: measure integrated loudness and true peak (ITU-R BS.1770 / EBU R128), then gain and
a peak limiter.

Measured with numpy alone (no scipy: its import costs a second). The K-weighting filter is applied in
the frequency domain, 100 ms block by block; gating follows BS.1770-4. Checked against ffmpeg's ebur128
filter in the tests.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator

import numpy as np

TARGET_LUFS = -16.0
"""The common podcast target."""

CEILING_DBFS = -1.5
"""Sample-peak ceiling of the limiter: half a dB under the -1 dBTP limit, for inter-sample peaks and the
MP3 encoder's overshoot."""

PROBE_SECONDS = 30
"""How much of the track the limiter is tried on to learn how much loudness it takes away."""

CODEC_PROBE_SECONDS = 15
"""How much of the track is sent through the MP3 encoder and back to measure what encoding takes away."""

_ABSOLUTE_GATE = -70.0
_RELATIVE_GATE = -10.0


def k_weighting_power(rate: int, size: int) -> np.ndarray:
    """|H(f)|² of the BS.1770 K-weighting (high shelf, then high pass) at each rfft bin of ``size``."""
    z = np.exp(-2j * np.pi * np.fft.rfftfreq(size) )

    def biquad(b, a):
        return (b[0] + b[1] * z + b[2] * z**2) / (a[0] + a[1] * z + a[2] * z**2)

    k = math.tan(math.pi * 1681.974450955533 / rate)
    gain, q = 10 ** (3.999843853973347 / 20), 0.7071752369554196
    vb = gain**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = biquad(
        [(gain + vb * k / q + k * k) / a0, 2 * (k * k - gain) / a0, (gain - vb * k / q + k * k) / a0],
        [1, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0],
    )
    k = math.tan(math.pi * 38.13547087602444 / rate)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    high_pass = biquad([1, -2, 1], [1, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0])
    return np.abs(shelf * high_pass) ** 2


class Meter:
    """Integrated loudness and true peak of 16-bit mono PCM fed piece by piece: one pass, little memory
    however long the track. Parts of one file are measured apart and combined (:func:`combined`).

    True peak is 4x oversampled, as BS.1770 asks, only where it can matter: around blocks whose sample
    peak raised by 3 dB (more than band-limited speech overshoots between samples) would pass the
    highest true peak found so far.
    """

    def __init__(self, rate: int, peaks: bool = True):
        self.rate = rate
        self.peaks = peaks
        self._step = rate // 10  # 100 ms: gating blocks are 400 ms long, 75 % overlapping
        self._weights = k_weighting_power(rate, self._step)
        self._weights[1 : (self._step + 1) // 2] *= 2  # each rfft bin but DC (and Nyquist) stands for two
        self._energies: list[np.ndarray] = []
        self._carry = np.zeros(0, dtype=np.float32)
        self._before = np.zeros(_CONTEXT, dtype=np.float32)  # the samples before the next peak block
        self._pending = np.zeros(0, dtype=np.float32)
        self._peak = 0.0
        self._queued: list[bytes] = []
        self._queued_bytes = 0

    def add(self, pcm: bytes) -> None:
        self._queued.append(pcm)
        self._queued_bytes += len(pcm)
        if self._queued_bytes >= 20 * self.rate:  # measured ten seconds at a time: short pieces cost calls
            self._measure()

    def _measure(self) -> None:
        samples = np.frombuffer(b"".join(self._queued), dtype="<i2").astype(np.float32) / 32768
        self._queued, self._queued_bytes = [], 0
        data = np.concatenate([self._carry, samples])
        whole = len(data) // self._step * self._step
        if whole:
            spectrum = np.fft.rfft(data[:whole].reshape(-1, self._step), axis=1)
            self._energies.append((spectrum.real**2 + spectrum.imag**2) @ self._weights / self._step / self._step)
        self._carry = data[whole:]
        if not self.peaks:
            return
        self._pending = np.concatenate([self._pending, samples])
        blocks = (len(self._pending) - _CONTEXT) // _PEAK_BLOCK
        if blocks > 0:
            used = blocks * _PEAK_BLOCK
            span = np.concatenate([self._before, self._pending[: used + _CONTEXT]])
            self._peak = max(self._peak, _oversampled_peak(span, self._peak))
            self._before = self._pending[used - _CONTEXT : used]
            self._pending = self._pending[used:]

    def energies(self) -> np.ndarray:
        """The K-weighted mean square of each 100 ms added so far (see :func:`gated_loudness`)."""
        self._measure()
        return np.concatenate(self._energies) if self._energies else np.zeros(0)

    @property
    def loudness(self) -> float:
        """Integrated loudness in LUFS; -inf for silence."""
        return gated_loudness(self.energies())

    @property
    def true_peak(self) -> float:
        """The highest true peak in dBTP (the samples still pending are looked at, followed by silence)."""
        self._measure()
        rest = np.concatenate([self._before, self._pending, np.zeros(_PEAK_BLOCK + _CONTEXT, dtype=np.float32)])
        blocks = (len(rest) - 2 * _CONTEXT) // _PEAK_BLOCK
        peak = max(self._peak, _oversampled_peak(rest[: blocks * _PEAK_BLOCK + 2 * _CONTEXT], self._peak))
        return 20 * math.log10(max(peak, 1e-9))


_PEAK_BLOCK = 256
_CONTEXT = 64
_TAPER = np.hanning(2 * _CONTEXT).astype(np.float32)


def _oversampled_peak(span: np.ndarray, known: float) -> float:
    """The highest 4x-oversampled peak among the whole ``_PEAK_BLOCK`` blocks of ``span`` (which has
    ``_CONTEXT`` samples of context either side) that could pass ``known``."""
    count = (len(span) - 2 * _CONTEXT) // _PEAK_BLOCK
    if count <= 0:
        return 0.0
    inner = np.abs(span[_CONTEXT : _CONTEXT + count * _PEAK_BLOCK]).reshape(count, _PEAK_BLOCK).max(axis=1)
    candidates = np.nonzero(inner * 10 ** (3 / 20) > known)[0]
    if not len(candidates):
        return float(inner.max())
    width = _PEAK_BLOCK + 2 * _CONTEXT
    windows = span[candidates[:, None] * _PEAK_BLOCK + np.arange(width)[None, :]]
    windows[:, :_CONTEXT] *= _TAPER[:_CONTEXT]  # eased in and out: no jump where the FFT wraps around
    windows[:, -_CONTEXT:] *= _TAPER[_CONTEXT:]
    upsampled = np.fft.irfft(np.fft.rfft(windows, axis=1), n=4 * width, axis=1) * 4
    return max(float(inner.max()), float(np.abs(upsampled[:, 4 * _CONTEXT : 4 * (_CONTEXT + _PEAK_BLOCK)]).max()))


def gated_loudness(sub_blocks: np.ndarray) -> float:
    """BS.1770-4 gated loudness from the energies of consecutive 100 ms sub-blocks; -inf for silence."""
    if not len(sub_blocks):
        return -math.inf
    blocks = np.convolve(sub_blocks, np.full(4, 0.25), mode="valid") if len(sub_blocks) >= 4 else sub_blocks
    loudness = -0.691 + 10 * np.log10(np.maximum(blocks, 1e-20))
    gated = blocks[loudness > _ABSOLUTE_GATE]
    if not len(gated):
        return -math.inf
    relative = -0.691 + 10 * math.log10(gated.mean()) + _RELATIVE_GATE
    gated = blocks[(loudness > _ABSOLUTE_GATE) & (loudness > relative)]
    return -0.691 + 10 * math.log10(gated.mean())


def combined(meters: list[Meter]) -> tuple[float, float]:
    """Loudness and true peak of consecutive parts measured apart, as one file."""
    return gated_loudness(np.concatenate([m.energies() for m in meters])), max(m.true_peak for m in meters)


def integrated_loudness(pieces: Iterable[bytes], rate: int) -> float:
    """Integrated loudness in LUFS of consecutive 16-bit mono PCM pieces; -inf for silence."""
    meter = Meter(rate, peaks=False)
    for piece in pieces:
        meter.add(piece)
    return meter.loudness


def sample_for_measurement(pieces: list[bytes], rate: int, seconds: float) -> list[bytes]:
    """All pieces of a short track; of a long one, every k-th piece, about ``seconds`` long in all."""
    total = sum(len(p) for p in pieces) / 2 / rate
    return pieces[:: max(1, math.ceil(total / seconds))]


def losses(probe: list[bytes], rate: int, roundtrip: Callable[[list[bytes]], bytes] | None, target_lufs: float,
           ceiling_dbfs: float = CEILING_DBFS) -> float:  # fmt: skip
    """How many LU the limiter and the encoder take from ``probe`` once it is brought to ``target_lufs``.

    ``roundtrip`` encodes and decodes PCM as the publisher will. The limiter's share grows with the gain,
    so it is measured at the gain that already makes up for the encoder's share.
    """
    probe_loudness = integrated_loudness(probe, rate)
    if math.isinf(probe_loudness):
        return 0.0
    gain = target_lufs - probe_loudness
    codec_loss = 0.0
    if roundtrip is not None:
        limited = list(apply(sample_for_measurement(probe, rate, CODEC_PROBE_SECONDS), rate, gain, ceiling_dbfs))
        codec_loss = integrated_loudness(limited, rate) - integrated_loudness([roundtrip(limited)], rate)
    gain += codec_loss
    limiter_loss = probe_loudness + gain - integrated_loudness(apply(probe, rate, gain, ceiling_dbfs), rate)
    return codec_loss + limiter_loss


def apply(pcm: Iterable[bytes], rate: int, gain: float, ceiling_dbfs: float = CEILING_DBFS) -> Iterator[bytes]:
    """Each piece with ``gain`` dB applied and its peaks limited to ``ceiling_dbfs``."""
    scale = 10 ** (gain / 20)
    ceiling = 10 ** (ceiling_dbfs / 20)
    for piece in pcm:
        samples = np.frombuffer(piece, dtype="<i2").astype(np.float32) * (scale / 32768)
        samples = limit(samples, ceiling, rate)
        yield (np.clip(samples, -1.0, 32767 / 32768) * 32768).astype("<i2").tobytes()


def limit(samples: np.ndarray, ceiling: float, rate: int) -> np.ndarray:
    """A look-ahead peak limiter: no sample exceeds ``ceiling``; the gain eases down over ~10 ms before a
    peak, holds ~40 ms after it, and eases back, so speech is not distorted."""
    block = max(1, rate // 1000)  # 1 ms
    count = -(-len(samples) // block)
    padded = np.zeros(count * block, dtype=np.float32)
    padded[: len(samples)] = np.abs(samples)
    peaks = padded.reshape(count, block).max(axis=1)
    if not len(peaks) or peaks.max() <= ceiling:
        return samples
    needed = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9))
    ramp, hold = 10, 40
    # every block within `ramp` of a peak (or `hold` after it) is at most the gain that peak needs,
    # so the moving average over `ramp` blocks never rises above what any block needs; each sample
    # takes its block's gain
    held = _sliding_min(needed, before=hold + ramp // 2 + 1, after=ramp // 2 + 1)
    smooth = np.convolve(np.pad(held, ramp // 2, mode="edge"), np.full(ramp, 1 / ramp), mode="valid")[:count]
    smooth = np.minimum(smooth, held).astype(np.float32)
    return samples * np.repeat(smooth, block)[: len(samples)]  # steps of 1 ms along a 10 ms ramp


def _sliding_min(values: np.ndarray, before: int, after: int) -> np.ndarray:
    """out[i] = min(values[i - before : i + after + 1]), by shifting (windows here are tens of blocks)."""
    out = values.copy()
    for shift in range(1, before + 1):
        out[shift:] = np.minimum(out[shift:], values[:-shift])
    for shift in range(1, after + 1):
        out[:-shift] = np.minimum(out[:-shift], values[shift:])
    return out
