"""Mastering: the assembled track brought to -16 LUFS under a peak limiter and encoded in a format, in
parts on every core where the format allows; every file decoded and measured, and encoded again where it
missed the target; and the timeline as decoders will play the result."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from briefing.assemble import Track
from briefing.cache import ClipCache
from briefing.formats.base import AudioFormat
from briefing.formats.mp3 import MP3_QUALITY
from briefing.mastering import loudness
from briefing.mastering.loudness import TRUE_PEAK_LIMIT
from briefing.mastering.meter import Meter, gated_loudness, integrated_loudness
from briefing.mastering.parts import Ranges

LOUDNESS_TOLERANCE = 0.3
"""LU a decoded file may miss the target by before it is encoded again: the promise is 0.5, the rest is
room for meters that differ."""

ENCODINGS = 5
"""Encodings of a file at most. Each file is decoded and measured; one off target (the limiter or the
encoder took more or less than the probe foresaw) is encoded again, corrected by what was measured. The
last keeps the true-peak limit whatever it costs in loudness."""

MASTERING = (f"lufs={loudness.TARGET_LUFS};ceiling={loudness.CEILING_DBFS};tp={TRUE_PEAK_LIMIT};"
             f"tol={LOUDNESS_TOLERANCE};q={MP3_QUALITY};v=6")  # fmt: skip
"""Everything besides the PCM and the options that decides the encoded bytes; change v to renew entries."""

@dataclass(frozen=True)
class Level:
    """The loudness of one file as published: its speech before mastering (LUFS), the gain applied
    before the limiter (dB; None when its parts were leveled apart), and what the file measures once
    decoded (LUFS, dBTP)."""

    measured: float
    gain: float | None
    loudness: float
    true_peak: float


@dataclass(frozen=True)
class Mastered:
    """Each leveled file's :class:`Level`, the main audio file's, and each part's decoded length."""

    levels: list[Level]
    main: Level
    decoded: list[int]


def encode_track(track: Track, parts: Ranges, targets: list[Path], groups: list[list[int]], fmt: AudioFormat,
                 bitrate: int, jobs: int, cache: ClipCache | None,
                 stage: Callable[[str], None] | None = None) -> Mastered:  # fmt: skip
    """Encode each range of pieces (``parts``) into its target, ``jobs`` at a time (lameenc and FFmpeg
    release the GIL), every file at -16 LUFS under the true-peak limit.

    ``groups`` are the parts of each file leveled on its own (every part in one group): the whole track,
    or each section. The main audio file is the first group, or all parts one after the other for a
    format that ``concatenates``. Taken from ``cache`` when this exact audio was encoded before with the
    same settings, and kept there otherwise.
    """
    stage = stage or (lambda name: None)
    key = encoded_key(track, parts, fmt, bitrate) if cache else ""
    kept = _from_cache(cache, key, targets) if cache else None
    if kept is not None:
        return kept
    rate = track.sample_rate
    owner = {part: number for number, group in enumerate(groups) for part in group}

    stage("Measuring loudness")
    probe = _probe(track)
    tried = loudness.trial(probe, rate, lambda pcm: fmt.roundtrip(pcm, rate, bitrate))
    probes, speech = [probe], [tried.speech]  # each file leveled on its own: the probe of its parts
    if len(groups) > 1:
        probes = [_probe(track, [parts[p] for p in group]) for group in groups]
        speech = [integrated_loudness(each, rate) for each in probes]
    tries: list[list[tuple[float, float, float]]] = [[] for _ in groups]  # gain, LUFS, dBTP
    silent = {number for number, loud in enumerate(speech) if math.isinf(loud)}  # nothing to level
    gains = [0.0 if number in silent else loudness.TARGET_LUFS - loud + tried.lost
             for number, loud in enumerate(speech)]  # fmt: skip
    ceilings = [tried.ceiling] * len(groups)
    dips: list[list[loudness.Dip]] = [[] for _ in parts]
    heard: dict[int, Heard] = {}
    decoded = [0] * len(parts)

    def encode(part: int) -> tuple[int, Heard]:
        start, end = parts[part]
        group = owner[part]
        limited = loudness.apply((piece.raw_data for piece in track.pieces[start:end]), rate, gains[group],
                                 ceilings[group], dips[part])  # fmt: skip
        length = fmt.encode(limited, rate, bitrate, targets[part])
        out_rate, played = fmt.decoded(targets[part])
        meter = Meter(out_rate, over_db=TRUE_PEAK_LIMIT)
        for piece in played:
            meter.add(piece)
        return length, Heard(meter.energies(), meter.true_peak, meter.overs, out_rate)

    pending = list(range(len(groups)))
    for attempt in range(ENCODINGS):
        stage(f"Encoding {fmt.name.upper()}" + (" again: measured off target" if attempt else ""))
        todo = [part for group in pending for part in groups[group]]
        for part, (length, result) in zip(todo, _each(encode, todo, jobs)):
            decoded[part], heard[part] = length, result
        for group in pending:
            tries[group].append((gains[group], *_combined([heard[p] for p in groups[group]])))
        pending = [group for group in pending if group not in silent and _off_target(tries[group])]
        for group in pending:  # corrected by what the file measured, the gain found on the probe again
            gain, lufs, peak = tries[group][-1]
            limited = integrated_loudness(list(loudness.apply(probes[group], rate, gain, ceilings[group])), rate)
            if peak > TRUE_PEAK_LIMIT and attempt == ENCODINGS - 2:  # the last: over the limit it must not be
                ceilings[group] -= 2 * (peak - TRUE_PEAK_LIMIT) + loudness.OVER_MARGIN
            elif peak > TRUE_PEAK_LIMIT:  # held lower where it went over: loudness elsewhere is kept
                for part in groups[group]:
                    dips[part] += _dips(heard[part], rate, fmt.delay(rate))
            goal = loudness.TARGET_LUFS - (lufs - limited)  # what the encoder and the rest of the file differ by
            gains[group] = loudness.gain_for(probes[group], rate, goal, ceilings[group], gain, speech[group])
        if not pending:
            break
    levels = [Level(loud, *tries[number][-1]) for number, loud in enumerate(speech)]
    if fmt.concatenates and len(groups) > 1:
        main = Level(tried.speech, None, *_combined([heard[part] for part in range(len(parts))]))
    else:
        main = levels[0]
    mastered = Mastered(levels, main, decoded)
    if cache:
        about = {"levels": [asdict(level) for level in mastered.levels], "main": asdict(mastered.main),
                 "decoded": mastered.decoded}  # fmt: skip
        cache.put_files(key, "track", about, targets)
    return mastered


def _each(work: Callable, items: list, jobs: int) -> list:
    """``work`` of each item, ``jobs`` at a time. Ctrl-C or SIGTERM answers at once: what is under way is
    not awaited (the run is ending and removes its files), what has not started never does."""
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        results = list(pool.map(work, items))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


@dataclass(frozen=True)
class Heard:
    """One encoded part as listeners hear it, decoded and measured: the K-weighted energy of each 100 ms,
    its true peak, and where that passed the limit ((sample, dBTP) at ``rate``)."""

    energies: np.ndarray
    true_peak: float
    overs: list[tuple[int, float]]
    rate: int


def _combined(parts: list[Heard]) -> tuple[float, float]:
    """Loudness and true peak of consecutive parts, as one file."""
    return gated_loudness(np.concatenate([p.energies for p in parts])), max(p.true_peak for p in parts)


def _probe(track: Track, ranges: Ranges | None = None) -> list[bytes]:
    """The middle of the spoken pieces (and chimes) in ``ranges`` (default: all), the same share of each:
    about ``loudness.PROBE_SECONDS`` of the track, a hundredth of a long one; slices of a second at least,
    from every k-th piece when pieces are short. Every voice and sentence is in it, no pause: what the
    speech's loudness is measured on, and the limiter and the encoder tried on."""
    rate = track.sample_rate
    spoken = [index for index, timed in enumerate(track.timeline.cues) if timed.cue.kind != "pause"]
    total = max(1, sum(track.pieces[index].frame_count() for index in spoken))
    share = min(1.0, max(loudness.PROBE_SECONDS * rate, total * PROBE_SHARE) / total)
    every = max(1, math.ceil(rate / (share * total / max(1, len(spoken)))))
    wanted = set(spoken) if ranges is None else {i for start, end in ranges for i in range(start, end)}
    probe = []
    # one piece in `every`, chosen along a golden-ratio sequence rather than at a fixed stride: an article
    # that repeats itself (or a regular layout of headings) would otherwise put the same sentences in it
    chosen = [index for n, index in enumerate(spoken) if (n * GOLDEN) % 1 < 1 / every]
    for index in chosen:
        if index in wanted:
            pcm = track.pieces[index].raw_data
            keep = min(len(pcm), int(len(pcm) * share * every)) // 2 * 2
            start = (len(pcm) - keep) // 4 * 2
            probe.append(pcm[start : start + keep])
    return probe


GOLDEN = (5**0.5 - 1) / 2

PROBE_SHARE = 0.01
"""Of a track longer than ``loudness.PROBE_SECONDS`` a hundred times, its probe is this share."""


def _off_target(tries: list[tuple[float, float, float]]) -> bool:
    """Whether a file's last encoding missed the loudness target or passed the true-peak limit, and
    another may do better: not when the gain last moved the loudness by next to nothing (a limiter
    that takes all of any more gain)."""
    _, lufs, peak = tries[-1]
    if peak > TRUE_PEAK_LIMIT:
        return True
    stuck = len(tries) > 1 and abs(lufs - tries[-2][1]) < 0.05 and tries[-2][2] <= TRUE_PEAK_LIMIT
    return abs(lufs - loudness.TARGET_LUFS) > LOUDNESS_TOLERANCE and not stuck


DIP_MS = 25
"""How far either side of an encoder's overshoot the limiter's ceiling is lowered: about a codec frame."""


def _dips(heard: Heard, rate: int, delay: int) -> list[loudness.Dip]:
    """Where a decoded part's true peak went over the limit, as places of the part's PCM (at ``rate``)
    for the limiter to hold lower by the excess and a margin; overs close together make one place."""
    width = rate * DIP_MS // 1000
    places: list[list] = []
    for sample, peak in heard.overs:
        at = round(sample * rate / heard.rate) - delay
        depth = peak - TRUE_PEAK_LIMIT + loudness.OVER_MARGIN
        if places and at - width <= places[-1][1]:
            places[-1][1], places[-1][2] = at + width, max(places[-1][2], depth)
        else:
            places.append([at - width, at + width, depth])
    return [(start, end, depth) for start, end, depth in places]


def _from_cache(cache: ClipCache, key: str, targets: list[Path]) -> Mastered | None:
    """The files and levels kept under ``key``, written to ``targets``; None when absent or of an older layout."""
    kept = cache.get_files(key, "track", targets)
    try:
        return Mastered([Level(**level) for level in kept["levels"]], Level(**kept["main"]), kept["decoded"]) if kept else None
    except (KeyError, TypeError):
        return None


def encoded_key(track: Track, parts: Ranges, fmt: AudioFormat, bitrate: int) -> str:
    """The cache key of an encoded track: its PCM, its parts, and every setting that decides the bytes."""
    digest = hashlib.sha256(
        f"{MASTERING};format={fmt.name};rate={track.sample_rate};bitrate={bitrate};parts={parts}".encode())  # fmt: skip
    for piece in track.pieces:
        pcm = piece.raw_data
        digest.update(len(pcm).to_bytes(8, "little"))
        digest.update(pcm)
    return digest.hexdigest()
