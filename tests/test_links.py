"""Articles from links, against a local server: what works is narrated with its address as the source, and
every fault ends in one line naming the URL and the cause, with nothing written."""

import json

import pytest

from briefing.cli import cli
from briefing.readers import fetch
from tests.conftest import tree_snapshot
from tests.page_server import PageServer


@pytest.fixture
def server():
    with PageServer() as running:
        yield running


@pytest.fixture
def quick_limits(monkeypatch):
    monkeypatch.setattr(fetch, "TOTAL_TIMEOUT", 1.0)
    monkeypatch.setattr(fetch, "MAX_BYTES", 1_000_000)


def plan_of(output: str) -> dict:
    return json.loads(output[output.index("{") :])


def test_a_link_is_read_like_a_saved_page(runner, server):
    result = runner.invoke(cli, ["sections", server.url("/news/water-plant.html"), "--json"])
    assert result.exit_code == 0, result.output
    plan = plan_of(result.output)
    assert plan["title"] == "البنك المركزي يبقي سعر الفائدة دون تغيير"
    assert plan["source"] == server.url("/news/water-plant.html") and plan["format"] == "html"
    assert (
        plan["metadata"]["url"] == "https://alofoq.example/economy/central-bank-rates"
    )  # the page's canonical
    assert "Mozilla/5.0" in server.agents[0] and "briefing/" in server.agents[0]


def test_redirects_are_followed_up_to_five(runner, server):
    result = runner.invoke(cli, ["sections", server.url("/hop/4"), "--json"])
    assert result.exit_code == 0, result.output
    assert server.paths == ["/hop/4", "/hop/3", "/hop/2", "/hop/1", "/hop/0", "/news/water-plant.html"]


def test_a_cp1256_page_without_a_charset_header_is_decoded(runner, server):
    result = runner.invoke(cli, ["sections", server.url("/windows")])
    assert result.exit_code == 0, result.output
    assert "(html, cp1256)" in result.output and "تشغيل أكبر محطة" in result.output


def test_a_text_link_is_read_as_text(runner, server):
    result = runner.invoke(cli, ["sections", server.url("/plain.txt"), "--json"])
    assert result.exit_code == 0, result.output
    assert plan_of(result.output)["format"] == "text"


def test_an_english_page_is_refused_unless_english_is_asked_for(runner, server):
    refused = runner.invoke(cli, ["sections", server.url("/english")])
    assert refused.exit_code == 2
    assert "the text is English, not Arabic; pass --lang en to narrate it in English" in refused.output
    assert runner.invoke(cli, ["sections", server.url("/english"), "--lang", "en"]).exit_code == 0


FAULTS = [
    # (path, exit code, message)
    ("/missing", 1, "the server answered 404 Not Found"),
    ("/broken", 1, "the server answered 500 Internal Server Error"),
    ("/loop", 1, "redirects more than 5 times (a redirect loop?)"),
    ("/hop/5", 1, "redirects more than 5 times (a redirect loop?)"),
    ("/ftp", 1, "redirects to an address that is not http or https"),
    ("/slow", 1, "the server did not answer in time"),
    ("/endless", 2, "is larger than 1 MB, too large to be an article"),
    ("/image", 2, "is image/png, not an article page (HTML or text)"),
]


@pytest.mark.parametrize(("path", "code", "message"), FAULTS, ids=[f[0] for f in FAULTS])
def test_a_faulty_link_fails_with_one_line_and_writes_nothing(
    runner, server, quick_limits, tmp_path, monkeypatch, path, code, message
):
    monkeypatch.chdir(tmp_path)
    before = tree_snapshot(tmp_path)
    result = runner.invoke(cli, ["generate", server.url(path), "--engine", "espeak"])
    assert result.exit_code == code, result.output
    assert result.output == f"Error: {server.url(path)}: {message}\n"
    assert tree_snapshot(tmp_path) == before


def test_no_server_at_the_address_is_a_network_error(runner, tmp_path):
    result = runner.invoke(cli, ["generate", "http://127.0.0.1:9/news.html", "-o", str(tmp_path / "a.mp3")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: http://127.0.0.1:9/news.html: cannot connect (")
    assert list(tmp_path.iterdir()) == []


def test_only_http_and_https_are_fetched(runner):
    result = runner.invoke(cli, ["sections", "http://"])
    assert result.exit_code == 2 and "not an http or https address" in result.output


def test_a_link_is_narrated_with_its_address_as_the_source(runner, server, tmp_path):
    url = server.url("/news/water-plant.html")
    result = runner.invoke(
        cli, ["generate", url, "-o", str(tmp_path / "bank.mp3"), "--engine", "espeak", "-q"]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "bank.json").read_text(encoding="utf-8"))
    article = manifest["articles"][0]
    assert article["source"]["path"] == url
    assert article["metadata"]["url"] == "https://alofoq.example/economy/central-bank-rates"
    assert article["metadata"]["author"] == "سامي الخطيب" and article["metadata"]["date"] == "2024-03-12"


def test_the_default_output_is_named_after_the_link(runner, server, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        cli, ["generate", server.url("/news/water-plant.html"), "--engine", "espeak", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "audio_out" / "water-plant.mp3").is_file()


def test_a_name_that_does_not_resolve_is_a_network_error(runner, monkeypatch):
    import socket

    def no_such_name(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)  # no query leaves the machine
    result = runner.invoke(cli, ["sections", "https://news.example/story.html"])
    assert result.exit_code == 1
    assert (
        result.output
        == "Error: https://news.example/story.html: cannot connect (Name or service not known)\n"
    )


def test_several_links_make_one_episode(runner, server, tmp_path):
    out = tmp_path / "today.mp3"
    result = runner.invoke(
        cli,
        [
            "generate",
            server.url("/news/water-plant.html"),
            server.url("/windows"),
            "-o",
            str(out),
            "--engine",
            "espeak",
            "--title",
            "موجز اليوم",
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert [a["source"]["path"] for a in manifest["articles"]] == [
        server.url("/news/water-plant.html"),
        server.url("/windows"),
    ]


@pytest.mark.parametrize("kind", ["rss", "atom", "xml"])
def test_a_feed_served_as_a_feed_is_read(runner, tmp_path, kind):
    from briefing.batch import feed_links

    with PageServer() as server:
        links, refused = feed_links(server.url(f"/feed.{kind}"))
    assert links == [server.url("/news/water-plant.html"), server.url("/plain.txt")] and refused == []


@pytest.mark.parametrize("address", ["http://[127.0.0.1", "http://exa\x01mple.org/a", "http://"])
def test_a_malformed_address_is_one_line(runner, address):
    result = runner.invoke(cli, ["sections", address])
    assert (
        result.exit_code == 2
        and "not an http or https address" in result.output
        and "Traceback" not in result.output
    )


def test_a_redirect_to_a_data_address_is_one_line(runner):
    with PageServer() as server:
        result = runner.invoke(cli, ["sections", server.url("/data")])
    assert result.exit_code == 1 and "redirects to an address that is not http or https" in result.output


def test_a_page_declaring_a_codec_that_is_no_text_encoding_is_read(runner, tmp_path):
    for codec in ("base64", "rot13"):
        page = tmp_path / f"{codec}.html"
        page.write_bytes(
            f'<html><head><meta charset="{codec}"><title>خبر</title></head><body><article><h1>خبر</h1>'
            f"<p>{'قالت وزارة الصحة إن عدد المصابين ارتفع في المدينة خلال الأسبوع الماضي. ' * 12}</p>"
            "</article></body></html>".encode("cp1256")
        )
        result = runner.invoke(cli, ["sections", str(page)])
        assert result.exit_code == 0, result.output


def test_headers_sent_a_byte_at_a_time_are_cut_at_the_whole_fetch_s_limit(runner, server, quick_limits):
    import time

    started = time.monotonic()
    result = runner.invoke(cli, ["sections", server.url("/trickle")])
    assert time.monotonic() - started < 5  # the limit is 1 s here (30 s for real): each byte came in 0.2 s
    assert result.exit_code == 1 and "took longer than 1 s to arrive" in result.output


def test_a_charset_header_that_lies_is_passed_over(runner, server):
    honest = plan_of(runner.invoke(cli, ["sections", server.url("/windows"), "--json"]).output)
    result = runner.invoke(cli, ["sections", server.url("/lying"), "--json"])
    assert result.exit_code == 0, result.output
    plan = plan_of(result.output)
    assert plan["sections"] == honest["sections"] and plan["encoding"] != "latin-1"
