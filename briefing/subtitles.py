"""WebVTT and SRT subtitles: one cue per spoken sentence or heading, with the text as written."""

from __future__ import annotations

import datetime

from briefing.assemble import TimedCue, Timeline


def spoken_cues(timeline: Timeline) -> list[TimedCue]:
    return [timed for timed in timeline.cues if timed.cue.spoken]


def webvtt_text(timeline: Timeline) -> str:
    import webvtt

    document = webvtt.WebVTT()
    for number, timed in enumerate(spoken_cues(timeline), start=1):
        article = timeline.sections[timed.cue.section].article
        document.captions.append(webvtt.Caption(
            clock(timed.start_ms, "."), clock(timed.end_ms, "."), vtt_caption(timed.cue.text),
            identifier=f"a{article + 1}-s{timed.cue.section + 1}-c{number}",  # article, section, cue
        ))  # fmt: skip
    return document.content


def srt_text(timeline: Timeline) -> str:
    import srt

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


def clock(ms: float, separator: str) -> str:
    whole = round(ms)
    hours, rest = divmod(whole, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"
