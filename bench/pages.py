"""Article extraction on real news pages: what `briefing sections --json` would narrate, scored against
hand-checked reference texts.

Reads ../shared/pages/ (see its README): readability/NAME/{source.html, expected.html,
expected-metadata.json} and trafilatura/assabah.com.tn.article.html with its must-have and must-not
snippets. Prints a table and returns the figures for bench/results.json. Each page is read in its own
language (`--lang` from its metadata, else detected from the reference), with every other option at its
default.
"""

from __future__ import annotations

import inspect
import json
import re
import statistics
import time
from collections import Counter
from pathlib import Path

from click.testing import CliRunner
from lxml import html as lxml_html

from briefing.article import read_article
from briefing.cli import cli
from briefing.language import base_language, detect_language

_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return [token.lower() for token in _TOKEN.findall(text)]


def reference_text(page: Path) -> str:
    """The visible text of ``expected.html`` (UTF-8: the files declare no charset)."""
    return lxml_html.fromstring((page / "expected.html").read_text(encoding="utf-8")).text_content()


def token_f1(got: str, reference: str) -> float:
    kept, wanted = Counter(tokens(got)), Counter(tokens(reference))
    common = sum((kept & wanted).values())
    if not common:
        return 0.0
    precision, recall = common / sum(kept.values()), common / sum(wanted.values())
    return 2 * precision * recall / (precision + recall)


def off_article(lines: list[str], reference: str) -> list[str]:
    """Lines whose words do not run in the reference: fewer than half of their word triples occur there
    (a line of one or two words: not found there as a phrase)."""
    words = tokens(reference)
    phrase, triples = " ".join(words), set(zip(words, words[1:], words[2:]))
    found = []
    for line in lines:
        line_words = tokens(line)
        if len(line_words) < 3:
            if line_words and " ".join(line_words) not in phrase:
                found.append(line)
            continue
        own = list(zip(line_words, line_words[1:], line_words[2:]))
        if sum(triple in triples for triple in own) < len(own) / 2:
            found.append(line)
    return found


def spoken_lines(plan: dict) -> list[str]:
    return [
        line
        for section in plan["sections"]
        for line in ([section["heading"]] if section["heading"] else []) + section["paragraphs"]
    ]


def page_language(page: Path, reference: str) -> str:
    declared = json.loads((page / "expected-metadata.json").read_text(encoding="utf-8")).get("lang")
    return base_language(declared) if declared else detect_language(reference) or "en"


def separate_runner() -> CliRunner:
    """A runner whose ``stdout`` holds only standard output, warnings apart (click 8.1 and 8.2 alike)."""
    return CliRunner(
        **({"mix_stderr": False} if "mix_stderr" in inspect.signature(CliRunner).parameters else {})
    )


def run(shared: Path) -> dict:
    runner = separate_runner()
    pages = sorted(p for p in (shared / "pages" / "readability").iterdir() if not p.name.startswith("rtl-"))
    rows, refused, seconds = [], [], []
    for page in pages:
        reference = reference_text(page)
        lang = page_language(page, reference)
        source = page / "source.html"
        started = time.perf_counter()
        try:
            read_article(source, lang=lang)
        except Exception:  # noqa: BLE001 - a refusal is counted below, through the command
            pass
        seconds.append(time.perf_counter() - started)
        result = runner.invoke(cli, ["sections", str(source), "--json", "--lang", lang])
        if result.exit_code != 0:
            refused.append(f"{page.name}: {result.output.strip()}")
            rows.append((page.name, lang, 0.0, 0))
            continue
        lines = spoken_lines(json.loads(result.stdout))
        rows.append(
            (page.name, lang, token_f1("\n".join(lines), reference), len(off_article(lines, reference)))
        )

    print(f"{'page':<16} {'lang':<5} {'F1':>6} {'off-article lines':>18}")
    for name, lang, f1, off in rows:
        print(f"{name:<16} {lang:<5} {f1:6.3f} {off:18d}")
    for line in refused:
        print(f"refused: {line}")
    arabic = arabic_page(shared / "pages" / "trafilatura", runner)
    figures = {
        "pages": len(pages),
        "accepted": len(pages) - len(refused),
        "mean_token_f1": round(statistics.mean(f1 for _, _, f1, _ in rows), 4),
        "off_article_lines": sum(off for *_, off in rows),
        "extraction_median_ms": round(statistics.median(seconds) * 1000, 1),
        "arabic_page": arabic,
    }
    print(
        f"accepted {figures['accepted']} of {figures['pages']}, mean token F1 {figures['mean_token_f1']:.3f}, "
        f"{figures['off_article_lines']} off-article lines, extraction median {figures['extraction_median_ms']} ms"
    )
    print(f"Arabic page: {arabic}")
    return figures


def arabic_page(folder: Path, runner: CliRunner) -> dict:
    """The real Arabic page: its must-have snippets are spoken, its must-not ones are not."""
    snippets = next(iter(json.loads((folder / "evaldata-arabic.json").read_text(encoding="utf-8")).values()))
    result = runner.invoke(cli, ["sections", str(folder / snippets["file"]), "--json"])
    if result.exit_code != 0:
        return {"refused": result.output.strip()}
    plan = json.loads(result.stdout)
    text = "\n".join(spoken_lines(plan))
    return {
        "title": plan["title"],
        "with_found": sum(snippet in text for snippet in snippets["with"]),
        "with": len(snippets["with"]),
        "without_spoken": [snippet for snippet in snippets["without"] if snippet in text],
        "byline_spoken": "حوار:" in text,
    }


if __name__ == "__main__":
    run(Path(__file__).resolve().parent.parent.parent / "shared")
