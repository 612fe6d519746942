"""End to end through the CLI, with the offline espeak engine."""

import json
import subprocess
import sys

from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from briefing import __version__
from briefing.cli import cli
from tests.conftest import decoded_seconds, tree_snapshot
from tests.test_article import EXAMPLE_HEADINGS, EXAMPLE_TITLE


def test_generate_espeak_writes_a_tagged_mp3_that_decodes(runner, example_txt, tmp_path):
    out = tmp_path / "briefing.mp3"
    result = runner.invoke(cli, ["generate", str(example_txt), "-o", str(out), "--engine", "espeak"])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output and "3 sections" in result.output and "espeak" in result.output

    seconds = decoded_seconds(out)
    chars = len(example_txt.read_text(encoding="utf-8"))
    # eSpeak reads Arabic at roughly 10-20 written characters a second (numbers said as words, every word
    # vowelled); pauses add a little more.
    assert chars / 20 < seconds < chars / 7
    info = MP3(out).info
    assert abs(info.length - seconds) < 0.2
    assert info.channels == 1 and info.bitrate == 64000

    tags = ID3(out)
    assert tags["TIT2"].text == [EXAMPLE_TITLE]
    assert tags["TLAN"].text == ["ara"] and tags["TCON"].text == ["Speech"]
    assert tags["TPE1"].text and tags["TALB"].text and tags["TDRC"].text
    # the MP3, its subtitles and manifest, and no temporary file
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "briefing.json",
        "briefing.mp3",
        "briefing.srt",
        "briefing.vtt",
    ]
    assert out.stat().st_mode & 0o044 == 0o044  # readable by others, like any file the user makes


def test_generate_defaults_to_audio_out_named_after_the_article(runner, example_txt, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        cli, ["generate", str(example_txt), "--engine", "espeak", "--title", "عنوان", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == ""
    out = tmp_path / "audio_out" / "solar-plant.mp3"
    assert ID3(out)["TIT2"].text == ["عنوان"]


def test_auto_engine_falls_back_to_espeak_and_says_so(runner, example_txt, tmp_path):
    result = runner.invoke(cli, ["generate", str(example_txt), "-o", str(tmp_path / "a.mp3")])
    assert result.exit_code == 0, result.output
    assert "gtts unavailable; using espeak" in result.output
    assert "engine espeak" in result.output


def test_sections_json_lists_the_plan(runner, example_md):
    result = runner.invoke(cli, ["sections", str(example_md), "--json"])
    assert result.exit_code == 0
    plan = json.loads(result.output)
    assert set(plan) == {"title", "language", "source", "format", "encoding", "metadata", "sections"}
    assert (plan["title"], plan["language"], plan["format"]) == (EXAMPLE_TITLE, "ar", "markdown")
    assert [s["heading"] for s in plan["sections"]] == EXAMPLE_HEADINGS
    assert [len(s["paragraphs"]) for s in plan["sections"]] == [2, 2, 2]
    assert plan["sections"][1]["paragraphs"][0].endswith("بعد غروب الشمس.")


def test_sections_json_of_several_articles_lists_each(runner, example_md, example_txt):
    result = runner.invoke(cli, ["sections", str(example_md), str(example_txt), "--json", "--title", "موجز"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["title"] == "موجز"
    assert [a["source"] for a in plan["articles"]] == [str(example_md), str(example_txt)]
    assert all(a["title"] == EXAMPLE_TITLE for a in plan["articles"])


def test_sections_text(runner, example_txt):
    result = runner.invoke(cli, ["sections", str(example_txt)])
    assert result.exit_code == 0
    assert f"Title: {EXAMPLE_TITLE}" in result.output and "2. تفاصيل المشروع" in result.output


def test_missing_article_is_one_line_exit_2_and_writes_nothing(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["generate", "nowhere.txt", "--engine", "espeak"])
    assert result.exit_code == 2
    assert result.output == "Error: nowhere.txt: no such file\n"
    assert "Traceback" not in result.output
    assert tree_snapshot(tmp_path) == {}


def test_output_that_is_a_directory_or_the_input_is_refused(runner, example_txt, tmp_path):
    for output, message in [
        (tmp_path, "is a directory"),
        (example_txt, "name must end in one of .mp3, .m4a, .m4b, .opus"),
    ]:
        before = tree_snapshot(tmp_path)
        result = runner.invoke(cli, ["generate", str(example_txt), "-o", str(output), "--engine", "espeak"])
        assert result.exit_code == 2 and message in result.output
        assert result.output.count("\n") == 1
        assert tree_snapshot(tmp_path) == before


def test_version_and_module_help():
    run = subprocess.run([sys.executable, "-m", "briefing", "--version"], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.strip() == f"briefing, version {__version__}"
    run = subprocess.run(
        [sys.executable, "-m", "briefing", "generate", "--help"], capture_output=True, text=True
    )
    assert run.returncode == 0 and "--engine" in run.stdout and "audio_out" in run.stdout


def test_what_runs_before_the_first_request_leaves_numpy_and_publishing_unloaded():
    # numpy, mutagen and the publish stage load while the first requests are out, not before them
    code = (
        "import sys, briefing.cli, briefing.narration, briefing.speech.engines.gtts; "
        "print([m for m in ('numpy', 'mutagen', 'briefing.publishing.publish') if m in sys.modules])"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.strip() == "[]", run.stderr


def test_an_error_found_while_the_vowel_model_loads_exits_cleanly(example_txt, tmp_path):
    """generate loads the vowel model on a thread of its own while it goes on: an error found meanwhile
    (an output name no format has, a lexicon that cannot be read) is one line and exit 2, never an abort of
    the interpreter (onnxruntime torn down mid-load: "terminate called without an active exception")."""
    command = [
        sys.executable,
        "-m",
        "briefing",
        "generate",
        str(example_txt),
        "--engine",
        "espeak",
        "--no-cache",
    ]
    for extra in (
        ["-o", str(tmp_path / "a.wav")],
        ["-o", str(tmp_path / "b.opus"), "--lexicon", "/nonexistent"],
    ):
        for _ in range(3):
            run = subprocess.run([*command, *extra], capture_output=True, text=True)
            assert run.returncode == 2, (extra, run.returncode, run.stderr)
            assert run.stderr.startswith("Error: ") and "terminate" not in run.stderr, run.stderr
    assert not list(tmp_path.iterdir())
