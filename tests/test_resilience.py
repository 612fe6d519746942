"""gTTS in production: faults retried, bounded concurrency, a cache that makes reruns free, resume."""

import threading
import time

import pytest

from briefing.cli import cli
from briefing.speech.engines import gtts as gtts_engine
from tests.conftest import decoded_seconds

ARTICLE = "عنوان قصير\nالجملة الأولى من الخبر. والجملة الثانية منه.\nفقرة ثانية فيها جملة واحدة.\n"
CHUNKS = 5  # intro, two sentences, the second paragraph's one sentence, outro


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "news.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def generate(runner, article, *args):
    out = article.with_suffix(".mp3")
    result = runner.invoke(cli, ["generate", str(article), "-o", str(out), "--engine", "gtts", *args])
    return result, out


@pytest.mark.parametrize("fault", ["429", "500", "503", "empty", "garbage", "drop", "slow:2"])
def test_a_passing_fault_is_retried_and_the_briefing_completes(
    runner, article, gtts_stub, monkeypatch, fault
):
    monkeypatch.setattr(gtts_engine, "TIMEOUT", (2.0, 0.5))
    gtts_stub.faults = [fault]
    result, out = generate(runner, article)
    assert result.exit_code == 0, result.output
    assert decoded_seconds(out) > 3
    assert len(gtts_stub.requests) == CHUNKS + 1  # exactly one retry
    assert sorted(gtts_stub.answered) == sorted(set(gtts_stub.texts))  # every chunk got audio once


def test_retry_after_is_honoured(runner, article, gtts_stub):
    gtts_stub.faults = ["429:1"]
    result, _ = generate(runner, article, "--jobs", "1")
    assert result.exit_code == 0, result.output
    first, retry = gtts_stub.requests[0], gtts_stub.requests[1]
    assert retry.text == first.text and retry.at - first.at >= 1.0


def test_an_error_that_will_not_pass_is_not_retried(runner, article, gtts_stub):
    gtts_stub.fail_texts = {"الثانية": "400"}
    result, out = generate(runner, article)
    assert result.exit_code == 1
    assert "HTTP 400" in result.output and "«والجملة الثانية منه.»" in result.output
    assert [r.text for r in gtts_stub.requests].count("والجملة الثانية منه.") == 1
    assert not out.exists()


def test_permanent_failure_names_the_sentence_and_writes_nothing(runner, article, gtts_stub, tmp_path):
    gtts_stub.fail_texts = {"فقرة ثانية": "503"}
    result, out = generate(runner, article)
    assert result.exit_code == 1
    line = result.output.splitlines()[-1]
    assert line.startswith("Error: section «المقدمة», sentence «فقرة ثانية فيها جملة واحدة.»: ")
    assert "HTTP 503" in line and "gave up after 4 attempts" in line and result.output.count("Error:") == 1
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["news.txt"]


def test_rerun_after_a_failure_requests_exactly_the_missing_chunks(runner, article, gtts_stub):
    gtts_stub.fail_texts = {"فقرة ثانية": "500"}
    result, _ = generate(runner, article, "--jobs", "2")
    assert result.exit_code == 1
    got = set(gtts_stub.answered)
    assert 0 < len(got) < CHUNKS

    gtts_stub.fail_texts = {}
    gtts_stub.requests.clear()
    result, out = generate(runner, article)
    assert result.exit_code == 0, result.output
    assert len(gtts_stub.texts) == CHUNKS - len(got)
    assert not got & set(gtts_stub.texts)
    assert f"{len(got)} of {CHUNKS} clips from cache" in result.output
    assert decoded_seconds(out) > 3


def test_unchanged_rerun_makes_no_request_and_an_edit_only_its_sentences(runner, article, gtts_stub):
    result, out = generate(runner, article)
    assert result.exit_code == 0 and len(gtts_stub.requests) == CHUNKS
    first = out.read_bytes()

    gtts_stub.requests.clear()
    result, out = generate(runner, article)
    assert result.exit_code == 0
    assert gtts_stub.requests == [] and f"{CHUNKS} of {CHUNKS} clips from cache" in result.output
    assert len(out.read_bytes()) == len(first)

    article.write_text(
        ARTICLE.replace("فقرة ثانية فيها جملة واحدة.", "فقرة معدلة. فيها جملتان."), encoding="utf-8"
    )
    result, _ = generate(runner, article)
    assert result.exit_code == 0
    assert sorted(gtts_stub.texts) == sorted(["فقرة معدلة.", "فيها جملتان."])


def test_no_cache_requests_everything_again(runner, article, gtts_stub):
    generate(runner, article)
    gtts_stub.requests.clear()
    result, _ = generate(runner, article, "--no-cache")
    assert result.exit_code == 0 and len(gtts_stub.requests) == CHUNKS


def test_a_corrupt_cache_entry_is_discarded_and_synthesized_again(runner, article, gtts_stub, cache_dir):
    generate(runner, article)
    entries = sorted(cache_dir.glob("??/*.clip"))
    assert len(entries) == CHUNKS
    entries[0].write_bytes(entries[0].read_bytes()[:-100])  # truncated
    entries[1].write_bytes(b"junk")
    gtts_stub.requests.clear()
    result, out = generate(runner, article)
    assert result.exit_code == 0, result.output
    assert len(gtts_stub.requests) == 2
    assert decoded_seconds(out) > 3


def test_requests_run_concurrently_within_the_jobs_bound(runner, tmp_path):
    from tests.gtts_stub import GttsStub

    article = tmp_path / "long.txt"
    article.write_text(" ".join(f"هذه الجملة رقم {n} من الخبر." for n in range(20)), encoding="utf-8")
    with GttsStub(delay=0.2) as stub:
        result = runner.invoke(
            cli,
            ["generate", str(article), "-o", str(tmp_path / "l.mp3"), "--engine", "gtts", "--jobs", "3"],
            env={"BRIEFING_GTTS_URL": stub.url},
        )
    assert result.exit_code == 0, result.output
    assert stub.most_in_flight == 3


def test_espeak_uses_the_same_cache(runner, article, cache_dir):
    args = ["generate", str(article), "-o", str(article.with_suffix(".mp3")), "--engine", "espeak"]
    assert "0 of 5 clips from cache" in runner.invoke(cli, args).output
    assert len(list(cache_dir.glob("??/*.clip"))) == CHUNKS
    assert "5 of 5 clips from cache" in runner.invoke(cli, args).output


def test_cache_info_and_clear(runner, article, gtts_stub, cache_dir):
    generate(runner, article)
    info = runner.invoke(cli, ["cache", "info"])
    assert info.exit_code == 0 and f"Folder: {cache_dir}" in info.output and f"Clips: {CHUNKS}" in info.output
    spoken = int(info.output.split("Spoken forms: ")[1].split()[0])  # one for each sentence, heading...
    assert spoken > 0 and f"Entries: {CHUNKS + 1 + spoken}" in info.output
    cleared = runner.invoke(cli, ["cache", "clear"])
    assert cleared.exit_code == 0 and f"Removed {CHUNKS + 1 + spoken} entries" in cleared.output
    assert list(cache_dir.rglob("*")) == []


def test_cache_dir_option(runner, article, gtts_stub, tmp_path):
    folder = tmp_path / "my-cache"
    result, _ = generate(runner, article, "--cache-dir", str(folder))
    assert result.exit_code == 0
    assert len(list(folder.glob("??/*.clip"))) == CHUNKS


def test_retry_waits_grow_and_stay_capped(monkeypatch):
    from briefing.errors import SynthesisError
    from briefing.speech import retry

    waits = []

    class Recorded(threading.Event):
        """Waits are made on the abort event, so that Ctrl-C ends them: record them instead."""

        def wait(self, timeout=None):
            waits.append(timeout)
            return False

    policy = retry.RetryPolicy(attempts=5, initial=0.5, jitter=0.0, max_wait=3)

    def always_busy():
        raise retry.TransientError("busy")

    with pytest.raises(SynthesisError, match="gave up after 5 attempts"):
        retry.call_with_retries(always_busy, policy, abort=Recorded())
    assert waits == [0.5, 1.0, 2.0, 3.0]


def test_retry_after_parsing():
    from email.utils import formatdate

    from briefing.speech.retry import parse_retry_after

    assert parse_retry_after("7") == 7.0
    assert 50 < parse_retry_after(formatdate(time.time() + 60, usegmt=True)) <= 60
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_the_cache_stays_under_its_cap_least_recently_used_first(
    runner, tmp_path, example_txt, monkeypatch, cache_dir
):
    monkeypatch.setenv("BRIEFING_CACHE_MAX", "200k")
    out = tmp_path / "a.mp3"
    assert (
        runner.invoke(cli, ["generate", str(example_txt), "-o", str(out), "--engine", "espeak"]).exit_code
        == 0
    )
    size = sum(p.stat().st_size for p in cache_dir.rglob("*.clip")) + sum(
        p.stat().st_size for p in cache_dir.rglob("*.track")
    )
    assert size <= 200_000
    info = runner.invoke(cli, ["cache", "info"])
    assert "Cap: 0.2 MB" in info.output and "Entries: " in info.output
    monkeypatch.delenv("BRIEFING_CACHE_MAX")
    assert (
        runner.invoke(cli, ["generate", str(example_txt), "-o", str(out), "--engine", "espeak"]).exit_code
        == 0
    )
    oldest = min(cache_dir.rglob("*.clip"), key=lambda p: p.stat().st_mtime)
    result = runner.invoke(cli, ["cache", "prune", "--max-size", "100k"])
    assert result.exit_code == 0 and result.output.startswith("Removed ")
    assert not oldest.exists()
    assert sum(p.stat().st_size for p in cache_dir.rglob("*") if p.is_file()) <= 100_000
