"""A briefing people enjoy: loudness, chapters, subtitles, manifest, pauses, per-section files, safe output."""

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios

import pytest
import srt
import webvtt
from mutagen.id3 import ID3, CTOCFlags
from mutagen.mp3 import MP3

from briefing.cli import cli
from briefing.formats.mp3 import Mp3, chapter_ids
from briefing.mastering import encode as master
from briefing.publishing import publish
from tests.conftest import decoded_seconds, ffmpeg, tree_snapshot


@pytest.fixture(scope="module")
def briefing_files(tmp_path_factory):
    """One espeak briefing of the example article, with per-section files, shared by the tests below."""
    from click.testing import CliRunner

    from tests.conftest import EXAMPLES

    folder = tmp_path_factory.mktemp("briefing")
    out = folder / "news.mp3"
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            str(EXAMPLES / "solar-plant.txt"),
            "-o",
            str(out),
            "--engine",
            "espeak",
            "--per-section",
            "--no-cache",
        ],
    )
    assert result.exit_code == 0, result.output
    return out, json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))


def test_loudness_is_podcast_standard(briefing_files):
    out, manifest = briefing_files
    log = ffmpeg("-i", str(out), "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-").stderr
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", log).group(1))
    true_peak = float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", log).group(1))
    assert -17.0 <= integrated <= -15.0
    assert true_peak <= -1.0
    assert manifest["audio"]["loudness_target_lufs"] == -16.0 and manifest["audio"]["gain_db"] != 0


def test_chapters_match_the_manifest_in_mutagen_and_ffmpeg(briefing_files):
    out, manifest = briefing_files
    tags = ID3(out)
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [(c.sub_frames["TIT2"].text[0], c.start_time, c.end_time) for c in chapters] == [
        (s["title"], s["start_ms"], s["end_ms"]) for s in manifest["sections"]
    ]
    assert [s["title"] for s in manifest["sections"]] == ["المقدمة", "تفاصيل المشروع", "ماذا ينتظر السكان"]
    (toc,) = tags.getall("CTOC")
    assert toc.flags == CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    assert toc.child_element_ids == [c.element_id for c in chapters]
    assert chapters[0].start_time == 0 and chapters[-1].end_time == manifest["audio"]["duration_ms"]
    assert all(a.end_time == b.start_time for a, b in zip(chapters, chapters[1:]))

    listed = ffmpeg("-v", "error", "-i", str(out), "-f", "ffmetadata", "-").stdout
    starts = [int(v) for v in re.findall(r"^START=(\d+)$", listed, re.M)]
    titles = re.findall(r"^title=(.+)$", listed, re.M)[1:]  # the first title is the file's own
    assert starts == [s["start_ms"] for s in manifest["sections"]]
    assert titles == [s["title"] for s in manifest["sections"]]


def test_manifest_agrees_with_the_audio(briefing_files):
    out, manifest = briefing_files
    seconds = decoded_seconds(out)
    assert abs(manifest["audio"]["duration_ms"] - seconds * 1000) <= 100
    assert abs(MP3(out).info.length * 1000 - manifest["audio"]["duration_ms"]) <= 100
    assert manifest["engine"]["name"] == "espeak" and manifest["briefing_version"]
    (article,) = manifest["articles"]
    assert len(article["source"]["sha256"]) == 64 and article["source"]["path"].endswith("solar-plant.txt")
    assert (article["start_ms"], article["end_ms"]) == (0, manifest["audio"]["duration_ms"])
    assert manifest["guid"].startswith("briefing-")
    cues = manifest["cues"]
    assert cues[0]["kind"] == "intro" and cues[-1]["kind"] == "outro"
    assert all(a["end_ms"] <= b["start_ms"] for a, b in zip(cues, cues[1:]))
    for section_number, section in enumerate(manifest["sections"]):
        mine = [c for c in cues if c["section"] == section_number]
        assert section["start_ms"] <= mine[0]["start_ms"] and mine[-1]["end_ms"] <= section["end_ms"]


def test_subtitles_parse_and_follow_the_audio(briefing_files):
    out, manifest = briefing_files
    duration = manifest["audio"]["duration_ms"] / 1000
    captions = webvtt.read(str(out.with_suffix(".vtt"))).captions
    subtitles = list(srt.parse(out.with_suffix(".srt").read_text(encoding="utf-8")))
    assert len(captions) == len(subtitles) >= len(manifest["cues"])  # a long sentence takes several captions
    assert [c.text for c in captions] == [s.content for s in subtitles]
    spoken = " ".join(c["text"] for c in manifest["cues"])
    assert " ".join(" ".join(c.lines) for c in captions) == spoken  # every word, in order, once
    starts = [c.start_in_seconds for c in captions]
    assert starts == sorted(starts) and all(c.end_in_seconds <= duration for c in captions)
    assert all(s.start.total_seconds() < s.end.total_seconds() <= duration for s in subtitles)
    # the original text, digits and punctuation as written
    assert any("120 ميغاواط." in " ".join(c.lines) for c in captions)
    assert any(" ".join(c.lines) == "هل ستنخفض فواتير الكهرباء في الأشهر المقبلة؟" for c in captions)


def test_per_section_files(briefing_files):
    out, manifest = briefing_files
    folder = out.with_name("news-sections")
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["01-المقدمة.mp3", "02-تفاصيل-المشروع.mp3", "03-ماذا-ينتظر-السكان.mp3"]
    assert [s["file"] for s in manifest["sections"]] == [f"news-sections/{n}" for n in names]
    total = 0.0
    for name, section in zip(names, manifest["sections"]):
        seconds = decoded_seconds(folder / name)
        assert abs(seconds * 1000 - (section["end_ms"] - section["start_ms"])) < 200
        assert ID3(folder / name)["TIT2"].text == [section["title"]]
        total += seconds
    assert abs(total - decoded_seconds(out)) < 0.1


def test_chapter_frames_are_written_in_time_order_whatever_their_titles():
    titles = ["عنوان طويل جدا جدا في أول الموجز", "قصير", "ب", "عنوان متوسط الطول"]
    ids = chapter_ids(titles)
    assert ids[0] == "chp0" and all(i.startswith(f"chp{n}") for n, i in enumerate(ids))
    sizes = [len(t.encode("utf-16-le")) + len(i) for t, i in zip(titles, ids)]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)


@pytest.mark.parametrize(
    "heading",
    [
        "../../etc/passwd",
        "/",
        "/absolute/path",
        "a\x00b",
        "..",
        "ـ" * 3,
        "ع" * 500,
        "؟؟؟",
        "   ",
        "a/../../b",
        "C:\\x",
    ],
)
def test_section_file_names_never_leave_their_folder(tmp_path, heading):
    name = publish.section_file_name(7, heading, ".mp3")
    assert re.fullmatch(r"07-[\w-]{1,60}\.mp3", name)
    assert (tmp_path / name).resolve().parent == tmp_path.resolve()


def test_hostile_headings_in_a_per_section_run(runner, tmp_path):
    article = tmp_path / "a.md"
    article.write_text(
        "# عنوان\n\nمقدمة قصيرة.\n\n## ../../خارج\n\nنص أول.\n\n## /\n\nنص ثان.\n", encoding="utf-8"
    )
    out = tmp_path / "out" / "a.mp3"
    result = runner.invoke(
        cli, ["generate", str(article), "-o", str(out), "--engine", "espeak", "--per-section"]
    )
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.mp3"))
    # a heading of punctuation alone ("/") only separates: its text joins the section before
    assert [str(p) for p in files] == [
        "out/a-sections/01-المقدمة.mp3",
        "out/a-sections/02-خارج.mp3",
        "out/a.mp3",
    ]


def test_chime_and_pause_options_change_the_timing(runner, example_txt, tmp_path):
    def duration(*options):
        out = tmp_path / f"{len(list(tmp_path.iterdir()))}.mp3"
        result = runner.invoke(
            cli, ["generate", str(example_txt), "-o", str(out), "--engine", "espeak", *options]
        )
        assert result.exit_code == 0, result.output
        return json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["audio"]["duration_ms"]

    plain = duration("--no-chime")
    assert abs(duration() - plain - 2 * 600) < 60  # a 600 ms chime at each of the two section breaks
    # 5 breaks between sentences of a paragraph, 3 between paragraphs (twice as long), and the pause
    # after each of the 2 headings, which is never shorter than a sentence's (600 -> 1350 ms)
    assert abs(duration("--no-chime", "--pause-sentence", "1350") - plain - (5 + 3 * 2) * 1000 - 2 * 750) < 60
    # section pauses after the intro, before the 2 headings and before the outro; after each heading 60 %
    assert abs(duration("--no-chime", "--pause-section", "2000") - plain - 4 * 1000 - 2 * 600) < 60


def test_bitrate_and_sample_rate(runner, example_txt, tmp_path):
    out = tmp_path / "b.mp3"
    result = runner.invoke(
        cli,
        [
            "generate",
            str(example_txt),
            "-o",
            str(out),
            "--engine",
            "espeak",
            "--bitrate",
            "32",
            "--sample-rate",
            "16000",
        ],
    )
    assert result.exit_code == 0, result.output
    info = MP3(out).info
    assert (info.bitrate, info.sample_rate, info.channels) == (32000, 16000, 1)
    assert json.loads(out.with_suffix(".json").read_text())["audio"]["sample_rate"] == 16000


@pytest.mark.parametrize("failure", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_a_failure_while_publishing_changes_nothing(runner, example_txt, tmp_path, monkeypatch, failure):
    out = tmp_path / "news.mp3"
    first = runner.invoke(
        cli, ["generate", str(example_txt), "-o", str(out), "--engine", "espeak", "--per-section"]
    )
    assert first.exit_code == 0
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    snapshot = tree_snapshot(tmp_path)

    def explode(*args, **kwargs):
        raise failure

    monkeypatch.setattr(publish, "srt_text", explode)  # after the MP3 and the VTT are staged
    result = runner.invoke(
        cli,
        [
            "generate",
            str(example_txt),
            "-o",
            str(out),
            "--engine",
            "espeak",
            "--per-section",
            "--title",
            "عنوان جديد",
        ],
    )
    assert result.exit_code != 0
    assert tree_snapshot(tmp_path) == snapshot
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_progress_shows_on_a_terminal_only(example_txt, tmp_path):
    command = [sys.executable, "-m", "briefing", "generate", str(example_txt), "--engine", "espeak", "-o"]
    env = dict(os.environ)

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal has a size
    run = subprocess.run(
        [*command, str(tmp_path / "t.mp3")], stderr=follower, stdout=subprocess.PIPE, env=env
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert run.returncode == 0
    text = shown.decode("utf-8", "replace")
    assert "Speaking" in text and "/15" in text and "clip" in text
    assert "Measuring loudness" in text and "Encoding MP3 100%" in text and "Writing files" in text
    percents = re.findall(r"Encoding MP3 ([\d.]+)%", text)
    assert len(percents) > 2 and all(p.isdigit() for p in percents), percents  # "40%", never "40.0%"
    assert "Wrote" in run.stdout.decode()

    piped = subprocess.run([*command, str(tmp_path / "p.mp3")], capture_output=True, env=env)
    assert piped.returncode == 0 and b"Speaking" not in piped.stderr and b"Encoding" not in piped.stderr
    quiet = subprocess.run([*command, str(tmp_path / "q.mp3"), "-q"], capture_output=True, env=env)
    assert quiet.returncode == 0 and quiet.stdout == b"" and b"Speaking" not in quiet.stderr


def test_an_unchanged_rerun_reuses_the_encoded_audio(runner, example_txt, tmp_path, monkeypatch, cache_dir):
    args = ["generate", str(example_txt), "-o", str(tmp_path / "a.mp3"), "--engine", "espeak"]
    assert runner.invoke(cli, args).exit_code == 0
    first = (tmp_path / "a.mp3").read_bytes()
    (track,) = cache_dir.glob("??/*.track")

    def no_encoding(*args, **kwargs):
        raise AssertionError("encoded again")

    monkeypatch.setattr(master.loudness, "apply", no_encoding)
    monkeypatch.setattr(Mp3, "encode", no_encoding)
    assert runner.invoke(cli, args).exit_code == 0
    assert (tmp_path / "a.mp3").read_bytes() == first

    track.write_bytes(track.read_bytes()[:-10])  # a damaged entry is not used
    result = runner.invoke(cli, args)
    assert result.exit_code != 0 and isinstance(result.exception, AssertionError)


def test_long_chapter_titles_are_listed_and_the_length_is_exact(runner, tmp_path):
    """Headlines of 100 Arabic letters (200 UTF-8 bytes): every chapter is listed by libavformat, which dropped
    ID3v2.4 titles of 126 bytes or more; and a Xing Info frame gives the exact length, not an estimate."""
    import av

    headings = [
        "تفاصيل " + "الاتفاق الموقع بين الحكومة والشركات " * 4,
        "ردود " + "الفعل المحلية والدولية على القرار " * 4,
    ]
    assert all(len(h.encode()) >= 200 for h in headings)
    article = tmp_path / "a.md"
    article.write_text(
        "# عنوان الخبر\n\nجملة أولى في المقدمة.\n\n"
        + "".join(f"## {h}\n\nجملة في هذا القسم.\n\n" for h in headings),
        encoding="utf-8",
    )
    out = tmp_path / "a.mp3"
    result = runner.invoke(
        cli, ["generate", str(article), "-o", str(out), "--engine", "espeak", "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    listed = ffmpeg("-v", "error", "-i", str(out), "-f", "ffmetadata", "-").stdout
    assert re.findall(r"^title=(.+)$", listed, re.M)[1:] == ["المقدمة", *(h.strip() for h in headings)]
    with av.open(str(out)) as container:
        assert [c["metadata"].get("title") for c in container.chapters()][1:] == [h.strip() for h in headings]
    probe = ffmpeg("-v", "warning", "-i", str(out), "-f", "null", "-").stderr
    assert "Estimating duration" not in probe
    assert ID3(out).version[:2] == (2, 3)
    assert (
        abs(MP3(out).info.length - decoded_seconds(out)) < 0.05
    )  # the Info frame's length is the decoded one


def test_the_info_frame_counts_every_frame_of_a_file_longer_than_its_read_blocks(tmp_path):
    """The frames are counted a megabyte at a time (a mapped file counted in memory whole): across the
    blocks' seams too, an hour-long file's Info frame gives its exact length."""
    import math

    import miniaudio

    from briefing.formats.mp3 import encode_mp3, with_info_frame

    rate, seconds = 22050, 300  # 2.4 MB at 64 kb/s: three blocks
    tone = struct.pack(
        f"<{rate}h", *(round(8000 * math.sin(2 * math.pi * 330 * n / rate)) for n in range(rate))
    )
    path = tmp_path / "long.mp3"
    path.write_bytes(b"".join(encode_mp3([tone] * seconds, rate, 64)))
    decoded = miniaudio.mp3_get_file_info(str(path)).num_frames  # every frame, counted by the decoder
    with_info_frame(path)
    assert path.stat().st_size > 2 << 20
    assert abs(MP3(path).info.length - decoded / rate) < 1e-6
    assert miniaudio.mp3_get_file_info(str(path)).num_frames == decoded  # the Info frame plays no sound
