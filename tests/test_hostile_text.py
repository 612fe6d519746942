"""Hostile text: captions that carry any text, characters no output may hold, punctuation with nothing to
say, and replies that do not decode."""

import json
import re

import pytest
import srt
import webvtt
from lxml import etree
from mutagen.id3 import ID3

from briefing import Article, Pronunciation, Voice
from briefing.characters import without_controls
from briefing.cli import cli
from briefing.errors import InputError
from briefing.publishing.subtitles import srt_caption, vtt_caption
from briefing.text import speakable


def test_caption_text_never_holds_a_timing_arrow_or_markup():
    assert srt_caption("من 10 --> 15 دينارا") == "من 10 → 15 دينارا"
    assert vtt_caption("الأرباح <5% & أكثر --> قريبا") == "الأرباح &lt;5% &amp; أكثر → قريبا"


def test_characters_xml_forbids_become_spaces():
    assert without_controls("عنوان\x08الخبر\x00\x1b[31m\ufffe") == "عنوان الخبر   "  # a colour code whole
    assert (
        without_controls("النمو\x1b[1;31m بلغ\x1b]0;title\x07 3%") == "النمو  بلغ  3%"
    )  # not «[1;31m»: metres
    assert without_controls("سطر\tو\nسطر") == "سطر\tو\nسطر"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("...", False),
        ("…", False),
        ("—", False),
        ("!!!", False),
        (":)", False),
        ("؟!", False),
        ("نعم...", True),
        ("2024", True),
    ],
)
def test_speakable(text, expected):
    assert speakable(text) is expected


def test_arrows_markup_and_control_characters_reach_every_output_safely(runner, tmp_path):
    article = tmp_path / "prices.txt"
    article.write_text(
        "الأسعار\x08 اليوم\nارتفعت الأسعار من 10 --> 15 دينارا هذا الشهر، و<b>الطلب</b> & العرض تغيرا.\n"
        "...\n—\nوقال التجار: «!!!» ثم صمتوا :)\n",
        encoding="utf-8",
    )
    out = tmp_path / "prices.mp3"
    result = runner.invoke(cli, ["generate", str(article), "-o", str(out), "--engine", "espeak", "--page"])
    assert result.exit_code == 0, result.output

    vtt = webvtt.read(str(out.with_suffix(".vtt")))
    texts = [caption.raw_text for caption in vtt.captions]
    whole = " ".join(" ".join(caption.raw_text.split("\n")) for caption in vtt.captions)
    assert "10 → 15" in whole and "&lt;b&gt;" in whole and "&amp;" in whole, texts
    subtitles = list(srt.parse(out.with_suffix(".srt").read_text(encoding="utf-8")))
    assert any("10 → 15" in s.content.replace("\n", " ") for s in subtitles)
    assert not any(text.strip(" .…—") == "" for text in texts)  # punctuation alone is not a caption

    manifest = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert manifest["title"] == "الأسعار اليوم"
    assert str(ID3(out)["TIT2"]) == "الأسعار اليوم"
    assert "\x08" not in out.with_suffix(".html").read_text(encoding="utf-8")

    result = runner.invoke(cli, ["feed", str(tmp_path), "--base-url", "https://example.org/"])
    assert result.exit_code == 0, result.output
    etree.parse(
        str(tmp_path / "feed.xml"), etree.XMLParser(recover=False)
    )  # strict: fails on a bad character


def test_a_title_option_with_control_characters_is_cleaned_and_a_blank_one_refused(
    runner, tmp_path, example_txt
):
    out = tmp_path / "a.mp3"
    result = runner.invoke(
        cli, ["generate", str(example_txt), "-o", str(out), "--engine", "espeak", "--title", "موجز\x07 اليوم"]
    )
    assert result.exit_code == 0, result.output
    assert str(ID3(out)["TIT2"]) == "موجز اليوم"
    blank = runner.invoke(
        cli, ["generate", str(example_txt), "-o", str(out), "--engine", "espeak", "--title", "   "]
    )
    assert blank.exit_code == 2 and blank.output == "Error: the title is blank\n"


def test_a_garbled_gtts_reply_is_retried_like_an_empty_one(runner, tmp_path, gtts_stub):
    gtts_stub.faults = ["notbase64"]  # the first reply's audio is not base64, the next ones are fine
    article = tmp_path / "a.txt"
    article.write_text("هذا خبر قصير للاختبار.\n", encoding="utf-8")
    result = runner.invoke(cli, ["generate", str(article), "-o", str(tmp_path / "a.mp3"), "--engine", "gtts"])
    assert result.exit_code == 0, result.output
    assert len(gtts_stub.requests) >= 2


HOSTILE = [
    # (what the hand edit does to the manifest, the warning)
    (lambda m: m["audio"].update(duration_ms=None), "audio.duration_ms is not a number"),
    (lambda m: m["audio"].update(duration_ms="long"), "audio.duration_ms is not a number"),
    (lambda m: m.update(created="yesterday"), "created is not a date and time"),
    (lambda m: m.update(title=42), "title is not text"),
    (lambda m: m["audio"].update(file="/etc/passwd"), "audio.file is not a file name in its folder"),
    (lambda m: m["audio"].update(file="../x.mp3"), "audio.file is not a file name in its folder"),
    (lambda m: m.update(sections=[{"title": "x", "start_ms": "0"}]), "sections are not well formed"),
]


def test_a_feed_from_hostile_manifests_skips_them_and_stays_valid_xml(runner, tmp_path, example_txt):
    out = tmp_path / "news.mp3"
    assert (
        runner.invoke(
            cli, ["generate", str(example_txt), "-o", str(out), "--engine", "espeak", "-q"]
        ).exit_code
        == 0
    )
    good = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    for number, (edit, _) in enumerate(HOSTILE):
        manifest = json.loads(json.dumps(good))
        manifest["guid"] += str(number)
        edit(manifest)
        (tmp_path / f"edited{number}.json").write_text(json.dumps(manifest), encoding="utf-8")
    control = json.loads(json.dumps(good))
    control.update(title="عنوان\x08 فيه محرف تحكم", guid="control")
    control["cues"][1]["text"] = "جملة\x1b أولى"
    (tmp_path / "control.json").write_text(json.dumps(control), encoding="utf-8")

    result = runner.invoke(
        cli, ["feed", str(tmp_path), "--base-url", "https://example.org/", "--title", "موجز\x0c"]
    )
    assert result.exit_code == 0, result.output
    for number, (_, warning) in enumerate(HOSTILE):
        assert (
            f"{tmp_path / f'edited{number}.json'}: is not a usable briefing manifest ({warning}), skipped"
            in result.output
        )
    assert "Traceback" not in result.output and "2 episodes" in result.output
    feed = etree.parse(str(tmp_path / "feed.xml"), etree.XMLParser(recover=False))
    assert "/etc/passwd" not in etree.tostring(feed, encoding="unicode")
    assert "عنوان  فيه محرف تحكم" in [item.findtext("title") for item in feed.iter("item")]


@pytest.mark.parametrize("bitrate", ["33", "100", "320"])
def test_a_bitrate_the_encoder_would_change_is_refused(runner, tmp_path, example_txt, bitrate):
    result = runner.invoke(
        cli, ["generate", str(example_txt), "-o", str(tmp_path / "a.mp3"), "--bitrate", bitrate]
    )
    assert result.exit_code == 2 and f"bitrate {bitrate} kb/s is not one mp3 is written at" in result.output
    assert list(tmp_path.iterdir()) == []


def test_max_chars_bounds_an_episode_too(runner, tmp_path, example_txt, example_md):
    result = runner.invoke(cli, ["sections", str(example_txt), str(example_md), "--max-chars", "1500"])
    assert result.exit_code == 2
    assert "the 2 articles have" in result.output and "more than the limit of 1,500" in result.output


@pytest.mark.parametrize(
    "text", ["!!!...???\n", "★★★ 🙂🙂\n", "---\n***\n", "# ***\n\n—\n", "<p>...</p><p>&hearts;</p>"]
)
def test_a_text_of_punctuation_or_symbols_alone_is_refused_not_narrated_as_an_empty_briefing(
    runner, tmp_path, text
):
    # it was narrated as an intro, a title of «---» and an outro, and exited 0
    article = tmp_path / ("symbols.html" if text.startswith("<") else "symbols.txt")
    article.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["generate", str(article), "-o", str(tmp_path / "out" / "x.mp3")])
    assert result.exit_code == 2, result.output
    assert re.search("has no (words|text) to narrate", result.output)  # HTML: its reader finds no text
    assert not (tmp_path / "out").exists()
    with pytest.raises(InputError, match="no (words|text) to narrate"):
        Article.from_text(text)


def test_a_separator_line_atop_a_text_is_not_its_title():
    article = Article.from_text("---\nارتفعت الأسعار هذا الشهر.\n***\nوقال التجار إن الطلب تراجع.\n")
    assert article.title is None
    assert [section.paragraphs for section in article.sections] == [
        ("ارتفعت الأسعار هذا الشهر.", "وقال التجار إن الطلب تراجع.")
    ]


def test_punctuation_alone_is_never_sent_to_gtts(runner, tmp_path, gtts_stub):
    article = tmp_path / "a.txt"
    article.write_text(
        "عنوان الخبر\nجملة أولى للاختبار.\n...\n…\n!!!\n:)\nجملة أخيرة ... — ثم انتهت.\n", encoding="utf-8"
    )
    result = runner.invoke(cli, ["generate", str(article), "-o", str(tmp_path / "a.mp3"), "--engine", "gtts"])
    assert result.exit_code == 0, result.output
    assert all(speakable(request.text) for request in gtts_stub.requests)


def test_captions_are_at_most_two_lines_of_42_characters_and_7_seconds(runner, tmp_path):
    long_sentence = (
        "وأضاف المتحدث أن الاجتماع بحث سبل تعزيز التعاون العسكري بين البلدين، بما في ذلك تبادل المعلومات "
        "الاستخباراتية وتنسيق العمليات المشتركة في المنطقة، وذلك في إطار الجهود الرامية إلى مكافحة "
        "الإرهاب وتأمين الحدود المشتركة التي تمتد مئات الكيلومترات عبر الصحراء."
    )
    article = tmp_path / "a.txt"
    article.write_text(f"عنوان الخبر\n{long_sentence}\nجملة قصيرة.\n", encoding="utf-8")
    out = tmp_path / "a.mp3"
    assert runner.invoke(cli, ["generate", str(article), "-o", str(out), "--engine", "espeak"]).exit_code == 0
    vtt = webvtt.read(str(out.with_suffix(".vtt")))
    subtitles = list(srt.parse(out.with_suffix(".srt").read_text(encoding="utf-8")))
    for lines, seconds in [(c.lines, c.end_in_seconds - c.start_in_seconds) for c in vtt.captions] + [
        (s.content.split("\n"), (s.end - s.start).total_seconds()) for s in subtitles
    ]:
        assert len(lines) <= 2 and all(len(line) <= 42 for line in lines) and seconds <= 7.0, (lines, seconds)
    assert len(vtt.captions) > 4  # the long sentence took several captions
    joined = " ".join(" ".join(c.lines) for c in vtt.captions)
    assert "تمتد مئات الكيلومترات عبر الصحراء." in joined
    manifest = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert long_sentence in [cue["text"] for cue in manifest["cues"]]  # whole sentences there


def test_direction_overrides_reach_no_output(runner, tmp_path):
    article = tmp_path / "urgent.md"
    article.write_text(
        "# عاجل \u202eexe.file\u202c\n\n## قسم \u2067مقلوب\u2069\n\nجملة \u202dفيها\u202c تجاوز للاتجاه.\n",
        encoding="utf-8",
    )
    out = tmp_path / "urgent.mp3"
    result = runner.invoke(
        cli,
        [
            "generate",
            str(article),
            "-o",
            str(out),
            "--engine",
            "espeak",
            "--page",
            "--title",
            "موجز \u202eمقلوب",
        ],
    )
    assert result.exit_code == 0, result.output
    overrides = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    tags = ID3(out)
    shown = [str(tags["TIT2"])] + [str(chapter.sub_frames["TIT2"]) for chapter in tags.getall("CHAP")]
    for path in (
        out.with_suffix(".vtt"),
        out.with_suffix(".srt"),
        out.with_suffix(".html"),
        out.with_suffix(".json"),
    ):
        shown.append(path.read_text(encoding="utf-8"))
    assert not overrides & set("".join(shown))
    assert str(tags["TIT2"]) == "موجز مقلوب"


def test_one_endless_sentence_is_heard_at_the_target_and_cut_into_cues(tmp_path):
    import math

    from briefing import Article, narrate
    from briefing.script import LONGEST_SENTENCE

    words = "وقال المسؤول في المدينة إن المشروع الجديد سيغير حياة السكان، كما".split()
    text = (
        "عنوان الخبر\n" + " ".join(words[i % len(words)] for i in range(1500)) + "\n"
    )  # 9,000 chars, no full stop
    narration = narrate(
        Article.from_text(text), voice=Voice("espeak"), cache=False, pronunciation=Pronunciation(vowels=False)
    )
    sentences = [timed.cue.text for timed in narration.cues if timed.cue.kind == "sentence"]
    assert len(sentences) > 10 and max(map(len, sentences)) <= LONGEST_SENTENCE
    published = narration.save(tmp_path / "long.mp3")
    manifest = json.loads(published.manifest.read_text(encoding="utf-8"))  # strict JSON: no NaN
    audio = manifest["audio"]
    assert abs(audio["loudness_lufs"] + 16) <= 0.5 and math.isfinite(audio["gain_db"])


def test_a_narration_that_measures_as_silence_is_never_published(tmp_path, monkeypatch):
    from briefing import Article, SynthesisError, narrate
    from briefing.audio import AudioSegment
    from briefing.speech.engines.espeak import EspeakEngine

    monkeypatch.setattr(
        EspeakEngine, "synthesize", lambda self, text: AudioSegment.silent(duration=800, frame_rate=22050)
    )
    monkeypatch.setattr(
        EspeakEngine,
        "speak",
        lambda self, text: __import__("briefing.speech.engines.base", fromlist=["Spoken"]).Spoken(
            self.synthesize(text)
        ),
    )
    narration = narrate(
        Article.from_text("عنوان\nجملة لا يسمعها أحد لأن المحرك صامت تماما."),
        voice=Voice("espeak"),
        cache=False,
    )
    with pytest.raises(SynthesisError, match="measures as silence; nothing was written"):
        narration.save(tmp_path / "silent.mp3")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("rate", "bitrate"), [("48000", "32"), ("44100", "48"), ("24000", "32")])
def test_a_low_mp3_bitrate_keeps_the_sample_rate_the_timeline_counts_in(
    runner, tmp_path, example_txt, rate, bitrate
):
    import miniaudio

    out = tmp_path / "s.mp3"
    result = runner.invoke(
        cli,
        [
            "generate",
            str(example_txt),
            "-o",
            str(out),
            "--engine",
            "espeak",
            "--sample-rate",
            rate,
            "--bitrate",
            bitrate,
        ],
    )
    assert result.exit_code == 0, result.output
    info = miniaudio.mp3_get_file_info(str(out))
    manifest = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert info.sample_rate == manifest["audio"]["sample_rate"] == int(rate)
    assert abs(info.duration * 1000 - manifest["audio"]["duration_ms"]) < 100
    starts = [caption.start_in_seconds for caption in webvtt.read(str(out.with_suffix(".vtt"))).captions]
    assert starts == sorted(starts)


def test_a_title_given_to_the_library_is_cleaned_as_the_command_line_cleans_it(tmp_path):
    from briefing import Article

    hostile = "عنوان\n--> خطر\u202e\x07 <b>"
    article = Article.from_text("خبر\nنص قصير للتجربة هنا.", title=hostile)
    assert article.title == "عنوان --> خطر <b>"
    path = tmp_path / "a.txt"
    path.write_text("خبر\nنص قصير للتجربة هنا.", encoding="utf-8")
    assert Article.from_file(path, title=hostile).title == "عنوان --> خطر <b>"
    assert Article.from_file(path, title="\x07\u202e").title == "خبر"  # nothing left: the article's own


def test_lexicon_entries_carry_no_control_or_override_character_into_what_is_recorded(tmp_path):
    from briefing import Article, Pronunciation, Voice, narrate

    lexicon = tmp_path / "names.tsv"
    lexicon.write_text("حفتر\tحَفْتَر\u202e\x07\n", encoding="utf-8")
    article = Article.from_text("خبر\nقال خبر اليوم إن حفتر وصل.")
    narration = narrate(
        article,
        voice=Voice("espeak"),
        pronunciation=Pronunciation(lexicon=[lexicon, {"خبر": "خَبَر\u2066"}]),
        cache=False,
    )
    narration.save(tmp_path / "a.mp3")
    recorded = (tmp_path / "a.json").read_text(encoding="utf-8")
    assert "حَفْتَر" in recorded and not set("\u202e\u2066\x07") & set(recorded)
