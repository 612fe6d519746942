"""The command line: parse options, call the stages, print. No logic of its own."""

from __future__ import annotations

import json
from pathlib import Path

import click

from briefing import __version__
from briefing.errors import BriefingError

ENGINE_HELP = (
    "Speech engine: 'gtts' (Google's Arabic voice, online), 'espeak' (eSpeak NG, offline), "
    "or 'auto': gtts when Google answers within 2 s, else espeak."
)


class BriefingGroup(click.Group):
    """Turns every BriefingError into one line on stderr and its exit code, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BriefingError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=BriefingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
def cli():
    """Turn Arabic news articles into narrated MP3 audio briefings.

    \b
    Quick start:
      briefing generate article.txt        # -> audio_out/article.mp3
      briefing sections article.txt        # the plan, without speaking
    """


@cli.command()
@click.argument("article", type=click.Path(path_type=Path, dir_okay=True))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="MP3 to write.  [default: audio_out/ARTICLE.mp3]")
@click.option("--engine", type=click.Choice(["auto", "gtts", "espeak"]), default="auto", show_default=True, help=ENGINE_HELP)
@click.option("--title", help="Title spoken in the intro and tagged; default: the article's first line if it is a heading.")
@click.option("--bitrate", type=click.IntRange(32, 320), default=64, show_default=True, help="MP3 bitrate in kb/s.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display and no summary line.")
def generate(article: Path, output: Path | None, engine: str, title: str | None, bitrate: int, quiet: bool):
    """Narrate ARTICLE (UTF-8 text or Markdown) into one MP3.

    The MP3 opens with a short spoken intro and the title, announces each heading, reads every
    paragraph sentence by sentence with natural pauses, and closes with an outro.

    \b
    Examples:
      briefing generate article.txt
      briefing generate article.txt -o out.mp3 --engine espeak --title "موجز اليوم"
    """
    from briefing.pipeline import generate as run

    with ProgressBar(quiet) as progress:
        result = run(article, output, title=title, engine=engine, bitrate=bitrate,
                     notify=lambda note: click.echo(note, err=True), progress=progress)  # fmt: skip
    if not quiet:
        minutes, seconds = divmod(round(result.duration_s), 60)
        click.echo(
            f"Wrote {result.path}: {minutes}:{seconds:02d}, {len(result.article.sections)} sections, "
            f"engine {result.engine} ({result.voice}), {result.size_bytes / 1e6:.1f} MB"
        )


@cli.command()
@click.argument("article", type=click.Path(path_type=Path))
@click.option("--title", help="Override the detected title.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
def sections(article: Path, title: str | None, as_json: bool):
    """Show how ARTICLE splits into title and sections, without speaking it."""
    from briefing.article import read_article
    from briefing.script import split_sentences

    parsed = read_article(article, title=title)
    plan = {
        "source": str(article),
        "title": parsed.title,
        "chars": parsed.chars,
        "sections": [
            {
                "heading": section.heading,
                "label": section.label,
                "paragraphs": len(section.paragraphs),
                "sentences": sum(len(split_sentences(p)) for p in section.paragraphs),
                "chars": section.chars,
            }
            for section in parsed.sections
        ],
    }
    if as_json:
        click.echo(json.dumps(plan, ensure_ascii=False, indent=2))
        return
    click.echo(f"Title: {parsed.title or '(none)'}")
    for number, section in enumerate(plan["sections"], start=1):
        click.echo(
            f"{number:>2}. {section['label']}  ({section['paragraphs']} paragraphs, "
            f"{section['sentences']} sentences, {section['chars']} chars)"
        )


class ProgressBar:
    """A tqdm bar on stderr while cues are spoken; silent when stderr is not a terminal or with --quiet."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bar = None

    def __enter__(self):
        return self.update

    def update(self, done: int, total: int, label: str) -> None:
        if self.quiet:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="cue", desc="Speaking", leave=False, disable=None, dynamic_ncols=True)
        self.bar.set_postfix_str(label, refresh=False)
        self.bar.update(1)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()


def main():
    cli(prog_name="briefing")
