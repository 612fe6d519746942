"""Benchmark: whole processes timed side by side (A and B alternated), medians and ratios.

    python bench/run.py [--runs N] [--only espeak|formats|gtts|pages|batch|long|spoken|serve] [--article PATH]

Cases (see the targets in TARGETS):
- espeak: the floor (bench/floor.py: one eSpeak call + one MP3 encode) against
  ``briefing generate --engine espeak --no-cache``, on the article (1x) and on it repeated 20 times;
  a cached rerun of 1x; ``briefing --help`` start-up; peak memory (RSS) at 20x.
- formats: ``generate --engine espeak`` in MP3, M4A and Opus against each one's bare pipeline (eSpeak to
  WAV, then one ffmpeg encode at the same bitrate, ffmpeg's defaults), alternated: wall and CPU time, peak
  memory, the file's loudness, true peak and bitrate, and how many encodings a run made; MP3 also with
  ``--no-vowels``, for what the vowel model costs of those figures (it runs on by default).
- gtts: a local stub adding 200 ms to every request; gTTS's own sequential save() against
  ``briefing generate --engine gtts --no-cache`` with the default --jobs and with --jobs 16.
- batch: 8 copies of the article, a loop of ``generate`` against ``batch`` on 2 workers, and on a local
  2-worker Dask cluster; peak memory of a worker.
- long: the longest article accepted (200,000 characters, about five and a half hours of audio) without
  the cache, with an empty one and again with it full: peak memory (RSS) and time of each run.
- spoken: what the spoken-form stage adds to ``generate --engine espeak`` (1x and 20x): the rules (numbers,
  dates...) timed alone, plus what vowel marks add to a whole run (``--no-vowels`` alternated with the
  default, less the share of the run that eSpeak's now longer speech accounts for); the stage alone in a
  process of its own (model loaded once); and the share of the article's Arabic words eSpeak says with
  no vowel, before and after it.
- pages: article extraction on the real news pages of ../shared/pages/ (bench/pages.py): pages accepted,
  token F1 against the hand-checked references, lines spoken that are not article text, time per page.
Writes bench/results.json and prints a table.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
DEFAULT_ARTICLE = SHARED / "seed_article.txt"
PYTHON = sys.executable
BRIEFING = [PYTHON, "-m", "briefing"]

TARGETS = {
    "ours/floor 1x": 1.3,
    "ours/floor 20x": 1.3,
    "rtf 1x": 0.01,
    "rtf 20x": 0.01,
    "20x cost / 1x cost": 22,
    "peak RSS 20x (MB)": 300,
    "cached/cold 1x": 0.4,
    "help (s)": 0.5,
    "ours/gtts default jobs": 0.25,
    "ours/gtts 16 jobs": 0.125,
    "pages off-article lines": 40,
    "peak RSS per batch worker (MB)": 300,
    "dask batch / local batch": 1.2,
    "pages extraction median (ms)": 100,
    "peak RSS 200k chars, no cache (MB)": 300,
    "peak RSS 200k chars, cache (MB)": 300,
    "peak RSS 200k chars, cached rerun (MB)": 300,
    "spoken form / generate 1x": 0.10,
    "spoken form / generate 20x": 0.10,
    "words said without a vowel (%)": 1.0,
    "serve x20 / batch x20": 1.25,
    "mp3: ours/bare": 0.8,
    "mp3: ours/bare cpu": 1.0,
    "m4a: ours/bare": 1.0,
    "opus: ours/bare": 1.0,
    "mp3: peak RSS (MB)": 150,
    "m4a: peak RSS (MB)": 150,
    "opus: peak RSS (MB)": 150,
    "mp3: encodings": 1,
    "mp3 20x: ours/bare": 0.3,
    "mp3 20x: peak RSS (MB)": 150,
    "mp3 20x: encodings": 1,
    "m4a: encodings": 1,
    "opus: encodings": 1,
}
AT_LEAST = {"pages accepted (of 28)": 27, "pages mean token F1": 0.95, "batch speed-up, 2 workers": 1.7}
"""Figures that must reach their target rather than stay under it."""


def run(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one process (and its children: a shell pipeline's)."""
    seconds, peak, _ = run_counted(command, env)
    return seconds, peak


def run_counted(command: list[str], env: dict | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user and system) of one process and its children."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime  # on Linux with what its own children used (a shell's pipeline)
    peak = usage.ru_maxrss
    stderr = process.stderr.read().decode()
    process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{stderr}")
    return elapsed, peak / 1024, cpu


def alternate(commands: dict[str, list[str]], runs: int, env: dict | None = None) -> dict[str, dict]:
    """Run each command once untimed (warm file caches, the stub's answers), then ``runs`` times,
    interleaved, and keep the medians."""
    for command in commands.values():
        run(command, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    rss: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            seconds, peak = run(command, env)
            times[name].append(seconds)
            rss[name].append(peak)
    return {
        name: {
            "median_s": statistics.median(times[name]),
            "runs_s": times[name],
            "peak_rss_mb": max(rss[name]),
        }
        for name in commands
    }


FORMATS = {"mp3": ("libmp3lame", 64), "m4a": ("aac", 64), "opus": ("libopus", 28)}
"""Each format's encoder in the bare pipeline, and the bitrate both sides write."""


def bench_formats(article: Path, runs: int, work: Path) -> dict:
    """Ours against each format's bare pipeline (eSpeak to WAV, then one ffmpeg encode at the same bitrate),
    alternated, wall and CPU time; and how often ours encoded a file twice (its stage lines)."""
    import imageio_ffmpeg

    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    results: dict = {}
    long = work / "formats-20x.txt"
    long.write_text("\n".join([article.read_text(encoding="utf-8").strip()] * 20) + "\n", encoding="utf-8")
    cases = [(name, name, article, runs, []) for name in FORMATS] + [
        ("mp3 20x", "mp3", long, max(1, runs // 2), []),
        # what the vowel model (added after these targets were set) costs of the figures
        ("mp3 no vowels", "mp3", article, runs, ["--no-vowels"]),
        ("opus no vowels", "opus", article, runs, ["--no-vowels"]),
    ]
    for label, name, source, times, flags in cases:
        codec, kbps = FORMATS[name]
        wav, bare_out, ours_out = work / "bare.wav", work / f"bare.{name}", work / f"ours.{name}"
        bare = (
            f"{PYTHON} {ROOT / 'bench' / 'floor.py'} {source} {wav} && "
            f"{ffmpeg} -loglevel error -y -i {wav} -c:a {codec} -b:a {kbps}k {bare_out}"
        )
        commands = {
            "bare": ["sh", "-c", bare],
            "ours": [*BRIEFING, "generate", str(source), "-o", str(ours_out), "--engine", "espeak"]
            + ["--no-cache", "-q", *flags],
        }
        for command in commands.values():
            run_counted(command)
        seconds: dict[str, list[float]] = {who: [] for who in commands}
        cpu: dict[str, list[float]] = {who: [] for who in commands}
        peak: dict[str, float] = {who: 0.0 for who in commands}
        for _ in range(times):
            for who, command in commands.items():
                wall, rss, used = run_counted(command)
                seconds[who].append(wall)
                cpu[who].append(used)
                peak[who] = max(peak[who], rss)
        manifest = json.loads(ours_out.with_suffix(".json").read_text(encoding="utf-8"))
        audio = manifest["audio"]
        results[label] = {
            who: {
                "median_s": statistics.median(seconds[who]),
                "cpu_s": statistics.median(cpu[who]),
                "runs_s": seconds[who],
                "peak_rss_mb": peak[who],
            }
            for who in commands
        }
        results[label]["loudness_lufs"] = audio["loudness_lufs"]
        results[label]["true_peak_dbtp"] = audio["true_peak_dbtp"]
        results[label]["kbps_measured"] = ours_out.stat().st_size * 8 / audio["duration_ms"]
        results[label]["encodings"] = _encodings(source, name, work, flags)
    return results


def _encodings(article: Path, name: str, work: Path, flags: list[str]) -> float:
    """How many times a run (with ``flags``) encodes the file: its stage lines, on a pseudo-terminal (parts
    encoded again count as their share of the file)."""
    import pty

    command = [*BRIEFING, "generate", str(article), "-o", str(work / f"staged.{name}"), "--engine", "espeak"]
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [*command, "--no-cache", *flags], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower
    )
    os.close(follower)
    said = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        said += chunk
    process.wait()
    os.close(leader)
    shown = said.decode(errors="replace")
    whole = shown.count(f"Encoding {name.upper()}\u2026") + shown.count(" again: measured off target\u2026")
    partial = re.findall(r"again, (\d+) parts? of (\d+): measured off target\u2026", shown)
    return whole + sum(int(done) / int(parts) for done, parts in partial)  # a part again: its share of one


def mp3_seconds(path: Path) -> float:
    from mutagen.mp3 import MP3

    return MP3(path).info.length


def bench_espeak(article: Path, runs: int, work: Path) -> dict:
    text = article.read_text(encoding="utf-8")
    inputs = {"1x": article, "20x": work / "article-20x.txt"}
    inputs["20x"].write_text("\n".join([text.strip()] * 20) + "\n", encoding="utf-8")
    results: dict = {}
    for label, source in inputs.items():
        floor_mp3, ours_mp3 = work / f"floor-{label}.mp3", work / f"ours-{label}.mp3"
        measured = alternate(
            {
                "floor": [PYTHON, str(ROOT / "bench" / "floor.py"), str(source), str(floor_mp3)],
                "ours": [
                    *BRIEFING,
                    "generate",
                    str(source),
                    "-o",
                    str(ours_mp3),
                    "--engine",
                    "espeak",
                    "--no-cache",
                    "-q",
                ],
                "ours no vowels": [
                    *BRIEFING,
                    "generate",
                    str(source),
                    "-o",
                    str(work / f"plain-{label}.mp3"),
                    "--engine",
                    "espeak",
                    "--no-cache",
                    "-q",
                    "--no-vowels",
                ],
            },
            runs if label == "1x" else max(1, runs // 2),
        )
        audio = mp3_seconds(ours_mp3)
        results[label] = {
            **measured,
            "audio_s": audio,
            "floor_audio_s": mp3_seconds(floor_mp3),
            "plain_audio_s": mp3_seconds(work / f"plain-{label}.mp3"),
        }
    cache = work / "cache"
    warm = [
        *BRIEFING,
        "generate",
        str(article),
        "-o",
        str(work / "cached.mp3"),
        "--engine",
        "espeak",
        "-q",
        "--cache-dir",
        str(cache),
    ]
    run(warm)
    results["cached 1x"] = alternate({"cached": warm}, runs)["cached"]
    results["help"] = alternate({"help": [*BRIEFING, "--help"]}, runs)["help"]
    return results


def bench_gtts(article: Path, runs: int, work: Path) -> dict:
    from tests.gtts_stub import GttsStub

    with GttsStub(delay=0.2) as stub:
        env = {"BRIEFING_GTTS_URL": stub.url}
        ours = [*BRIEFING, "generate", str(article), "--engine", "gtts", "--no-cache", "-q", "-o"]
        measured = alternate(
            {
                "gtts": [PYTHON, str(ROOT / "bench" / "gtts_baseline.py"), str(article), str(work / "g.mp3")],
                "ours default jobs": [*ours, str(work / "o8.mp3")],
                "ours 16 jobs": [*ours, str(work / "o16.mp3"), "--jobs", "16"],
            },
            runs,
            env,
        )
        stub.requests.clear()
        run([*ours, str(work / "count.mp3")], env)
        measured["requests per run (ours)"] = len(stub.requests)
    return measured


LONGEST = 200_000
"""Characters of the longest article ``generate`` accepts by default."""


def bench_long(article: Path, work: Path) -> dict:
    """The article repeated under numbered headings up to LONGEST characters; one run of each kind."""
    title, _, body = article.read_text(encoding="utf-8").strip().partition("\n")
    text, number = title, 0
    while True:
        number += 1
        more = f"\n\n## الجزء {number}\n\n{body.strip()}"
        if len(text) + len(more) > LONGEST:
            break
        text += more
    source = work / "longest.txt"
    source.write_text(text + "\n", encoding="utf-8")
    command = [
        *BRIEFING,
        "generate",
        str(source),
        "--engine",
        "espeak",
        "-q",
        "-o",
        str(work / "longest.mp3"),
    ]
    results = {"characters": len(text)}
    for label, extra in (
        ("no cache", ["--no-cache"]),
        ("cache", ["--cache-dir", str(work / "long-cache")]),
        ("cached rerun", ["--cache-dir", str(work / "long-cache")]),
    ):
        seconds, peak = run(command + extra)
        results[label] = {"seconds": seconds, "peak_rss_mb": peak}
    results["audio_s"] = mp3_seconds(work / "longest.mp3")
    return results


def bench_batch(article: Path, runs: int, work: Path) -> dict:
    """8 copies of the article: one ``generate`` after another, against ``batch`` on 2 local workers and on
    a 2-worker Dask cluster on localhost (when the cluster extra is installed)."""
    inputs = work / "batch-in"
    inputs.mkdir()
    for number in range(8):
        (inputs / f"copy{number}.txt").write_text(article.read_text(encoding="utf-8"), encoding="utf-8")
    one = [*BRIEFING, "generate", "--engine", "espeak", "--no-cache", "-q"]
    loop = "import subprocess, sys; [subprocess.run(sys.argv[1:] + [p, '-o', p + '.mp3'], check=True) for p in %r]"
    sequential = [PYTHON, "-c", loop % [str(p) for p in sorted(inputs.iterdir())], *one]
    local = [
        *BRIEFING,
        "batch",
        str(inputs),
        "--out-dir",
        str(work / "batch-out"),
        "--engine",
        "espeak",
        "--no-cache",
        "--workers",
        "2",
        "--force",
        "-q",
    ]
    commands = {"sequential generate x8": sequential, "batch x8, 2 workers": local}
    cluster = _local_dask_cluster()
    if cluster:
        address, processes = cluster
        commands["batch x8, dask 2 workers"] = [
            *local[:-4],
            "--cluster",
            address,
            "--force",
            "-q",
        ]  # no --workers
    try:
        return alternate(commands, runs)
    finally:
        for process in cluster[1] if cluster else []:
            process.kill()
            process.wait()


def _local_dask_cluster():
    """``dask scheduler`` and two ``dask worker`` on localhost, or None without the cluster extra."""
    try:
        from distributed import Client
    except ImportError:
        return None
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dask, address = str(Path(PYTHON).with_name("dask")), f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet
        )
    ]
    processes += [
        subprocess.Popen(
            [
                dask,
                "worker",
                address,
                "--no-nanny",
                "--nthreads",
                "1",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
            ],
            **quiet,
        )
        for _ in range(2)
    ]
    with Client(address, timeout="30s") as client:
        client.wait_for_workers(2, timeout=60)
    return address, processes


SPOKEN_PROBE = """
import json, re, sys, time
started = time.perf_counter()
from briefing.article import Episode
from briefing.article import read_article
from briefing.script import build_script
from briefing.spoken import Pronunciation, SpokenForm
from briefing.speech.engines.espeak import EspeakEngine
cues = build_script(Episode.of([read_article(sys.argv[1])]))
read = time.perf_counter()
rules = SpokenForm.for_engine("ar", offline=True, pronunciation=Pronunciation(vowels=False))
[rules(c.text) for c in cues if c.voiced]
ruled = time.perf_counter()
form = SpokenForm.for_engine("ar", offline=True)
said = [form(c.text) for c in cues if c.voiced]
seconds, rules_s = time.perf_counter() - ruled, ruled - read
espeak, word = EspeakEngine(), re.compile(r"[\u0621-\u064a][\u0621-\u064a\u064b-\u0652\u0670]*")
def bare(texts):
    words = [w for t in texts for w in word.findall(t)]
    return sum(not re.search(r"[aeiouAEIOU@]", espeak.phonemes(w)) for w in words), len(words)
print(json.dumps({"seconds": seconds, "rules_s": rules_s, "before": bare(c.text for c in cues if c.voiced),
                  "after": bare(said)}))
"""


def bench_spoken(article: Path, runs: int) -> dict:
    """The spoken-form stage of one article, model loading included, in a fresh process each run."""
    found = [
        json.loads(
            subprocess.run(
                [PYTHON, "-c", SPOKEN_PROBE, str(article)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            ).stdout
        )
        for _ in range(runs)
    ]
    return {
        "median_s": statistics.median(f["seconds"] for f in found),
        "rules_s": statistics.median(f["rules_s"] for f in found),
        "bare_before": found[0]["before"],
        "bare_after": found[0]["after"],
    }


def summary(results: dict) -> dict[str, float]:
    figures: dict[str, float] = {}
    if "espeak" in results:
        e = results["espeak"]
        for label in ("1x", "20x"):
            figures[f"ours/floor {label}"] = e[label]["ours"]["median_s"] / e[label]["floor"]["median_s"]
            figures[f"rtf {label}"] = e[label]["ours"]["median_s"] / e[label]["audio_s"]
        figures["20x cost / 1x cost"] = e["20x"]["ours"]["median_s"] / e["1x"]["ours"]["median_s"]
        figures["peak RSS 20x (MB)"] = e["20x"]["ours"]["peak_rss_mb"]
        figures["cached/cold 1x"] = e["cached 1x"]["median_s"] / e["1x"]["ours"]["median_s"]
        figures["help (s)"] = e["help"]["median_s"]
    if "gtts" in results:
        g = results["gtts"]
        figures["ours/gtts default jobs"] = g["ours default jobs"]["median_s"] / g["gtts"]["median_s"]
        figures["ours/gtts 16 jobs"] = g["ours 16 jobs"]["median_s"] / g["gtts"]["median_s"]
    if "batch" in results:
        b = results["batch"]
        figures["batch speed-up, 2 workers"] = (
            b["sequential generate x8"]["median_s"] / b["batch x8, 2 workers"]["median_s"]
        )
        figures["peak RSS per batch worker (MB)"] = b["batch x8, 2 workers"]["peak_rss_mb"]
        if "batch x8, dask 2 workers" in b:
            figures["dask batch / local batch"] = (
                b["batch x8, dask 2 workers"]["median_s"] / b["batch x8, 2 workers"]["median_s"]
            )
    if "serve" in results:
        served = results["serve"]
        figures["serve x20 / batch x20"] = (
            served["serve x20, 2 workers"]["median_s"] / served["batch x20, 2 workers"]["median_s"]
        )
    if "long" in results:
        for label in ("no cache", "cache", "cached rerun"):
            figures[f"peak RSS 200k chars, {label} (MB)"] = results["long"][label]["peak_rss_mb"]
    if "spoken" in results:
        bare, words = results["spoken"]["bare_after"]
        figures["words said without a vowel (%)"] = 100 * bare / max(words, 1)
    if "espeak" in results:  # what vowel marks add to a run (the rest of the stage is in both), and the rules
        rules = results.get("spoken", {}).get("rules_s", 0.0)
        for label in ("1x", "20x"):
            e = results["espeak"][label]
            plain = e["ours no vowels"]["median_s"]
            # eSpeak says the vowels it used to swallow: longer audio, encoded in proportion; not the stage's cost
            longer = plain * (e["audio_s"] / e["plain_audio_s"] - 1)
            added = (
                e["ours"]["median_s"] - plain - longer + rules
            )  # 20x repeats 1x: its texts are formed once
            figures[f"spoken form / generate {label}"] = added / e["ours"]["median_s"]
    for name, measured in results.get("formats", {}).items():
        figures[f"{name}: ours/bare"] = measured["ours"]["median_s"] / measured["bare"]["median_s"]
        figures[f"{name}: ours/bare cpu"] = measured["ours"]["cpu_s"] / measured["bare"]["cpu_s"]
        figures[f"{name}: peak RSS (MB)"] = measured["ours"]["peak_rss_mb"]
        figures[f"{name}: encodings"] = measured["encodings"]
    if "pages" in results:
        pages = results["pages"]
        figures["pages accepted (of 28)"] = pages["accepted"]
        figures["pages mean token F1"] = pages["mean_token_f1"]
        figures["pages off-article lines"] = pages["off_article_lines"]
        figures["pages extraction median (ms)"] = pages["extraction_median_ms"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--only", choices=["espeak", "formats", "gtts", "pages", "batch", "long", "spoken", "serve"]
    )
    parser.add_argument("--article", type=Path, default=DEFAULT_ARTICLE)
    options = parser.parse_args()
    if not options.article.exists():
        raise SystemExit(f"{options.article}: not found (the benchmark article lives in ../shared/)")

    # Time the tool as pip installs it: with its bytecode compiled. From a checkout under
    # PYTHONDONTWRITEBYTECODE every run would compile the package's sources again (about 30 ms).
    compileall.compile_dir(ROOT / "briefing", quiet=1)
    results: dict = {"article": str(options.article), "runs": options.runs}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        if options.only in (None, "espeak", "spoken"):
            results["espeak"] = bench_espeak(options.article, options.runs, work)
        if options.only in (None, "formats"):
            results["formats"] = bench_formats(options.article, options.runs, work)
        if options.only in (None, "spoken"):
            results["spoken"] = bench_spoken(options.article, options.runs)
        if options.only in (None, "gtts"):
            results["gtts"] = bench_gtts(options.article, options.runs, work)
        if options.only in (None, "batch"):
            results["batch"] = bench_batch(options.article, min(options.runs, 3), work)
        if options.only in (None, "long"):
            results["long"] = bench_long(options.article, work)
        if options.only in (None, "serve"):
            from bench.serve import run as bench_serve

            results["serve"] = bench_serve(options.article, min(options.runs, 3), work, BRIEFING)
    if options.only in (None, "pages") and (SHARED / "pages").is_dir():
        from bench.pages import run as bench_pages

        results["pages"] = bench_pages(SHARED)
    figures = summary(results)
    results["figures"] = figures
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")

    if "espeak" in results:
        e = results["espeak"]
        print(f"{'case':<28}{'median s':>10}{'audio s':>10}")
        for label in ("1x", "20x"):
            for who in ("floor", "ours", "ours no vowels"):
                audio = e[label][{"floor": "floor_audio_s", "ours": "audio_s"}.get(who, "plain_audio_s")]
                print(f"{who + ' ' + label:<28}{e[label][who]['median_s']:>10.3f}{audio:>10.1f}")
        print(f"{'cached rerun 1x':<28}{e['cached 1x']['median_s']:>10.3f}")
        print(f"{'briefing --help':<28}{e['help']['median_s']:>10.3f}")
    if "formats" in results:
        print(f"\n{'format':<28}{'ours s':>10}{'bare s':>10}{'ours cpu':>10}{'bare cpu':>10}{'kb/s':>8}")
        for name, f in results["formats"].items():
            print(
                f"{name:<28}{f['ours']['median_s']:>10.3f}{f['bare']['median_s']:>10.3f}"
                f"{f['ours']['cpu_s']:>10.3f}{f['bare']['cpu_s']:>10.3f}{f['kbps_measured']:>8.1f}"
            )
    if "gtts" in results:
        g = results["gtts"]
        for who in ("gtts", "ours default jobs", "ours 16 jobs"):
            print(f"{who:<28}{g[who]['median_s']:>10.3f}")
        print(f"{'requests per run (ours)':<28}{g['requests per run (ours)']:>10}")
    if "long" in results:
        long = results["long"]
        print(f"\n{long['characters']} characters, {long['audio_s'] / 3600:.2f} h of audio")
        for label in ("no cache", "cache", "cached rerun"):
            print(
                f"{'longest, ' + label:<28}{long[label]['seconds']:>10.1f} s{long[label]['peak_rss_mb']:>8.0f} MB"
            )
    if "spoken" in results:
        sp = results["spoken"]
        print(f"\n{'spoken form 1x, alone':<28}{sp['median_s']:>10.3f}")
        print(f"{'of which rules':<28}{sp['rules_s']:>10.3f}")
        for when in ("before", "after"):
            print(f"{'bare words ' + when:<28}{sp['bare_' + when][0]:>10} of {sp['bare_' + when][1]}")
    print(f"\n{'figure':<28}{'measured':>10}{'target':>10}  met")
    for name, value in figures.items():
        target = AT_LEAST.get(name, TARGETS.get(name))
        if target is None:
            print(f"{name:<28}{value:>10.3f}")
            continue
        met = value >= target if name in AT_LEAST else value <= target
        print(
            f"{name:<28}{value:>10.3f}{('>= ' if name in AT_LEAST else '<= ') + str(target):>10}  {'yes' if met else 'NO'}"
        )


if __name__ == "__main__":
    main()
