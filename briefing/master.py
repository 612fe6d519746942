"""Mastering: the assembled track brought to -16 LUFS under a peak limiter and encoded in a format, in
parts on every core where the format allows, and the timeline as decoders will play the result."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from briefing import loudness
from briefing.assemble import TimedCue, TimedSection, Timeline, Track, span_articles
from briefing.cache import ClipCache
from briefing.codec import MP3_QUALITY
from briefing.formats.base import AudioFormat

TRUE_PEAK_LIMIT = -1.2
"""dBTP an encoded file's peaks are held under: -1 dBTP, the podcast limit, with a margin for meters that
oversample differently."""


MASTERING = f"lufs={loudness.TARGET_LUFS};ceiling={loudness.CEILING_DBFS};tp={TRUE_PEAK_LIMIT};q={MP3_QUALITY};v=3"
"""Everything besides the PCM and the options that decides the encoded bytes; change v to renew entries."""

Ranges = list[tuple[int, int]]
"""Ranges of the track's pieces, [start, end) each: what one encoded stream holds."""


def encode_track(track: Track, ranges: Ranges, targets: list[Path], fmt: AudioFormat, bitrate: int, jobs: int,
                 cache: ClipCache | None, stage: Callable[[str], None] | None = None) -> tuple[float, float, list[int]]:  # fmt: skip
    """Normalize and encode each range of pieces into its target file, ``jobs`` at a time (lameenc and
    FFmpeg release the GIL); returns the measured loudness, the gain applied, and each part's decoded
    length. Taken from ``cache`` when this exact audio was encoded before with the same settings, and
    kept there otherwise."""
    pieces = [piece.raw_data for piece in track.pieces]
    key = encoded_key(pieces, ranges, track.sample_rate, fmt, bitrate) if cache else ""
    kept = _unpack(cache.get_bytes(key, "track")) if cache else None
    if kept is not None:
        measured, gain, decoded, streams = kept
        for target, stream in zip(targets, streams):
            target.write_bytes(stream)
        return measured, gain, decoded

    sounds = [piece for piece, timed in zip(pieces, track.timeline.cues) if timed.cue.kind != "pause"]
    rate, ceiling = track.sample_rate, loudness.CEILING_DBFS

    def roundtrip(pcm: list[bytes]) -> bytes:
        return fmt.roundtrip(pcm, rate, bitrate)

    def encode(span: tuple[int, int], target: Path) -> int:
        return fmt.encode(loudness.apply(pieces[span[0] : span[1]], rate, gain, ceiling), rate, bitrate, target)

    stage = stage or (lambda name: None)
    for _ in range(PEAK_TRIES):
        stage("Measuring loudness")
        measured, gain = loudness.normalizing_gain(sounds, rate, roundtrip, ceiling_dbfs=ceiling)
        stage(f"Encoding {fmt.name.upper()}")
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            decoded = list(pool.map(encode, ranges, targets))
        excess = max(loudness.true_peak(fmt.decode(target, rate)) for target in targets) - TRUE_PEAK_LIMIT \
            if fmt.overshoots and gain else 0.0  # fmt: skip
        if excess <= 0:
            break
        ceiling -= excess  # the encoder went over the limit: limit harder and encode again
    if cache:
        cache.put_bytes(key, "track", _pack(measured, gain, decoded, targets))
    return measured, gain, decoded


PEAK_TRIES = 3
"""Encodings at most: a format that ``overshoots`` has the true peak of its encoded file measured, and is
encoded again with the limiter's ceiling lowered by what it went over (lowering it raises the gain the
limiter takes, so a second correction is sometimes needed)."""


def encoded_key(pieces: list[bytes], ranges: Ranges, rate: int, fmt: AudioFormat, bitrate: int) -> str:
    """The cache key of an encoded track: its PCM, its parts, and every setting that decides the bytes."""
    digest = hashlib.sha256(f"{MASTERING};format={fmt.name};rate={rate};bitrate={bitrate};parts={ranges}".encode())
    for piece in pieces:
        digest.update(len(piece).to_bytes(8, "little"))
        digest.update(piece)
    return digest.hexdigest()


def _pack(measured: float, gain: float, decoded: list[int], files: list[Path]) -> bytes:
    streams = [path.read_bytes() for path in files]
    header = json.dumps({"measured": measured, "gain": gain, "decoded": decoded, "sizes": [len(s) for s in streams]})
    return header.encode() + b"\n" + b"".join(streams)


def _unpack(payload: bytes | None) -> tuple[float, float, list[int], list[bytes]] | None:
    if payload is None:
        return None
    header, _, body = payload.partition(b"\n")
    meta = json.loads(header)
    streams, offset = [], 0
    for size in meta["sizes"]:
        streams.append(body[offset : offset + size])
        offset += size
    return meta["measured"], meta["gain"], meta["decoded"], streams


def section_ranges(track: Track) -> Ranges:
    """Piece ranges, one per section (cues are in section order)."""
    cues = track.timeline.cues
    ranges: Ranges = []
    start = 0
    for index in range(1, len(cues) + 1):
        if index == len(cues) or cues[index].cue.section != cues[start].cue.section:
            ranges.append((start, index))
            start = index
    return ranges


def balanced_ranges(track: Track, parts: int) -> Ranges:
    """About equally long piece ranges, cut only before a pause (a seam must fall in silence)."""
    total = track.timeline.duration_ms
    cuts = [0]
    for index, timed in enumerate(track.timeline.cues):
        share = total * len(cuts) / parts
        if len(cuts) < parts and timed.cue.kind == "pause" and timed.start_ms >= share and index > cuts[-1]:
            cuts.append(index)
    return list(zip(cuts, [*cuts[1:], len(track.pieces)]))


def place(track: Track, ranges: Ranges, decoded: list[int], delay: int) -> Timeline:
    """The timeline as decoders play the concatenated streams.

    Each stream starts with ``delay`` samples the encoder adds and ends padded to whole frames, so the
    content of part k starts at the decoded length of the parts before it, plus the delay.
    """
    rate = track.sample_rate
    cues: list[TimedCue] = []
    before_decoded = before_content = 0.0
    for (start, end), length in zip(ranges, decoded):
        part = track.timeline.cues[start:end]
        shift = (before_decoded - before_content + delay) * 1000 / rate
        cues += [TimedCue(t.cue, t.start_ms + shift, t.end_ms + shift) for t in part]
        before_decoded += length
        before_content += sum(int(piece.frame_count()) for piece in track.pieces[start:end])
    duration = before_decoded * 1000 / rate
    starts: dict[int, float] = {}
    for timed in cues:
        starts.setdefault(timed.cue.section, timed.start_ms)
    starts[min(starts)] = 0.0  # the first chapter opens the file, encoder delay included
    order = sorted(starts)
    sections = tuple(
        TimedSection(old.title, starts[number], starts[order[i + 1]] if i + 1 < len(order) else duration, old.article)
        for i, (number, old) in enumerate(zip(order, track.timeline.sections))
    )
    titles = [article.title for article in track.timeline.articles]
    return Timeline(sections, tuple(cues), duration, span_articles(sections, titles))
