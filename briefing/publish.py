"""Publish the track: the MP3 with tags and chapters, WebVTT and SRT subtitles, a JSON manifest, and
optionally one MP3 per section. Every file is written under a temporary name beside its target and
renamed into place only when all of them are complete: a failure or Ctrl-C leaves earlier outputs as
they were and no temporary file behind.

The pipeline imports this module (numpy, mutagen and the subtitle libraries with it) once synthesis has
started, so that loading them overlaps the wait for the first clips.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field, replace
from collections.abc import Callable
from pathlib import Path

import srt
import webvtt
from mutagen.id3 import CHAP, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLAN, TPE1, TRCK, WOAS, CTOCFlags

from briefing import __version__, loudness
from briefing.article import Episode
from briefing.assemble import TimedArticle, TimedCue, TimedSection, Timeline, Track, span_articles
from briefing.language import Phrases
from briefing.codec import DEFAULT_BITRATE, ENCODER_DELAY, MP3_QUALITY, decode_mp3, encode_mp3, encode_parts
from briefing.manifest import file_record, outputs_for
from briefing.speech.cache import ClipCache
from briefing.errors import WriteError
from briefing.staging import Staging, locked, remove_leftovers


@dataclass(frozen=True)
class Tags:
    """ID3 tags a player or podcast app shows. ``source`` is the article's address, when it has one."""

    title: str
    artist: str = "briefing"
    album: str = "موجز صوتي"
    date: str = field(default_factory=lambda: datetime.date.today().isoformat())
    language: str = "ara"
    genre: str = "Speech"
    source: str | None = None

    @classmethod
    def of(cls, episode: Episode, phrases: Phrases) -> Tags:
        """A lone article's author, publication date and address, when known; an episode's own title."""
        known = episode.articles[0].metadata if len(episode.articles) == 1 else None
        return cls(
            title=episode.title or episode.name,
            artist=(known and known.author) or (known and known.site) or "briefing",
            album=phrases.album,
            language=phrases.iso639_2,
            source=known and known.url,
            **({"date": known.date} if known and known.date else {}),
        )


@dataclass(frozen=True)
class Voice:
    engine: str
    voice: str
    lang: str


@dataclass(frozen=True)
class Published:
    """Where everything went, and the timeline as it sits in the MP3."""

    mp3: Path
    vtt: Path
    srt: Path
    manifest: Path
    sections_folder: Path | None
    section_files: tuple[Path, ...]
    timeline: Timeline
    page: Path | None = None


def publish(
    track: Track,
    episode: Episode,
    mp3: Path,
    *,
    tags: Tags,
    voice: Voice,
    bitrate: int = DEFAULT_BITRATE,
    per_section: bool = False,
    page: bool = False,
    embed_audio: bool = False,
    cache: ClipCache | None = None,
    waiting: Callable[[], None] | None = None,
) -> Published:
    """Normalize loudness, encode (on all cores), and write every output atomically, under a lock on the
    output set (``waiting`` is told when another run holds it).

    The manifest is renamed last and records the SHA-256 of every other file, so a set torn by a kill
    between renames is told apart from a whole one (:func:`briefing.manifest.torn_files`). Temporaries a
    killed run left beside these outputs are removed first. With a ``cache``, the encoded audio is kept
    under a key made of the exact PCM and settings, so an unchanged rerun does not measure or encode.
    """
    jobs = os.cpu_count() or 1
    ranges = section_ranges(track) if per_section else balanced_ranges(track, jobs)
    names = part_names(track, ranges)
    others = outputs_for(mp3)
    stage = Staging()
    try:
        return _publish(track, episode, mp3, stage, ranges, names, others, tags, voice, bitrate, per_section, page,
                        embed_audio, cache, waiting)  # fmt: skip
    except OSError as exc:  # a full disk, a file system gone read-only...
        raise WriteError(f"{stage.failed_target(exc) or mp3}: cannot be written ({exc.strerror or exc})") from None


def _publish(track, episode, mp3, stage, ranges, names, others, tags, voice, bitrate, per_section, page, embed_audio,
             cache, waiting) -> Published:  # fmt: skip
    jobs = os.cpu_count() or 1
    with locked(mp3, waiting), stage:
        remove_leftovers([mp3, *others.values()])
        folder = stage.folder(others["sections"]) if per_section else stage.scratch(mp3)
        for name in names:
            (folder / name).parent.mkdir(exist_ok=True)
        measured, gain, decoded = encode_track(track, ranges, [folder / name for name in names], bitrate, jobs, cache)
        timeline = place(track, ranges, decoded)
        staged = {mp3: stage.file(mp3)}
        with staged[mp3].open("wb") as out:
            for name in names:
                with (folder / name).open("rb") as part:
                    shutil.copyfileobj(part, out)
        write_tags(staged[mp3], tags, timeline)
        vtt = webvtt_text(timeline)
        for kind, text in (("vtt", vtt), ("srt", srt_text(timeline))):
            staged[others[kind]] = stage.file(others[kind])
            staged[others[kind]].write_text(text, encoding="utf-8")
        section_files: list[Path] = []
        if per_section:
            for number, (name, section) in enumerate(zip(names, timeline.sections), start=1):
                write_tags(folder / name, replace(tags, title=section.title, album=tags.title, source=None), None, number)
                section_files.append(others["sections"] / name)
                staged[others["sections"] / name] = folder / name
        manifest = build_manifest(episode, timeline, mp3, tags, voice, bitrate, track.sample_rate, measured, gain,
                                  section_files)  # fmt: skip
        if page:
            from briefing.page import render

            audio = staged[mp3].read_bytes() if embed_audio else None
            staged[others["page"]] = stage.file(others["page"])
            staged[others["page"]].write_text(render(manifest, mp3.name, vtt, audio), encoding="utf-8")
        manifest["files"] = {str(target.relative_to(mp3.parent)): file_record(temporary)
                             for target, temporary in staged.items()}  # fmt: skip
        stage.file(others["manifest"]).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                                  encoding="utf-8")  # fmt: skip
    return Published(mp3, others["vtt"], others["srt"], others["manifest"],
                     others["sections"] if per_section else None, tuple(section_files), timeline,
                     others["page"] if page else None)  # fmt: skip


MASTERING = f"lufs={loudness.TARGET_LUFS};ceiling={loudness.CEILING_DBFS};q={MP3_QUALITY};v=1"
"""Everything besides the PCM and the options that decides the encoded bytes; change v to renew entries."""


def encode_track(
    track: Track, ranges: list[tuple[int, int]], targets: list[Path], bitrate: int, jobs: int, cache: ClipCache | None
) -> tuple[float, float, list[int]]:
    """Normalize and encode each range of pieces into its target MP3; returns the measured loudness, the
    gain applied, and each part's decoded length. Taken from ``cache`` when this exact audio was
    encoded before with the same settings, and kept there otherwise."""
    pieces = [piece.raw_data for piece in track.pieces]
    key = encoded_key(pieces, ranges, track.sample_rate, bitrate) if cache else ""
    kept = _unpack(cache.get_bytes(key, "track")) if cache else None
    if kept is not None:
        measured, gain, decoded, streams = kept
        for target, stream in zip(targets, streams):
            target.write_bytes(stream)
        return measured, gain, decoded

    def roundtrip(pcm: list[bytes]) -> bytes:
        return decode_mp3(b"".join(encode_mp3(pcm, track.sample_rate, bitrate))).raw_data

    sounds = [piece for piece, timed in zip(pieces, track.timeline.cues) if timed.cue.kind != "pause"]
    measured, gain = loudness.normalizing_gain(sounds, track.sample_rate, roundtrip)
    parts = [loudness.apply(pieces[start:end], track.sample_rate, gain) for start, end in ranges]
    decoded = encode_parts(parts, targets, track.sample_rate, bitrate, jobs)
    if cache:
        cache.put_bytes(key, "track", _pack(measured, gain, decoded, targets))
    return measured, gain, decoded


def encoded_key(pieces: list[bytes], ranges: list[tuple[int, int]], rate: int, bitrate: int) -> str:
    """The cache key of an encoded track: its PCM, its parts, and every setting that decides the bytes."""
    digest = hashlib.sha256(f"{MASTERING};rate={rate};bitrate={bitrate};parts={ranges}".encode())
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


def part_names(track: Track, ranges: list[tuple[int, int]]) -> list[str]:
    """File names for the parts: ``NN-<section>.mp3``; in an episode ``NN-<article>/MM-<section>.mp3``."""
    sections = track.timeline.sections
    firsts = [sections[track.timeline.cues[start].cue.section] for start, _ in ranges]
    if not track.timeline.articles:
        return [section_file_name(number, section.title) for number, section in enumerate(firsts, start=1)]
    names, counts = [], {}
    for section in firsts:
        counts[section.article] = counts.get(section.article, 0) + 1
        folder = section_file_name(section.article + 1, track.timeline.articles[section.article].title)[:-4]
        names.append(f"{folder}/{section_file_name(counts[section.article], section.title)}")
    return names


def section_ranges(track: Track) -> list[tuple[int, int]]:
    """Piece ranges, one per section (cues are in section order)."""
    ranges: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(track.timeline.cues) + 1):
        if index == len(track.timeline.cues) or track.timeline.cues[index].cue.section != track.timeline.cues[start].cue.section:
            ranges.append((start, index))
            start = index
    return ranges


def balanced_ranges(track: Track, parts: int) -> list[tuple[int, int]]:
    """About equally long piece ranges, cut only before a pause (a seam must fall in silence)."""
    total = track.timeline.duration_ms
    cuts = [0]
    for index, timed in enumerate(track.timeline.cues):
        share = total * len(cuts) / parts
        if len(cuts) < parts and timed.cue.kind == "pause" and timed.start_ms >= share and index > cuts[-1]:
            cuts.append(index)
    return list(zip(cuts, [*cuts[1:], len(track.pieces)]))


def place(track: Track, ranges: list[tuple[int, int]], decoded: list[int]) -> Timeline:
    """The timeline as decoders play the concatenated streams.

    Each stream starts with the encoder delay and ends padded to whole frames, so the content of part
    k starts at the decoded length of the parts before it, plus the delay.
    """
    rate = track.sample_rate
    cues: list[TimedCue] = []
    before_decoded = before_content = 0.0
    for (start, end), length in zip(ranges, decoded):
        part = track.timeline.cues[start:end]
        shift = (before_decoded - before_content + ENCODER_DELAY) * 1000 / rate
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


def write_tags(path: Path, tags: Tags, timeline: Timeline | None, track_number: int | None = None) -> None:
    """ID3v2.4 tags, and with a timeline, one CHAP frame per section plus an ordered top-level CTOC."""
    id3 = ID3()
    for frame in (TIT2, TPE1, TALB, TDRC, TLAN, TCON):
        value = {TIT2: tags.title, TPE1: tags.artist, TALB: tags.album, TDRC: tags.date, TLAN: tags.language,
                 TCON: tags.genre}[frame]  # fmt: skip
        id3.add(frame(encoding=3, text=value))
    if track_number is not None:
        id3.add(TRCK(encoding=3, text=str(track_number)))
    if tags.source:
        id3.add(WOAS(url=tags.source))
    if timeline is not None:
        ids = chapter_ids([section.title for section in timeline.sections])
        for element, section in zip(ids, timeline.sections):
            id3.add(CHAP(element_id=element, start_time=round(section.start_ms), end_time=round(section.end_ms),
                         sub_frames=[TIT2(encoding=3, text=section.title)]))  # fmt: skip
        top = ids
        if timeline.articles:  # an episode: the top level lists the articles, each lists its chapters
            top = [f"art{number}" for number in range(len(timeline.articles))]
            for number, (element, article) in enumerate(zip(top, timeline.articles)):
                mine = [chapter for chapter, s in zip(ids, timeline.sections) if s.article == number]
                id3.add(CTOC(element_id=element, flags=CTOCFlags.ORDERED, child_element_ids=mine,
                             sub_frames=[TIT2(encoding=3, text=article.title)]))  # fmt: skip
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=top,
                     sub_frames=[TIT2(encoding=3, text=tags.title)]))  # fmt: skip
    id3.save(path, v2_version=4)


def chapter_ids(titles: list[str]) -> list[str]:
    """CHAP element IDs (``chp0``, ``chp1``...), lengthened where needed so that each chapter's frame is
    longer than the one before.

    mutagen writes frames of equal priority shortest first, and ffprobe, mpv, VLC and other players
    built on libavformat list chapters in the order they are written: frames growing with time keep
    those lists chronological. The IDs are never shown; titles and times are untouched.
    """
    ids: list[str] = []
    previous = -1
    for number, title in enumerate(titles):
        element = f"chp{number}"
        title_bytes = len(title.encode("utf-8"))
        element += "-" * max(0, previous + 1 - title_bytes - len(element))
        previous = title_bytes + len(element)
        ids.append(element)
    return ids


def section_file_name(number: int, heading: str) -> str:
    """``NN-<slug>.mp3``: letters, digits and dashes only, so no heading can lead out of the folder."""
    from slugify import slugify

    slug = slugify(heading, allow_unicode=True, max_length=60, word_boundary=True) or "section"
    return f"{number:02d}-{slug}.mp3"


def spoken_cues(timeline: Timeline) -> list[TimedCue]:
    return [timed for timed in timeline.cues if timed.cue.spoken]


def webvtt_text(timeline: Timeline) -> str:
    document = webvtt.WebVTT()
    for number, timed in enumerate(spoken_cues(timeline), start=1):
        article = timeline.sections[timed.cue.section].article
        document.captions.append(webvtt.Caption(
            _clock(timed.start_ms, "."), _clock(timed.end_ms, "."), vtt_caption(timed.cue.text),
            identifier=f"a{article + 1}-s{timed.cue.section + 1}-c{number}",  # article, section, cue
        ))  # fmt: skip
    return document.content


def srt_text(timeline: Timeline) -> str:
    return srt.compose(
        srt.Subtitle(number, datetime.timedelta(milliseconds=round(t.start_ms)),
                     datetime.timedelta(milliseconds=round(t.end_ms)), srt_caption(t.cue.text))
        for number, t in enumerate(spoken_cues(timeline), start=1)
    )  # fmt: skip


def srt_caption(text: str) -> str:
    """Caption text an SRT reader cannot take for a timing line: ``-->`` becomes an arrow."""
    return text.replace("-->", "→")


def vtt_caption(text: str) -> str:
    """Caption text as WebVTT wants it: no ``-->``, and ``&``, ``<`` and ``>`` escaped, since a browser takes
    them for markup and drops what follows."""
    return srt_caption(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clock(ms: float, separator: str) -> str:
    whole = round(ms)
    hours, rest = divmod(whole, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def build_manifest(episode, timeline, mp3, tags, voice, bitrate, sample_rate, measured, gain, section_files) -> dict:
    """Everything a feed, a player page or a person needs to know about the briefing, times in ms.

    ``guid`` names the episode for podcast apps: the same file of the same articles keeps it.
    """
    others = outputs_for(mp3)
    identity = json.dumps([mp3.name, tags.title, [article.sha256 for article in episode.articles]])
    spans = timeline.articles or (TimedArticle(tags.title, 0.0, timeline.duration_ms),)
    return {
        "briefing_version": __version__,
        "guid": "briefing-" + hashlib.sha256(identity.encode()).hexdigest()[:32],
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "title": tags.title,
        "engine": {"name": voice.engine, "voice": voice.voice, "lang": voice.lang},
        "audio": {
            "file": mp3.name,
            "duration_ms": round(timeline.duration_ms),
            "sample_rate": sample_rate,
            "bitrate_kbps": bitrate,
            "loudness_target_lufs": loudness.TARGET_LUFS,
            "measured_lufs": None if measured == float("-inf") else round(measured, 2),
            "gain_db": round(gain, 2),
        },
        "subtitles": {"vtt": others["vtt"].name, "srt": others["srt"].name},
        "articles": [
            {"index": number, "title": span.title, "start_ms": round(span.start_ms), "end_ms": round(span.end_ms),
             "source": {"path": article.source, "sha256": article.sha256, "format": article.format,
                        "encoding": article.encoding},
             "metadata": article.metadata.known()}
            for number, (article, span) in enumerate(zip(episode.articles, spans))
        ],  # fmt: skip
        "sections": [
            {"index": number, "article": section.article, "title": section.title,
             "start_ms": round(section.start_ms), "end_ms": round(section.end_ms),
             **({"file": str(section_files[number].relative_to(mp3.parent))} if section_files else {})}
            for number, section in enumerate(timeline.sections)
        ],  # fmt: skip
        "cues": [
            {"kind": t.cue.kind, "article": timeline.sections[t.cue.section].article, "section": t.cue.section,
             "text": t.cue.text, "start_ms": round(t.start_ms), "end_ms": round(t.end_ms)}
            for t in spoken_cues(timeline)
        ],  # fmt: skip
    }
