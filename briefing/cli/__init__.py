"""The command line: a thin click layer over the library. It parses options, calls the API, prints, and
alone knows flag names and exit codes."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading

import click

from briefing.cli import batch, generate, serve, tools
from briefing.errors import BriefingError, InputError, OutputError
from briefing.version import __version__

FLAGS = {
    "max_chars": "--max-chars",
    "lang": "--lang",
    "rate": "--rate",
    "name": "--voice",
    "model": "--voice-model",
    "config": "--voice-config",
    "speaker": "--speaker",
    "pitch": "--pitch",
    "bitrate": "--bitrate",
    "embed_audio": "--embed-audio",
    "title": "--title",
    "format": "--audio-format",
    "encoding": "--encoding",
    "base_url": "--base-url",
    "engine": "--engine espeak",
}
"""The library's parameter names as the command line spells them, for messages."""


class BriefingGroup(click.Group):
    """Turns every BriefingError into one line on stderr and its exit code, never a traceback: 2 for what was
    given (an input, an option, an output path: as click's own usage errors), 1 for what failed while working
    (speech, network, writing)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BriefingError as exc:
            click.echo(f"Error: {exc}{hint(exc)}", err=True)
            ctx.exit(2 if isinstance(exc, (InputError, OutputError)) else 1)
        except KeyboardInterrupt:
            if _SIGNALS["again"] is not None:
                _SIGNALS["again"].cancel()
            terminated = _SIGNALS["SIGTERM"]
            click.echo(
                f"Error: interrupted ({'SIGTERM' if terminated else 'Ctrl-C'}); files being written were "
                "removed, earlier outputs kept",
                err=True,
            )
            ctx.exit(143 if terminated else 130)


_SIGNALS: dict = {"SIGTERM": False, "again": None}

STOP_AGAIN_S = 1.0
"""How long a stop may go unanswered before its signal is sent again."""


def _stop(signum, frame):
    """Ctrl-C and SIGTERM end a run: temporaries removed, one line, exit 130 or 143. The stop is raised
    wherever the main thread is; a library may swallow it there (PyAV's error check does when the signal
    lands inside it: one SIGTERM in 40 let the run finish), so unless the command answers it first, the
    same signal comes again a second later, and so on until one is."""
    _SIGNALS["SIGTERM"] = _SIGNALS["SIGTERM"] or signum == signal.SIGTERM
    if _SIGNALS["again"] is None or not _SIGNALS["again"].is_alive():
        again = threading.Timer(STOP_AGAIN_S, os.kill, (os.getpid(), signum))
        again.daemon = True
        again.start()
        _SIGNALS["again"] = again
    raise KeyboardInterrupt


def hint(error: BriefingError) -> str:
    """The option that fixes an error, as the command line spells it."""
    from briefing.errors import TooLongError
    from briefing.language import PHRASES, LanguageError, language_name

    if isinstance(error, LanguageError):
        verb = "narrate it in" if error.found in PHRASES else "read it as"
        return f"; pass --lang {error.found} to {verb} {language_name(error.found)}"
    if isinstance(error, TooLongError):
        return " (see --max-chars)"
    option = getattr(error, "option", None)
    if option in FLAGS:
        return f" (see {FLAGS[option]})"
    return ""


@click.group(cls=BriefingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
def cli():
    """Turn Arabic news articles into narrated audio briefings (MP3, M4A or Opus).

    \b
    Quick start:
      briefing generate article.txt        # -> audio_out/article.mp3, .vtt, .srt, .json
      briefing generate https://example.org/news/story.html -o story.opus
      briefing sections article.txt        # the plan, without speaking
      briefing generate a.txt b.md --title "موجز اليوم" --page   # one episode, with a web page
      briefing feed audio_out --base-url https://example.org/news/
      briefing voices                      # engines and their voices
    """


def main():
    # numpy's OpenBLAS starts a thread per core that spins between calls: the tool makes no call worth
    # sharing, and the spinning cost a run about a tenth of a second of CPU (set before numpy is imported)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _one_heap()
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, _stop)
    try:
        cli(prog_name="briefing")
    except SystemExit as done:
        if done.code in (130, 143):  # interrupted: do not wait for requests still under way in other threads
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(done.code)
        raise
    finally:
        # Everything alive now lives until exit: freezing it spares the interpreter's final garbage
        # collection passes over numpy, requests and the rest (about 50 ms of every run).
        gc.freeze()


def _one_heap() -> None:
    """glibc gives threads heaps of their own (up to eight a core), and memory one frees is not reused by
    another: the run's threads (speech, vowel marks, encoders) each kept some. One heap for all kept an
    Opus run's peak memory about 15 MB lower at the same speed. Elsewhere than glibc, nothing is done."""
    import ctypes

    try:
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 1)
    except (OSError, AttributeError):
        pass


_M_ARENA_MAX = -8
"""glibc's mallopt parameter for the most heaps (malloc.h)."""


for command in (
    generate.generate,
    tools.sections,
    batch.batch,
    tools.feed,
    tools.page,
    tools.voices,
    tools.cache,
    serve.serve,
):
    cli.add_command(command)
