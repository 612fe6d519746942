"""``briefing serve``: a real server (uvicorn on a free port of 127.0.0.1, started as a user would) spoken to
over HTTP with httpx, killed and stopped as an operator would."""

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import httpx
import pytest
from mutagen.id3 import ID3

from tests.conftest import EXAMPLES, decoded_seconds, ffmpeg
from tests.page_server import PageServer

TOKEN = "test-token-1f9c"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PARAGRAPH = (
    "افتتحت بلدية المدينة صباح اليوم محطة جديدة لتحلية مياه البحر، بقدرة إنتاجية تبلغ مئة ألف متر مكعب في "
    "اليوم. وقال رئيس البلدية إن المحطة ستغطي حاجة نحو ثلاثين ألف منزل."
)


def article(number: int, paragraphs: int = 2) -> str:
    """A short article, different for each number (the same text is the same briefing)."""
    body = "\n".join(f"{PARAGRAPH} وهذه الفقرة رقم {number * 1000 + n}." for n in range(paragraphs))
    return f"الخبر رقم {number}\n{body}\n"


class Server:
    """``briefing serve`` in a process of its own, as the README starts it."""

    def __init__(self, folder: Path, *options: str, token: str | None = TOKEN):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = folder
        self.log = folder / f"server-{self.port}.log"
        self.command = [sys.executable, "-m", "briefing", "serve", "--port", str(self.port), "--out-dir"]
        self.command += [str(folder / "out"), "--engine", "espeak", *options]
        self.env = {**os.environ, "BRIEFING_TOKEN": token or ""}
        self.process: subprocess.Popen | None = None

    def start(self) -> "Server":
        self.process = subprocess.Popen(
            self.command, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if httpx.get(self.url + "/v1/health", timeout=2).json()["status"] == "ready":
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("the server did not start: " + self.log.read_text())

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 120) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        return self.process.wait(timeout)

    def post(self, path: str = "/v1/briefings", headers: dict | None = AUTH, **kw) -> httpx.Response:
        return httpx.post(self.url + path, headers=headers, timeout=120, **kw)

    def get(self, path: str, **kw) -> httpx.Response:
        return httpx.get(path if path.startswith("http") else self.url + path, timeout=60, **kw)

    def wait(self, id: str, until=("done", "failed"), timeout: float = 240) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.get(f"/v1/briefings/{id}").json()
            if found["status"] in until:
                return found
            time.sleep(0.2)
        raise AssertionError(f"briefing {id} is still {found['status']}")

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One server for the tests that need no restart: two workers, links to this machine allowed (the test
    pages are served on 127.0.0.1), a queue of 50."""
    folder = tmp_path_factory.mktemp("serve")
    with Server(folder, "--workers", "2", "--allow-private-urls", "--queue-size", "50") as running:
        yield running


def test_a_text_becomes_a_briefing_with_its_files(server):
    sent = server.post(json={"text": (EXAMPLES / "solar-plant.txt").read_text(encoding="utf-8")})
    assert sent.status_code == 202, sent.text
    briefing = sent.json()
    assert sent.headers["location"] == briefing["links"]["status"]
    assert briefing["status"] in ("queued", "running") and briefing["title"] == (
        "افتتاح محطة للطاقة الشمسية في مدينة الواحة"
    )
    done = server.wait(briefing["id"])
    assert done["status"] == "done" and done["progress"] == 1, done
    audio = server.get(done["links"]["audio"])
    assert audio.headers["content-type"] == "audio/mpeg"
    path = server.folder / "heard.mp3"
    path.write_bytes(audio.content)
    assert decoded_seconds(path) > 20
    chapters = [frame.sub_frames["TIT2"].text[0] for frame in ID3(path).getall("CHAP")]
    assert chapters == ["المقدمة", "تفاصيل المشروع", "ماذا ينتظر السكان"]
    manifest = server.get(done["links"]["manifest"]).json()
    assert (
        manifest["engine"]["name"] == "espeak"
        and manifest["audio"]["file"] == Path(done["links"]["audio"]).name
    )
    assert server.get(done["links"]["captions"]).text.startswith("WEBVTT")
    page = server.get(done["links"]["page"])
    assert page.headers["content-type"].startswith("text/html") and 'dir="rtl"' in page.text

    # players seek: a range of the audio, and a range past its end refused
    size = len(audio.content)
    part = server.get(done["links"]["audio"], headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.content == audio.content[1000:2000]
    assert part.headers["content-range"] == f"bytes 1000-1999/{size}"
    assert server.get(done["links"]["audio"], headers={"Range": f"bytes={size + 10}-"}).status_code == 416

    # the same article with the same options: the same briefing at once, never a second synthesis
    started = time.monotonic()
    again = server.post(json={"text": (EXAMPLES / "solar-plant.txt").read_text(encoding="utf-8")})
    assert again.status_code == 200 and again.json()["id"] == briefing["id"]
    assert again.json()["status"] == "done" and time.monotonic() - started < 2
    titled = server.post(json={"text": article(5), "title": "عنوان\n--> خطر\u202e\x07"}).json()
    assert titled["title"] == "عنوان --> خطر"  # a title sent is cleaned as every title is
    other = server.post(
        json={"text": (EXAMPLES / "solar-plant.txt").read_text(encoding="utf-8"), "rate": 1.2}
    )
    assert other.status_code == 202 and other.json()["id"] != briefing["id"]
    server.wait(other.json()["id"])


def test_the_feed_lists_done_briefings_and_a_deleted_one_leaves_nothing(server):
    made = [server.post(json={"markdown": f"# خبر للموجز {n}\n\n{article(n + 50)}"}).json() for n in range(3)]
    for briefing in made:
        assert server.wait(briefing["id"])["status"] == "done"
    feed = feedparser.parse(server.get("/feed.xml").content)
    assert not feed.bozo, feed.bozo_exception
    titles = [entry.title for entry in feed.entries]
    assert {"خبر للموجز 0", "خبر للموجز 1"} <= set(titles)
    for entry in feed.entries:
        (enclosure,) = entry.enclosures
        assert enclosure.href.startswith(server.url + "/files/")  # the address the request named
        assert server.get(enclosure.href, headers={"Range": "bytes=0-1"}).status_code == 206
    by_name = feedparser.parse(server.get(server.url.replace("127.0.0.1", "localhost") + "/feed.xml").content)
    assert by_name.entries[0].enclosures[0].href.startswith(f"http://localhost:{server.port}/files/")

    gone = made[0]
    stem = Path(server.get(f"/v1/briefings/{gone['id']}").json()["links"]["audio"]).stem
    assert server.post(f"/v1/briefings/{gone['id']}", headers=None).status_code == 405
    assert httpx.delete(f"{server.url}/v1/briefings/{gone['id']}").status_code == 401
    assert httpx.delete(f"{server.url}/v1/briefings/{gone['id']}", headers=AUTH).status_code == 204
    assert server.get(f"/v1/briefings/{gone['id']}").status_code == 404
    assert not list((server.folder / "out").glob(f"{stem}*"))
    assert "خبر للموجز 0" not in [e.title for e in feedparser.parse(server.get("/feed.xml").content).entries]
    listed = server.get("/v1/briefings", params={"limit": 1}).json()
    assert len(listed["briefings"]) == 1 and listed["total"] >= 2 and listed["next"]
    assert gone["id"] not in [b["id"] for b in server.get("/v1/briefings?limit=200").json()["briefings"]]


def test_a_link_to_a_page_becomes_a_briefing_and_a_bad_link_is_refused(server):
    with PageServer() as pages:
        sent = server.post(json={"url": pages.url("/news/water-plant.html")})
        assert sent.status_code == 202, sent.text
        assert server.wait(sent.json()["id"])["status"] == "done"
        missing = server.post(json={"url": pages.url("/missing")})
        assert missing.status_code == 502 and "404" in missing.json()["error"]
        image = server.post(json={"url": pages.url("/image")})
        assert image.status_code == 400 and "image/png" in image.json()["error"]
    for path in (
        "file:///etc/passwd",
        "/etc/passwd",
        str(EXAMPLES / "solar-plant.txt"),
    ):  # never the server's files
        not_web = server.post(json={"url": path})
        assert not_web.status_code == 400 and "not an http or https address" in not_web.json()["error"]


@pytest.mark.parametrize(
    "body, status, said",
    [
        ({}, 422, "give exactly one of url, text, markdown, html"),
        ({"text": "نص", "url": "https://example.org/"}, 422, "given: url, text"),
        ({"text": "   "}, 400, "the text sent: is empty"),
        ({"text": "This is plainly an English sentence, written to be refused."}, 400, "not Arabic"),
        ({"text": "خبر قصير للتجربة.", "engine": "festival"}, 422, "engine"),
        ({"text": "خبر قصير للتجربة.", "bitrate": 999}, 422, "bitrate"),
        ({"text": "خبر قصير للتجربة.", "format": "m4a", "bitrate": 20}, 400, "bitrate"),
        ({"text": "خبر قصير للتجربة.", "rate": 9}, 422, "rate"),
        ({"text": "خبر قصير للتجربة.", "surprise": 1}, 422, "surprise"),
        (
            {"text": "خبر قصير للتجربة.", "lexicon": {"خبر": " "}},
            400,
            "needs both a written and a spoken form",
        ),
    ],
)
def test_bad_requests_get_one_json_line_and_queue_nothing(server, body, status, said):
    before = server.get("/v1/briefings").json()["total"]
    answer = server.post(json=body)
    assert answer.status_code == status, answer.text
    assert said in answer.json()["error"] and "Traceback" not in answer.text
    assert server.get("/v1/briefings").json()["total"] == before


def test_not_json_and_a_wrong_path_are_json_errors_too(server):
    answer = server.post(content=b"{not json", headers={**AUTH, "Content-Type": "application/json"})
    assert answer.status_code == 422 and answer.json() == {"error": "the request body is not valid JSON"}
    assert server.get("/v1/nothing").json() == {"error": "Not Found"}
    wrong = httpx.put(server.url + "/v1/briefings", headers=AUTH)
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET, POST"
    assert server.get("/v1/briefings", params={"offset": 2**70}).status_code == 422  # found by schemathesis
    for hidden in ("/files/.briefing-serve.sqlite", "/files/../../etc/passwd", "/files/%2e%2e/x.mp3"):
        assert server.get(hidden).status_code == 404


def test_without_the_token_401_and_nothing_queued(server):
    before = server.get("/v1/briefings").json()["total"]
    for headers in (None, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        answer = server.post(json={"text": article(7)}, headers=headers)
        assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
        assert answer.json() == {"error": "a bearer token is required"}
    assert server.post("/v1/audio/speech", json={"input": "نص"}, headers=None).status_code == 401
    assert server.get("/v1/briefings").json()["total"] == before


def test_a_3_mb_body_is_413_whether_it_says_its_length_or_not(server):
    body = json.dumps({"text": "ا" * 1_500_000}).encode()  # 3 MB of UTF-8
    assert len(body) > 3_000_000
    answer = server.post(content=body, headers={**AUTH, "Content-Type": "application/json"})
    assert answer.status_code == 413 and "larger than 2,000,000 bytes" in answer.json()["error"]

    def chunks():
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    chunked = server.post(content=chunks(), headers={**AUTH, "Content-Type": "application/json"})
    assert chunked.status_code == 413


def test_openai_shaped_speech_in_every_format_at_the_target_loudness(server, tmp_path):
    text = "قال الوزير إن المحطة ستغطي 35% من حاجة المدينة في الخامس من مايو. وأضاف أن العمل يبدأ غدا."
    for fmt, container in (("mp3", "mp3"), ("opus", "ogg"), ("aac", "aac"), ("wav", "wav")):
        answer = server.post(
            "/v1/audio/speech",
            json={"model": "tts-1", "input": text, "voice": "alloy", "response_format": fmt},
        )
        assert answer.status_code == 200, answer.text
        path = tmp_path / f"speech.{fmt}"
        path.write_bytes(answer.content)
        probe = ffmpeg("-i", str(path), "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-").stderr
        assert f"Input #0, {container}" in probe
        integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", probe).group(1))
        assert -17.0 <= integrated <= -15.0, (fmt, integrated)
        seconds = float(re.search(r"time=(\d+):(\d+):([\d.]+)", probe).group(3))
        assert 4 < seconds < 20  # the text alone: no intro, no outro
    french = "Le ministre a annoncé ce matin une nouvelle usine solaire dans le sud du pays, pour la ville."
    refused = server.post("/v1/audio/speech", json={"input": french})
    assert refused.status_code == 400 and "French, not Arabic" in refused.json()["error"]
    english = server.post("/v1/audio/speech", json={"input": "Hello from the newsroom.", "voice": "espeak"})
    assert english.status_code == 200 and english.headers["content-type"] == "audio/mpeg"
    assert server.post("/v1/audio/speech", json={"input": ""}).status_code == 422
    too_long = server.post("/v1/audio/speech", json={"input": "ا" * 20_001})
    assert too_long.status_code == 422 and "input" in too_long.json()["error"]


def test_the_api_is_described_by_openapi(server):
    schema = server.get("/openapi.json").json()
    assert {"/v1/briefings", "/v1/briefings/{id}", "/v1/audio/speech"} <= set(schema["paths"])
    request = schema["components"]["schemas"]["BriefingRequest"]["properties"]
    assert {"url", "text", "markdown", "html", "engine", "format", "lexicon", "pauses"} <= set(request)


def test_a_full_queue_answers_429_with_retry_after_and_private_links_are_refused(tmp_path):
    with Server(tmp_path, "--workers", "1", "--queue-size", "2") as small:  # no --allow-private-urls
        with PageServer() as pages:
            local = pages.url("/news/water-plant.html")
            for link in (
                local,
                local.replace("127.0.0.1", "localhost"),
                local.replace("127.0.0.1", "[::ffff:127.0.0.1]"),
                "http://169.254.169.254/latest/meta-data/",
                "http://10.0.0.1/",
            ):
                refused = small.post(json={"url": link})
                assert refused.status_code == 400, (link, refused.text)
                assert "a private or local address; not fetched" in refused.json()["error"]
            assert pages.paths == []  # not even asked
        first = [small.post(json={"text": article(n, paragraphs=30)}) for n in range(2)]
        assert [answer.status_code for answer in first] == [202, 202]
        full = small.post(json={"text": article(3)})
        assert full.status_code == 429 and int(full.headers["retry-after"]) > 0
        assert "queue is full" in full.json()["error"]
        assert small.post(json={"text": article(0, paragraphs=30)}).status_code == 200  # known: not refused
        assert small.get("/v1/briefings").json()["total"] == 2


def test_a_second_server_on_the_same_folder_is_refused(server):
    second = subprocess.run(
        [sys.executable, "-m", "briefing", "serve", "--port", "1", "--out-dir", str(server.folder / "out")],
        env={**os.environ, "BRIEFING_TOKEN": TOKEN},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 2 and "another briefing service is using this folder" in second.stderr


def test_no_token_means_loopback_only(tmp_path):
    refused = subprocess.run(
        [sys.executable, "-m", "briefing", "serve", "--host", "0.0.0.0", "--out-dir", str(tmp_path)],
        env={**os.environ, "BRIEFING_TOKEN": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and "set $BRIEFING_TOKEN or --token-file" in refused.stderr


def test_kill_9_then_restart_finishes_every_job_once(tmp_path):
    out = tmp_path / "out"
    first = Server(tmp_path, "--workers", "1").start()
    ids = [first.post(json={"text": article(n, paragraphs=8 if n else 2)}).json()["id"] for n in range(4)]
    done_before = first.wait(ids[0])
    assert done_before["status"] == "done"
    first.wait(ids[1], until=("running",))
    kept = (out / Path(done_before["links"]["audio"]).name).stat().st_mtime_ns
    assert first.stop(signal.SIGKILL) == -signal.SIGKILL
    time.sleep(0.5)
    with Server(tmp_path, "--workers", "1") as second:
        states = [second.wait(id) for id in ids]
    assert [state["status"] for state in states] == ["done"] * 4
    assert (out / Path(done_before["links"]["audio"]).name).stat().st_mtime_ns == kept  # not made twice
    with sqlite3.connect(out / ".briefing-serve.sqlite") as db:
        runs = dict(db.execute("SELECT id, runs FROM briefings").fetchall())
    assert runs[ids[0]] == 1 and runs[ids[1]] == 2 and runs[ids[2]] == runs[ids[3]] == 1
    for state in states:
        assert decoded_seconds(out / Path(state["links"]["audio"]).name) > 5
    leftovers = [p.name for p in out.iterdir() if ".part" in p.name or p.name.startswith(".x")]
    assert leftovers == []


def test_sigterm_drains_and_exits_0(tmp_path):
    server = Server(tmp_path, "--workers", "1").start()
    running, waiting = (server.post(json={"text": article(n, paragraphs=12)}).json()["id"] for n in range(2))
    server.wait(running, until=("running",))
    deadline = time.monotonic() + 30
    while (seen := server.get(f"/v1/briefings/{running}").json())["progress"] == 0:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert seen["status"] == "running" and 0 < seen["progress"] < 1  # clips spoken so far
    assert server.stop(signal.SIGTERM) == 0
    log = server.log.read_text()
    assert "Traceback" not in log
    assert len(re.findall(r'"POST /v1/briefings HTTP/1.1" 202', log)) == 2  # one access line a request
    with Server(tmp_path, "--workers", "1") as again:
        assert again.get(f"/v1/briefings/{running}").json()["status"] == "done"  # finished while draining
        assert again.wait(waiting)["status"] == "done"  # queued, kept for the next start


def test_a_drain_deadline_queues_what_runs_for_the_next_start(tmp_path):
    server = Server(tmp_path, "--workers", "1", "--drain", "0").start()
    long = server.post(json={"text": article(1, paragraphs=40)}).json()["id"]
    server.wait(long, until=("running",))
    assert server.stop(signal.SIGTERM, timeout=30) == 0
    assert "queued again: the server stopped before it ended" in server.log.read_text()
    with Server(tmp_path, "--workers", "1") as again:
        assert again.wait(long)["status"] == "done"


def test_the_page_turns_pasted_text_into_a_briefing_whose_transcript_follows_the_audio(server, browser):
    from tests.test_page import RECORD, assert_follows

    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    tab = context.new_page()
    outside = []
    tab.on("request", lambda r: None if r.url.startswith(server.url) else outside.append(r.url))
    tab.goto(server.url + "/")
    assert tab.evaluate("document.documentElement.dir") == "rtl"
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
    tab.fill("#text", article(77))
    tab.fill("#token", TOKEN)
    tab.select_option("#engine", "espeak")
    tab.click("#go")
    tab.wait_for_selector("#listen", timeout=120_000)
    assert "الخبر رقم 77" in tab.inner_text("#status")
    tab.reload()  # the token is remembered, the briefing listed
    assert tab.input_value("#token") == TOKEN
    tab.wait_for_selector("#recent a")
    assert "الخبر رقم 77" in tab.inner_text("#recent")

    tab.click("#recent a >> text=الخبر رقم 77")
    tab.wait_for_function("document.getElementById('player').readyState >= 1")
    manifest = server.get(tab.url.replace(".html", ".json")).json()
    starts = [cue["start_ms"] for cue in manifest["cues"]]
    tab.evaluate(RECORD)
    tab.evaluate("() => { const a = document.getElementById('player'); a.playbackRate = 4; a.play(); }")
    tab.wait_for_function("document.getElementById('player').ended", timeout=120_000)
    assert_follows(tab.evaluate("window.changes"), starts, rate=4)
    assert outside == []
    context.close()


def test_the_page_takes_a_file(server, browser, tmp_path):
    story = tmp_path / "story.md"
    story.write_text("# خبر من ملف\n\nوصل هذا الخبر في ملف من ملفات التحرير.\n", encoding="utf-8")
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(server.url + "/")
    tab.fill("#token", TOKEN)
    tab.select_option("#engine", "espeak")
    tab.set_input_files("#file", str(story))
    tab.click("#go")
    tab.wait_for_selector("#listen", timeout=120_000)
    assert "خبر من ملف" in tab.inner_text("#status")
    tab.wait_for_function("document.querySelector('#status audio').readyState >= 1")
    assert tab.evaluate("document.querySelector('#status audio').duration") > 2
    context.close()


def test_a_failed_briefing_shows_its_error_on_the_page(server, browser):
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(server.url + "/")
    tab.fill("#token", TOKEN)
    tab.fill("#text", "This is plainly an English sentence, written to be refused.")
    tab.click("#go")
    tab.wait_for_selector("#status .error")
    assert "not Arabic" in tab.inner_text("#status .error")
    context.close()


def test_the_readme_curl_example_queues_a_briefing(server):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"^    (curl .*?)\n\n", readme, re.M | re.S).group(1)
    command = re.sub(r"\\\n\s*", "", shown).replace("http://127.0.0.1:8080", server.url)
    answer = subprocess.run(
        ["bash", "-c", command], env={**os.environ, "BRIEFING_TOKEN": TOKEN}, capture_output=True, text=True
    )
    briefing = json.loads(answer.stdout)
    assert briefing["status"] in ("queued", "running", "done"), answer.stdout
    assert briefing["title"] == "افتتاح محطة شمسية"
    assert server.wait(briefing["id"])["status"] == "done"


def test_on_a_dask_cluster_briefings_and_speech_run_on_its_workers(tmp_path, dask_cluster):
    address, _ = dask_cluster
    with Server(tmp_path, "--cluster", address) as clustered:
        assert clustered.get("/v1/health").json()["workers"] == 2  # the cluster's threads
        ids = [clustered.post(json={"text": article(n + 300)}).json()["id"] for n in range(3)]
        spoken = clustered.post("/v1/audio/speech", json={"input": "خبر قصير للتجربة.", "voice": "espeak"})
        assert spoken.status_code == 200 and spoken.headers["content-type"] == "audio/mpeg"
        for id in ids:
            done = clustered.wait(id)
            assert done["status"] == "done", done
            path = tmp_path / f"{id}.mp3"
            path.write_bytes(clustered.get(done["links"]["audio"]).content)
            assert decoded_seconds(path) > 5


def test_a_briefing_that_fails_says_why_in_one_line_and_is_queued_again_when_sent_again(tmp_path, gtts_stub):
    gtts_stub.fail_texts = {"مرفوض": "400"}  # Google refuses the request: no retry helps
    with Server(tmp_path, "--workers", "1") as failing:
        text = "خبر مرفوض\nهذا الخبر لا يقبله الصوت المستعمل اليوم."
        sent = failing.post(json={"text": text, "engine": "gtts"})
        assert sent.status_code == 202
        failed = failing.wait(sent.json()["id"])
        assert failed["status"] == "failed" and "400" in failed["error"] and "\n" not in failed["error"]
        assert failed["links"]["audio"] is None
        gtts_stub.fail_texts = {}
        again = failing.post(json={"text": text, "engine": "gtts"})
        assert again.status_code == 202 and again.json()["id"] == failed["id"]
        assert failing.wait(failed["id"])["status"] == "done"


def test_a_record_that_cannot_be_written_is_503_not_a_crash(tmp_path, monkeypatch):
    """What a full disk does to the SQLite file (seen on a 300 KB tmpfs), without the tmpfs."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from briefing.serve import Service, Settings, create_app
    from briefing.serve.store import Store

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "add", full)
    app = create_app(Service(Settings(tmp_path, token=TOKEN)))

    async def post() -> httpx.Response:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://service"
        ) as client:
            return await client.post("/v1/briefings", json={"text": article(1)}, headers=AUTH)

    with ThreadPoolExecutor(1) as thread:  # a loop of its own: Playwright's may be running in this one
        answer = thread.submit(asyncio.run, post()).result()
    assert answer.status_code == 503
    assert answer.json() == {"error": "the service cannot keep its record now (database or disk is full)"}


def test_a_briefing_deleted_while_it_runs_leaves_nothing_and_can_be_asked_again(server):
    text = article(900, paragraphs=30)
    id = server.post(json={"text": text}).json()["id"]
    server.wait(id, until=("running",))
    assert httpx.delete(f"{server.url}/v1/briefings/{id}", headers=AUTH).status_code == 204
    deadline = time.monotonic() + 60
    while server.get("/v1/health").json()["briefings"]["running"] and time.monotonic() < deadline:
        time.sleep(0.2)  # its run ends, and is dropped
    assert server.get(f"/v1/briefings/{id}").status_code == 404
    assert not list((server.folder / "out").glob(f"{id}*"))
    again = server.post(json={"text": text})
    assert again.status_code == 202 and again.json()["id"] == id
    assert server.wait(id)["status"] == "done"


@pytest.mark.parametrize(
    "given, said",
    [
        ({"workers": 0}, "workers must be a whole number of at least 1, not 0"),
        ({"queue_size": "many"}, "queue_size must be a whole number of at least 1"),
        ({"drain_seconds": float("nan")}, "drain_seconds must be 0 or more"),
    ],
)
def test_service_settings_are_checked_when_made(tmp_path, given, said):
    from briefing.errors import InputError
    from briefing.serve import Settings

    with pytest.raises(InputError, match=said):
        Settings(tmp_path, **given)


def test_progress_counts_speaking_then_encoding_and_never_goes_back(tmp_path):
    from briefing.serve.service import Progress
    from briefing.serve.store import Store

    store = Store(tmp_path)
    record, _ = store.add("k" * 64, "k.mp3", "t", "s", {}, (b"text", None, None, None), room=10)
    store.claim()
    progress = Progress(store.path, record.id)

    def seen() -> float:
        return store.get(record.id).progress

    progress(10, 10, "section")
    assert seen() == 0.8  # every clip spoken
    progress.stage("Encoding MP3 50%")
    assert seen() == 0.8  # twice a second at most...
    progress.stage("Encoding MP3 100%")
    assert seen() == 0.99  # ...but the last step always
    progress.stage("Writing the files")
    time.sleep(0.6)
    progress(1, 10, "section")  # written (half a second on), but the figure never goes back
    assert seen() == 0.99
