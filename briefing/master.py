"""Mastering: the assembled track brought to -16 LUFS under a peak limiter and encoded in a format, in
parts on every core where the format allows; every file decoded and measured, and encoded again where it
missed the target; and the timeline as decoders will play the result."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from briefing import loudness
from briefing.assemble import Track
from briefing.cache import PAYLOAD_OFFSET, ClipCache
from briefing.codec import MP3_QUALITY
from briefing.formats.base import AudioFormat
from briefing.parts import Ranges

TRUE_PEAK_LIMIT = -1.2
"""dBTP an encoded file's peaks are held under: -1 dBTP, the podcast limit, with a margin for meters that
oversample differently."""

LOUDNESS_TOLERANCE = 0.3
"""LU a decoded file may miss the target by before it is encoded again: the promise is 0.5, the rest is
room for meters that differ."""

ENCODINGS = 4
"""Encodings of a file at most. Each file is decoded and measured; one off target (the limiter or the
encoder took more or less than the probe foresaw) is encoded again, corrected by what was measured."""

MASTERING = (f"lufs={loudness.TARGET_LUFS};ceiling={loudness.CEILING_DBFS};tp={TRUE_PEAK_LIMIT};"
             f"tol={LOUDNESS_TOLERANCE};q={MP3_QUALITY};v=4")  # fmt: skip
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
    kept = _restore(cache, key, targets) if cache else None
    if kept is not None:
        return kept
    rate = track.sample_rate
    owner = {part: number for number, group in enumerate(groups) for part in group}

    stage("Measuring loudness")
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        speech = list(pool.map(lambda group: _speech_meter(track, [parts[p] for p in group]), groups))
        lost = loudness.losses(_probe(track), rate, lambda pcm: fmt.roundtrip(pcm, rate, bitrate),
                               loudness.TARGET_LUFS)  # fmt: skip
    tries: list[list[tuple[float, float, float, float]]] = [[] for _ in groups]  # gain, ceiling, LUFS, dBTP
    silent = {number for number, meter in enumerate(speech) if math.isinf(meter.loudness)}  # nothing to level
    gains = [0.0 if number in silent else loudness.TARGET_LUFS - meter.loudness + lost
             for number, meter in enumerate(speech)]  # fmt: skip
    ceilings = [loudness.CEILING_DBFS] * len(groups)
    meters: dict[int, loudness.Meter] = {}
    decoded = [0] * len(parts)

    def encode(part: int) -> tuple[int, loudness.Meter]:
        (start, end), group = parts[part], owner[part]
        pcm = loudness.apply((piece.raw_data for piece in track.pieces[start:end]), rate, gains[group], ceilings[group])
        length = fmt.encode(pcm, rate, bitrate, targets[part])
        out_rate, played = fmt.decoded(targets[part])
        meter = loudness.Meter(out_rate)
        for piece in played:
            meter.add(piece)
        return length, meter

    pending = list(range(len(groups)))
    for attempt in range(ENCODINGS):
        stage(f"Encoding {fmt.name.upper()}" + (" again: measured off target" if attempt else ""))
        todo = [part for group in pending for part in groups[group]]
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for part, (length, meter) in zip(todo, pool.map(encode, todo)):
                decoded[part], meters[part] = length, meter
        for group in pending:
            tries[group].append((gains[group], ceilings[group], *loudness.combined([meters[p] for p in groups[group]])))
        pending = [group for group in pending if group not in silent and _off_target(tries[group][-1])]
        for group in pending:
            gains[group], ceilings[group] = _corrected(tries[group])
        if not pending:
            break
    levels = [Level(meter.loudness, gains[number], *tries[number][-1][2:]) for number, meter in enumerate(speech)]
    if fmt.concatenates and len(groups) > 1:
        whole = loudness.gated_loudness(np.concatenate([meter.energies() for meter in speech]))
        main = Level(whole, None, *loudness.combined([meters[part] for part in range(len(parts))]))
    else:
        main = levels[0]
    mastered = Mastered(levels, main, decoded)
    if cache:
        cache.put_stream(key, "track", _packed(mastered, targets))
    return mastered


def _speech_meter(track: Track, ranges: Ranges) -> loudness.Meter:
    """The loudness of the spoken pieces (and chimes) in ``ranges``: pauses are left out, as gating
    would ignore them anyway (leaving them out changes eSpeak speech's loudness by 0.05 LU)."""
    meter = loudness.Meter(track.sample_rate, peaks=False)
    for start, end in ranges:
        for piece, timed in zip(track.pieces[start:end], track.timeline.cues[start:end]):
            if timed.cue.kind != "pause":
                meter.add(piece.raw_data)
    return meter


def _probe(track: Track) -> list[bytes]:
    """Spoken pieces spread evenly over the track, about ``loudness.PROBE_SECONDS`` in all: what the
    limiter and the encoder are tried on."""
    spoken = [piece for piece, timed in zip(track.pieces, track.timeline.cues) if timed.cue.kind != "pause"]
    seconds = sum(piece.frame_count() for piece in spoken) / track.sample_rate
    return [piece.raw_data for piece in spoken[:: max(1, math.ceil(seconds / loudness.PROBE_SECONDS))]]


def _off_target(attempt: tuple[float, float, float, float]) -> bool:
    _, _, lufs, peak = attempt
    return abs(lufs - loudness.TARGET_LUFS) > LOUDNESS_TOLERANCE or peak > TRUE_PEAK_LIMIT


def _corrected(tries: list[tuple[float, float, float, float]]) -> tuple[float, float]:
    """The gain and limiter ceiling for the next encoding of a file, from what its encodings measured.

    A true peak over the limit lowers the ceiling by the excess (and a little more); the gain moves by
    the loudness missed, divided by how much the last change of gain moved the loudness (the limiter
    takes a share of any gain) when the ceiling stayed the same.
    """
    gain, ceiling, lufs, peak = tries[-1]
    if peak > TRUE_PEAK_LIMIT:
        ceiling -= peak - TRUE_PEAK_LIMIT + 0.1
    slope = 1.0
    if len(tries) > 1 and tries[-2][1] == tries[-1][1] and tries[-2][0] != gain:
        slope = min(1.2, max(0.3, (lufs - tries[-2][2]) / (gain - tries[-2][0])))
    return gain + (loudness.TARGET_LUFS - lufs) / slope, ceiling


def encoded_key(track: Track, parts: Ranges, fmt: AudioFormat, bitrate: int) -> str:
    """The cache key of an encoded track: its PCM, its parts, and every setting that decides the bytes."""
    digest = hashlib.sha256(
        f"{MASTERING};format={fmt.name};rate={track.sample_rate};bitrate={bitrate};parts={parts}".encode())  # fmt: skip
    for piece in track.pieces:
        pcm = piece.raw_data
        digest.update(len(pcm).to_bytes(8, "little"))
        digest.update(pcm)
    return digest.hexdigest()


def _packed(mastered: Mastered, files: list[Path]) -> Iterator[bytes]:
    """A cache entry: a line of JSON (levels, decoded lengths, file sizes), then each file's bytes."""
    header = {"levels": [asdict(level) for level in mastered.levels], "main": asdict(mastered.main),
              "decoded": mastered.decoded, "sizes": [path.stat().st_size for path in files]}  # fmt: skip
    yield json.dumps(header).encode() + b"\n"
    for path in files:
        with path.open("rb") as stream:
            while block := stream.read(1 << 20):
                yield block


def _restore(cache: ClipCache, key: str, targets: list[Path]) -> Mastered | None:
    """The files of a cached encoding written to ``targets``, and what they measured; None on a miss."""
    entry = cache.checked(key, "track")
    if entry is None:
        return None
    try:
        with entry.open("rb") as stream:
            stream.seek(PAYLOAD_OFFSET)
            header = json.loads(stream.readline())
            for target, size in zip(targets, header["sizes"], strict=True):
                with target.open("wb") as out:
                    while size > 0:
                        block = stream.read(min(size, 1 << 20))
                        if not block:
                            return None
                        out.write(block)
                        size -= len(block)
    except (OSError, ValueError, KeyError):
        return None  # an entry of an older layout, or one removed meanwhile: encoded again
    return Mastered([Level(**level) for level in header["levels"]], Level(**header["main"]), header["decoded"])
