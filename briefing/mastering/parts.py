"""How a track is cut into parts that are encoded apart (one per section, or about equal lengths cut in
silence for the cores), and where its cues sit once the parts are decoded one after the other."""

from __future__ import annotations

from briefing.assemble import TimedCue, TimedSection, Timeline, Track, span_articles

Ranges = list[tuple[int, int]]
"""Ranges of the track's pieces, [start, end) each: what one encoded part holds."""


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


def place(track: Track, ranges: Ranges, placed: list[tuple[int, int]]) -> Timeline:
    """The timeline as decoders play the joined parts: ``placed`` says, for each, the samples it takes in
    the file and the samples before its first sound (what the encoder adds), so the content of part k starts
    at the length of the parts before it, plus its delay."""
    rate = track.sample_rate
    cues: list[TimedCue] = []
    before_decoded = before_content = 0.0
    for (start, end), (length, delay) in zip(ranges, placed):
        part = track.timeline.cues[start:end]
        shift = (before_decoded - before_content + delay) * 1000 / rate
        cues += [TimedCue(t.cue, t.start_ms + shift, t.end_ms + shift, t.words) for t in part]
        before_decoded += length
        before_content += sum(int(piece.frame_count()) for piece in track.pieces[start:end])
    duration = before_decoded * 1000 / rate
    starts: dict[int, float] = {}
    for timed in cues:
        starts.setdefault(timed.cue.section, timed.start_ms)
    starts[min(starts)] = 0.0  # the first chapter opens the file, encoder delay included
    order = sorted(starts)
    sections = tuple(
        TimedSection(
            old.title, starts[number], starts[order[i + 1]] if i + 1 < len(order) else duration, old.article
        )
        for i, (number, old) in enumerate(zip(order, track.timeline.sections))
    )
    titles = [article.title for article in track.timeline.articles]
    return Timeline(sections, tuple(cues), duration, span_articles(sections, titles))
