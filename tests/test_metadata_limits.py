"""An article's metadata reaches the tags, manifest and feed; size limits count text, not markup, and
endless input stops."""

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

from mutagen.id3 import ID3

from briefing.article import parse_article
from briefing.cli import cli

PAGES = Path(__file__).parent / "pages"
SENTENCE = "قال التقرير إن إنتاج القمح ارتفع هذا العام بفضل الأمطار الغزيرة التي هطلت في الشتاء الماضي. "


def test_the_page_metadata_goes_into_tags_manifest_and_feed(runner, tmp_path):
    out = tmp_path / "bank.mp3"
    result = runner.invoke(
        cli, ["generate", str(PAGES / "ar-share-byline.html"), "-o", str(out), "--engine", "espeak"]
    )
    assert result.exit_code == 0, result.output
    tags = ID3(out)
    assert str(tags["TPE1"]) == "سامي الخطيب" and str(tags["TDRC"]) == "2024-03-12"
    assert tags["WOAS"].url == "https://alofoq.example/economy/central-bank-rates"
    assert str(tags["TIT2"]) == "البنك المركزي يبقي سعر الفائدة دون تغيير"
    manifest = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert manifest["articles"][0]["metadata"]["site"] == "alofoq.example"

    result = runner.invoke(cli, ["feed", str(tmp_path), "--base-url", "https://example.org/news/"])
    assert result.exit_code == 0, result.output
    item = ElementTree.parse(tmp_path / "feed.xml").find("channel/item")
    assert item.findtext("link") == "https://alofoq.example/economy/central-bank-rates"
    assert item.findtext("pubDate").startswith("Tue, 12 Mar 2024")


def test_only_the_title_of_the_metadata_is_spoken(runner, tmp_path):
    result = runner.invoke(cli, ["sections", str(PAGES / "ar-share-byline.html"), "--json"])
    plan = json.loads(result.output)
    text = json.dumps(plan["sections"], ensure_ascii=False)
    assert "سامي الخطيب" not in text and "2024" not in text and "alofoq" not in text


def test_markdown_front_matter_gives_the_metadata():
    article = parse_article(
        "---\ntitle: موجز الاقتصاد\nauthor: [ليلى حداد, سامي الخطيب]\ndate: 2024-05-01\n"
        "lang: ar_EG\nurl: https://example.org/a\n---\n\n# موجز الاقتصاد\n\nنص الخبر هنا.\n",
        "markdown",
    )
    assert article.title == "موجز الاقتصاد"
    assert article.metadata.known() == {
        "title": "موجز الاقتصاد",
        "author": "ليلى حداد, سامي الخطيب",
        "date": "2024-05-01",
        "language": "ar",
        "url": "https://example.org/a",
    }
    assert [s.heading for s in article.sections] == [None]  # the heading repeating the title is the title


def test_max_chars_counts_the_text_not_the_markup(runner, tmp_path):
    page = tmp_path / "big.html"
    scripts = "<script>" + "var x = 1;" * 300_000 + "</script>"  # 3 MB of markup around the article
    page.write_text(
        f"<html lang='ar'><head>{scripts}</head><body><article><h1>عنوان</h1>"
        + "".join(f"<p>{SENTENCE * 2}</p>" for _ in range(25))
        + "</article></body></html>",
        encoding="utf-8",
    )
    assert page.stat().st_size > 3_000_000
    accepted = runner.invoke(cli, ["sections", str(page), "--max-chars", "10000"])
    assert accepted.exit_code == 0, accepted.output
    refused = runner.invoke(cli, ["sections", str(page), "--max-chars", "1000"])
    assert refused.exit_code == 2 and "characters of text, more than the limit of 1,000" in refused.output


def test_an_input_over_20_mb_is_refused_without_reading_it_all(runner):
    result = runner.invoke(cli, ["sections", "/dev/zero"])
    assert result.exit_code == 2
    assert result.output == "Error: /dev/zero: is larger than 20 MB, too large to be an article\n"


def test_endless_standard_input_stops_at_the_limit(tmp_path):
    endless = subprocess.Popen(["yes", "هذا سطر من نص لا ينتهي."], stdout=subprocess.PIPE)
    try:
        run = subprocess.run(
            [sys.executable, "-m", "briefing", "sections", "-"],
            stdin=endless.stdout,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        endless.kill()
    assert run.returncode == 2
    assert run.stderr == "Error: stdin: is larger than 20 MB, too large to be an article\n"


def test_a_file_of_headings_alone_is_refused(runner, tmp_path):
    article = tmp_path / "headings.txt"
    article.write_text("عنوان الخبر\nالعنوان الفرعي الأول\nالعنوان الفرعي الثاني\n", encoding="utf-8")
    result = runner.invoke(
        cli, ["generate", str(article), "--engine", "espeak", "-o", str(tmp_path / "h.mp3")]
    )
    assert result.exit_code == 2
    assert result.output == f"Error: {article}: has headings but no body text to narrate\n"
    assert not (tmp_path / "h.mp3").exists()
