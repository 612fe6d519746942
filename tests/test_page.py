"""The listening page, played in a real Chromium (Debian's, driven by Playwright; no browser is downloaded)."""

import json
import shutil
from pathlib import Path

import pytest

from briefing.cli import cli

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output"
ARTICLE = """مهرجان الربيع في الواحة
تبدأ اليوم فعاليات مهرجان الربيع في الواحة. ويستمر المهرجان خمسة أيام.
برنامج الافتتاح
يفتتح المهرجان بعرض موسيقي. ثم تقام مسابقة للأطفال؟ نعم، في الساحة الكبرى.
"""


@pytest.fixture(scope="module")
def briefing_page(tmp_path_factory):
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("page")
    article = folder / "festival.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    out = folder / "festival.mp3"
    result = CliRunner().invoke(
        cli, ["generate", str(article), "-o", str(out), "--engine", "espeak", "--page"]
    )
    assert result.exit_code == 0, result.output
    return out.with_suffix(".html"), json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))


@pytest.fixture
def page(browser, briefing_page):
    path, _ = briefing_page
    context = browser.new_context(viewport={"width": 420, "height": 860})
    tab = context.new_page()
    outside = []

    def only_files(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    tab.route("**/*", only_files)
    tab.goto(path.as_uri())
    tab.wait_for_function("document.getElementById('player').readyState >= 1")
    yield tab
    assert outside == [], f"the page asked the network for {outside}"
    context.close()


RECORD = """() => {
  window.changes = [];
  const audio = document.getElementById('player');
  new MutationObserver(() => {
    const lit = document.querySelector('[aria-current="true"]');
    if (lit) window.changes.push([Number(lit.dataset.cue), audio.currentTime * 1000]);
  }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ['aria-current']});
}"""


EARLY_MS = 150
"""How much of the audio a cue may be lit before its voice starts."""
LATE_WALL_MS = 100
"""How late a cue may be lit, in the listener's time: a playback at four times speed on a machine whose
other core is encoding (other tests) may paint a frame or two late, four times as much of the audio."""


def assert_follows(changes: list, starts: list, rate: float) -> None:
    """Every cue after the first lit once, in order, when its voice starts."""
    assert [index for index, _ in changes] == list(range(1, len(starts)))
    for index, at_ms in changes:
        assert -EARLY_MS <= at_ms - starts[index] <= LATE_WALL_MS * rate, (index, at_ms, starts[index])


def highlighted(tab):
    return tab.evaluate("Number(document.querySelector('[aria-current=\"true\"]')?.dataset.cue ?? -1)")


def test_the_highlight_follows_the_voice(page, briefing_page):
    _, manifest = briefing_page
    starts = [cue["start_ms"] for cue in manifest["cues"]]
    page.evaluate(RECORD)
    page.evaluate("() => { const a = document.getElementById('player'); a.playbackRate = 4; a.play(); }")
    page.wait_for_function("document.getElementById('player').ended", timeout=120_000)
    assert_follows(page.evaluate("window.changes"), starts, rate=4)


def test_chapters_seek_by_click_and_by_enter(page, briefing_page):
    _, manifest = briefing_page
    chapters = page.locator("nav button")
    assert chapters.count() == len(manifest["sections"]) == 2
    second = manifest["sections"][1]
    chapters.nth(1).click()
    page.wait_for_function(
        f"Math.abs(document.getElementById('player').currentTime * 1000 - {second['start_ms']}) < 50"
    )
    first_cue_of_second = next(i for i, c in enumerate(manifest["cues"]) if c["section"] == 1)
    assert highlighted(page) == first_cue_of_second

    chapters.nth(0).focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('player').currentTime < 0.05")
    assert highlighted(page) == 0
    assert page.evaluate("document.getElementById('player').paused")


def test_a_seek_while_paused_moves_the_highlight(page, briefing_page):
    _, manifest = briefing_page
    target = manifest["cues"][3]
    page.evaluate(f"document.getElementById('player').currentTime = {(target['start_ms'] + 100) / 1000}")
    page.wait_for_function("!document.getElementById('player').seeking")
    page.wait_for_function("document.querySelector('[aria-current=\"true\"]')?.dataset.cue === '3'")
    cue = page.locator('[aria-current="true"]')
    assert cue.inner_text().endswith(target["text"])
    # visible without colour: the lit cue is underlined and marked
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('[aria-current=\"true\"]')).textDecorationLine"
        )
        == "underline"
    )

    page.locator("[data-cue='1']").click()  # a transcript line seeks too
    page.wait_for_function(
        f"Math.abs(document.getElementById('player').currentTime * 1000 - {manifest['cues'][1]['start_ms']}) < 50"
    )
    assert highlighted(page) == 1
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "listening-page.png"), full_page=True)


def test_page_is_self_contained_rtl_and_can_embed_its_audio(runner, briefing_page, tmp_path):
    path, _ = briefing_page
    html = path.read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html and 'name="viewport"' in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    assert 'src="festival.mp3"' in html and 'src="data:text/vtt;base64,' in html
    assert '<bdi dir="ltr"><time>' in html

    copy = tmp_path / "festival.mp3"
    for suffix in (".mp3", ".json", ".vtt"):
        shutil.copy(path.with_suffix(suffix), copy.with_suffix(suffix))
    result = runner.invoke(cli, ["page", str(copy), "--embed-audio"])
    assert result.exit_code == 0, result.output
    embedded = copy.with_suffix(".html").read_text(encoding="utf-8")
    assert 'src="data:audio/mpeg;base64,' in embedded and len(embedded) > copy.stat().st_size

    result = runner.invoke(cli, ["page", str(tmp_path / "none.mp3")])
    assert result.exit_code == 2 and "not found; make the briefing first" in result.output


@pytest.mark.parametrize("suffix", [".m4a", ".opus"])
def test_the_page_plays_every_format_in_chromium(browser, tmp_path, suffix):
    from click.testing import CliRunner

    article = tmp_path / "festival.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    for embed in ([], ["--embed-audio"]):
        out = tmp_path / f"festival{len(embed)}{suffix}"
        result = CliRunner().invoke(
            cli, ["generate", str(article), "-o", str(out), "--engine", "espeak", "--page", *embed]
        )
        assert result.exit_code == 0, result.output
        manifest = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
        context = browser.new_context()
        tab = context.new_page()
        tab.goto(out.with_suffix(".html").as_uri())
        tab.wait_for_function("document.getElementById('player').readyState >= 1", timeout=15000)
        seconds = tab.evaluate("document.getElementById('player').duration")
        assert abs(seconds * 1000 - manifest["audio"]["duration_ms"]) < 150, (suffix, embed, seconds)
        context.close()


def test_an_episode_page_in_two_formats_loads_at_its_top_and_names_each_story_once(browser, tmp_path):
    from click.testing import CliRunner

    from tests.conftest import EXAMPLES

    out = tmp_path / "today.mp3"
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            str(EXAMPLES / "solar-plant.txt"),
            str(EXAMPLES / "city-library.html"),
            "-o",
            str(out),
            "--title",
            "موجز اليوم",
            "--engine",
            "espeak",
            "--page",
            "--audio-format",
            "mp3,opus",
        ],
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    context = browser.new_context(viewport={"width": 420, "height": 700})
    tab = context.new_page()
    tab.goto(out.with_suffix(".html").as_uri())
    tab.wait_for_function("document.getElementById('player').readyState >= 1", timeout=15000)
    assert tab.evaluate("document.getElementById('player').currentSrc").endswith("today.mp3")
    seconds = tab.evaluate("document.getElementById('player').duration")
    shown = tab.locator("header time").inner_text()
    assert shown == f"{int(seconds) // 60}:{int(seconds) % 60:02d}"  # what the player counts, not rounded up
    tab.wait_for_timeout(300)
    assert tab.evaluate("window.scrollY") == 0
    header_bottom = tab.evaluate("document.querySelector('header').getBoundingClientRect().bottom")
    assert tab.evaluate("document.querySelector('nav h2').getBoundingClientRect().top") >= header_bottom
    transcript = tab.locator(".transcript").inner_text()
    for article in manifest["articles"]:
        assert transcript.count(article["title"]) == 1, article["title"]
    context.close()
