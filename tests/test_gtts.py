"""The gtts engine runs the real gTTS package against a local server speaking Google's protocol."""

import json
import re

from briefing.article import Episode, read_article
from briefing.cli import cli
from briefing.script import build_script
from briefing.spoken import SpokenForm
from tests.conftest import decoded_seconds
from tests.gtts_stub import MS_PER_CHAR

ARABIC = re.compile("[\u0600-\u06ff]")


def test_gtts_engine_sends_arabic_chunks_of_at_most_100_chars(runner, example_txt, tmp_path, gtts_stub):
    out = tmp_path / "g.mp3"
    result = runner.invoke(cli, ["generate", str(example_txt), "-o", str(out), "--engine", "gtts"])
    assert result.exit_code == 0, result.output
    assert "engine gtts" in result.output

    texts = gtts_stub.texts
    cues = [cue for cue in build_script(Episode.of([read_article(example_txt)])) if cue.voiced]
    assert len(texts) > len(cues)  # a request per chunk; the longest sentences take two
    assert set(gtts_stub.langs) == {"ar"}
    assert all(ARABIC.search(t) for t in texts)
    assert all(len(t) <= 100 for t in texts)
    said = [
        SpokenForm.for_engine("ar", offline=False)(cue.text) for cue in cues
    ]  # numbers as words, no marks
    words = {word for text in said for word in text.split()}
    assert all(word in words for t in texts for word in t.split())  # no word was cut
    assert sorted(" ".join(texts).split()) == sorted(w for text in said for w in text.split())

    # the stub speaks MS_PER_CHAR per character; the MP3 holds all of it plus the pauses
    spoken_seconds = sum(len(t) for t in texts) * MS_PER_CHAR / 1000
    assert spoken_seconds < decoded_seconds(out) < spoken_seconds + 20


def test_long_sentence_is_cut_at_phrases(runner, tmp_path, gtts_stub):
    article = tmp_path / "long.txt"
    places = ["الريفية", "الساحلية", "الجبلية", "الصحراوية"]
    sentence = (
        "، ".join(f"أعلنت الحكومة خطة جديدة لدعم المزارعين في المناطق {place}" for place in places) + "."
    )
    article.write_text(sentence, encoding="utf-8")
    result = runner.invoke(cli, ["generate", str(article), "-o", str(tmp_path / "l.mp3"), "--engine", "gtts"])
    assert result.exit_code == 0, result.output
    body = [t for t in gtts_stub.texts if "الحكومة" in t]
    assert len(body) == 4 and all(t.endswith(("،", ".")) for t in body)


def test_a_text_said_twice_is_requested_once(runner, tmp_path, gtts_stub):
    article = tmp_path / "twice.txt"
    article.write_text(
        "عنوان\n\nارتفعت الأسعار اليوم. وقال التجار إن الطلب كبير. ارتفعت الأسعار اليوم.\n", encoding="utf-8"
    )
    out = tmp_path / "twice.mp3"
    result = runner.invoke(cli, ["generate", str(article), "-o", str(out), "--engine", "gtts"])
    assert result.exit_code == 0, result.output
    assert [t for t in gtts_stub.texts if "الأسعار" in t] == ["ارتفعت الأسعار اليوم."]
    said = [
        c["text"] for c in json.loads(out.with_suffix(".json").read_text())["cues"] if "الأسعار" in c["text"]
    ]
    assert said == ["ارتفعت الأسعار اليوم.", "ارتفعت الأسعار اليوم."]  # and both are in the briefing


def test_auto_uses_gtts_when_the_endpoint_answers(runner, example_txt, tmp_path, gtts_stub):
    result = runner.invoke(cli, ["generate", str(example_txt), "-o", str(tmp_path / "a.mp3")])
    assert result.exit_code == 0, result.output
    assert "engine gtts" in result.output and "unavailable" not in result.output
    assert gtts_stub.texts


def test_gtts_engine_never_falls_back_silently(runner, example_txt, tmp_path):
    out = tmp_path / "x.mp3"
    result = runner.invoke(cli, ["generate", str(example_txt), "-o", str(out), "--engine", "gtts"])
    assert result.exit_code == 1
    status, error = result.output.splitlines()
    assert status.startswith("Speaking ") and error.startswith("Error: section «")
    assert "Google TTS cannot be reached from here" in error and "engine espeak" in error
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_offline_gtts_fails_at_once_and_says_espeak_works_offline(runner, tmp_path, example_txt):
    import time

    started = time.monotonic()
    result = runner.invoke(
        cli, ["generate", str(example_txt), "-o", str(tmp_path / "a.mp3"), "--engine", "gtts"]
    )
    assert time.monotonic() - started < 5
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert (
        "Google TTS cannot be reached from here (ConnectionError)" in last and "(see --engine espeak)" in last
    )
    assert list(tmp_path.iterdir()) == []


def test_gtts_says_what_it_is_doing_before_the_first_request(runner, tmp_path, example_txt, gtts_stub):
    result = runner.invoke(
        cli, ["generate", str(example_txt), "-o", str(tmp_path / "a.mp3"), "--engine", "gtts"]
    )
    assert result.exit_code == 0, result.output
    assert f"Speaking {len(gtts_stub.requests)} clips with gtts, 8 at a time" in result.output


def test_auto_falls_back_to_espeak_when_google_answers_but_not_with_speech(
    runner, tmp_path, example_txt, gtts_stub
):
    gtts_stub.fail_texts = {"": "404"}
    result = runner.invoke(cli, ["generate", str(example_txt), "-o", str(tmp_path / "a.mp3")])
    assert result.exit_code == 0, result.output
    assert (
        "gtts failed (" in result.output and "HTTP 404" in result.output and "using espeak" in result.output
    )
    assert "engine espeak" in result.output
