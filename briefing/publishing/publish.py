"""Publish a track as one output set: the audio file in its format with tags and chapters, WebVTT and SRT
subtitles, a listening page, one file per section, and the manifest. Every file is written under a
temporary name beside its target and renamed into place only when all of them are complete, under a
lock on the set: a failure or Ctrl-C leaves earlier outputs as they were and no temporary file behind.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from briefing.article import LONGEST_NAME, STDIN, Episode
from briefing.assemble import Timeline, Track
from briefing.cache import ClipCache
from briefing.errors import OutputError, SynthesisError, WriteError
from briefing.formats.base import AudioFormat, Tags
from briefing.mastering.encode import encode_track
from briefing.mastering.parts import balanced_ranges, place, section_ranges
from briefing.publishing.manifest import AudioInfo, EngineInfo
from briefing.publishing.sets import (
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
class Companions:
    """Which files go with the audio."""

    subtitles: bool = True
    page: bool = False
    embed_audio: bool = False
    per_section: bool = False
    manifest: bool = True
    job: str = ""
    """Recorded in the manifest: what made the set (see ``briefing.batch``)."""


def publish(track: Track, episode: Episode, audio: Path, fmts: list[AudioFormat], *, tags: Tags, engine: EngineInfo,
            bitrate: int | None = None, companions: Companions = Companions(), cache: ClipCache | None = None,
            waiting: Callable[[], None] | None = None, stage: Callable[[str], None] | None = None,
            cores: int | None = None) -> Published:  # fmt: skip
    """Normalize loudness, encode (on all cores where the format allows), and write every output atomically,
    under a lock on the output set (``waiting`` is told when another run holds it). ``audio`` names the
    first of ``fmts``; the others go beside it (``NAME.opus``...) and share its companions.

    A set already there of the same narration in other formats is extended: its audio files stay and the
    manifest lists them all; one of another narration is replaced whole. The manifest is renamed last and
    records the size and SHA-256 of every other file, so a set torn by a kill between renames is told apart
    from a whole one (:func:`briefing.publishing.manifest.torn_files`). Temporaries a killed run left are removed first.
    """
    staging = Staging()
    others = outputs_for(audio)
    try:
        with locked(others["manifest"], waiting):
            remove_leftovers([audio.with_suffix(fmt.suffix) for fmt in fmts] + list(others.values()))
            kept, stale = formats_kept(others["manifest"], track_digest(track), {fmt.name for fmt in fmts})
            with staging:
                published = _write(track, episode, audio, fmts, staging, tags, engine, bitrate, companions, cache,
                                   stage or (lambda name: None), cores or os.cpu_count() or 1, kept)  # fmt: skip
            for name in stale:  # the other formats of a narration this one replaces
                (audio.parent / name).unlink(missing_ok=True)
            return published
    except OSError as exc:  # a full disk, a file system gone read-only...
        raise WriteError(f"{staging.failed_target(exc) or audio}: cannot be written ({exc.strerror or exc})") from None


def _encode(track, path, fmt, bitrate, sections, folder, staging, tags, cache, tell, jobs):
    """One format's audio file (and section files into ``folder``): staged, tagged, with its timeline."""
    names = part_names(track, sections, fmt.suffix)
    work = staging.scratch(path)
    if fmt.concatenates:  # the audio file is its parts one after the other
        parts = sections or balanced_ranges(track, jobs)
        targets = [folder / name for name in names] if folder else [work / f"{n}{fmt.suffix}" for n in range(len(parts))]
        groups = [[n] for n in range(len(parts))] if sections else [list(range(len(parts)))]
        whole = parts
    else:  # the audio file is a stream of its own, each section another
        parts = [(0, len(track.pieces)), *sections]
        targets = [work / f"whole{fmt.suffix}"] + [folder / name for name in names]
        groups = [[n] for n in range(len(parts))]
        whole = parts[:1]
    for target in targets:
        target.parent.mkdir(exist_ok=True)
    mastered = encode_track(track, parts, targets, groups, fmt, bitrate, jobs, cache, tell)
    timeline = place(track, whole, mastered.decoded[: len(whole)], fmt.delay(track.sample_rate))
    tell("Writing files")
    staged = {path: staging.file(path)}
    with staged[path].open("wb") as out:
        for part in targets[: len(whole)]:
            with part.open("rb") as stream:
                shutil.copyfileobj(stream, out)
    fmt.tag(staged[path], tags, timeline)
    section_files = [outputs_for(path)["sections"] / name for name in names]
    for number, (name, section) in enumerate(zip(names, timeline.sections), start=1):
        fmt.tag(folder / name, replace(tags, title=section.title, album=tags.title, source=None), None, number)
        staged[section_files[number - 1]] = folder / name
    return timeline, mastered.main, staged, section_files


def _write(track, episode, audio, fmts, staging, tags, engine, bitrate, companions, cache, tell, jobs, kept):
    others = outputs_for(audio)
    sections = section_ranges(track) if companions.per_section else []
    folder = staging.folder(others["sections"]) if companions.per_section else None
    staged, entries, first = {}, {}, None
    for fmt in fmts:
        path, rate = audio.with_suffix(fmt.suffix), fmt.check_bitrate(bitrate)
        timeline, level, files, section_files = _encode(track, path, fmt, rate, sections, folder, staging, tags,
                                                        cache, tell, jobs)  # fmt: skip
        staged.update(files)
        entries[fmt.name] = audio_entry(path, fmt, timeline, track.sample_rate, rate, level)
        first = first or (timeline, fmt, rate, level, section_files)
    timeline, fmt, rate, level, section_files = first
    if level.loudness is None or not math.isfinite(level.loudness):  # never publish a file nobody can hear
        raise SynthesisError(f"{audio}: the narration measures as silence; nothing was written")
    found = captions(timeline)
    vtt = webvtt_text(timeline, found)
    if companions.subtitles:
        for kind, text in (("vtt", vtt), ("srt", srt_text(found))):
            staged[others[kind]] = staging.file(others[kind])
            staged[others[kind]].write_text(text, encoding="utf-8")
    if folder is not None:  # the files of the formats kept go into the new folder too
        for name in kept.section_files:
            shutil.copy2(audio.parent / name, folder / Path(name).relative_to(others["sections"].name))
    manifest = build_manifest(episode, timeline, audio, fmt, tags, engine, rate, track.sample_rate, level,
                              section_files, companions.subtitles)  # fmt: skip
    audios = [AudioInfo(**entry) for entry in kept.ordered(entries)]
    manifest = replace(manifest, audio=audios[0], alternates=tuple(audios[1:]), track=track_digest(track))
    if companions.page:
        from briefing.publishing.page import render

        embedded = staged[audio].read_bytes() if companions.embed_audio else None
        staged[others["page"]] = staging.file(others["page"])
        staged[others["page"]].write_text(render(manifest, audio.name, vtt, embedded), encoding="utf-8")
    if companions.manifest:
        records = {str(target.relative_to(audio.parent)): file_record(temporary) for target, temporary in staged.items()}
        manifest = replace(manifest, job=companions.job, files={**kept.records, **records})
        staging.file(others["manifest"]).write_text(manifest.to_json(), encoding="utf-8")
    return Published(
        audio, fmts[0].name, timeline,
        vtt=others["vtt"] if companions.subtitles else None,
        srt=others["srt"] if companions.subtitles else None,
        manifest=others["manifest"] if companions.manifest else None,
        page=others["page"] if companions.page else None,
        sections_folder=others["sections"] if companions.per_section else None,
        section_files=tuple(section_files),
        alternates=tuple(audio.with_suffix(f.suffix) for f in fmts[1:]),
    )  # fmt: skip


def check_outputs(audio: Path, sources, format: str | None = None, *, formats=(), bitrate: int | None = None,
                  page: bool = False, embed_audio: bool = False, per_section: bool = False,
                  notify: Callable[[str], None] | None = None) -> None:  # fmt: skip
    """Refuse, before any work, an output set that cannot be written: a name no format has, a companion
    that is a folder, an output that is one of the ``sources`` it is made from, a folder that cannot be
    made. Says (``notify``) when the set there was torn by an interrupted run: saving rewrites it."""
    from briefing.formats import audio_format, format_of
    from briefing.readers.fetch import is_url

    if audio.is_dir():
        raise OutputError(f"{audio}: is a directory; give a file name such as {audio / 'briefing.mp3'}")
    if len(audio.stem.encode()) > LONGEST_NAME:  # its companions and temporaries would not fit, after all the work
        raise OutputError(f"{audio.name}: the name is too long; give one of at most {LONGEST_NAME} bytes")
    alternates = [audio_format(name) for name in formats]
    for fmt in (format_of(audio, format), *alternates):
        fmt.check_bitrate(bitrate)
    if embed_audio and not page:
        raise OutputError("embedding the audio needs the listening page too", option="embed_audio")
    others = outputs_for(audio)
    files = [audio, *(audio.with_suffix(fmt.suffix) for fmt in alternates), others["vtt"], others["srt"],
             others["manifest"], *([others["page"]] if page else [])]
    check_targets(files, [others["sections"]] if per_section else [])
    inputs = {Path(source).resolve() for source in sources if str(source) != STDIN and not is_url(str(source))}
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
        notify(f"Warning: {audio}: the briefing there is incomplete ({', '.join(torn)} not as its manifest says; "
               "an earlier run was interrupted); this run rewrites it")  # fmt: skip


def part_names(track: Track, ranges: list[tuple[int, int]], suffix: str) -> list[str]:
    """File names for the sections: ``NN-<section><suffix>``; in an episode ``NN-<article>/MM-<section><suffix>``."""
    sections = track.timeline.sections
    firsts = [sections[track.timeline.cues[start].cue.section] for start, _ in ranges]
    if not track.timeline.articles:
        return [section_file_name(number, section.title, suffix) for number, section in enumerate(firsts, start=1)]
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
