"""``briefing batch``: folders, lists, links and feeds; failures stay local; reruns redo only what changed;
the same job on a real Dask cluster on localhost, surviving a killed worker."""

import json
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing.cli import cli
from tests.page_server import PageServer

STORY = (
    "هذا نص الخبر رقم {n} في فقرته {p}، وهو يروي ما جرى في المدينة يوم أمس بالتفصيل. "
    "وقال {p} من الشهود إن الحادث لم يسفر عن إصابات."
)  # every sentence its own: none is spoken once for all


def write_articles(folder: Path, count: int = 6, paragraphs: int = 1) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(1, count + 1):
        path = folder / f"story{n}.txt"
        path.write_text(
            f"الخبر رقم {n}\n" + "\n".join(STORY.format(n=n, p=p + 1) for p in range(paragraphs)) + "\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def batch(runner, *args):
    return runner.invoke(cli, ["batch", *map(str, args), "--engine", "espeak", "-q", "--workers", "2"])


def report(folder: Path) -> dict:
    return json.loads((folder / "batch.json").read_text(encoding="utf-8"))


def test_a_folder_with_one_bad_article_fails_only_that_one_and_a_rerun_redoes_only_it(runner, tmp_path):
    inputs = tmp_path / "in"
    write_articles(inputs, 5)
    (inputs / "broken.txt").write_bytes(b"")
    out = tmp_path / "out"
    result = batch(runner, inputs, "--out-dir", out)
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.glob("*.mp3")) == [f"الخبر-رقم-{n}.mp3" for n in range(1, 6)]
    rows = report(out)["articles"]
    assert report(out)["counts"] == {"done": 5, "skipped": 0, "failed": 1}
    assert [r["status"] for r in rows] == [
        "failed",
        "done",
        "done",
        "done",
        "done",
        "done",
    ]  # sorted input order
    assert rows[0]["reason"].endswith("broken.txt: is empty")

    (inputs / "broken.txt").write_text("الخبر السادس\n" + STORY.format(n=6, p=1) + "\n", encoding="utf-8")
    result = batch(runner, inputs, "--out-dir", out)
    assert result.exit_code == 0, result.output
    assert report(out)["counts"] == {"done": 1, "skipped": 5, "failed": 0}

    result = runner.invoke(
        cli, ["batch", str(inputs), "--out-dir", str(out), "--engine", "espeak", "--workers", "2"]
    )
    assert result.exit_code == 0 and "Nothing to narrate: every article is unchanged" in result.output
    assert report(out)["counts"] == {"done": 0, "skipped": 6, "failed": 0}

    (inputs / "story2.txt").write_text("الخبر رقم 2\n" + STORY.format(n=22, p=1) + "\n", encoding="utf-8")
    assert batch(runner, inputs, "--out-dir", out, "--force").exit_code == 0
    assert report(out)["counts"] == {"done": 6, "skipped": 0, "failed": 0}


def test_lists_links_and_duplicate_titles(runner, tmp_path):
    paths = write_articles(tmp_path / "in", 2)
    twin = tmp_path / "twin.txt"
    shutil.copy(paths[0], twin)
    with PageServer() as server:
        listing = tmp_path / "today.txt"
        listing.write_text(
            f"# today's stories\n{paths[0]}\n{twin}\n{server.url('/news/water-plant.html')}\n",
            encoding="utf-8",
        )
        out = tmp_path / "out"
        result = batch(runner, f"@{listing}", paths[1], "--out-dir", out)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.glob("*.mp3"))
    assert names == sorted(
        [
            "الخبر-رقم-1.mp3",
            "الخبر-رقم-1-2.mp3",
            "الخبر-رقم-2.mp3",
            "البنك-المركزي-يبقي-سعر-الفائدة-دون-تغيير.mp3",
        ]
    )


def feeds(folder: Path, server: PageServer) -> tuple[Path, Path]:
    items = [
        (server.url("/news/water-plant.html"), "Mon, 04 Mar 2024 10:00:00 GMT"),
        (server.url("/windows"), "Tue, 05 Mar 2024 10:00:00 GMT"),
        (server.url("/plain.txt"), "Sun, 03 Mar 2024 10:00:00 GMT"),
    ]
    rss = folder / "feed.rss"
    rss.write_text(
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>أخبار</title>"
        + "".join(
            f"<item><title>خبر</title><link>{link}</link><pubDate>{date}</pubDate></item>"
            for link, date in items
        )
        + "</channel></rss>",
        encoding="utf-8",
    )
    atom = folder / "feed.atom"
    atom.write_text(
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>أخبار</title>"
        + "".join(
            f"<entry><title>خبر</title><link href='{link}'/><updated>2024-03-0{n}T10:00:00Z</updated>"
            f"<id>{link}</id></entry>"
            for n, (link, _) in zip((4, 5, 3), items)
        )
        + "</feed>",
        encoding="utf-8",
    )
    return rss, atom


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_the_newest_items_of_a_feed_and_the_podcast_feed_refreshed(runner, tmp_path, kind):
    with PageServer() as server:
        rss, atom = feeds(tmp_path, server)
        out = tmp_path / "out"
        result = batch(
            runner,
            "--from-feed",
            rss if kind == "rss" else atom,
            "--latest",
            "2",
            "--out-dir",
            out,
            "--base-url",
            "https://example.org/news/",
        )
    assert result.exit_code == 0, result.output
    sources = [row["source"] for row in report(out)["articles"]]
    assert sources == [
        server.url("/windows"),
        server.url("/news/water-plant.html"),
    ]  # newest first, two of three
    assert (out / "feed.xml").read_text(encoding="utf-8").count("<item>") == 2


def test_today_s_episode_from_a_feed(runner, tmp_path):
    with PageServer() as server:
        rss, _ = feeds(tmp_path, server)
        out = tmp_path / "today.mp3"
        result = runner.invoke(
            cli,
            [
                "generate",
                "--from-feed",
                str(rss),
                "--latest",
                "3",
                "-o",
                str(out),
                "--engine",
                "espeak",
                "--title",
                "موجز اليوم",
            ],
        )
    assert result.exit_code == 0, result.output
    manifest = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert len(manifest["articles"]) == 3 and "3 stories" in result.output
    assert manifest["cues"][0]["text"].startswith("موجز صوتي: موجز اليوم. في هذا الموجز 3 أخبار")


def durations_and_chapters(folder: Path) -> dict:
    found = {}
    for manifest_path in sorted(folder.glob("*.json")):
        if manifest_path.name == "batch.json":
            continue
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        found[manifest_path.stem] = (
            manifest["audio"]["duration_ms"],
            [s["title"] for s in manifest["sections"]],
        )
    return found


def test_a_dask_cluster_runs_the_same_job_and_survives_a_killed_worker(runner, tmp_path, dask_cluster):
    address, workers = dask_cluster
    inputs = tmp_path / "in"
    write_articles(inputs, 6, paragraphs=12)
    local = tmp_path / "local"
    assert batch(runner, inputs, "--out-dir", local, "--no-cache").exit_code == 0

    out = tmp_path / "cluster"
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "briefing",
            "batch",
            str(inputs),
            "--out-dir",
            str(out),
            "--engine",
            "espeak",
            "--no-cache",
            "--cluster",
            address,
            "-q",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(4)  # every worker now holds a task
    workers[0].send_signal(signal.SIGKILL)
    stdout, stderr = run.communicate(timeout=300)
    assert run.returncode == 0, stderr
    assert report(out)["counts"] == {"done": 6, "skipped": 0, "failed": 0}
    cluster_made, local_made = durations_and_chapters(out), durations_and_chapters(local)
    assert cluster_made.keys() == local_made.keys() and len(cluster_made) == 6
    for name, (duration, chapters) in cluster_made.items():
        # eSpeak NG varies a clip's length from one synthesis to the next (0.04 % a clip; up to 0.11 % seen on a
        # whole vowelled article)
        assert chapters == local_made[name][1] and abs(duration - local_made[name][0]) <= 0.002 * duration


def test_a_later_article_with_the_same_title_never_replaces_an_earlier_briefing(runner, tmp_path):
    first = write_articles(tmp_path / "monday", 1)[0]
    out = tmp_path / "out"
    assert batch(runner, first, "--out-dir", out).exit_code == 0
    earlier = (out / "الخبر-رقم-1.mp3").read_bytes()
    later = tmp_path / "tuesday" / "other.txt"
    later.parent.mkdir()
    later.write_text("الخبر رقم 1\n" + STORY.format(n=99, p=1) + "\n", encoding="utf-8")  # the same title

    result = batch(runner, later, "--out-dir", out)
    assert result.exit_code == 0, result.output
    assert (out / "الخبر-رقم-1.mp3").read_bytes() == earlier
    assert [row["name"] for row in report(out)["articles"]] == ["الخبر-رقم-1-2.mp3"]
    manifest = json.loads((out / "الخبر-رقم-1-2.json").read_text(encoding="utf-8"))
    assert manifest["articles"][0]["source"]["path"] == str(later)

    assert batch(runner, later, "--out-dir", out).exit_code == 0  # a rerun finds its own output again
    assert report(out)["articles"][0] | {"seconds": None} == {
        "source": str(later),
        "name": "الخبر-رقم-1-2.mp3",
        "status": "skipped",
        "reason": "unchanged since the last run",
        "seconds": None,
        "stale": [],
    }
    assert batch(runner, first, "--out-dir", out).exit_code == 0  # and so does the first
    assert report(out)["articles"][0]["status"] == "skipped"


def test_a_rerun_replaces_the_section_files_whole(runner, tmp_path):
    story = tmp_path / "in" / "story.txt"
    story.parent.mkdir()
    headings = ["الوضع في المدينة", "ردود الفعل", "ما ينتظر السكان"]

    def write(count):
        body = "".join(
            f"{heading}\n{STORY.format(n=count, p=i + 1)}\n" for i, heading in enumerate(headings[:count])
        )
        story.write_text("الخبر رقم 1\n" + STORY.format(n=0, p=1) + "\n" + body, encoding="utf-8")

    out = tmp_path / "out"
    write(3)
    assert batch(runner, story, "--out-dir", out, "--per-section").exit_code == 0
    assert len(list((out / "الخبر-رقم-1-sections").iterdir())) == 4  # the lead and three sections
    write(1)
    assert batch(runner, story, "--out-dir", out, "--per-section").exit_code == 0
    assert sorted(p.name for p in (out / "الخبر-رقم-1-sections").iterdir()) == [
        "01-المقدمة.mp3",
        "02-الوضع-في-المدينة.mp3",
    ]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary left


def test_a_new_title_replaces_the_old_briefing_and_a_failing_input_keeps_its_last_as_stale(runner, tmp_path):
    paths = write_articles(tmp_path / "in", 3)
    out = tmp_path / "out"
    assert (
        batch(runner, tmp_path / "in", "--out-dir", out, "--base-url", "https://example.org/n/").exit_code
        == 0
    )
    paths[0].write_text("عنوان جديد للخبر الأول\n" + STORY.format(n=1, p=1) + "\n", encoding="utf-8")
    result = batch(runner, tmp_path / "in", "--out-dir", out, "--base-url", "https://example.org/n/")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.mp3")) == [
        "الخبر-رقم-2.mp3",
        "الخبر-رقم-3.mp3",
        "عنوان-جديد-للخبر-الأول.mp3",
    ]
    assert not list(out.glob("الخبر-رقم-1*"))  # its subtitles, manifest and chapters went with it
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<item>") == 3 and "الخبر رقم 1<" not in feed

    paths[1].write_bytes(b"")  # now fails: its last good briefing stays, said to be stale
    result = runner.invoke(
        cli, ["batch", str(tmp_path / "in"), "--out-dir", str(out), "--engine", "espeak", "--workers", "2"]
    )
    assert result.exit_code == 1
    assert "its last briefing الخبر-رقم-2.json stays, out of date" in result.output
    (row,) = [r for r in report(out)["articles"] if r["status"] == "failed"]
    assert row["stale"] == ["الخبر-رقم-2.json"] and (out / "الخبر-رقم-2.mp3").is_file()


def test_a_feed_decides_no_local_file_and_undated_items_come_last(runner, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("سر\nهذا نص محلي لا يجوز أن ينشر أبدا عبر خلاصة من الخارج.\n", encoding="utf-8")
    with PageServer() as server:
        items = [
            (str(secret), "Tue, 05 Mar 2024 10:00:00 GMT"),
            ("-", "Tue, 05 Mar 2024 11:00:00 GMT"),
            ("file://" + str(secret), "Wed, 06 Mar 2024 10:00:00 GMT"),
            (server.url("/plain.txt"), ""),
            (server.url("/news/water-plant.html"), "Mon, 04 Mar 2024 10:00:00 GMT"),
        ]
        rss = tmp_path / "feed.rss"
        rss.write_text(
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>أخبار</title>"
            + "".join(
                f"<item><title>خبر</title><link>{link}</link>"
                + (f"<pubDate>{date}</pubDate>" if date else "")
                + "</item>"
                for link, date in items
            )
            + "</channel></rss>",
            encoding="utf-8",
        )
        out = tmp_path / "out"
        result = batch(runner, "--from-feed", rss, "--out-dir", out, "--base-url", "https://example.org/n/")
        latest = runner.invoke(
            cli,
            [
                "generate",
                "--from-feed",
                str(rss),
                "--latest",
                "4",
                "-o",
                str(tmp_path / "t.mp3"),
                "--engine",
                "espeak",
            ],
        )
    assert result.exit_code == 1
    rows = report(out)["articles"]
    assert {r["source"] for r in rows if r["status"] == "done"} == {
        server.url("/news/water-plant.html"),
        server.url("/plain.txt"),
    }
    assert sum("is not an http(s) address; not read" in r["reason"] for r in rows) == 3
    published = " ".join(
        p.read_text(encoding="utf-8")
        for p in out.iterdir()
        if p.suffix in (".json", ".xml", ".vtt") and p.name != "batch.json"
    )
    assert "نص محلي" not in published and str(secret) not in published
    assert latest.exit_code == 0 and latest.output.count("is not an http(s) address") == 3
    manifest = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert [a["source"]["path"] for a in manifest["articles"]] == [server.url("/news/water-plant.html")]


def test_no_briefing_takes_a_name_the_folder_owns_and_a_killed_run_s_temporaries_go(runner, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text("batch\n" + STORY.format(n=1, p=1) + "\n", encoding="utf-8")
    (inputs / "b.txt").write_text("feed\n" + STORY.format(n=2, p=1) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".batch-2.mp3.x1y2.part").write_bytes(b"half")  # what a killed batch left
    assert batch(runner, inputs, "--out-dir", out, "--base-url", "https://example.org/n/").exit_code == 0
    assert sorted(p.name for p in out.glob("*.mp3")) == ["batch-2.mp3", "feed-2.mp3"]
    assert report(out)["counts"]["done"] == 2 and not list(out.glob(".*.part"))
    assert (out / "feed.xml").read_text(encoding="utf-8").count("<item>") == 2
    assert batch(runner, inputs, "--out-dir", out).exit_code == 0 and report(out)["counts"]["skipped"] == 2


def test_a_cluster_address_that_is_none_is_one_line_within_its_bound(runner, tmp_path):
    pytest.importorskip(
        "distributed", reason="the cluster extra is not installed (pip install 'briefing[cluster]')"
    )
    from briefing.batch import pools

    paths = write_articles(tmp_path / "in", 1)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    mute = socket.socket()  # accepts, and never says a word
    mute.bind(("127.0.0.1", 0))
    mute.listen(8)
    pools.CONNECT_SECONDS = 2
    try:
        for address, code, words in (
            (f"tcp://127.0.0.1:{closed_port}", 1, "cannot reach a Dask scheduler"),
            ("nonsense://x", 2, "is not a Dask scheduler address"),
            (f"tcp://127.0.0.1:{mute.getsockname()[1]}", 1, "no Dask scheduler answered"),
        ):
            started = time.monotonic()
            result = runner.invoke(
                cli,
                [
                    "batch",
                    str(paths[0]),
                    "--out-dir",
                    str(tmp_path / "out"),
                    "--engine",
                    "espeak",
                    "--cluster",
                    address,
                    "-q",
                ],
            )
            assert time.monotonic() - started < 10, address
            assert result.exit_code == code and words in result.output and "Traceback" not in result.output, (
                result.output
            )
    finally:
        pools.CONNECT_SECONDS = 15
        mute.close()


def test_planned_jobs_keep_their_articles_on_disk_not_in_memory(tmp_path):
    from briefing.batch import plan

    paths = write_articles(tmp_path / "in", 3)
    spool = tmp_path / "spool"
    spool.mkdir()
    jobs, known = plan([str(p) for p in paths], tmp_path / "out", {}, {"engine": "espeak"}, {}, spool=spool)
    assert known == [] and len(jobs) == 3
    assert all(job.loaded.data == b"" and Path(job.spooled).parent == spool for job in jobs)
    shipped = jobs[0].shipped()  # what travels to a worker of a cluster: the bytes, and no path
    assert shipped.loaded.data == paths[0].read_bytes() and shipped.spooled == ""


def test_a_stop_after_an_article_is_in_place_counts_it_done(tmp_path):
    """A stop (SIGTERM, Ctrl-C) that lands after an article's files were put in place and before it was
    counted: batch.json counts it done all the same, from what stands whole on disk (seen once in CI: an
    article's set whole, batch.json saying none done). Only what this batch made counts."""
    from briefing import Voice
    from briefing.batch import Outcome, finished_meanwhile, plan, run_job, write_outcome

    paths = write_articles(tmp_path / "in", 2)
    out = tmp_path / "out"
    out.mkdir()
    begun = time.time()
    jobs, known = plan([str(p) for p in paths], out, {}, {"voice": Voice("espeak"), "cache": False}, {})
    assert known == [] and len(jobs) == 2
    write_outcome(out, run_job(jobs[0]))  # in place; the stop came before it was counted
    assert [o.name for o in finished_meanwhile(jobs, out, [], begun)] == [jobs[0].name]
    assert [o.status for o in finished_meanwhile(jobs, out, [], begun)] == ["done"]
    counted = [Outcome(jobs[0].loaded.source, jobs[0].name, "done")]
    assert finished_meanwhile(jobs, out, counted, begun) == []
    assert finished_meanwhile(jobs, out, [], time.time() + 60) == []  # a set made before the batch began
