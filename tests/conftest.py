import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.speech import retry
from tests.edge_stub import EdgeStub
from tests.gtts_stub import GttsStub

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def example_txt() -> Path:
    return EXAMPLES / "solar-plant.txt"


@pytest.fixture
def example_md() -> Path:
    return EXAMPLES / "solar-plant.md"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def gtts_stub(monkeypatch):
    with GttsStub() as stub:
        monkeypatch.setenv("BRIEFING_GTTS_URL", stub.url)
        yield stub


@pytest.fixture
def edge_stub(monkeypatch):
    import edge_tts.communicate

    monkeypatch.setattr(
        edge_tts.communicate, "WSS_URL", edge_tts.communicate.WSS_URL
    )  # restored after the test
    with EdgeStub() as stub:
        monkeypatch.setenv("BRIEFING_EDGE_URL", stub.url)
        yield stub


@pytest.fixture(autouse=True)
def cache_dir(monkeypatch, tmp_path_factory) -> Path:
    """Each test gets its own empty clip cache, never the user's."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    """The real retry code, with waits short enough for a test suite."""
    monkeypatch.setattr(
        retry, "DEFAULT_POLICY", retry.RetryPolicy(attempts=4, initial=0.01, jitter=0.01, max_wait=3)
    )


@pytest.fixture(autouse=True)
def no_google(monkeypatch):
    """Tests never reach Google: unless a test starts the stub, gTTS points at a closed local port."""
    monkeypatch.setenv("BRIEFING_GTTS_URL", "http://127.0.0.1:9/_/TranslateWebserverUi/data/batchexecute")


def ffmpeg(*args: str) -> subprocess.CompletedProcess:
    """The ffmpeg binary of the imageio-ffmpeg wheel: an independent decoder and meter for checks."""
    import imageio_ffmpeg

    return subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", *args],
        capture_output=True,
        text=True,
        check=True,
    )


def loudness_of(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) by ffmpeg's ebur128, an independent meter."""
    log = ffmpeg("-i", str(path), "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-").stderr
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", log)[-1]), float(
        re.findall(r"Peak:\s+(-?[\d.]+) dBFS", log)[-1]
    )


def decoded_seconds(path: Path) -> float:
    """Decode the whole MP3 with ffmpeg (fails on a broken file) and return its decoded duration."""
    import imageio_ffmpeg

    run = subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-nostdin",
            "-v",
            "error",
            "-i",
            str(path),
            "-f",
            "s16le",
            "-ac",
            "1",
            "-ar",
            "8000",
            "-",
        ],
        capture_output=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr.decode()
    assert not run.stderr, run.stderr.decode()
    return len(run.stdout) / 2 / 8000


def tree_snapshot(folder: Path) -> dict:
    return {p.relative_to(folder): p.stat().st_mtime_ns for p in folder.rglob("*")} if folder.exists() else {}


def _browser_or_skip():
    missing = None
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        missing = "the playwright package is not installed"
    if missing is None and not CHROMIUM.exists():
        missing = f"no browser at {CHROMIUM} (apt-get install chromium)"
    if missing:
        if os.environ.get("BRIEFING_REQUIRE_BROWSER") == "1":
            pytest.fail(f"BRIEFING_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)


@pytest.fixture(scope="module")
def browser():
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        yield chromium
        chromium.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dask_cluster(tmp_path):
    """A real Dask cluster on localhost: ``dask scheduler`` and two ``dask worker`` processes."""
    pytest.importorskip(
        "distributed", reason="the cluster extra is not installed (pip install 'briefing[cluster]')"
    )
    dask = str(Path(sys.executable).with_name("dask"))
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    processes = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=subprocess.DEVNULL,
            stderr=(logs / "scheduler.log").open("w"),
            env=env,
        )
    ]
    workers = []
    try:
        for number in range(2):
            workers.append(
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
                        "--name",
                        f"w{number}",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=(logs / f"w{number}.log").open("w"),
                    env=env,
                )
            )
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address, workers
    finally:
        for process in [*workers, *processes]:
            process.kill()
            process.wait()
