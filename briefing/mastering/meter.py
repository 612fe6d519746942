"""Measuring loudness and true peak (ITU-R BS.1770 / EBU R128) of 16-bit mono PCM, with numpy alone (no
scipy: its import costs a second). The K-weighting filter is applied in the frequency domain, 100 ms
block by block; gating follows BS.1770-4; true peak is 4x oversampled. Checked against ffmpeg's ebur128
filter in the tests."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable

import numpy as np

_ABSOLUTE_GATE = -70.0
_RELATIVE_GATE = -10.0


@functools.lru_cache(maxsize=16)
def k_weighting_power(rate: int, size: int) -> np.ndarray:
    """|H(f)|² of the BS.1770 K-weighting (high shelf, then high pass) at each rfft bin of ``size``."""
    z = np.exp(-2j * np.pi * np.fft.rfftfreq(size))

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
    however long the track. Parts of one file measured apart combine through their ``energies()``.

    True peak is 4x oversampled, as BS.1770 asks, only where it can matter: around blocks whose sample
    peak raised by 3 dB (more than band-limited speech overshoots between samples) would pass the
    highest true peak found so far, or ``over_db``. With ``over_db``, ``overs`` lists where the true
    peak passed it: (sample, dBTP), for the limiter to hold those places lower.
    """

    def __init__(self, rate: int, peaks: bool = True, over_db: float | None = None):
        self.rate = rate
        self.peaks = peaks
        self.over = None if over_db is None else 10 ** (over_db / 20)
        self.overs: list[tuple[int, float]] = []
        self._step = rate // 10  # 100 ms: gating blocks are 400 ms long, 75 % overlapping
        self._size = _fast_size(self._step)  # zero-padded to a length the FFT is quick at
        self._weights = k_weighting_power(rate, self._size).copy()
        self._weights[1 : (self._size + 1) // 2] *= 2  # each rfft bin but DC (and Nyquist) stands for two
        self._energies: list[np.ndarray] = []
        self._carry = np.zeros(0, dtype=np.float32)
        self._before = np.zeros(CONTEXT, dtype=np.float32)  # the samples before the next peak block
        self._pending = np.zeros(0, dtype=np.float32)
        self._position = 0  # of the first pending sample
        self._peak = 0.0
        self._queued: list[bytes] = []
        self._queued_bytes = 0
        self._closed = False

    def add(self, pcm: bytes) -> None:
        if self._closed:
            raise ValueError("the meter was read: nothing more can be added")
        self._queued.append(pcm)
        self._queued_bytes += len(pcm)
        if self._queued_bytes >= 6 * self.rate:  # measured three seconds at a time: short pieces cost calls
            self._measure()

    def _measure(self) -> None:
        samples = np.frombuffer(b"".join(self._queued), dtype="<i2").astype(np.float32) / 32768
        self._queued, self._queued_bytes = [], 0
        data = np.concatenate([self._carry, samples])
        whole = len(data) // self._step * self._step
        if whole:
            spectrum = np.fft.rfft(data[:whole].reshape(-1, self._step), n=self._size, axis=1)
            self._energies.append(
                (spectrum.real**2 + spectrum.imag**2) @ self._weights / self._size / self._step
            )
        self._carry = data[whole:]
        if self.peaks:
            self._pending = np.concatenate([self._pending, samples])
            self._peaks((len(self._pending) - CONTEXT) // _PEAK_BLOCK)

    def _peaks(self, blocks: int) -> None:
        """Look at the next ``blocks`` pending blocks (the context after them is pending too)."""
        if blocks <= 0:
            return
        used = blocks * _PEAK_BLOCK
        span = np.concatenate([self._before, self._pending[: used + CONTEXT]])
        highest = max(self._peak, float(np.abs(span).max()))  # no true peak is lower than a sample
        peaks = block_peaks(span, min(highest, self.over) if self.over else highest)
        self._peak = max(self._peak, float(peaks.max()))
        if self.over:
            self.overs += [
                (self._position + int(i) * _PEAK_BLOCK + _PEAK_BLOCK // 2, 20 * math.log10(peaks[i]))
                for i in np.nonzero(peaks > self.over)[0]
            ]
        self._before = span[used : used + CONTEXT]
        self._pending = self._pending[used:]
        self._position += used

    def _close(self) -> None:
        """Measure what is still queued and pending (followed by silence); nothing can be added after."""
        if not self._closed:
            self._measure()
            if self.peaks:
                self._pending = np.concatenate(
                    [self._pending, np.zeros(_PEAK_BLOCK + CONTEXT, dtype=np.float32)]
                )
                self._peaks((len(self._pending) - CONTEXT) // _PEAK_BLOCK)
            self._closed = True

    def energies(self) -> np.ndarray:
        """The K-weighted mean square of each 100 ms (see :func:`gated_loudness`)."""
        self._close()
        return np.concatenate(self._energies) if self._energies else np.zeros(0)

    @property
    def loudness(self) -> float:
        """Integrated loudness in LUFS; -inf for silence."""
        return gated_loudness(self.energies())

    @property
    def true_peak(self) -> float:
        """The highest true peak in dBTP."""
        self._close()
        return 20 * math.log10(max(self._peak, 1e-9))


def _fast_size(n: int) -> int:
    """The smallest length from ``n`` up with no prime factor over 5."""
    while True:
        rest = n
        for prime in (2, 3, 5):
            while rest % prime == 0:
                rest //= prime
        if rest == 1:
            return n
        n += 1


_PEAK_BLOCK = 256
CONTEXT = 64
_TAPER = np.hanning(2 * CONTEXT).astype(np.float32)


def block_peaks(span: np.ndarray, known: float, block: int = _PEAK_BLOCK) -> np.ndarray:
    """The peak of each whole ``block`` of ``span`` (which has ``CONTEXT`` samples of context either
    side): 4x oversampled where it could pass ``known``, the highest sample elsewhere."""
    count = (len(span) - 2 * CONTEXT) // block
    peaks = np.abs(span[CONTEXT : CONTEXT + count * block]).reshape(count, block).max(axis=1)
    width = block + 2 * CONTEXT
    candidates = np.nonzero(peaks * 10 ** (3 / 20) > known)[0]
    for start in range(0, len(candidates), _WINDOWS_AT_ONCE):  # a long sentence's windows 4x: tens of MB
        chosen = candidates[start : start + _WINDOWS_AT_ONCE]
        windows = span[chosen[:, None] * block + np.arange(width)[None, :]]
        windows[:, :CONTEXT] *= _TAPER[:CONTEXT]  # eased in and out: no jump where the FFT wraps around
        windows[:, -CONTEXT:] *= _TAPER[CONTEXT:]
        upsampled = np.fft.irfft(np.fft.rfft(windows, axis=1), n=4 * width, axis=1)
        highest = np.abs(upsampled[:, 4 * CONTEXT : 4 * (CONTEXT + block)]).max(axis=1) * 4
        peaks[chosen] = np.maximum(peaks[chosen], highest)
    return peaks


_WINDOWS_AT_ONCE = 256


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


def integrated_loudness(pieces: Iterable[bytes], rate: int) -> float:
    """Integrated loudness in LUFS of consecutive 16-bit mono PCM pieces; -inf for silence."""
    meter = Meter(rate, peaks=False)
    for piece in pieces:
        meter.add(piece)
    return meter.loudness
