"""``briefing batch``: many articles, each its own briefing, on every core or on a Dask cluster."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path

import click

from briefing.cli.generate import (
    narrate_arguments,
    narration_options,
    notify,
    reading_arguments,
    reading_options,
    saving_arguments,
    saving_options,
    with_options,
)
from briefing.errors import BriefingError, WriteError

where_options = with_options(
    [
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            default=os.cpu_count() or 1,
            show_default=True,
            help="Articles narrated at once, each in its own process.",
        ),
        click.option(
            "--cluster", metavar="ADDRESS", help="Run on a Dask cluster, e.g. tcp://scheduler:8786, instead."
        ),
    ]
)
"""Where the articles are narrated (batch and serve)."""


@click.command()
@click.argument("inputs", nargs=-1)
@click.option(
    "--out-dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder the briefings are written into (made when missing).",
)
@click.option(
    "--from-feed", metavar="FEED", help="Also the articles an RSS or Atom feed (file or link) lists."
)
@click.option(
    "--latest", type=click.IntRange(min=1), metavar="N", help="With --from-feed: the newest N only."
)
@where_options
@click.option("--force", is_flag=True, help="Narrate again even what is unchanged since the last run.")
@click.option("--base-url", help="Refresh OUT_DIR/feed.xml for this address at the end (see briefing feed).")
@narration_options
@reading_options
@saving_options
@click.option("-q", "--quiet", is_flag=True, help="No progress display and no summary table.")
def batch(inputs, out_dir, from_feed, latest, workers, cluster, force, base_url, title, quiet, **options):
    """Narrate each of INPUTS into its own briefing in OUT_DIR.

    INPUTS are article files, folders (every .txt, .md and .html in them), http(s) links, and
    @LIST files (one path or link a line). Outputs are named after each article's title (else its file
    name), never two with one name. A rerun skips every article whose output exists and whose text and
    options are unchanged, and redoes what changed or failed. One article that fails is reported and
    the others go on; the summary is also written to OUT_DIR/batch.json. Exit code 0 when all
    succeeded, 1 when any failed.

    \b
    Examples:
      briefing batch articles/ --out-dir audio_out --engine espeak
      briefing batch @today.txt --from-feed https://example.org/rss.xml --latest 10 --out-dir site/audio
      briefing batch archive/ --out-dir audio_out --cluster tcp://10.0.0.5:8786
    """
    from briefing.batch import (
        Outcome,
        expand,
        feed_links,
        finished_meanwhile,
        plan,
        refused_link,
        run_batch,
        summary,
    )
    from briefing.errors import InputError

    if title:
        raise click.UsageError("--title names one briefing; batch names each after its article")
    links, refused = feed_links(from_feed, latest) if from_feed else ([], [])
    sources = expand(list(inputs)) + links
    if not sources and not refused:
        raise InputError("no articles to narrate: give files, folders, links, @LIST files or --from-feed")
    saving = saving_arguments(options)
    from briefing.formats import audio_format
    from briefing.publishing.sets import OutputSet

    OutputSet.at(
        out_dir / f"briefing{audio_format(saving['format'] or 'mp3').suffix}", **saving
    )  # bitrates checked now
    spool = tempfile.TemporaryDirectory(prefix="briefing-batch-")  # the articles' bytes wait there
    jobs, known = plan(
        sources,
        out_dir,
        reading_arguments(options),
        narrate_arguments(options),
        saving,
        force,
        Path(spool.name),
    )
    known += [Outcome(link, "", "failed", refused_link(from_feed, link)) for link in refused]
    started, begun, done = time.monotonic(), time.time(), []

    def progress(outcome) -> None:
        done.append(outcome)
        if bar is not None:
            failed = sum(o.status == "failed" for o in done)
            rate = len(done) / max(time.monotonic() - started, 1e-9) * 60
            bar.set_postfix_str(f"{failed} failed, {rate:.1f}/min", refresh=False)
            bar.update(1)
        if outcome.status == "failed":
            notify(f"Failed: {outcome.source}: {outcome.reason}")

    bar = None
    if jobs and not quiet:
        from tqdm import tqdm

        bar = tqdm(
            total=len(jobs), unit="article", desc="Narrating", disable=None, leave=False, dynamic_ncols=True
        )
    try:
        outcomes = known + run_batch(jobs, out_dir, workers, cluster, progress)
    except BaseException:  # Ctrl-C, SIGTERM, a cluster gone: what finished is summed up all the same
        outcomes = known + done + finished_meanwhile(jobs, out_dir, done, begun)
        with contextlib.suppress(BriefingError, OSError):
            _write_summary(out_dir, summary(outcomes, sources))
        raise
    finally:
        spool.cleanup()
        if bar is not None:
            bar.close()
    report = summary(outcomes, sources)
    _write_summary(out_dir, report)
    if base_url and any(o.status in ("done", "skipped") for o in outcomes):
        from briefing.publishing.feed import Channel, write_feed

        write_feed(out_dir, Channel(base_url))
    if not quiet:
        for row in report["articles"]:
            stale = (
                f"; its last briefing {', '.join(row['stale'])} stays, out of date" if row["stale"] else ""
            )
            click.echo(
                f"{row['status']:<8} {row['name'] or '-':<40} {row['source']}"
                + (f"  ({row['reason']}{stale})" if row["status"] == "failed" else "")
            )
        counts = report["counts"]
        click.echo(
            f"{counts['done']} done, {counts['skipped']} skipped (unchanged), {counts['failed']} failed; "
            f"see {out_dir / 'batch.json'}"
        )
        if not jobs:
            click.echo("Nothing to narrate: every article is unchanged since the last run.")
    raise SystemExit(1 if report["counts"]["failed"] else 0)


def _write_summary(folder: Path, report: dict) -> None:
    from briefing.publishing.staging import Staging

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with Staging() as stage:
            stage.file(folder / "batch.json").write_text(
                json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
    except OSError as exc:  # a full disk: the briefings written stay
        raise WriteError(f"{folder / 'batch.json'}: cannot be written ({exc.strerror or exc})") from None
