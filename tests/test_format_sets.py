"""One briefing in several formats: one set, one manifest listing every audio file, one feed item offering
them all, one page with a source for each; another narration under the same name replaces the set whole."""

import json

import av
import pytest
from lxml import etree

from briefing import Article, Voice, narrate
from briefing.cli import cli
from briefing.publishing.sets import torn_files
from tests.conftest import EXAMPLES

PODCAST = "https://podcastindex.org/namespace/1.0"


def manifest_of(path):
    return json.loads(path.read_text(encoding="utf-8"))


def decodes(path) -> float:
    with av.open(str(path)) as container:
        return sum(frame.samples / frame.sample_rate for frame in container.decode(audio=0))


def test_a_second_format_extends_the_set_and_the_feed_offers_both(runner, tmp_path):
    out = tmp_path / "site"
    for name in ("x.mp3", "x.opus"):
        result = runner.invoke(
            cli,
            [
                "generate",
                str(EXAMPLES / "solar-plant.txt"),
                "-o",
                str(out / name),
                "--engine",
                "espeak",
                "--page",
            ],
        )
        assert result.exit_code == 0, result.output
    manifest = manifest_of(out / "x.json")
    assert manifest["audio"]["file"] == "x.mp3" and [a["file"] for a in manifest["alternates"]] == ["x.opus"]
    assert {"x.mp3", "x.opus", "x.vtt", "x.srt", "x.html"} <= set(manifest["files"]) and torn_files(
        out / "x.json"
    ) == []
    opus = manifest["alternates"][0]
    assert (
        opus["format"] == "opus" and abs(opus["loudness_lufs"] + 16) <= 0.5
    )  # its own measure (peaks: test_loudness)
    assert abs(decodes(out / "x.mp3") - decodes(out / "x.opus")) < 0.2
    page = (out / "x.html").read_text(encoding="utf-8")
    assert (
        '<source src="x.mp3" type="audio/mpeg">' in page and '<source src="x.opus" type="audio/ogg">' in page
    )

    assert runner.invoke(cli, ["feed", str(out), "--base-url", "https://example.org/n/"]).exit_code == 0
    feed = etree.parse(str(out / "feed.xml"))
    (item,) = feed.findall("channel/item")
    assert item.find("enclosure").get("url") == "https://example.org/n/x.mp3"
    (alternate,) = item.findall(f"{{{PODCAST}}}alternateEnclosure")
    assert (
        alternate.get("type") == "audio/ogg"
        and int(alternate.get("length")) == (out / "x.opus").stat().st_size
    )
    assert alternate.find(f"{{{PODCAST}}}source").get("uri") == "https://example.org/n/x.opus"


def test_several_formats_at_once_and_another_narration_replaces_the_set(runner, tmp_path):
    out = tmp_path / "y.mp3"
    result = runner.invoke(
        cli,
        [
            "generate",
            str(EXAMPLES / "solar-plant.txt"),
            "-o",
            str(out),
            "--engine",
            "espeak",
            "--audio-format",
            "mp3,m4a",
            "--per-section",
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "y-sections").iterdir()) == sorted(
        f"{name}{suffix}"
        for name in ("01-المقدمة", "02-تفاصيل-المشروع", "03-ماذا-ينتظر-السكان")
        for suffix in (".mp3", ".m4a")
    )
    assert [a["file"] for a in manifest_of(tmp_path / "y.json")["alternates"]] == ["y.m4a"]

    other = tmp_path / "other.txt"
    other.write_text("خبر آخر\nجملة واحدة من خبر آخر تماما.\n", encoding="utf-8")
    result = runner.invoke(
        cli, ["generate", str(other), "-o", str(tmp_path / "y.opus"), "--engine", "espeak"]
    )
    assert result.exit_code == 0, result.output
    manifest = manifest_of(tmp_path / "y.json")
    assert manifest["audio"]["file"] == "y.opus" and "alternates" not in manifest
    assert (
        not (tmp_path / "y.mp3").exists() and not (tmp_path / "y.m4a").exists()
    )  # another narration's audio
    assert torn_files(tmp_path / "y.json") == []


def test_the_api_saves_several_formats_and_refuses_an_unknown_one(tmp_path):
    narration = narrate(Article.from_file(EXAMPLES / "solar-plant.txt"), voice=Voice("espeak"), cache=False)
    published = narration.save(tmp_path / "z.opus", formats=["mp3"])
    assert published.audio == tmp_path / "z.opus" and tmp_path / "z.mp3" in published.files
    assert [a["format"] for a in manifest_of(tmp_path / "z.json")["alternates"]] == ["mp3"]
    from briefing import InputError

    with pytest.raises(InputError, match="unknown audio format 'wav'"):
        narration.save(tmp_path / "w.mp3", formats=["wav"])


def test_an_unknown_format_in_the_list_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(
        cli,
        [
            "generate",
            str(EXAMPLES / "solar-plant.txt"),
            "-o",
            str(tmp_path / "a.mp3"),
            "--audio-format",
            "mp3,wav",
        ],
    )
    assert result.exit_code == 2 and "'wav' is not one of mp3, m4a, m4b, opus" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_set_whose_other_format_no_longer_matches_is_refused(runner, tmp_path):
    out = tmp_path / "x.mp3"
    result = runner.invoke(
        cli,
        [
            "generate",
            str(EXAMPLES / "solar-plant.txt"),
            "-o",
            str(out),
            "--engine",
            "espeak",
            "--audio-format",
            "mp3,opus",
        ],
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "x.opus").open("ab") as opus:
        opus.write(b"not the encoded audio")
    page = runner.invoke(cli, ["page", str(out)])
    assert page.exit_code == 2 and "do not match its manifest (x.opus)" in page.output
    feed = runner.invoke(cli, ["feed", str(tmp_path), "--base-url", "https://example.org/n/"])
    assert feed.exit_code == 2 and "holds no briefings" in feed.output and "x.opus" in feed.output


def test_codecs_are_imported_meanwhile_for_the_formats_asked():
    """``briefing.formats.prepare`` imports a format's codec library on a thread of its own (generate does it
    while the article is spoken): FFmpeg's for Opus, nothing of it for MP3."""
    import subprocess
    import sys

    check = (
        "import sys, time\n"
        "from briefing.formats import audio_format, prepare\n"
        "prepare([audio_format(sys.argv[1])])\n"
        "deadline = time.monotonic() + float(sys.argv[2])\n"
        "while 'av' not in sys.modules and time.monotonic() < deadline:\n"
        "    time.sleep(0.05)\n"
        "time.sleep(0.2)\n"
        "print('av' in sys.modules)\n"
    )
    for name, seconds, imported in (("opus", "20", True), ("mp3", "1", False)):
        out = subprocess.run([sys.executable, "-c", check, name, seconds], capture_output=True, text=True)
        assert out.stdout.strip() == str(imported), (name, out.stderr)
