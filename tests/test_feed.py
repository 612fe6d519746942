"""Episodes of several articles, and the podcast feed, checked strictly and by two feed parsers."""

import email.utils
import json
import re
import shutil
from urllib.parse import urlsplit

import feedparser
import podcastparser
import pytest
from lxml import etree
from mutagen.id3 import ID3, CTOCFlags

from briefing.cli import cli
from tests.conftest import EXAMPLES, decoded_seconds, ffmpeg

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
BASE = "https://example.org/الأخبار"
QUOTED = "https://example.org/%D8%A7%D9%84%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A folder with an episode of two articles and a single-article briefing, as a site would publish."""
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("site")
    runner = CliRunner()
    for args in (
        [
            str(EXAMPLES / "solar-plant.txt"),
            str(EXAMPLES / "city-library.html"),
            "-o",
            str(folder / "today.mp3"),
            "--title",
            "موجز اليوم",
            "--per-section",
        ],
        [str(EXAMPLES / "solar-plant.md"), "-o", str(folder / "solar news.mp3")],
    ):
        result = runner.invoke(cli, ["generate", *args, "--engine", "espeak"])
        assert result.exit_code == 0, result.output
    return folder


def manifest_of(folder, name):
    return json.loads((folder / name).read_text(encoding="utf-8"))


def test_an_episode_nests_its_chapters_by_article(published):
    manifest = manifest_of(published, "today.json")
    assert [a["title"] for a in manifest["articles"]] == [
        "افتتاح محطة للطاقة الشمسية في مدينة الواحة",
        "مكتبة عامة جديدة تفتح أبوابها في وسط الواحة",
    ]
    assert [s["article"] for s in manifest["sections"]] == [0, 0, 0, 1, 1, 1]
    tags = ID3(published / "today.mp3")
    tocs = {toc.element_id: toc for toc in tags.getall("CTOC")}
    chapters = {chap.element_id: chap for chap in tags.getall("CHAP")}
    top = tocs["toc"]
    assert top.flags == CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED and top.child_element_ids == ["art0", "art1"]
    for number, article in enumerate(manifest["articles"]):
        child = tocs[f"art{number}"]
        assert child.flags == CTOCFlags.ORDERED and child.sub_frames["TIT2"].text == [article["title"]]
        sections = [s for s in manifest["sections"] if s["article"] == number]
        mine = [chapters[element] for element in child.child_element_ids]
        assert [(c.sub_frames["TIT2"].text[0], c.start_time, c.end_time) for c in mine] == [
            (s["title"], s["start_ms"], s["end_ms"]) for s in sections
        ]
        assert (article["start_ms"], article["end_ms"]) == (sections[0]["start_ms"], sections[-1]["end_ms"])
    # players reading flat chapters still see every section, in order: ffmpeg lists them as written
    flat = sorted(chapters.values(), key=lambda c: c.start_time)
    assert [c.sub_frames["TIT2"].text[0] for c in flat] == [s["title"] for s in manifest["sections"]]
    listed = ffmpeg("-v", "error", "-i", str(published / "today.mp3"), "-f", "ffmetadata", "-").stdout
    assert [int(v) for v in re.findall(r"^START=(\d+)$", listed, re.M)] == [
        s["start_ms"] for s in manifest["sections"]
    ]


def test_an_episode_announces_its_stories_and_keeps_the_structure(published):
    manifest = manifest_of(published, "today.json")
    spoken = [(c["kind"], c["article"], c["text"]) for c in manifest["cues"]]
    assert spoken[0] == ("intro", 0, "موجز صوتي: موجز اليوم. في هذا الموجز خبران.")
    assert ("story", 1, "الخبر الثاني: مكتبة عامة جديدة تفتح أبوابها في وسط الواحة.") in spoken
    vtt = (published / "today.vtt").read_text(encoding="utf-8")
    assert "a2-s5-c" in vtt  # cue identifiers carry article and section
    files = sorted(str(p.relative_to(published)) for p in (published / "today-sections").rglob("*.mp3"))
    assert (
        len(files) == 6
        and files[0].startswith("today-sections/01-")
        and files[3].startswith("today-sections/02-")
    )
    assert [s["file"] for s in manifest["sections"]] == files
    assert abs(manifest["audio"]["duration_ms"] - decoded_seconds(published / "today.mp3") * 1000) <= 100


def test_one_bad_input_among_several_fails_before_any_synthesis(runner, tmp_path, example_txt):
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"%PDF-1.7\n")
    out = tmp_path / "out" / "today.mp3"
    result = runner.invoke(
        cli, ["generate", str(example_txt), str(broken), "-o", str(out), "--engine", "gtts"]
    )
    assert result.exit_code == 2
    assert result.output == f"Error: {broken}: is a PDF file (application/pdf), not a text article\n"
    assert not (tmp_path / "out").exists()


def run_feed(runner, folder, *args):
    return runner.invoke(cli, ["feed", str(folder), "--base-url", BASE, *args])


def test_feed_passes_a_strict_check(runner, published):
    result = run_feed(runner, published)
    assert result.exit_code == 0, result.output
    assert "2 episodes" in result.output
    tree = etree.parse(str(published / "feed.xml"))  # well-formed, or this raises
    root = tree.getroot()
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert {ITUNES, PODCAST, ATOM} <= set(root.nsmap.values())
    channel = root.find("channel")
    for tag in ("title", "link", "description", "language"):
        assert channel.findtext(tag), tag
    assert channel.findtext("language") == "ar"
    assert _absolute(channel.find(f"{{{ITUNES}}}image").get("href"))
    category = channel.find(f"{{{ITUNES}}}category")
    assert (
        category.get("text") == "News" and category.find(f"{{{ITUNES}}}category").get("text") == "Daily News"
    )
    assert channel.findtext(f"{{{ITUNES}}}explicit") == "false"
    assert channel.findtext(f"{{{ITUNES}}}author")
    assert channel.findtext(f"{{{ITUNES}}}owner/{{{ITUNES}}}email")
    self_link = channel.find(f"{{{ATOM}}}link")
    assert self_link.get("rel") == "self" and self_link.get("href") == QUOTED + "feed.xml"

    items = channel.findall("item")
    assert len(items) == 2
    guids = [item.findtext("guid") for item in items]
    assert len(set(guids)) == 2
    dates = [email.utils.parsedate_to_datetime(item.findtext("pubDate")) for item in items]
    assert dates == sorted(dates, reverse=True)
    for item in items:
        assert item.findtext("title") and item.findtext("description")
        assert item.find("guid").get("isPermaLink") == "false"
        enclosure = item.find("enclosure")
        url = enclosure.get("url")
        assert _absolute(url) and enclosure.get("type") == "audio/mpeg"
        local = published / urlsplit(url).path.rsplit("/", 1)[-1].replace("%20", " ")
        assert int(enclosure.get("length")) == local.stat().st_size
        assert item.findtext(f"{{{ITUNES}}}duration").isdigit()
        chapters = item.find(f"{{{PODCAST}}}chapters")
        assert _absolute(chapters.get("url")) and chapters.get("type") == "application/json+chapters"
        document = json.loads((published / (local.stem + ".chapters.json")).read_text(encoding="utf-8"))
        starts = [c["startTime"] for c in document["chapters"]]
        assert document["version"] == "1.2.0" and starts == sorted(starts) and starts[0] == 0
        transcripts = item.findall(f"{{{PODCAST}}}transcript")
        assert sorted(t.get("type") for t in transcripts) == ["application/x-subrip", "text/vtt"]
        assert all(
            t.get("rel") == "captions" and t.get("language") == "ar" and _absolute(t.get("url"))
            for t in transcripts
        )
    assert (published / "cover.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_feed_parses_in_podcast_apps_stand_ins(runner, published):
    assert run_feed(runner, published).exit_code == 0
    parsed = feedparser.parse(str(published / "feed.xml"))
    assert not parsed.bozo, parsed.bozo_exception
    assert len(parsed.entries) == 2 and parsed.entries[0].enclosures[0].type == "audio/mpeg"
    with (published / "feed.xml").open("rb") as stream:
        podcast = podcastparser.parse(BASE + "feed.xml", stream)
    assert podcast["title"] == "موجز صوتي" and len(podcast["episodes"]) == 2
    episode = next(e for e in podcast["episodes"] if e["title"] == "موجز اليوم")
    assert episode["total_time"] > 60 and episode["enclosures"][0]["file_size"] > 0
    assert episode["guid"].startswith("briefing-") and episode["published"] > 0


def test_rerunning_feed_keeps_guids_and_items(runner, published):
    assert run_feed(runner, published).exit_code == 0
    first = (published / "feed.xml").read_bytes()
    assert run_feed(runner, published).exit_code == 0
    assert (published / "feed.xml").read_bytes() == first


def test_feed_errors_and_warnings(runner, published, tmp_path):
    result = runner.invoke(cli, ["feed", str(published)])
    assert (
        result.exit_code == 2
        and result.output.startswith("Error: the base URL is required")
        and "(see --base-url)" in result.output
    )
    assert result.output.count("\n") == 1

    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_feed(runner, empty)
    assert (
        result.exit_code == 2 and "holds no briefings" in result.output and not (empty / "feed.xml").exists()
    )

    mixed = tmp_path / "mixed"
    shutil.copytree(published, mixed)
    (mixed / "broken.json").write_text("{not json", encoding="utf-8")
    (mixed / "package.json").write_text('{"name": "site"}', encoding="utf-8")
    result = run_feed(runner, mixed)
    assert result.exit_code == 0
    assert f"Warning: {mixed / 'broken.json'}: is not a briefing manifest, skipped" in result.output
    assert f"Warning: {mixed / 'package.json'}: is not a briefing manifest, skipped" in result.output
    assert "2 episodes" in result.output

    result = run_feed(runner, published, "--image", "https://cdn.example.org/cover.jpg")
    assert result.exit_code == 0
    assert 'href="https://cdn.example.org/cover.jpg"' in (published / "feed.xml").read_text(encoding="utf-8")


def _absolute(url):
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def test_feed_copies_a_given_cover_file(runner, published, tmp_path):
    from PIL import Image

    cover = tmp_path / "my cover.png"
    Image.new("RGB", (1400, 1400), (200, 30, 30)).save(cover)
    assert run_feed(runner, published, "--image", str(cover)).exit_code == 0
    assert (published / "cover.png").read_bytes() == cover.read_bytes()  # under the feed's own name
    channel = etree.parse(str(published / "feed.xml")).getroot().find("channel")
    assert channel.find(f"{{{ITUNES}}}image").get("href") == QUOTED + "cover.png"
    missing = run_feed(runner, published, "--image", str(tmp_path / "none.png"))
    assert missing.exit_code == 2 and "no such image file" in missing.output
    manifest = (published / "today.json").read_bytes()
    posing = tmp_path / "today.json"  # an image named like an episode's manifest is no image
    posing.write_bytes(b'{"not": "an image"}')
    refused = run_feed(runner, published, "--image", str(posing))
    assert refused.exit_code == 2 and "is not an image" in refused.output
    shutil.copy(cover, posing)
    assert run_feed(runner, published, "--image", str(posing)).exit_code == 0
    assert (published / "today.json").read_bytes() == manifest
