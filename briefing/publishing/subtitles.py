"""WebVTT and SRT subtitles people can read: a spoken sentence becomes one or more captions of at most two
lines of 42 characters and 7 seconds, cut where a pause costs the listener least (the chunking cost of
``briefing.text``), each timed by where its first word is spoken when the engine says (eSpeak NG, Edge),
else by characters. The page's transcript and the manifest keep whole sentences."""

from __future__ import annotations

import datetime

from briefing.assemble import TimedCue, Timeline

LINE_CHARS = 42
LINES = 2
CAPTION_MS = 7000


def spoken_cues(timeline: Timeline) -> list[TimedCue]:
    return [timed for timed in timeline.cues if timed.cue.voiced]


Caption = tuple[TimedCue, str, float, float]
"""The cue a caption belongs to, its lines (joined by a line break), its start and end in ms."""


def captions(timeline: Timeline) -> list[Caption]:
    """Every caption of the spoken cues, in order."""
    from briefing.spoken import written_word_starts

    return [
        (timed, text, start, end)
        for timed in spoken_cues(timeline)
        for text, start, end in caption_pieces(
            timed.cue.text,
            timed.start_ms,
            timed.end_ms,
            written_word_starts(timed.cue.text, timed.cue.spoken, timed.words),
        )
    ]


def caption_pieces(
    text: str, start_ms: float, end_ms: float, words: tuple[float, ...] | None = None
) -> list[tuple[str, float, float]]:
    """``text`` cut into captions of at most two lines of ``LINE_CHARS`` and ``CAPTION_MS`` each, each
    starting
    where its first word is spoken (``words``: each word's start in ms from ``start_ms``, as the engine
    said), or with the time shared out by characters when there are no word starts for this text."""
    from briefing.text import split_for_limit

    text = " ".join(text.split())
    duration = max(end_ms - start_ms, 1.0)
    pieces = max(-(-len(text) // (LINE_CHARS * LINES)), -(-int(duration) // CAPTION_MS), 1)
    limit = LINE_CHARS * LINES
    while True:
        chunks: list[str] = (
            split_for_limit(text, min(limit, -(-len(text) // pieces) + LINE_CHARS // 2)) if text else [text]
        )
        found = _timed(chunks, start_ms, end_ms, words)
        if max(end - start for _, start, end in found) <= CAPTION_MS or limit <= LINE_CHARS // 2:
            return found
        limit = int(limit * 0.8)
        pieces += 1


def _timed(
    chunks: list[str], start_ms: float, end_ms: float, words: tuple[float, ...] | None
) -> list[tuple[str, float, float]]:
    """Each caption's lines, start and end: from the start of its first word when ``words`` has one start
    for each word of the chunks, else by characters."""
    counts = [len(chunk.split()) for chunk in chunks]
    if words is not None and sum(counts) == len(words) and all(counts):
        firsts = [sum(counts[:number]) for number in range(len(chunks))]
        starts = [start_ms] + [start_ms + words[first] for first in firsts[1:]]
    else:
        total, starts, at = max(sum(len(chunk) for chunk in chunks), 1), [], start_ms
        for chunk in chunks:
            starts.append(at)
            at += (end_ms - start_ms) * len(chunk) / total
    return [
        (two_lines(chunk), start, end) for chunk, start, end in zip(chunks, starts, [*starts[1:], end_ms])
    ]


def two_lines(text: str) -> str:
    """``text`` on one line if it fits, else broken at the space that best balances two lines."""
    if len(text) <= LINE_CHARS or " " not in text:
        return text
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    best = min(spaces, key=lambda i: (max(i, len(text) - i - 1) > LINE_CHARS, abs(len(text) / 2 - i)))
    return text[:best] + "\n" + text[best + 1 :]


def webvtt_text(timeline: Timeline, found: list[Caption]) -> str:
    """WebVTT of ``found`` (the :func:`captions` of ``timeline``)."""
    import webvtt

    document = webvtt.WebVTT()
    for number, (timed, text, start, end) in enumerate(found, start=1):
        article = timeline.sections[timed.cue.section].article
        document.captions.append(
            webvtt.Caption(
                clock(start, "."),
                clock(end, "."),
                [vtt_caption(line) for line in text.split("\n")],
                identifier=f"a{article + 1}-s{timed.cue.section + 1}-c{number}",  # article, section, caption
            )
        )
    return document.content


def srt_text(found: list[Caption]) -> str:
    """SRT of ``found`` (:func:`captions`)."""
    import srt

    return srt.compose(
        srt.Subtitle(
            number,
            datetime.timedelta(milliseconds=round(start)),
            datetime.timedelta(milliseconds=round(end)),
            srt_caption(text),
        )
        for number, (_, text, start, end) in enumerate(found, start=1)
    )


def srt_caption(text: str) -> str:
    """Caption text an SRT reader cannot take for a timing line: ``-->`` becomes an arrow."""
    return text.replace("-->", "→")


def vtt_caption(text: str) -> str:
    """Caption text as WebVTT wants it: no ``-->``, and ``&``, ``<`` and ``>`` escaped, since a browser takes
    them for markup and drops what follows."""
    return srt_caption(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clock(ms: float, separator: str) -> str:
    whole = round(ms)
    hours, rest = divmod(whole, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"
