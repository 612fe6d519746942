"""Nothing lost, nothing broken: signals, kills between renames, two runs at once, full disks.

Runs the real command in a child process where a signal or a kill is involved; a "slow renames" hook
(``tests/slow_renames.py``) widens the window between the final renames so that a kill can land there.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing.cli import cli
from briefing.publishing.sets import torn_files
from tests.conftest import tree_snapshot

ROOT = Path(__file__).resolve().parent.parent
PARAGRAPH = (
    "أعلنت وزارة المياه اليوم تشغيل محطة جديدة لتحلية مياه البحر على الساحل الجنوبي، بطاقة تكفي مليون ساكن. "
    "وقال الوزير إن المحطة استغرق بناؤها ثلاث سنوات، وبلغت كلفتها أربعمئة مليون دولار."
)


def long_article(folder: Path, paragraphs: int = 60) -> Path:
    """An article that takes seconds to speak: its paragraphs differ (a text said twice is spoken once), so
    a signal sent once speaking has begun always finds the run under way, however loaded the machine."""
    article = folder / "long.txt"
    article.write_text(
        "محطة التحلية\n" + "\n".join(f"{PARAGRAPH} وهذه الفقرة رقم {n}." for n in range(paragraphs)) + "\n",
        encoding="utf-8",
    )
    return article


def briefing(
    *args: str, cache: Path, hook: str | None = None, env: dict | None = None, **popen
) -> subprocess.Popen:
    """The real command in a child process; ``hook`` names a module of tests/ imported first. Ctrl-C reaches
    it even when the tests run as a background job (which POSIX starts with SIGINT ignored)."""
    code = (
        "import sys; sys.argv[0] = 'briefing'; "
        + (f"import tests.{hook}; " if hook else "")
        + "from briefing.cli import main; main()"
    )
    environment = {**os.environ, "BRIEFING_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        **popen,
    )


def wait_for(condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*") if p.name.endswith((".part", ".old")))


def test_sigterm_stops_like_ctrl_c(tmp_path, cache_dir):
    out = tmp_path / "out" / "news.mp3"
    out.parent.mkdir()
    out.write_bytes(b"yesterday's briefing")
    run = briefing(
        "generate", str(long_article(tmp_path)), "-o", str(out), "--engine", "espeak", cache=cache_dir
    )
    wait_for(lambda: any(cache_dir.rglob("*.clip")))  # speaking has begun
    run.send_signal(signal.SIGTERM)
    _, stderr = run.communicate(timeout=30)
    assert run.returncode == 143
    assert stderr.strip().splitlines()[-1].startswith("Error: interrupted (SIGTERM)")
    assert "Traceback" not in stderr
    assert out.read_bytes() == b"yesterday's briefing"
    assert temporaries(tmp_path) == [] and sorted(p.name for p in out.parent.iterdir()) == ["news.mp3"]


def test_ctrl_c_during_retries_answers_at_once_and_sends_nothing_more(tmp_path, cache_dir, gtts_stub):
    gtts_stub.fail_texts = {"": "429:3600"}  # every request: too many requests, come back in an hour
    article = tmp_path / "a.txt"
    article.write_text("عنوان\n" + PARAGRAPH + "\n", encoding="utf-8")
    run = briefing(
        "generate",
        str(article),
        "-o",
        str(tmp_path / "a.mp3"),
        "--engine",
        "gtts",
        cache=cache_dir,
        env={"BRIEFING_GTTS_URL": gtts_stub.url},
    )
    wait_for(lambda: len(gtts_stub.requests) >= 1)
    time.sleep(0.5)  # every request now waits out its Retry-After
    sent = len(gtts_stub.requests)
    interrupted = time.monotonic()
    run.send_signal(signal.SIGINT)
    _, stderr = run.communicate(timeout=60)
    took = time.monotonic() - interrupted
    assert run.returncode == 130 and "Error: interrupted (Ctrl-C)" in stderr
    assert took < 3, f"Ctrl-C took {took:.1f} s"  # was 147 s with Retry-After: 3600
    time.sleep(0.5)
    assert len(gtts_stub.requests) == sent
    assert "The server asked to wait 3600 s before trying again; waiting 30 s" in stderr
    assert not (tmp_path / "a.mp3").exists() and temporaries(tmp_path) == []


def test_retries_stop_at_the_deadline_with_the_count_and_the_last_cause(
    runner, tmp_path, gtts_stub, monkeypatch
):
    from briefing.speech import retry

    monkeypatch.setattr(
        retry, "DEFAULT_POLICY", retry.RetryPolicy(attempts=1000, initial=0.05, jitter=0, max_wait=0.2)
    )
    gtts_stub.fail_texts = {"": "503"}
    article = tmp_path / "a.txt"
    article.write_text("عنوان\n" + PARAGRAPH + "\n", encoding="utf-8")
    result = runner.invoke(
        cli,
        [
            "generate",
            str(article),
            "-o",
            str(tmp_path / "a.mp3"),
            "--engine",
            "gtts",
            "--retry-deadline",
            "2",
        ],
    )
    assert result.exit_code == 1
    line = result.output.strip().splitlines()[-1]
    assert (
        "gave up after 2 s of retries: " in line
        and "requests failed, the last with: Google TTS answered HTTP 503" in line
    )
    failed = int(line.split("gave up after 2 s of retries: ")[1].split(" requests")[0])
    assert 10 <= failed <= len(gtts_stub.requests)  # requests still under way when it gave up are not counted


def test_a_kill_between_renames_is_detected_and_repaired(tmp_path, cache_dir, example_txt):
    out = tmp_path / "news.mp3"
    first = briefing(
        "generate", str(example_txt), "-o", str(out), "--engine", "espeak", "--per-section", cache=cache_dir
    )
    assert first.wait(timeout=120) == 0, first.stderr.read()
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}

    # The second run, of another title, is killed after two of its final renames.
    killed = briefing(
        "generate",
        str(example_txt),
        "-o",
        str(out),
        "--engine",
        "espeak",
        "--per-section",
        "--title",
        "عنوان آخر",
        cache=cache_dir,
        hook="kill_after_renames",
        env={"KILL_AFTER_RENAMES": "2"},
    )
    killed.communicate(timeout=120)
    assert killed.returncode == -signal.SIGKILL
    assert temporaries(tmp_path), "the kill left temporaries, as a real one would"
    changed = [name for name, data in before.items() if (tmp_path / name).read_bytes() != data]
    assert changed and "news.json" not in changed  # a torn set: new files under the old manifest
    assert torn_files(tmp_path / "news.json")

    page = subprocess.run(
        [sys.executable, "-m", "briefing", "page", str(out)], capture_output=True, text=True
    )
    assert (
        page.returncode == 2
        and "do not match its manifest" in page.stderr
        and "making the briefing again repairs it" in page.stderr
    )
    feed = subprocess.run(
        [sys.executable, "-m", "briefing", "feed", str(tmp_path), "--base-url", "https://e.org/"],
        capture_output=True,
        text=True,
    )
    assert feed.returncode == 2 and "its files do not match it" in feed.stderr  # the only episode: no feed

    repair = briefing(
        "generate", str(example_txt), "-o", str(out), "--engine", "espeak", "--per-section", cache=cache_dir
    )
    _, stderr = repair.communicate(timeout=120)
    assert repair.returncode == 0, stderr
    assert "the briefing there is incomplete" in stderr and "this run rewrites it" in stderr
    assert torn_files(tmp_path / "news.json") == [] and temporaries(tmp_path) == []


def test_two_runs_to_one_output_never_mix_their_files(tmp_path, cache_dir, example_txt):
    out = tmp_path / "news.mp3"
    slow = {"SLOW_RENAMES": "0.3"}
    runs = [
        briefing(
            "generate",
            str(example_txt),
            "-o",
            str(out),
            "--engine",
            "espeak",
            "--title",
            title,
            cache=cache_dir,
            hook="slow_renames",
            env=slow,
        )
        for title in ("الأول", "الثاني")
    ]
    outputs = [run.communicate(timeout=180) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert any("Waiting for another run writing" in stderr for _, stderr in outputs)
    assert torn_files(tmp_path / "news.json") == []
    manifest = json.loads((tmp_path / "news.json").read_text(encoding="utf-8"))
    assert manifest["title"] in ("الأول", "الثاني")


def test_leftovers_of_a_killed_run_are_removed_by_the_next_run(runner, tmp_path, example_txt):
    (tmp_path / ".news.mp3.abc123.part").write_bytes(b"x" * 1000)
    (tmp_path / ".news.vtt.def456.part").write_text("partial")
    (tmp_path / ".news.mp3.ghi789.part").mkdir()
    (tmp_path / ".other.mp3.abc.part").write_text("another output's: kept")
    result = runner.invoke(
        cli, ["generate", str(example_txt), "-o", str(tmp_path / "news.mp3"), "--engine", "espeak"]
    )
    assert result.exit_code == 0, result.output
    assert temporaries(tmp_path) == [".other.mp3.abc.part"]


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB file system of its own (tmpfs, as root); skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small file system needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` so that about ``leave`` bytes stay free."""
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    (disk / "filler").write_bytes(b"\0" * max(0, free - leave))


def test_a_full_disk_fails_with_exit_1_naming_the_file_and_leaves_no_new_folder(
    runner, small_disk, example_txt
):
    fill(small_disk, 100_000)
    out = small_disk / "new" / "deeper" / "news.mp3"
    result = runner.invoke(cli, ["generate", str(example_txt), "-o", str(out), "--engine", "espeak"])
    assert result.exit_code == 1, result.output
    assert (
        result.output.startswith(f"Error: {small_disk / 'new' / 'deeper'}/news.")
        and "No space left" in result.output
    )
    assert result.output.count("\n") == 1
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


def test_a_full_disk_while_writing_the_page_leaves_the_old_set_whole(runner, small_disk, example_txt):
    out = small_disk / "news.mp3"
    assert (
        runner.invoke(cli, ["generate", str(example_txt), "-o", str(out), "--engine", "espeak"]).exit_code
        == 0
    )
    before = tree_snapshot(small_disk)
    mp3 = out.stat().st_size
    fill(small_disk, int(mp3 * 2.4))  # room for the work files and the MP3, not for a page holding it too
    before = tree_snapshot(small_disk)
    result = runner.invoke(
        cli, ["generate", str(example_txt), "-o", str(out), "--engine", "espeak", "--page", "--embed-audio"]
    )
    assert result.exit_code == 1, result.output
    assert (
        result.output == f"Error: {small_disk / 'news.html'}: cannot be written (No space left on device)\n"
    )
    assert tree_snapshot(small_disk) == before
    assert torn_files(small_disk / "news.json") == []


def test_a_read_only_cache_with_a_damaged_entry_is_worked_around(
    runner, small_disk, tmp_path, example_txt, monkeypatch
):
    cache = small_disk / "cache"
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(cache))
    assert (
        runner.invoke(
            cli, ["generate", str(example_txt), "-o", str(tmp_path / "a.mp3"), "--engine", "espeak"]
        ).exit_code
        == 0
    )
    damaged = next(cache.rglob("*.clip"))
    damaged.write_bytes(damaged.read_bytes()[:100])
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = runner.invoke(
        cli, ["generate", str(example_txt), "-o", str(tmp_path / "b.mp3"), "--engine", "espeak"]
    )
    assert result.exit_code == 0, result.output
    cleared = runner.invoke(cli, ["cache", "clear"])
    assert cleared.exit_code == 1
    assert cleared.output.startswith(f"Error: {cache}: the cache cannot be emptied (Read-only file system)")
    assert cleared.output.count("\n") == 1


def test_a_cache_folder_that_is_a_file_is_said_once(runner, tmp_path, example_txt, monkeypatch):
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(example_txt))
    result = runner.invoke(
        cli, ["generate", str(example_txt), "-o", str(tmp_path / "a.mp3"), "--engine", "espeak"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.count(f"Warning: the cache folder {example_txt} is a file, not a folder") == 1


def test_spoken_audio_waits_in_an_unnamed_file_that_a_kill_cannot_leave_behind(tmp_path, cache_dir):
    spare = tmp_path / "tmp"
    spare.mkdir()
    run = briefing(
        "generate",
        str(long_article(tmp_path)),
        "-o",
        str(tmp_path / "news.mp3"),
        "--engine",
        "espeak",
        cache=cache_dir,
        env={"TMPDIR": str(spare)},
    )

    def held() -> list[str]:
        """What the run has open now (a file closed while we look is passed over)."""
        found = []
        for fd in os.listdir(f"/proc/{run.pid}/fd"):
            try:
                found.append(os.readlink(f"/proc/{run.pid}/fd/{fd}"))
            except FileNotFoundError:
                pass
        return found

    wait_for(lambda: any(cache_dir.rglob("*.clip")))  # speaking has begun
    wait_for(lambda: any(target.startswith(str(spare)) and target.endswith("(deleted)") for target in held()))
    run.send_signal(signal.SIGKILL)
    run.communicate(timeout=30)
    assert [p.name for p in spare.iterdir() if not p.name.startswith("briefing-locks")] == []


def test_no_room_for_the_spoken_audio_is_one_line(runner, small_disk, example_txt, tmp_path, monkeypatch):
    import tempfile

    fill(small_disk, 50_000)
    monkeypatch.setattr(tempfile, "tempdir", str(small_disk))
    result = runner.invoke(
        cli,
        ["generate", str(example_txt), "-o", str(tmp_path / "news.mp3"), "--engine", "espeak", "--no-cache"],
    )
    assert result.exit_code == 1, result.output
    assert result.output == (
        f"Error: spoken audio cannot be kept in {small_disk} (No space left on device); "
        "free space there, or point TMPDIR at a folder with room\n"
    )
    assert not (tmp_path / "news.mp3").exists()


def test_sigterm_while_encoding_answers_at_once(tmp_path, cache_dir, example_txt):
    started = tmp_path / "encoding"
    out = tmp_path / "out" / "news.mp3"
    run = briefing(
        "generate",
        str(example_txt),
        "-o",
        str(out),
        "--engine",
        "espeak",
        cache=cache_dir,
        hook="slow_encoding",
        env={"ENCODING_STARTED": str(started)},
    )
    wait_for(started.exists)
    signalled = time.monotonic()
    run.send_signal(signal.SIGTERM)
    _, stderr = run.communicate(timeout=30)
    assert time.monotonic() - signalled < 3  # not after the parts under way are done
    assert run.returncode == 143 and stderr.strip().splitlines()[-1].startswith(
        "Error: interrupted (SIGTERM)"
    )
    assert not (tmp_path / "out").exists()


def test_a_lock_folder_another_user_made_first_makes_no_run_wait(tmp_path, cache_dir, example_txt):
    import fcntl
    import hashlib

    if os.geteuid() != 0:
        pytest.skip("giving a folder to another user needs root")
    temporary, out = tmp_path / "tmp", tmp_path / "out" / "news.mp3"
    squatted = temporary / f"briefing-locks-{os.getuid()}"
    squatted.mkdir(parents=True)
    os.chown(squatted, 65534, 65534)  # nobody's, and everyone may write in it
    squatted.chmod(0o777)
    digest = hashlib.sha256(str(out.with_suffix(".json").absolute().resolve()).encode()).hexdigest()[:32]
    with (squatted / f"{digest}.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # the squatter holds the lock of our output
        run = briefing(
            "generate",
            str(example_txt),
            "-o",
            str(out),
            "--engine",
            "espeak",
            cache=cache_dir,
            env={"TMPDIR": str(temporary), "XDG_CACHE_HOME": str(tmp_path / "home-cache")},
        )
        _, stderr = run.communicate(timeout=120)
    assert run.returncode == 0 and "Waiting" not in stderr, stderr
    assert out.is_file() and list((tmp_path / "home-cache" / "briefing" / "locks").glob("*.lock"))


def processes_marked(mark: str) -> list[int]:
    """Processes whose environment holds ``mark``: a run and every process it started."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_batch_answers_at_once_keeps_what_finished_and_leaves_no_process(tmp_path, cache_dir, how):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    for n in range(6):
        (inputs / f"s{n}.txt").write_text(
            f"الخبر {n}\n" + "\n".join(f"{PARAGRAPH} ({n}-{p})" for p in range(25)) + "\n", encoding="utf-8"
        )
    mark = f"BRIEFING_TEST_RUN=batch-{os.getpid()}-{how}"
    name, value = mark.split("=")
    run = briefing(
        "batch",
        str(inputs),
        "--out-dir",
        str(out),
        "--engine",
        "espeak",
        "--workers",
        "2",
        "-q",
        cache=cache_dir,
        env={name: value},
    )
    wait_for(lambda: any(out.glob("*.json")), seconds=120)  # one article is done, the next are under way
    stopped = time.monotonic()
    run.send_signal(how)
    run.communicate(timeout=30)
    assert time.monotonic() - stopped < 3
    wait_for(lambda: processes_marked(mark) == [], seconds=5)  # workers go with their batch, even killed
    done = [p for p in out.glob("*.json") if p.name != "batch.json"]
    assert done and all(
        (out / json.loads(p.read_text(encoding="utf-8"))["audio"]["file"]).is_file() for p in done
    )
    if how == signal.SIGTERM:  # (a SIGKILL may land mid-rename: the next run removes what it left)
        assert (
            run.returncode == 143
            and json.loads((out / "batch.json").read_text(encoding="utf-8"))["counts"]["done"]
        )
        assert not list(out.glob(".*.part"))


SWALLOWING_COMMAND = """
import sys, time
import briefing.cli as command_line

@command_line.cli.command("swallow")
def swallow():
    try:
        print("ready", flush=True)
        while True:
            time.sleep(0.01)
    except KeyboardInterrupt:  # as PyAV's error check does when the signal lands inside it
        print("swallowed", flush=True)
    time.sleep(30)  # the run goes on

sys.argv = ["briefing", "swallow"]
command_line.main()
"""


@pytest.mark.parametrize(("how", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stop_a_library_swallows_comes_again(how, code):
    """One SIGTERM in 40 during an Opus run let it finish (exit 0): PyAV swallowed the interrupt raised
    inside its error check. The signal is sent again until the command answers it."""
    run = subprocess.Popen(
        [sys.executable, "-c", SWALLOWING_COMMAND], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert run.stdout.readline().strip() == "ready"
    started = time.monotonic()
    run.send_signal(how)
    stdout, stderr = run.communicate(timeout=20)
    assert "swallowed" in stdout and run.returncode == code
    assert time.monotonic() - started < 10
    assert stderr.strip().splitlines()[-1].startswith("Error: interrupted")
