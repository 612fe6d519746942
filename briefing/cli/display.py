"""What a run shows on a terminal while it works: a progress bar while speaking, then one line a step."""

from __future__ import annotations

import click


class StageLine:
    """After speaking, each step (loudness, encoding, writing) on one line of stderr that rewrites itself;
    only on a terminal and without --quiet, like the bar."""

    def __init__(self, quiet: bool):
        import sys

        self.shown = not quiet and sys.stderr.isatty()

    def __call__(self, name: str) -> None:
        if self.shown:
            click.echo(f"\r\033[K{name}…", err=True, nl=False)

    def done(self) -> None:
        if self.shown:
            click.echo("\r\033[K", err=True, nl=False)


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

            self.bar = tqdm(
                total=total, unit="clip", desc="Speaking", leave=False, disable=None, dynamic_ncols=True
            )
        assert self.bar is not None
        self.bar.total = total  # it may grow while later sentences are put into spoken form
        self.bar.set_postfix_str(label, refresh=False)
        self.bar.update(1)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and its noun: "1 section", "3 sections", "2 stories"."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
