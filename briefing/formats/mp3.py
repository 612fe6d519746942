"""MP3: LAME through lameenc, a Xing "Info" frame with the exact length, ID3v2.3 tags with one CHAP chapter per
section and CTOC tables of contents."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from mutagen.id3 import CHAP, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLAN, TPE1, TRCK, WOAS, CTOCFlags

from briefing.assemble import Timeline
from briefing.codec import BITRATES, DEFAULT_BITRATE, ENCODER_DELAY, decode_mp3, encode_mp3, with_info_frame
from briefing.formats.base import AudioFormat, Tags


class Mp3(AudioFormat):
    name = "mp3"
    suffix = ".mp3"
    mime = "audio/mpeg"
    bitrates = BITRATES
    default_bitrate = DEFAULT_BITRATE
    concatenates = True

    def delay(self, sample_rate: int) -> int:
        return ENCODER_DELAY

    def encode(self, pcm: Iterable[bytes], sample_rate: int, bitrate: int, target: Path) -> int:
        import miniaudio

        with target.open("wb") as out:
            for frames in encode_mp3(pcm, sample_rate, bitrate):
                out.write(frames)
        return miniaudio.mp3_get_file_info(str(target)).num_frames

    def decoded(self, path: Path) -> tuple[int, Iterator[bytes]]:
        import miniaudio

        rate = miniaudio.mp3_get_file_info(str(path)).sample_rate
        stream = miniaudio.stream_file(str(path), output_format=miniaudio.SampleFormat.SIGNED16, nchannels=1,
                                       sample_rate=rate, frames_to_read=rate)  # fmt: skip
        return rate, (chunk.tobytes() for chunk in stream)

    def roundtrip(self, pcm: list[bytes], sample_rate: int, bitrate: int) -> bytes:
        return decode_mp3(b"".join(encode_mp3(pcm, sample_rate, bitrate))).raw_data

    def tag(self, path: Path, tags: Tags, timeline: Timeline | None, track_number: int | None = None) -> None:
        """ID3v2.3 tags, and with a timeline, one CHAP frame per section plus an ordered top-level CTOC (in
        an episode, one child CTOC per article); before the audio, its exact length (:func:`with_info_frame`).

        ID3v2.3, not 2.4: players built on libavformat (ffprobe, mpv, VLC) drop a v2.4 CHAP whose title takes
        126 bytes or more (about 63 Arabic letters: many a headline), and v2.3 is what podcast tools write."""
        with_info_frame(path)
        id3 = ID3()
        for frame, value in ((TIT2, tags.title), (TPE1, tags.artist), (TALB, tags.album), (TDRC, tags.date),
                             (TLAN, tags.language), (TCON, tags.genre)):  # fmt: skip
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
                    add_table(id3, element, article.title, mine)
            add_table(id3, "toc", tags.title, top, CTOCFlags.TOP_LEVEL)
        id3.save(path, v2_version=3)


TABLE_ENTRIES = 255
"""The most entries one CTOC frame lists: ID3 counts them in one byte."""


def add_table(id3: ID3, element: str, title: str, children: list[str], flags: int = 0) -> None:
    """An ordered CTOC of ``children``; past TABLE_ENTRIES, it lists tables of at most that many each
    (nested as deep as needed), so a five-hour briefing keeps every chapter."""
    level = 0
    while len(children) > TABLE_ENTRIES:
        groups = [children[i : i + TABLE_ENTRIES] for i in range(0, len(children), TABLE_ENTRIES)]
        children = [f"{element}.{level}.{number}" for number in range(len(groups))]
        for table, group in zip(children, groups):
            id3.add(CTOC(element_id=table, flags=CTOCFlags.ORDERED, child_element_ids=group,
                         sub_frames=[TIT2(encoding=3, text=title)]))  # fmt: skip
        level += 1
    id3.add(CTOC(element_id=element, flags=flags | CTOCFlags.ORDERED, child_element_ids=children,
                 sub_frames=[TIT2(encoding=3, text=title)]))  # fmt: skip


def chapter_ids(titles: list[str]) -> list[str]:
    """CHAP element IDs (``chp0``, ``chp1``...), lengthened where needed so that each chapter's frame is
    longer than the one before.

    mutagen writes frames of equal priority shortest first, and ffprobe, mpv, VLC and other players
    built on libavformat list chapters in the order they are written: frames growing with time keep
    those lists chronological. The IDs are never shown; titles and times are untouched. ID3v2.3 writes
    titles in UTF-16, two bytes a letter.
    """
    ids: list[str] = []
    previous = -1
    for number, title in enumerate(titles):
        element = f"chp{number}"
        title_bytes = len(title.encode("utf-16-le"))
        element += "-" * max(0, previous + 1 - title_bytes - len(element))
        previous = title_bytes + len(element)
        ids.append(element)
    return ids
