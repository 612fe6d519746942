"""Captions timed by the engine's own word starts where it gives them (eSpeak NG's word events, Edge's word
boundaries), by characters otherwise; and the small functions that do it, alone."""

import re

import pytest
import webvtt

from briefing import Article, Voice, narrate
from briefing.publishing.subtitles import caption_pieces
from briefing.speech.engines.base import word_starts

SENTENCE = (
    "قال رئيس الوزراء في مؤتمر صحفي عقده مساء اليوم في العاصمة إن الحكومة ستطلق خلال الأسابيع المقبلة "
    "برنامجا واسعا لدعم المزارعين الصغار في المناطق الريفية والجبلية، يشمل قروضا ميسرة وبذورا محسنة "
    "ومعدات ري حديثة، على أن تبدأ المرحلة الأولى منه في المحافظات الجنوبية قبل نهاية العام الجاري."
)


def test_word_starts_follow_the_marks_by_character_offset():
    text = "واحد اثنان ثلاثة أربعة"
    assert word_starts(text, [(0, 0.0), (5, 400.0), (11, 900.0), (17, 1500.0)]) == (0.0, 400.0, 900.0, 1500.0)
    # a word without a mark starts with the next; a mark inside a word counts for that word
    assert word_starts(text, [(0, 0.0), (13, 900.0), (17, 1500.0)]) == (0.0, 900.0, 900.0, 1500.0)
    # never backwards, and too few marks are no marks
    assert word_starts(text, [(0, 500.0), (5, 300.0), (11, 900.0)]) == (300.0, 300.0, 900.0, 900.0)
    assert word_starts(text, [(0, 0.0)]) is None and word_starts(text, []) is None


def test_captions_start_where_their_first_word_is_spoken():
    words = SENTENCE.split()
    starts = tuple(
        1000.0 * n if n < 10 else 10_000 + 100.0 * (n - 10) for n in range(len(words))
    )  # slow, then fast
    end = 10_000 + 100.0 * (len(words) - 10) + 500
    timed = caption_pieces(SENTENCE, 0.0, end, starts)
    by_chars = caption_pieces(SENTENCE, 0.0, end)
    assert " ".join(text.replace("\n", " ") for text, _, _ in timed) == SENTENCE and len(timed) > 2
    first_words = [0]
    for text, _, _ in timed[:-1]:
        first_words.append(first_words[-1] + len(text.split()))
    assert [start for _, start, _ in timed] == [0.0] + [starts[i] for i in first_words[1:]]
    assert [start for _, start, _ in timed] != [start for _, start, _ in by_chars]
    assert all(end - start <= 7000 for _, start, end in timed)  # the slow words make shorter captions
    assert len(timed[0][0].split()) < len(by_chars[0][0].split())


def test_a_word_count_that_does_not_match_falls_back_to_characters():
    assert caption_pieces(SENTENCE, 0.0, 20_000.0, (0.0, 100.0)) == caption_pieces(SENTENCE, 0.0, 20_000.0)


def caption_starts(vtt_path):
    def seconds(clock):
        hours, minutes, rest = clock.split(":")
        return int(hours) * 3600 + int(minutes) * 60 + float(rest)

    return [seconds(caption.start) for caption in webvtt.read(str(vtt_path))]


@pytest.mark.parametrize("engine", ["espeak", "edge"])
def test_engines_that_tell_word_starts_time_the_captions_by_them(engine, tmp_path, request):
    if engine == "edge":
        request.getfixturevalue("edge_stub")
    article = Article.from_text(f"موجز الزراعة\n\n{SENTENCE}\n")
    narration = narrate(article, voice=Voice(engine), cache=tmp_path / "cache")
    published = narration.save(tmp_path / "a.mp3")
    spoken = [timed for timed in published.timeline.cues if timed.cue.kind == "sentence"]
    assert len(spoken) == 1 and spoken[0].words is not None
    assert len(spoken[0].words) == len(SENTENCE.split()) and list(spoken[0].words) == sorted(spoken[0].words)
    expected = [
        round(start / 1000, 3)
        for _, start, _ in caption_pieces(SENTENCE, spoken[0].start_ms, spoken[0].end_ms, spoken[0].words)
    ]
    assert [s for s in caption_starts(tmp_path / "a.vtt") if s >= expected[0] - 0.001][
        : len(expected)
    ] == pytest.approx(expected, abs=0.002)

    again = narrate(article, voice=Voice(engine), cache=tmp_path / "cache").save(
        tmp_path / "b.mp3"
    )  # from the cache
    assert (tmp_path / "b.vtt").read_text().replace("b.", "a.") == (tmp_path / "a.vtt").read_text()
    assert again.timeline.cues[-1].words is not None or again.timeline.cues[-1].cue.kind == "pause"


def test_captions_without_word_starts_share_time_by_characters(tmp_path, gtts_stub):
    narration = narrate(Article.from_text(f"موجز الزراعة\n\n{SENTENCE}\n"), voice=Voice("gtts"), cache=False)
    published = narration.save(tmp_path / "g.mp3")
    (spoken,) = [timed for timed in published.timeline.cues if timed.cue.kind == "sentence"]
    assert spoken.words is None
    assert re.search(r"\d\d:\d\d\.\d{3} --> ", (tmp_path / "g.vtt").read_text())


def test_a_cached_clip_with_unreadable_word_starts_is_made_again(tmp_path):
    from briefing.audio import AudioSegment
    from briefing.cache import ClipCache
    from briefing.speech.clips import cached_clip, keep_clip
    from briefing.speech.engines.base import Spoken

    cache = ClipCache(tmp_path)
    clip = AudioSegment.silent(duration=300, frame_rate=16000)
    keep_clip(cache, "k" * 64, Spoken(clip, (0.0, 120.5)))
    assert cached_clip(cache, "k" * 64).words == (0.0, 120.5)
    cache.put_stream(
        "b" * 64, "clip", [b'WORDS ["soon", null]\n' + b"RIFF"]
    )  # a sound checksum, nonsense inside
    assert cached_clip(cache, "b" * 64) is None and not any(tmp_path.rglob("b*.clip"))
