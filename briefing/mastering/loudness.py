"""Podcast loudness: the target, the gain that reaches it (tried on a probe of the track), and a true-peak
limiter. Measuring is :mod:`briefing.mastering.meter`."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from briefing.mastering import (
    CEILING_DBFS,
    CODEC_PROBE_SECONDS,
    GAIN_STEPS,
    GAIN_TOLERANCE,
    MOST_LIMITING,
    OVER_MARGIN,
    TARGET_LUFS,
    TRUE_PEAK_LIMIT,
)
from briefing.mastering.meter import CONTEXT, Meter, block_peaks, integrated_loudness


def sample_for_measurement(pieces: list[bytes], rate: int, seconds: float) -> list[bytes]:
    """All pieces of a short track; of a long one, every k-th piece, about ``seconds`` long in all. Where
    those are far shorter (one long sentence between two short cues: every k-th piece can be the short ones
    alone, which measured as silence), windows of two seconds spread evenly over the whole instead."""
    total = sum(len(p) for p in pieces) // 2
    chosen = pieces[:: max(1, math.ceil(total / rate / seconds))]
    if sum(len(p) for p in chosen) // 2 >= seconds * rate / 2:
        return chosen
    joined, wanted = b"".join(pieces), int(seconds * rate)
    window = min(wanted, 2 * rate)
    count = max(1, wanted // window)
    step = (total - window) // max(1, count - 1)
    return [joined[2 * n * step : 2 * (n * step + window)] for n in range(count)]


@dataclass(frozen=True)
class Trial:
    """What mastering does to a probe of the track: the probe's loudness as spoken (``speech``, LUFS), the
    limiter's ``ceiling`` (dBFS) that keeps the encoder's peaks under the limit, and the LU the limiter and
    the encoder take from the speech at that ceiling (``lost``)."""

    speech: float
    ceiling: float
    lost: float


def trial(
    probe: list[bytes], rate: int, roundtrip: Callable[[list[bytes]], bytes], headroom: float = 0.0
) -> Trial:
    """Bring ``probe`` to the target, limit it, send some of it through the encoder and back
    (``roundtrip``, at ``rate``): how far the encoder's peaks went over the limit, which lowers the
    ceiling, and what the encoder took from the loudness. Then the gain that reaches the target at that
    ceiling despite both, found on the probe itself. ``headroom``: dB the ceiling starts lower, for an
    encoder whose peaks pass it by more on a whole file than on a probe."""
    raw = integrated_loudness(probe, rate)
    start = CEILING_DBFS - headroom
    if math.isinf(raw):
        return Trial(raw, start, 0.0)
    gain = TARGET_LUFS - raw
    limited = list(apply(sample_for_measurement(probe, rate, CODEC_PROBE_SECONDS), rate, gain, start))
    heard = Meter(rate)
    heard.add(roundtrip(limited))
    over = heard.true_peak - TRUE_PEAK_LIMIT
    ceiling = start - (over + OVER_MARGIN if over > 0 else 0.0)
    codec_loss = integrated_loudness(limited, rate) - heard.loudness
    codec_loss = codec_loss if math.isfinite(codec_loss) else 0.0
    return Trial(
        raw, ceiling, gain_for(probe, rate, TARGET_LUFS + codec_loss, ceiling, gain + codec_loss, raw) - gain
    )


def gain_for(
    probe: list[bytes], rate: int, goal: float, ceiling: float, start: float, speech: float
) -> float:
    """The gain that brings ``probe``, limited at ``ceiling``, to ``goal`` LUFS, measured on the limited
    probe itself: secant steps from ``start``. The limiter takes a share of any gain, so loudness rises
    with gain, by at most as much. Where it takes most of it (a voice whose every syllable meets the
    limiter), a gain a little short of the goal is taken rather than many dB more limiting; and never
    more than ``MOST_LIMITING`` dB past the gain the speech alone needs (``speech``: the probe's loudness)."""
    if math.isinf(speech):
        return start
    most = goal - speech + MOST_LIMITING

    def missed(gain: float) -> float:
        return integrated_loudness(list(apply(probe, rate, gain, ceiling)), rate) - goal

    low, low_missed, slope = start, missed(start), 1.0
    for _ in range(GAIN_STEPS):
        near = GAIN_TOLERANCE if slope >= STEEP_SLOPE else SHORT_OF_GOAL
        gain = min(most, low - low_missed / slope)
        if abs(low_missed) <= near or -near <= low_missed <= 0 or gain == low:
            break
        gain_missed = missed(gain)
        slope = min(1.0, max(0.05, (gain_missed - low_missed) / (gain - low)))
        low, low_missed = gain, gain_missed
    return low


STEEP_SLOPE, SHORT_OF_GOAL = 0.25, 0.2
"""Where another dB of gain adds less than ``STEEP_SLOPE`` LU, a gain ``SHORT_OF_GOAL`` LU short is found."""


Dip = tuple[int, int, float]
"""Samples [start, end) of a stream where the limiter's ceiling is this many dB lower: where an encoder
was measured to overshoot it."""


def apply(
    pcm: Iterable[bytes], rate: int, gain: float, ceiling_dbfs: float = CEILING_DBFS, dips: Sequence[Dip] = ()
) -> Iterator[bytes]:
    """Each piece with ``gain`` dB applied and its peaks limited to ``ceiling_dbfs``, lowered by ``dips``
    (their depths add up where they overlap). A long piece is limited five seconds at a time, each
    with a tenth of a second of the piece either side for the limiter to see coming: the same samples as
    limited whole, in a fraction of the memory (two encoders at once each held several copies of a
    half-minute sentence)."""
    scale = 10 ** (gain / 20)
    block = max(1, rate // 1000)
    step, margin = LIMITED_AT_ONCE_MS * block, LIMITER_CONTEXT_MS * block  # whole 4 ms groups of blocks
    position = 0
    for piece in pcm:
        whole = np.frombuffer(piece, dtype="<i2")
        ceiling = _ceiling(ceiling_dbfs, dips, position, len(whole), block)
        for start in range(0, len(whole), step):
            low, high = max(0, start - margin), min(len(whole), start + step + margin)
            samples = whole[low:high].astype(np.float32) * (scale / 32768)
            if isinstance(ceiling, np.ndarray):
                samples = limit(samples, ceiling[low // block : -(-high // block)], rate)
            else:
                samples = limit(samples, ceiling, rate)
            kept = samples[start - low : start - low + step]
            yield (np.clip(kept, -1.0, 32767 / 32768) * 32768).astype("<i2").tobytes()
        position += len(whole)


LIMITED_AT_ONCE_MS, LIMITER_CONTEXT_MS = 5000, 100
"""How much of a piece the limiter takes at once, and how much it sees either side: more than its look-ahead,
hold and ramp (about 60 ms) reach. Both multiples of its 4 ms peak detection, so every part is cut where
the whole piece's blocks are."""


def _ceiling(
    ceiling_dbfs: float, dips: Sequence[Dip], position: int, length: int, block: int
) -> float | np.ndarray:
    """The limiter's ceiling over ``length`` samples from ``position`` of the stream: one value, or one a
    block (millisecond) where ``dips`` lower it."""
    mine = [dip for dip in dips if dip[0] < position + length and dip[1] > position]
    if not mine:
        return 10 ** (ceiling_dbfs / 20)
    lowered = np.full(-(-length // block), ceiling_dbfs, dtype=np.float32)
    for start, end, depth in mine:
        lowered[max(0, start - position) // block : max(0, end - position) // block + 1] -= depth
    return 10 ** (lowered / 20)


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
