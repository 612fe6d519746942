"""Podcast loudness: measure integrated loudness (ITU-R BS.1770 / EBU R128), then gain and a peak limiter.

Measured with numpy alone (no scipy: its import costs a second). The K-weighting filter is applied in
the frequency domain, 100 ms block by block; gating follows BS.1770-4. Checked against ffmpeg's ebur128
filter in the tests.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np

TARGET_LUFS = -16.0
"""The common podcast target."""

CEILING_DBFS = -1.5
"""Sample-peak ceiling of the limiter: half a dB under the -1 dBTP limit, for inter-sample peaks and the
MP3 encoder's overshoot."""

MEASURED_SECONDS = 10 * 60
"""Longer tracks are measured on an evenly spread sample of their pieces, this long in all."""

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


def integrated_loudness(pieces: Iterable[bytes], rate: int) -> float:
    """Integrated loudness in LUFS of consecutive 16-bit mono PCM pieces; -inf for silence."""
    step = rate // 10  # 100 ms: gating blocks are 400 ms long, 75 % overlapping
    weights = k_weighting_power(rate, step)
    weights[1 : (step + 1) // 2] *= 2  # each rfft bin but DC (and Nyquist) stands for two
    energies = []
    carry = np.zeros(0, dtype=np.float32)
    for piece in pieces:
        samples = np.concatenate([carry, np.frombuffer(piece, dtype="<i2").astype(np.float32) / 32768])
        whole = len(samples) // step * step
        if whole:
            spectrum = np.fft.rfft(samples[:whole].reshape(-1, step), axis=1)
            energies.append((np.abs(spectrum) ** 2 @ weights) / step / step)
        carry = samples[whole:]
    if not energies:
        return -math.inf
    sub_blocks = np.concatenate(energies)
    blocks = np.convolve(sub_blocks, np.full(4, 0.25), mode="valid") if len(sub_blocks) >= 4 else sub_blocks
    loudness = -0.691 + 10 * np.log10(np.maximum(blocks, 1e-20))
    gated = blocks[loudness > _ABSOLUTE_GATE]
    if not len(gated):
        return -math.inf
    relative = -0.691 + 10 * math.log10(gated.mean()) + _RELATIVE_GATE
    gated = blocks[(loudness > _ABSOLUTE_GATE) & (loudness > relative)]
    return -0.691 + 10 * math.log10(gated.mean())


def sample_for_measurement(pieces: list[bytes], rate: int, seconds: float = MEASURED_SECONDS) -> list[bytes]:
    """All pieces of a short track; of a long one, every k-th piece, about ``seconds`` long in all."""
    total = sum(len(p) for p in pieces) / 2 / rate
    return pieces[:: max(1, math.ceil(total / seconds))]


def normalizing_gain(
    pieces: list[bytes],
    rate: int,
    roundtrip: Callable[[list[bytes]], bytes] | None = None,
    target_lufs: float = TARGET_LUFS,
    ceiling_dbfs: float = CEILING_DBFS,
) -> tuple[float, float]:
    """The measured loudness, and the gain in dB that brings the published result to ``target_lufs``.

    ``pieces`` are the sounds of the track without its pauses: gating ignores silence anyway (measured
    on eSpeak speech, leaving the pauses out changes the result by 0.05 LU), and without them any
    sample of pieces is all speech.

    Two things take loudness away after the gain: the limiter and the MP3 encoder (at 64 kb/s it drops
    about half a LU of speech's high end). Both are measured on a short probe of the track (see
    :func:`losses`) while the whole track is measured on another thread.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        whole = pool.submit(integrated_loudness, sample_for_measurement(pieces, rate), rate)
        lost = losses(sample_for_measurement(pieces, rate, PROBE_SECONDS), rate, roundtrip, target_lufs, ceiling_dbfs)
        measured = whole.result()
    if math.isinf(measured):
        return measured, 0.0
    return measured, target_lufs - measured + lost


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


def true_peak(pcm: bytes, block: int = 1 << 16) -> float:
    """The true peak of 16-bit PCM in dBTP: 4x oversampled, block by block (power-of-two FFTs, overlapping
    so that no peak is missed at a seam), in little memory however long the track."""
    samples = np.frombuffer(pcm, dtype="<i2")
    overlap, peak = 64, 0.0
    for start in range(0, max(len(samples), 1), block - 2 * overlap):
        chunk = samples[start : start + block].astype(np.float64) / 32768
        if not len(chunk):
            break
        upsampled = np.fft.irfft(np.fft.rfft(chunk, n=block), n=block * 4) * 4
        peak = max(peak, float(np.abs(upsampled[: len(chunk) * 4]).max()))
    return 20 * math.log10(max(peak, 1e-9))


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
