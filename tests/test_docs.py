"""The README and docs say what is true: every command they show is one the command line takes, the
README's everyday commands run as written, and its Python example runs."""

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import cli
from tests.conftest import EXAMPLES

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
ENGLISH = "Markets today\n\nShares rose by 3% on Monday as the central bank kept its rate unchanged.\n"


def commands(page: Path) -> list[str]:
    """The ``briefing`` commands of a page's code lines (indented four spaces), comments off; ``a / b``
    lines are two commands; a line with a placeholder (``...``, HOST) is left out."""
    found = []
    for line in page.read_text(encoding="utf-8").splitlines():
        code = line[4:] if line.startswith("    ") else ""
        code = re.sub(r"\s+#\s.*$", "", code).strip()
        if "| briefing " in code:
            code = code.split("| ", 1)[1]
        for command in code.split(" / ") if code.startswith("briefing ") else []:
            if "..." not in command and "HOST" not in command:
                found.append(command.strip())
    return found


def test_the_pages_show_commands_and_the_readme_is_a_front_door():
    assert len((ROOT / "README.md").read_bytes()) <= 12_000
    assert len(commands(ROOT / "README.md")) >= 10
    assert sum(len(commands(page)) for page in PAGES) >= 35


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_command_shown_is_one_the_command_line_takes(page):
    for command in commands(page):
        args = shlex.split(command)[1:]
        if "--help" in args or "--version" in args:
            continue
        try:
            context = cli.make_context("briefing", list(args))
            while isinstance(context.command, type(cli)) and context.protected_args:
                name, *rest = [*context.protected_args, *context.args]
                sub = context.command.get_command(context, name)
                assert sub is not None, f"{page.name}: {command}: no command {name!r}"
                context = sub.make_context(name, rest, parent=context)
        except Exception as error:  # a click usage error: an option that does not exist, a value refused
            pytest.fail(f"{page.name}: {command}: {error}")


def test_the_readme_everyday_commands_run_as_written(tmp_path, monkeypatch):
    """In a folder holding the files they name, offline (Google's address refuses at once, so ``auto``
    speaks with eSpeak); commands that need the network or a voice file are left to the test above."""
    shutil.copy(EXAMPLES / "solar-plant.txt", tmp_path / "article.txt")
    shutil.copy(EXAMPLES / "city-library.html", tmp_path / "article.html")
    shutil.copy(EXAMPLES / "solar-plant.txt", tmp_path / "a.txt")
    shutil.copy(EXAMPLES / "solar-plant.md", tmp_path / "b.md")
    (tmp_path / "story.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "names.tsv").write_text("الواحة\tالواحَة\n", encoding="utf-8")
    (tmp_path / "articles").mkdir()
    shutil.copy(EXAMPLES / "solar-plant.md", tmp_path / "articles" / "one.md")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFING_GTTS_URL", "http://127.0.0.1:9/_/TranslateWebserverUi/data/batchexecute")
    ran = []
    for command in commands(ROOT / "README.md"):
        args = shlex.split(command)[1:]
        if any(word.startswith("http") for word in args[:2]) or {"piper", "edge"} & set(args):
            continue
        if args[0] == "serve":  # runs until stopped: tests/test_serve.py starts it and runs the curl example
            continue
        result = CliRunner().invoke(cli, args, env=dict(os.environ))
        assert result.exit_code == 0, f"{command}:\n{result.output}"
        ran.append(args[0])
    assert {"generate", "sections", "batch", "feed", "voices", "cache"} <= set(ran)
    assert (tmp_path / "audio_out" / "today.mp3").is_file() and (tmp_path / "out.opus").is_file()
    assert (tmp_path / "audio_out" / "feed.xml").is_file()


def test_the_readme_python_example_runs(tmp_path, monkeypatch):
    example = re.search(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert example is not None
    monkeypatch.chdir(ROOT)
    code = example.group(1).replace('"audio_out/solar.mp3"', repr(str(tmp_path / "solar.mp3")))
    exec(compile(code, "README.md", "exec"), {})
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".html", ".json", ".mp3", ".srt", ".vtt"]
