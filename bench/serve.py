"""The service against ``briefing batch``: 20 different articles submitted at once to a server with 2 workers
(started as the README says), from the first request to the last briefing done, against one batch of the
same 20 on 2 workers. Alternated, each run in a fresh folder with an empty clip cache."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ARTICLES = 20
TOKEN = "bench-token"


def articles(article: Path, folder: Path) -> list[Path]:
    """The article 20 times, each copy different (a closing line of its own), so nothing is shared."""
    text = article.read_text(encoding="utf-8").rstrip()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(ARTICLES):
        path = folder / f"copy{number}.txt"
        path.write_text(f"{text}\nوهذه النسخة رقم {number + 1} من الخبر.\n", encoding="utf-8")
        paths.append(path)
    return paths


def batch_seconds(inputs: Path, work: Path, briefing: list[str]) -> float:
    out, cache = work / "batch-out", work / "batch-cache"
    command = [*briefing, "batch", str(inputs), "--out-dir", str(out), "--engine", "espeak", "--workers", "2"]
    start = time.perf_counter()
    subprocess.run(
        [*command, "--force", "-q"], env={**os.environ, "BRIEFING_CACHE_DIR": str(cache)}, check=True
    )
    return time.perf_counter() - start


def serve_seconds(paths: list[Path], work: Path, briefing: list[str]) -> float:
    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "BRIEFING_TOKEN": TOKEN, "BRIEFING_CACHE_DIR": str(work / "serve-cache")}
    command = [
        *briefing,
        "serve",
        "--port",
        str(port),
        "--out-dir",
        str(work / "serve-out"),
        "--workers",
        "2",
    ]
    server = subprocess.Popen(
        [*command, "--engine", "espeak"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while True:  # started: listening, and its workers up
            try:
                if httpx.get(url + "/v1/health", timeout=1).json()["status"] == "ready":
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        headers = {"Authorization": f"Bearer {TOKEN}"}

        def submit(path: Path) -> str:
            sent = httpx.post(
                url + "/v1/briefings",
                json={"text": path.read_text(encoding="utf-8")},
                headers=headers,
                timeout=60,
            )
            sent.raise_for_status()
            return sent.json()["id"]

        start = time.perf_counter()
        with ThreadPoolExecutor(ARTICLES) as clients:
            ids = list(clients.map(submit, paths))
        while True:  # as a CMS would watch: one request a tenth of a second
            counts = httpx.get(f"{url}/v1/health", timeout=10).json()["briefings"]
            if counts["failed"]:
                raise SystemExit(f"{counts['failed']} briefings failed")
            if counts["done"] == len(set(ids)):
                seconds = time.perf_counter() - start
                _check(url, ids)
                return seconds
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait()


def _check(url: str, ids: list[str]) -> None:
    """Every briefing's audio decodes to its manifest's length, with one chapter per section (after the
    clock has stopped)."""
    import io

    import httpx
    import miniaudio
    from mutagen.id3 import ID3

    for id in ids:
        links = httpx.get(f"{url}/v1/briefings/{id}", timeout=10).json()["links"]
        manifest = httpx.get(links["manifest"], timeout=10).json()
        audio = httpx.get(links["audio"], timeout=30).content
        decoded = miniaudio.mp3_read_s16(audio)
        seconds = len(decoded.samples) / decoded.sample_rate
        if abs(seconds * 1000 - manifest["audio"]["duration_ms"]) > 200:
            raise SystemExit(f"briefing {id}: decodes to {seconds:.2f} s, its manifest says otherwise")
        if len(ID3(io.BytesIO(audio)).getall("CHAP")) != len(manifest["sections"]):
            raise SystemExit(f"briefing {id}: its chapters are not its sections")


def run(article: Path, runs: int, work: Path, briefing: list[str] | None = None) -> dict:
    briefing = briefing or [sys.executable, "-m", "briefing"]
    paths = articles(article, work / "serve-in")
    times: dict[str, list[float]] = {"batch x20, 2 workers": [], "serve x20, 2 workers": []}
    for number in range(runs + 1):  # the first pair warms the file caches, untimed
        folder = work / f"serve-run{number}"
        batch = batch_seconds(paths[0].parent, folder, briefing)
        served = serve_seconds(paths, folder, briefing)
        if number:
            times["batch x20, 2 workers"].append(batch)
            times["serve x20, 2 workers"].append(served)
    return {name: {"median_s": statistics.median(found), "runs_s": found} for name, found in times.items()}
