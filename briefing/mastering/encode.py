"""Encoding a track's files at -16 LUFS under a true-peak limit, in parts on every core where the format
allows; every file decoded and measured, and encoded again where it missed the target."""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from briefing.assemble import Track
from briefing.cache import ClipCache
from briefing.formats.base import AudioFormat
from briefing.mastering import (
    CEILING_DBFS,
    DIP_MS,
    ENCODINGS,
    LOUDNESS_TOLERANCE,
    OVER_MARGIN,
    PROBE_SECONDS,
    PROBE_SHARE,
    TARGET_LUFS,
    TRUE_PEAK_LIMIT,
    VERSION,
    loudness,
)
from briefing.mastering.meter import Meter, gated_loudness, integrated_loudness
from briefing.mastering.parts import Ranges

Part = tuple[tuple[int, int], Path]
"""A range of the track's pieces and the file it is encoded into."""


@dataclass(frozen=True)
class Leveled:
    """One file leveled on its own: its parts, encoded apart (on several cores) and played one after the
    other. A whole track, or one section."""

    parts: tuple[Part, ...]


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
class MasteredFile:
    """A :class:`Leveled` file as encoded: its level, and each part's length once decoded (samples)."""

    level: Level
    decoded: tuple[int, ...]


@dataclass(frozen=True)
class Mastered:
    """Each file as encoded, and the level of the main audio file: all of them as one, played one after
    the other."""

    files: tuple[MasteredFile, ...]
    main: Level


def encode_track(
    track: Track,
    files: list[Leveled],
    fmt: AudioFormat,
    bitrate: int,
    jobs: int,
    cache: ClipCache | None,
    digest: str,
    stage: Callable[[str], None] | None = None,
) -> Mastered:
    """Encode each file's parts, ``jobs`` at a time (lameenc and FFmpeg release the GIL), every file at
    -16 LUFS under the true-peak limit. Taken from ``cache`` when this exact audio (``digest``: of its
    samples and rate) was encoded before with the same settings, and kept there otherwise."""
    parts = [pieces for leveled in files for pieces, _ in leveled.parts]
    targets = [target for leveled in files for _, target in leveled.parts]
    key = encoded_key(digest, track, parts, fmt, bitrate) if cache else ""
    kept = _from_cache(cache, key, targets) if cache else None
    if kept is None:
        kept = _Mastering(track, files, fmt, bitrate, jobs, stage or (lambda name: None)).run()
        if cache:
            cache.put_files(key, "track", asdict(kept), targets)
    return kept


class _Mastering:
    """One encoding of a track's files: each file's gain found on a probe of its speech, its parts encoded,
    decoded and measured, and a file that missed the target encoded again, corrected by what it measured."""

    def __init__(
        self,
        track: Track,
        files: list[Leveled],
        fmt: AudioFormat,
        bitrate: int,
        jobs: int,
        stage: Callable[[str], None],
    ):
        self.track, self.files, self.fmt, self.bitrate, self.jobs, self.stage = (
            track,
            files,
            fmt,
            bitrate,
            jobs,
            stage,
        )
        self.rate = track.sample_rate
        self.parts = [part for leveled in files for part in leveled.parts]
        self.owner = [number for number, leveled in enumerate(files) for _ in leveled.parts]
        self.groups = [
            [n for n, owner in enumerate(self.owner) if owner == number] for number in range(len(files))
        ]
        stage("Measuring loudness")
        probe = _probe(track)
        self.tried = loudness.trial(
            probe, self.rate, lambda pcm: fmt.roundtrip(pcm, self.rate, bitrate), fmt.headroom
        )
        self.probes, self.speech = [probe], [self.tried.speech]  # each file leveled on its own: its own probe
        if len(files) > 1:
            self.probes = [_probe(track, [pieces for pieces, _ in leveled.parts]) for leveled in files]
            self.speech = [integrated_loudness(each, self.rate) for each in self.probes]
        self.silent = {
            number for number, loud in enumerate(self.speech) if math.isinf(loud)
        }  # nothing to level
        self.gains = [
            0.0 if number in self.silent else TARGET_LUFS - loud + self.tried.lost
            for number, loud in enumerate(self.speech)
        ]
        self.ceilings = [self.tried.ceiling] * len(files)
        self.tries: list[list[tuple[float, float, float]]] = [[] for _ in files]  # gain, LUFS, dBTP
        self.dips: list[list[loudness.Dip]] = [[] for _ in self.parts]
        self.heard: dict[int, Heard] = {}
        self.decoded = [0] * len(self.parts)

    def run(self) -> Mastered:
        pending = list(range(len(self.files)))
        todo = [part for group in pending for part in self.groups[group]]
        for attempt in range(ENCODINGS):
            label = f"Encoding {self.fmt.name.upper()}"
            if attempt:
                label += " again"
                if len(todo) < len(self.parts):  # a lone overshoot: the parts it is in
                    label += f", {len(todo)} part{'s' * (len(todo) > 1)} of {len(self.parts)}"
                label += ": measured off target"
            self.progress = _Progress(
                label,
                sum(self.track.pieces[i].frame_count() for p in todo for i in range(*self.parts[p][0])),
                self.stage,
            )
            for part, (length, heard) in zip(todo, _each(self.encode, todo, self.jobs)):
                self.decoded[part], self.heard[part] = length, heard
            for group in pending:
                self.tries[group].append(
                    (self.gains[group], *_combined([self.heard[p] for p in self.groups[group]]))
                )
            pending = [
                group
                for group in pending
                if group not in self.silent and _off_target(self.tries[group], self.may_rise(group))
            ]
            todo = [part for group in pending for part in self.correct(group, last=attempt == ENCODINGS - 2)]
            if not pending:
                break
        files = tuple(
            MasteredFile(Level(loud, *self.tries[number][-1]), tuple(self.decoded[p] for p in group))
            for number, (loud, group) in enumerate(zip(self.speech, self.groups))
        )
        main = files[0].level
        if len(files) > 1:
            main = Level(
                self.tried.speech, None, *_combined([self.heard[part] for part in range(len(self.parts))])
            )
        return Mastered(files, main)

    def encode(self, part: int) -> tuple[int, Heard]:
        """Encode one part at its file's gain and ceiling, then decode and measure it."""
        (start, end), target = self.parts[part]
        group = self.owner[part]
        limited = loudness.apply(
            (piece.raw_data for piece in self.track.pieces[start:end]),
            self.rate,
            self.gains[group],
            self.ceilings[group],
            self.dips[part],
        )
        length = self.fmt.encode(self.progress.counted(limited), self.rate, self.bitrate, target)
        out_rate, played = self.fmt.decoded(target)
        meter = Meter(out_rate, over_db=TRUE_PEAK_LIMIT)
        for piece in played:
            meter.add(piece)
        return length, Heard(meter.energies(), meter.true_peak, meter.overs, out_rate)

    def may_rise(self, group: int) -> bool:
        """Whether a file fell short of the target with its peaks well under the limit and its limiter's
        ceiling lower than the usual one (a format's headroom): a higher ceiling lets it reach the target."""
        _, lufs, peak = self.tries[group][-1]
        short = TARGET_LUFS - lufs > LOUDNESS_TOLERANCE
        return short and self.ceilings[group] < CEILING_DBFS and peak < TRUE_PEAK_LIMIT - OVER_MARGIN - 0.05

    def correct(self, group: int, last: bool) -> list[int]:
        """A file's gain found again on its probe, corrected by what its encoding measured; where it went
        over the true-peak limit, held lower there (and, before the last try, its whole ceiling lowered).
        Returns the parts to encode again: where a file at the target went over only in places (an
        encoder's lone overshoot, as libopus makes in about one run of five), those parts alone, at the
        same gain."""
        gain, lufs, peak = self.tries[group][-1]
        on_target = abs(lufs - TARGET_LUFS) <= LOUDNESS_TOLERANCE
        if peak > TRUE_PEAK_LIMIT and on_target and not last and not self.may_rise(group):
            over = [part for part in self.groups[group] if self.heard[part].overs]
            for part in over:
                self.dips[part] += _dips(self.heard[part], self.rate, self.fmt.delay(self.rate))
            if over:
                return over
        limited = integrated_loudness(
            list(loudness.apply(self.probes[group], self.rate, gain, self.ceilings[group])), self.rate
        )
        if self.may_rise(group):  # short of the target with room under the limit: the headroom was too much
            self.ceilings[group] = min(
                CEILING_DBFS, self.ceilings[group] + TRUE_PEAK_LIMIT - OVER_MARGIN - peak
            )
        elif peak > TRUE_PEAK_LIMIT and last:  # the last: over the limit it must not be
            self.ceilings[group] -= 2 * (peak - TRUE_PEAK_LIMIT) + OVER_MARGIN
        elif peak > TRUE_PEAK_LIMIT:  # held lower where it went over: loudness elsewhere is kept
            for part in self.groups[group]:
                self.dips[part] += _dips(self.heard[part], self.rate, self.fmt.delay(self.rate))
        goal = TARGET_LUFS - (lufs - limited)  # what the encoder and the rest of the file differ by
        self.gains[group] = loudness.gain_for(
            self.probes[group], self.rate, goal, self.ceilings[group], gain, self.speech[group]
        )
        return self.groups[group]


class _Progress:
    """Tells ``stage`` how much of an encoding is done ("Encoding OPUS 40%"), from the samples handed to the
    encoders on every thread, at most once a percent."""

    def __init__(self, label: str, total: int, stage: Callable[[str], None]):
        # whole percents ("40%", not "40.0%"): pydub counts a generated piece's frames as a float
        self.label, self.total, self.stage = label, max(1, int(total)), stage
        self.done, self.said = 0, -1
        self.lock = threading.Lock()
        stage(label)

    def counted(self, pcm: Iterator[bytes]) -> Iterator[bytes]:
        for piece in pcm:
            yield piece
            with self.lock:
                self.done += len(piece) // 2
                percent = min(100, 100 * self.done // self.total)
                if percent > self.said:
                    self.said = percent
                    self.stage(f"{self.label} {percent}%")


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
    about ``PROBE_SECONDS`` of the track, a hundredth of a long one; slices of a second at least,
    from every k-th piece when pieces are short. Every voice and sentence is in it, no pause: what the
    speech's loudness is measured on, and the limiter and the encoder tried on."""
    rate = track.sample_rate
    spoken = [index for index, timed in enumerate(track.timeline.cues) if timed.cue.kind != "pause"]
    total = max(1, sum(track.pieces[index].frame_count() for index in spoken))
    share = min(1.0, max(PROBE_SECONDS * rate, total * PROBE_SHARE) / total)
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


def _off_target(tries: list[tuple[float, float, float]], may_rise: bool = False) -> bool:
    """Whether a file's last encoding missed the loudness target or passed the true-peak limit, and
    another may do better: not when the gain last moved the loudness by next to nothing (a limiter
    that takes all of any more gain) and its ceiling may not rise."""
    _, lufs, peak = tries[-1]
    if peak > TRUE_PEAK_LIMIT or may_rise:
        return True
    stuck = len(tries) > 1 and abs(lufs - tries[-2][1]) < 0.05 and tries[-2][2] <= TRUE_PEAK_LIMIT
    return abs(lufs - TARGET_LUFS) > LOUDNESS_TOLERANCE and not stuck


def _dips(heard: Heard, rate: int, delay: int) -> list[loudness.Dip]:
    """Where a decoded part's true peak went over the limit, as places of the part's PCM (at ``rate``)
    for the limiter to hold lower by the excess and a margin; overs close together make one place."""
    width = rate * DIP_MS // 1000
    places: list[list] = []
    for sample, peak in heard.overs:
        at = round(sample * rate / heard.rate) - delay
        depth = peak - TRUE_PEAK_LIMIT + OVER_MARGIN
        if places and at - width <= places[-1][1]:
            places[-1][1], places[-1][2] = at + width, max(places[-1][2], depth)
        else:
            places.append([at - width, at + width, depth])
    return [(start, end, depth) for start, end, depth in places]


def _from_cache(cache: ClipCache, key: str, targets: list[Path]) -> Mastered | None:
    """The files and levels kept under ``key``, written to ``targets``; None when absent or of an older
    layout."""
    kept = cache.get_files(key, "track", targets)
    if not kept:
        return None
    try:
        files = tuple(MasteredFile(Level(**each["level"]), tuple(each["decoded"])) for each in kept["files"])
        return Mastered(files, Level(**kept["main"]))
    except (KeyError, TypeError):
        return None


def encoded_key(digest: str, track: Track, parts: Ranges, fmt: AudioFormat, bitrate: int) -> str:
    """The cache key of an encoded track: its PCM (``digest``, read once by whoever publishes it: an hour
    is 200 MB of samples), its pieces and parts, and every setting that decides the bytes."""
    settings = (
        f"v={VERSION};lufs={TARGET_LUFS};ceiling={CEILING_DBFS};tp={TRUE_PEAK_LIMIT};tol={LOUDNESS_TOLERANCE};"
        f"format={fmt.name};{fmt.settings};rate={track.sample_rate};bitrate={bitrate};parts={parts};"
        f"pcm={digest};pieces={[int(piece.frame_count()) for piece in track.pieces]}"
    )
    return hashlib.sha256(settings.encode()).hexdigest()
