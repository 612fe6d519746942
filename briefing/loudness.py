"""Podcast loudness: the target, the gain that reaches it (tried on a probe of the track), and a true-peak
limiter. Measuring is :mod:`briefing.meter`."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from briefing.meter import CONTEXT, block_peaks, integrated_loudness

TARGET_LUFS = -16.0
"""The common podcast target."""

CEILING_DBFS = -1.5
"""Sample-peak ceiling of the limiter: half a dB under the -1 dBTP limit, for inter-sample peaks and the
MP3 encoder's overshoot."""

PROBE_SECONDS = 20
"""How much of the track the limiter is tried on to learn how much loudness it takes away."""

CODEC_PROBE_SECONDS = 20
"""How much of the track is sent through the MP3 encoder and back to measure what encoding takes away."""

LIMITER_ROUNDS = 2
"""Tries at the gain the limiter's share is measured at, each at the last one's gain plus that share;
where they head is taken (the share grows by about half as much each round)."""

def sample_for_measurement(pieces: list[bytes], rate: int, seconds: float) -> list[bytes]:
    """All pieces of a short track; of a long one, every k-th piece, about ``seconds`` long in all."""
    total = sum(len(p) for p in pieces) / 2 / rate
    return pieces[:: max(1, math.ceil(total / seconds))]


@dataclass(frozen=True)
class Trial:
    """What mastering does to a probe of the track: the LU the limiter and the encoder take from it
    (``lost``), and the encoder's share (``codec_loss``)."""

    lost: float
    codec_loss: float


def trial(probe: list[bytes], rate: int, roundtrip: Callable[[list[bytes]], bytes],
          ceiling_dbfs: float = CEILING_DBFS) -> Trial:  # fmt: skip
    """Bring ``probe`` to the target, limit it, send some of it through the encoder and back
    (``roundtrip``, at ``rate``): what it lost.

    The limiter's share grows with the gain, so it is measured at the gain that makes up for the
    encoder's share and its own.
    """
    raw = integrated_loudness(probe, rate)
    if math.isinf(raw):
        return Trial(0.0, 0.0)
    gain = TARGET_LUFS - raw
    limited = list(apply(sample_for_measurement(probe, rate, CODEC_PROBE_SECONDS), rate, gain, ceiling_dbfs))
    codec_loss = integrated_loudness(limited, rate) - integrated_loudness([roundtrip(limited)], rate)
    shares = [0.0]
    for _ in range(LIMITER_ROUNDS):  # the gain that makes up for the limiter's share makes it take more
        at = gain + codec_loss + shares[-1]
        shares.append(raw + at - integrated_loudness(apply(probe, rate, at, ceiling_dbfs), rate))
    return Trial(codec_loss + _converged(shares), codec_loss)


def _converged(values: list[float]) -> float:
    """Where a sequence converging geometrically is heading, from its last three values (Aitken's delta
    squared), or its last value when it is not."""
    a, b, c = values[-3:]
    bend = (c - b) - (b - a)
    return c - (c - b) ** 2 / bend if bend < 0 and c > b else c


Dip = tuple[int, int, float]
"""Samples [start, end) of a stream where the limiter's ceiling is this many dB lower: where an encoder
was measured to overshoot it."""


def apply(pcm: Iterable[bytes], rate: int, gain: float, ceiling_dbfs: float = CEILING_DBFS,
          dips: Sequence[Dip] = ()) -> Iterator[bytes]:  # fmt: skip
    """Each piece with ``gain`` dB applied and its peaks limited to ``ceiling_dbfs``, lowered by ``dips``
    (their depths add up where they overlap)."""
    scale = 10 ** (gain / 20)
    block = max(1, rate // 1000)
    position = 0
    for piece in pcm:
        samples = np.frombuffer(piece, dtype="<i2").astype(np.float32) * (scale / 32768)
        ceiling: float | np.ndarray = 10 ** (ceiling_dbfs / 20)
        mine = [dip for dip in dips if dip[0] < position + len(samples) and dip[1] > position]
        if mine:
            lowered = np.full(-(-len(samples) // block), ceiling_dbfs, dtype=np.float32)
            for start, end, depth in mine:
                lowered[max(0, start - position) // block : max(0, end - position) // block + 1] -= depth
            ceiling = 10 ** (lowered / 20)
        position += len(samples)
        samples = limit(samples, ceiling, rate)
        yield (np.clip(samples, -1.0, 32767 / 32768) * 32768).astype("<i2").tobytes()


def limit(samples: np.ndarray, ceiling: float | np.ndarray, rate: int) -> np.ndarray:
    """A look-ahead true-peak limiter: nothing exceeds ``ceiling`` (one, or one per millisecond), not even
    between samples; the gain eases down over ~10 ms before a peak, holds ~40 ms after it, and eases
    back, so speech is not distorted."""
    block = max(1, rate // 1000)  # 1 ms
    count = -(-len(samples) // block)
    detected = -(-count // 4)  # true peaks are found 4 ms at a time: each FFT window is mostly the block
    padded = np.zeros(detected * 4 * block + 2 * CONTEXT, dtype=np.float32)
    padded[CONTEXT : CONTEXT + len(samples)] = samples
    peaks = np.repeat(block_peaks(padded, float(np.min(ceiling)), 4 * block), 4)[:count]
    if not len(peaks) or (peaks <= ceiling).all():
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
