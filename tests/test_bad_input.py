"""Bad input: a one-line error, the right exit code, no traceback, and nothing written or changed."""

import os
import random
import zipfile

import pytest

from briefing import Episode, Voice
from briefing.cli import cli
from tests.conftest import tree_snapshot

GOOD = "عنوان الخبر\nهذا نص الخبر، وهو قصير.\n"


def make_unreadable(path):
    """A file that exists but cannot be read, even by root (who ignores permission bits)."""
    if os.geteuid() == 0:
        path.symlink_to("/proc/self/mem")  # reading it fails with EIO
    else:
        path.write_text(GOOD, encoding="utf-8")
        path.chmod(0)


def make_zip(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("article.txt", GOOD)


def write(content):
    return lambda path: path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


_RNG = random.Random(1)
GARBAGE = bytes(_RNG.randrange(128, 256) for _ in range(300))

CASES = [
    # (id, how to make "in/article", extra args, exit code, message)
    ("missing", None, [], 2, "in/article.txt: no such file"),
    ("directory", lambda p: p.mkdir(), [], 2, "is a directory, not an article"),
    ("unreadable", make_unreadable, [], 2, "cannot be read"),
    ("empty", write(b""), [], 2, "is empty"),
    ("whitespace", write(" \n\t\r\n \u00a0\n"), [], 2, "is empty"),
    (
        "pdf",
        write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
        [],
        2,
        "is a PDF file (application/pdf)",
    ),
    ("png", write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40)), [], 2, "is a PNG file (image/png)"),
    ("zip", make_zip, [], 2, "is a ZIP file (application/zip)"),
    ("undecodable", write(GARBAGE), [], 2, "cannot be decoded as text in any known encoding"),
    ("wrong encoding", write(GOOD.encode("cp1256")), ["--encoding", "utf-8"], 2, "is not valid utf-8"),
    ("unknown encoding", write(GOOD), ["--encoding", "klingon"], 2, "unknown encoding 'klingon'"),
    (
        "heading without body",
        write("مقدمة الخبر.\nعنوان أول\nعنوان ثان\nنص."),
        [],
        2,
        "heading «عنوان أول» has no body text",
    ),
    (
        "too long",
        write(GOOD * 50),
        ["--max-chars", "1000"],
        2,
        "more than the limit of 1,000 (see --max-chars)",
    ),
    ("output is a directory", write(GOOD), ["-o", "{tmp}/out"], 2, "out: is a directory"),
    (
        "output is the input",
        write(GOOD),
        ["-o", "{tmp}/in/article.txt"],
        2,
        "name must end in one of .mp3, .m4a, .m4b, .opus",
    ),
    (
        "output is a subtitle",
        write(GOOD),
        ["-o", "{tmp}/out/news.vtt"],
        2,
        "name must end in one of .mp3, .m4a, .m4b, .opus",
    ),
    (
        "output is a page",
        write(GOOD),
        ["-o", "{tmp}/out/news.html", "--page"],
        2,
        "name must end in one of .mp3, .m4a, .m4b, .opus",
    ),
    (
        "a companion is a directory",
        write(GOOD),
        ["-o", "{tmp}/out/x.mp3", "--page"],
        2,
        "x.html: is a directory",
    ),
    ("subtitles are a directory", write(GOOD), ["-o", "{tmp}/out/y.mp3"], 2, "y.srt: is a directory"),
    (
        "sections folder is a file",
        write(GOOD),
        ["-o", "{tmp}/out/z.mp3", "--per-section"],
        2,
        "z-sections: is a file",
    ),
    (
        "output folder cannot be created",
        write(GOOD),
        ["-o", "{tmp}/in/article.txt/x.mp3"],
        2,
        "cannot be created",
    ),
    (
        "unknown language",
        write(GOOD),
        ["--lang", "xx-none"],
        2,
        "briefings can be narrated in ar, en, not in 'xx-none'",
    ),
    ("bad format", write(GOOD), ["--format", "pdf"], 2, "Invalid value for '--format'"),
]


@pytest.mark.parametrize(
    ("make", "args", "code", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_fails_cleanly(runner, tmp_path, monkeypatch, make, args, code, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.mp3").write_bytes(b"an earlier briefing")
    article = tmp_path / "in" / "article.txt"
    if make:
        make(article)
    (tmp_path / "out" / "x.html").mkdir()
    (tmp_path / "out" / "y.srt").mkdir()
    (tmp_path / "out" / "z-sections").write_text("not a folder")
    before = tree_snapshot(tmp_path)
    args = [a.format(tmp=tmp_path) for a in args]

    result = runner.invoke(cli, ["generate", "in/article.txt", "--engine", "espeak", *args])

    assert result.exit_code == code, result.output
    assert message in result.output
    assert (
        "Traceback" not in result.output
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )
    if "Invalid value" not in message:  # click's own usage errors carry a usage line too
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert tree_snapshot(tmp_path) == before  # nothing new, nothing changed
    assert (tmp_path / "out" / "old.mp3").read_bytes() == b"an earlier briefing"


def test_failed_synthesis_leaves_the_existing_output_as_it_was(runner, tmp_path, example_txt):
    out = tmp_path / "briefing.mp3"
    out.write_bytes(b"yesterday's briefing")
    result = runner.invoke(
        cli, ["generate", str(example_txt), "-o", str(out), "--engine", "gtts"]
    )  # unreachable
    assert result.exit_code == 1
    assert out.read_bytes() == b"yesterday's briefing"
    assert [p.name for p in tmp_path.iterdir()] == ["briefing.mp3"]


def test_a_page_that_would_overwrite_the_input_page_is_refused(runner, tmp_path):
    article = tmp_path / "news.html"
    article.write_text(
        f"<html><body><article><h1>عنوان</h1><p>{GOOD}</p></article></body></html>", encoding="utf-8"
    )
    before = tree_snapshot(tmp_path)
    result = runner.invoke(
        cli, ["generate", str(article), "-o", str(tmp_path / "news.mp3"), "--page", "--engine", "espeak"]
    )
    assert (
        result.exit_code == 2
        and result.output == f"Error: {article}: is an input article; choose another output path\n"
    )
    assert tree_snapshot(tmp_path) == before


def test_a_huge_title_counts_against_max_chars_and_is_said_cut(runner, tmp_path):
    from briefing import Article, narrate
    from briefing.article import LONGEST_TITLE

    huge = "# " + " ".join(["عنوان"] * 30000) + "\n\nجملة الخبر الوحيدة هنا.\n"
    article = tmp_path / "huge.md"
    article.write_text(huge, encoding="utf-8")
    refused = runner.invoke(cli, ["sections", str(article), "--max-chars", "1000"])
    assert refused.exit_code == 2 and "more than the limit of 1,000" in refused.output

    text = "# " + " ".join(["عنوان"] * 300) + "\n\nجملة الخبر الوحيدة هنا.\n"
    read = Article.from_text(text, format="markdown")
    assert len(read.title) <= LONGEST_TITLE and read.title.endswith("…") and "cut to" in read.notes[0]
    narration = narrate(Episode.of([read], title="موجز " * 1000), voice=Voice("espeak"), cache=False)
    assert len(narration.episode.title) <= LONGEST_TITLE
    assert narration.duration_s < 60


def test_rates_sizes_and_lists_that_are_no_values_are_one_line(runner, tmp_path, monkeypatch):
    from briefing import Article, InputError, narrate

    article = Article.from_text("عنوان\nجملة قصيرة للاختبار هنا.")
    for rate in (100, "fast", float("nan"), 0):
        with pytest.raises(InputError, match="rate must be a number from 0.5 to 2.0"):
            narrate(article, voice=Voice("espeak", rate=rate), cache=False)
    result = runner.invoke(cli, ["generate", "-", "--rate", "nan"], input="عنوان\nجملة.\n")
    assert result.exit_code == 2 and "nan is not a number" in result.output
    monkeypatch.setenv("BRIEFING_CACHE_MAX", "1.2.3")
    result = runner.invoke(
        cli,
        ["generate", "-", "-o", str(tmp_path / "a.mp3"), "--engine", "espeak"],
        input="عنوان\nجملة قصيرة للاختبار هنا.\n",
    )
    assert result.exit_code == 2 and "$BRIEFING_CACHE_MAX: '1.2.3' is not a size" in result.output
    assert runner.invoke(cli, ["cache", "prune", "--max-size", "."]).exit_code == 2
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(f"@{second}\n", encoding="utf-8")
    second.write_text(f"@{first}\n", encoding="utf-8")
    result = runner.invoke(cli, ["batch", f"@{first}", "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 2 and "lists itself" in result.output and not (tmp_path / "out").exists()


def test_a_very_long_file_name_and_a_bad_batch_bitrate_are_refused_before_any_work(
    runner, tmp_path, monkeypatch
):
    long_name = tmp_path / ("خبر" * 40 + ".txt")  # 240 bytes
    long_name.write_text("عنوان\nجملة قصيرة من الخبر للقراءة هنا.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["generate", str(long_name), "-o", str(out / ("x" * 200 + ".mp3")), "--engine", "espeak"]
    )
    assert result.exit_code == 2 and "the name is too long" in result.output and not out.exists()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        cli, ["generate", str(long_name), "--engine", "espeak"]
    )  # the default output's name
    assert result.exit_code == 0, result.output
    (made,) = (tmp_path / "audio_out").glob("*.mp3")
    assert len(made.stem.encode()) <= 150
    result = runner.invoke(cli, ["batch", str(long_name), "--out-dir", str(out), "--bitrate", "33"])
    assert result.exit_code == 2 and "33" in result.output and not out.exists()
