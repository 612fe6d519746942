"""Publish a track as one output set: the audio file in its format with tags and chapters, WebVTT and SRT
subtitles, a listening page, one file per section, and the manifest. Every file is written under a
temporary name beside its target and renamed into place only when all of them are complete, under a
lock on the set: a failure or Ctrl-C leaves earlier outputs as they were and no temporary file behind.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from briefing.article import STDIN, Episode
from briefing.assemble import Timeline, Track
from briefing.cache import ClipCache
from briefing.errors import OutputError, SynthesisError, WriteError
from briefing.formats.base import AudioFormat, Tags
from briefing.mastering.encode import Level, Leveled, encode_track
from briefing.mastering.parts import Ranges, balanced_ranges, place, section_ranges
from briefing.publishing.manifest import AudioInfo, EngineInfo
from briefing.publishing.sets import (
    Kept,
    OutputSet,
    audio_entry,
    build_manifest,
    file_record,
    formats_kept,
    outputs_for,
    torn_files,
    track_digest,
)
from briefing.publishing.staging import Staging, check_targets, locked, remove_leftovers
from briefing.publishing.subtitles import captions, srt_text, webvtt_text


@dataclass(frozen=True)
class Published:
    """Where everything went, and the timeline as it sits in the audio file."""

    audio: Path
    format: str
    timeline: Timeline
    vtt: Path | None = None
    srt: Path | None = None
    manifest: Path | None = None
    page: Path | None = None
    sections_folder: Path | None = None
    section_files: tuple[Path, ...] = ()
    alternates: tuple[Path, ...] = ()
    """The audio in the other formats asked for."""

    @property
    def files(self) -> list[Path]:
        """Every file and folder written besides the audio."""
        found = (*self.alternates, self.vtt, self.srt, self.manifest, self.sections_folder, self.page)
        return [p for p in found if p is not None]


@dataclass(frozen=True)
class Work:
    """What one publication works with: the track and what it is, where it goes, and how."""

    track: Track
    episode: Episode
    out: OutputSet
    staging: Staging
    tags: Tags
    engine: EngineInfo
    cache: ClipCache | None
    tell: Callable[[str], None]
    cores: int
    digest: str
    """Of the track (:func:`track_digest`): read once, it is every sample of a long narration."""


def publish(
    track: Track,
    episode: Episode,
    out: OutputSet,
    *,
    tags: Tags,
    engine: EngineInfo,
    cache: ClipCache | None = None,
    notify: Callable[[str], None] | None = None,
    stage: Callable[[str], None] | None = None,
    cores: int | None = None,
) -> Published:
    """Normalize loudness, encode (on ``cores``, default all, where the format allows), and write every file
    of ``out`` atomically, under a lock on the set (``notify`` is told when another run holds it).

    A set already there of the same narration in other formats is extended: its audio files stay and the
    manifest lists them all; one of another narration is replaced whole. The manifest is renamed last and
    records the size and SHA-256 of every other file, so a set torn by a kill between renames is told apart
    from a whole one (:func:`briefing.publishing.sets.torn_files`). Temporaries a killed run left are removed
    first.
    """
    staging = Staging()
    others = out.others
    waiting = (lambda: notify(f"Waiting for another run writing {out.audio} to finish")) if notify else None
    try:
        with locked(others["manifest"], waiting):
            remove_leftovers([out.file(fmt) for fmt in out.formats] + list(others.values()))
            digest = track_digest(track)
            kept, stale = formats_kept(others["manifest"], digest, {fmt.name for fmt in out.formats})
            with staging:
                work = Work(
                    track,
                    episode,
                    out,
                    staging,
                    tags,
                    engine,
                    cache,
                    stage or (lambda name: None),
                    cores or os.cpu_count() or 1,
                    digest,
                )
                published = _write(work, kept)
            for name in stale:  # the other formats of a narration this one replaces
                (out.audio.parent / name).unlink(missing_ok=True)
            return published
    except OSError as exc:  # a full disk, a file system gone read-only...
        raise WriteError(
            f"{staging.failed_target(exc) or out.audio}: cannot be written ({exc.strerror or exc})"
        ) from None


@dataclass(frozen=True)
class Encoded:
    """One format's audio file as staged: its timeline, its level, its staged files by target, and the
    section files it adds."""

    timeline: Timeline
    level: Level
    staged: dict[Path, Path]
    section_files: list[Path]


def _encode(work: Work, fmt: AudioFormat, sections: Ranges, folder: Path | None) -> Encoded:
    """One format's audio file (and section files into ``folder``): staged, tagged, with its timeline."""
    track, path, bitrate = work.track, work.out.file(fmt), work.out.kbps(fmt)
    names = part_names(track, sections, fmt.suffix)
    scratch = work.staging.scratch(path)
    parts = sections or balanced_ranges(track, work.cores)  # the audio file is its parts one after the other
    if folder is not None:
        targets = [folder / name for name in names]
    else:
        targets = [scratch / f"{n}{fmt.suffix}" for n in range(len(parts))]
    if sections:  # each section file leveled on its own
        files = [Leveled(((p, t),)) for p, t in zip(parts, targets)]
    else:
        files = [Leveled(tuple(zip(parts, targets)))]
    for target in targets:
        target.parent.mkdir(exist_ok=True)
    mastered = encode_track(track, files, fmt, bitrate, work.cores, work.cache, work.digest, work.tell)
    work.tell("Writing files")
    staged = {path: work.staging.file(path)}
    lengths = [length for each in mastered.files for length in each.decoded]
    timeline = place(track, parts, fmt.join(targets, lengths, staged[path], track.sample_rate))
    fmt.tag(staged[path], work.tags, timeline)
    section_files = [outputs_for(path)["sections"] / name for name in names]
    for number, (name, section) in enumerate(zip(names, timeline.sections), start=1):
        assert folder is not None
        fmt.tag(
            folder / name,
            replace(work.tags, title=section.title, album=work.tags.title, source=None),
            None,
            number,
        )
        staged[section_files[number - 1]] = folder / name
    return Encoded(timeline, mastered.main, staged, section_files)


def _write(work: Work, kept: Kept) -> Published:
    out, track, companions, others = work.out, work.track, work.out.companions, work.out.others
    sections = section_ranges(track) if companions.per_section else []
    folder = work.staging.folder(others["sections"]) if companions.per_section else None
    encoded = {fmt.name: _encode(work, fmt, sections, folder) for fmt in out.formats}
    staged = {target: temporary for each in encoded.values() for target, temporary in each.staged.items()}
    first, fmt = encoded[out.formats[0].name], out.formats[0]
    if first.level.loudness is None or not math.isfinite(
        first.level.loudness
    ):  # never publish what nobody hears
        raise SynthesisError(f"{out.audio}: the narration measures as silence; nothing was written")
    found = captions(first.timeline)
    vtt = webvtt_text(first.timeline, found)
    if companions.subtitles:
        for kind, text in (("vtt", vtt), ("srt", srt_text(found))):
            staged[others[kind]] = work.staging.file(others[kind])
            staged[others[kind]].write_text(text, encoding="utf-8")
    if folder is not None:  # the files of the formats kept go into the new folder too
        for name in kept.section_files:
            shutil.copy2(out.audio.parent / name, folder / Path(name).relative_to(others["sections"].name))
    rate = out.kbps(fmt)
    manifest = build_manifest(
        work.episode,
        first.timeline,
        out.audio,
        fmt,
        work.tags,
        work.engine,
        rate,
        track.sample_rate,
        first.level,
        first.section_files,
        companions.subtitles,
    )
    entries = {
        f.name: audio_entry(
            out.file(f),
            f,
            encoded[f.name].timeline,
            track.sample_rate,
            out.kbps(f),
            encoded[f.name].level,
        )
        for f in out.formats
    }
    audios = [AudioInfo(**entry) for entry in kept.ordered(entries)]
    manifest = replace(manifest, audio=audios[0], alternates=tuple(audios[1:]), track=work.digest)
    if companions.page:
        from briefing.publishing.page import render

        embedded = staged[out.audio].read_bytes() if companions.embed_audio else None
        staged[others["page"]] = work.staging.file(others["page"])
        staged[others["page"]].write_text(render(manifest, out.audio.name, vtt, embedded), encoding="utf-8")
    if companions.manifest:
        records = {
            str(target.relative_to(out.audio.parent)): file_record(temporary)
            for target, temporary in staged.items()
        }
        manifest = replace(manifest, job=out.job, files={**kept.records, **records})
        work.staging.file(others["manifest"]).write_text(manifest.to_json(), encoding="utf-8")
    return Published(
        out.audio,
        fmt.name,
        first.timeline,
        vtt=others["vtt"] if companions.subtitles else None,
        srt=others["srt"] if companions.subtitles else None,
        manifest=others["manifest"] if companions.manifest else None,
        page=others["page"] if companions.page else None,
        sections_folder=others["sections"] if companions.per_section else None,
        section_files=tuple(first.section_files),
        alternates=tuple(out.file(f) for f in out.formats[1:]),
    )


def check_outputs(
    out: OutputSet, sources: Sequence[str | Path] = (), notify: Callable[[str], None] | None = None
) -> None:
    """Refuse, before any work, an output set that cannot be written: a companion that is a folder, an output
    that is one of the ``sources`` it is made from, a folder that cannot be created or written. ``notify`` is
    told when the set there is torn (an earlier run was interrupted)."""
    from briefing.readers.fetch import is_url

    audio = out.audio
    others = out.others
    files = [
        *(out.file(fmt) for fmt in out.formats),
        others["vtt"],
        others["srt"],
        others["manifest"],
        *([others["page"]] if out.companions.page else []),
    ]
    check_targets(files, [others["sections"]] if out.companions.per_section else [])
    inputs = {
        Path(source).resolve() for source in sources if str(source) != STDIN and not is_url(str(source))
    }
    for path in (*files, others["sections"]):
        if path.exists() and path.resolve() in inputs:
            raise OutputError(f"{path}: is an input article; choose another output path")
    existing = next(p for p in (audio.parent.absolute(), *audio.parent.absolute().parents) if p.exists())
    if not existing.is_dir():
        raise OutputError(f"{audio.parent}: cannot be created ({existing} is not a folder)")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{audio.parent}: cannot be written (no permission in {existing})")
    torn = torn_files(others["manifest"])
    if torn and notify:
        notify(
            f"Warning: {audio}: the briefing there is incomplete ({', '.join(torn)} not as its manifest "
            "says; an earlier run was interrupted); this run rewrites it"
        )


def part_names(track: Track, ranges: list[tuple[int, int]], suffix: str) -> list[str]:
    """File names for the sections: ``NN-<section><suffix>``; in an episode
    ``NN-<article>/MM-<section><suffix>``."""
    sections = track.timeline.sections
    firsts = [sections[track.timeline.cues[start].cue.section] for start, _ in ranges]
    if not track.timeline.articles:
        return [
            section_file_name(number, section.title, suffix) for number, section in enumerate(firsts, start=1)
        ]
    names: list[str] = []
    counts: dict[int, int] = {}
    for section in firsts:
        counts[section.article] = counts.get(section.article, 0) + 1
        folder = section_file_name(section.article + 1, track.timeline.articles[section.article].title, "")
        names.append(f"{folder}/{section_file_name(counts[section.article], section.title, suffix)}")
    return names


def section_file_name(number: int, heading: str, suffix: str) -> str:
    """``NN-<slug><suffix>``: letters, digits and dashes only, so no heading can lead out of the folder."""
    from slugify import slugify

    slug = slugify(heading, allow_unicode=True, max_length=60, word_boundary=True) or "section"
    return f"{number:02d}-{slug}{suffix}"
