"""The command line: parse options, call the stages, print. No logic of its own."""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
from pathlib import Path

import click

from briefing import __version__
from briefing.article import DEFAULT_MAX_CHARS
from briefing.codec import BITRATES, DEFAULT_BITRATE
from briefing.errors import BriefingError
from briefing.feed import Channel
from briefing.speech.retry import DEFAULT_DEADLINE
from briefing.speech.engines import AUTO, CHOICES, ENGINES

ENGINE_HELP = (
    "Speech engine: 'gtts' (Google's Arabic voice, online), 'espeak' (eSpeak NG, offline), 'piper' (a Piper "
    "voice file you bring, offline), 'edge' (Microsoft Edge's neural voices, online), or 'auto': gtts when "
    "Google answers within 2 s, else espeak. See: briefing voices."
)


class BriefingGroup(click.Group):
    """Turns every BriefingError into one line on stderr and its exit code, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BriefingError as exc:
            click.echo(f"Error: {exc}{_hint(exc)}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            terminated = _SIGNALS["SIGTERM"]
            click.echo(f"Error: interrupted ({'SIGTERM' if terminated else 'Ctrl-C'}); files being written were "
                       "removed, earlier outputs kept", err=True)  # fmt: skip
            ctx.exit(143 if terminated else 130)


_SIGNALS = {"SIGTERM": False}


def _terminate(signum, frame):
    """SIGTERM ends a run as Ctrl-C does: temporaries removed, one line, exit 143."""
    _SIGNALS["SIGTERM"] = True
    raise KeyboardInterrupt


def _hint(error: BriefingError) -> str:
    """What to type instead, for the errors an option fixes."""
    from briefing.language import LanguageError, PHRASES, language_name

    if isinstance(error, LanguageError):
        if error.found in PHRASES:
            return f"; pass --lang {error.found} to narrate it in {language_name(error.found)}"
        return f"; pass --lang {error.found} to read it as {language_name(error.found)}"
    return ""


@click.group(cls=BriefingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
def cli():
    """Turn Arabic news articles into narrated MP3 audio briefings.

    \b
    Quick start:
      briefing generate article.txt        # -> audio_out/article.mp3, .vtt, .srt, .json
      briefing sections article.txt        # the plan, without speaking
      briefing generate a.txt b.md --title "موجز اليوم" --page   # one episode, with a web page
      briefing feed audio_out --base-url https://example.org/news/
      briefing voices                      # engines and their Arabic voices
    """


def reading_options(command):
    """Options that say how to read the article, shared by every command that reads one."""
    options = [
        click.option("--title", help="Title to use instead of the detected one (first heading line, <h1>)."),
        click.option("--format", "format_", type=click.Choice(["text", "markdown", "html"]),
                     help="Read as this format instead of guessing from the extension."),
        click.option("--encoding", help="Decode with this encoding (e.g. cp1256) instead of detecting it."),
        click.option("--max-chars", type=click.IntRange(min=1), default=DEFAULT_MAX_CHARS, show_default=True,
                     help="Refuse articles whose text (markup not counted) is longer than this."),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


def _reading(title, format_, encoding, max_chars, lang):
    from briefing.pipeline import ReadOptions

    return ReadOptions(title=title, format=format_, encoding=encoding, max_chars=max_chars, lang=lang)


@cli.command()
@click.argument("articles", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="MP3 to write; subtitles and manifest go beside it.  [default: audio_out/ARTICLE.mp3]")
@click.option("--engine", type=click.Choice(CHOICES), default=AUTO, show_default=True, help=ENGINE_HELP)
@click.option("--lang", default="ar", show_default=True,
              help="Language of the articles and of the narration: ar or en. Articles in another language are refused.")
@click.option("--rate", type=click.FloatRange(0.5, 2.0), default=1.0, show_default=True,
              help="Speed: 1.25 is a quarter faster (espeak, piper, edge).")
@click.option("--voice", help="Edge voice name, e.g. ar-EG-SalmaNeural.  [default: ar-SA-HamedNeural]")
@click.option("--voice-model", type=click.Path(path_type=Path), help="Piper voice model (.onnx) for --engine piper.")
@click.option("--voice-config", type=click.Path(path_type=Path),
              help="Piper voice config.  [default: VOICE_MODEL.json]")
@click.option("--speaker", type=click.IntRange(min=0), help="Speaker number of a multi-speaker Piper voice.")
@click.option("--pitch", help="Edge pitch shift, e.g. +5Hz or -10Hz.")
@reading_options
@click.option("--pause-sentence", type=click.IntRange(0, 5000), default=350, show_default=True,
              help="Milliseconds of silence between sentences (twice that between paragraphs).")
@click.option("--pause-section", type=click.IntRange(0, 10000), default=1000, show_default=True,
              help="Milliseconds of silence before each heading.")
@click.option("--chime/--no-chime", default=True, show_default=True, help="A soft tone between sections.")
@click.option("--per-section", is_flag=True, help="Also write one MP3 per section into ARTICLE-sections/.")
@click.option("--page", is_flag=True, help="Also write ARTICLE.html, a listening page with the transcript.")
@click.option("--embed-audio", is_flag=True, help="With --page: put the MP3 inside the page, to share one file.")
@click.option("--bitrate", type=click.Choice([str(rate) for rate in BITRATES]), default=str(DEFAULT_BITRATE),
              show_default=True, help="MP3 bitrate in kb/s: one every sample rate can be encoded at.")
@click.option("--sample-rate", type=click.Choice(["16000", "22050", "24000", "44100", "48000"]),
              help="Output sample rate in Hz.  [default: the engine's own]")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Requests sent at once to an online engine.")
@click.option("--retry-deadline", type=click.FloatRange(1, 3600), default=DEFAULT_DEADLINE, show_default=True,
              metavar="SECONDS", help="Give up when retries of an online engine have taken this long in all.")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of the clip cache.  [default: the user cache folder, or $BRIEFING_CACHE_DIR]")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the clip cache.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display and no summary line.")
def generate(articles, output, engine, lang, rate, voice, voice_model, voice_config, speaker, pitch, title, format_, encoding, max_chars, pause_sentence, pause_section,
             chime, per_section, page, embed_audio, bitrate, sample_rate, jobs, retry_deadline, cache_dir, no_cache, quiet):  # fmt: skip
    """Narrate one or more ARTICLES into one MP3, with subtitles and a manifest beside it.

    The MP3 opens with a short spoken intro and the title, announces each heading, reads every
    paragraph sentence by sentence with natural pauses, and closes with an outro. It is normalized
    to -16 LUFS (the podcast norm) and carries ID3 tags and one chapter per section. Beside it:
    NAME.vtt and NAME.srt (subtitles, one cue per sentence) and NAME.json (the manifest).
    Each ARTICLE is a .txt, .md or .html file, an http(s) link to a page, or - to read standard input.
    Several articles make one
    episode: the intro says how many stories it holds, each story is announced by its title, and the
    chapters nest by article.

    \b
    Examples:
      briefing generate article.txt
      briefing generate article.html -o out.mp3 --engine espeak --title "موجز اليوم"
      briefing generate a.txt b.md c.html -o audio_out/today.mp3 --title "موجز اليوم"
      cat article.txt | briefing generate - -o news.mp3 --per-section
    """
    from briefing.pipeline import AudioOptions, SpeechOptions, generate as run
    from briefing.speech.engines.base import VoiceOptions
    from briefing.script import Pauses

    audio = AudioOptions(Pauses(sentence=pause_sentence, section=pause_section, chime=chime),
                         int(sample_rate) if sample_rate else None, int(bitrate), per_section, page, embed_audio)  # fmt: skip
    voice_options = VoiceOptions(lang, rate, voice, voice_model, voice_config, speaker, pitch)
    speech = SpeechOptions(engine, voice_options, jobs, cache_dir, not no_cache, retry_deadline)
    with ProgressBar(quiet) as progress:
        result = run(list(articles), output, reading=_reading(title, format_, encoding, max_chars, lang), speech=speech,
                     audio=audio, notify=lambda note: click.echo(note, err=True), progress=progress)  # fmt: skip
    if not quiet:
        minutes, seconds = divmod(round(result.duration_s), 60)
        click.echo(
            f"Wrote {result.path}: {minutes}:{seconds:02d}, {_stories(result.episode)}{len(result.episode.sections)} sections, "
            f"engine {result.engine} ({result.voice}), {result.size_bytes / 1e6:.1f} MB, "
            f"{result.speech.cached} of {result.speech.chunks} clips from cache"
        )
        extras = [result.published.vtt, result.published.srt, result.published.manifest]
        if result.published.sections_folder:
            extras.append(result.published.sections_folder)
        if result.page:
            extras.append(result.page)
        click.echo("Also: " + ", ".join(str(path) for path in extras))


@cli.command()
@click.argument("articles", nargs=-1, required=True)
@click.option("--lang", default="ar", show_default=True,
              help="Language the articles are written in (ISO 639-1); others are refused.")
@reading_options
@click.option("--json", "as_json", is_flag=True, help="Print exactly what will be spoken, as JSON.")
def sections(articles, lang, title, format_, encoding, max_chars, as_json):
    """Show how each of ARTICLES splits into title and sections, without speaking it.

    Each ARTICLE is a .txt, .md or .html file, an http(s) link, or - to read standard input. It is
    read with the same options and refused for the same reasons as by generate. With --json, the
    paragraphs are exactly the text that will be narrated.
    """
    from briefing.article import warnings_for
    from briefing.script import split_sentences

    episode = _reading(title, format_, encoding, max_chars, lang).read(list(articles))
    for parsed in episode.articles:
        for warning in warnings_for(parsed):
            click.echo(f"Warning: {warning}", err=True)
    if as_json:
        plans = [_plan(parsed, episode.title if len(episode.articles) == 1 else parsed.title, episode.language)
                 for parsed in episode.articles]  # fmt: skip
        document = plans[0] if len(plans) == 1 else {"title": episode.title, "articles": plans}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    for number, parsed in enumerate(episode.articles):
        if number:
            click.echo()
        click.echo(f"Source: {parsed.source} ({parsed.format}, {parsed.encoding})")
        click.echo(f"Title: {(episode.title if len(episode.articles) == 1 else parsed.title) or '(none)'}")
        for name, value in parsed.metadata.known().items():
            if name != "title":
                click.echo(f"{name.capitalize()}: {value}")
        for index, section in enumerate(parsed.sections, start=1):
            sentences = sum(len(split_sentences(p)) for p in section.paragraphs)
            click.echo(f"{index:>2}. {section.heading or '(lead)'}  ({len(section.paragraphs)} paragraphs, "
                       f"{sentences} sentences, {section.chars} chars)")  # fmt: skip


def _plan(article, title, language) -> dict:
    """One article as ``sections --json`` shows it."""
    return {
        "title": title,
        "language": language,
        "source": article.source,
        "format": article.format,
        "encoding": article.encoding,
        "metadata": article.metadata.known(),
        "sections": [{"heading": section.heading, "paragraphs": list(section.paragraphs)}
                     for section in article.sections],  # fmt: skip
    }


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--base-url", help="Address FOLDER is published at, e.g. https://example.org/news/ (required).")
@click.option("--title", default=Channel.title, show_default=True, help="The podcast's title.")
@click.option("--description", default=Channel.description, show_default=True, help="The podcast's description.")
@click.option("--link", help="The podcast's website.  [default: --base-url]")
@click.option("--author", default=Channel.author, show_default=True, help="Author and owner name.")
@click.option("--email", default=Channel.email, show_default=True, help="Owner e-mail, for podcast directories.")
@click.option("--image", help="Cover: a URL, or an image file copied into FOLDER.  [default: a plain cover.png]")
def feed(folder, base_url, title, description, link, author, email, image):
    """Write FOLDER/feed.xml, a podcast feed of the briefings in FOLDER, newest first.

    Each briefing's manifest (NAME.json) gives an episode: its MP3 as enclosure, its chapters (written
    to NAME.chapters.json) and its subtitles as transcripts. Rebuilding the feed keeps every episode's
    guid. Subscribe to BASE_URL/feed.xml in any podcast app once FOLDER is published there.

    \b
    Example:
      briefing feed audio_out --base-url https://example.org/news/
    """
    from briefing.feed import write_feed

    channel = Channel(base_url, title, description, link, author, email, image)
    result = write_feed(folder, channel)
    for note in result.skipped:
        click.echo(f"Warning: {note}", err=True)
    click.echo(f"Wrote {result.path}: {result.episodes} episodes")


@cli.command()
@click.argument("mp3", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--embed-audio", is_flag=True, help="Put the MP3 inside the page, to share one file.")
def page(mp3, embed_audio):
    """Write NAME.html beside MP3: a listening page built from its manifest (NAME.json).

    The page plays the briefing, lists its sections as buttons that jump to them, and shows the
    transcript with the sentence being spoken highlighted. It is one file that loads nothing from the
    network; with --embed-audio it holds the MP3 too.
    """
    from briefing.page import write_page

    click.echo(f"Wrote {write_page(mp3, embed_audio=embed_audio)}")


@cli.command()
@click.option("--engine", "only", type=click.Choice(list(ENGINES)), help="Only this engine.")
def voices(only):
    """List the speech engines, whether each can speak here, and their Arabic voices."""
    from briefing.speech.engines import describe_engines

    for engine in describe_engines(only):
        click.echo(f"{engine.name}  ({engine.network}; {engine.status})")
        for voice in engine.voices:
            click.echo(f"    {voice}")


@cli.group()
def cache():
    """Inspect or empty the cache of synthesized clips and encoded briefings.

    Every clip is cached under a key made of the engine, its voice and options, and the exact text,
    so rerunning an unchanged article synthesizes nothing, and a failed run resumes where it stopped.
    The encoded MP3 is kept too, under a key made of its exact audio and settings, so an unchanged
    rerun does not encode again either.
    """


@cache.command()
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), help="Cache folder to look at.")
def info(cache_dir):
    """Show where the cache is, how many clips it holds and its size."""
    from briefing.speech.cache import ClipCache, default_cache_dir

    stats = ClipCache(cache_dir or default_cache_dir()).stats()
    click.echo(f"Folder: {stats.folder}\nClips: {stats.clips}\nEncoded briefings: {stats.tracks}\n"
               f"Size: {stats.bytes / 1e6:.1f} MB")  # fmt: skip


@cache.command()
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), help="Cache folder to empty.")
def clear(cache_dir):
    """Delete every cached clip."""
    from briefing.speech.cache import ClipCache, default_cache_dir

    store = ClipCache(cache_dir or default_cache_dir())
    click.echo(f"Removed {store.clear()} entries from {store.folder}")


def _stories(episode) -> str:
    return f"{len(episode.articles)} stories, " if len(episode.articles) > 1 else ""


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

            self.bar = tqdm(total=total, unit="clip", desc="Speaking", leave=False, disable=None, dynamic_ncols=True)
        self.bar.set_postfix_str(label, refresh=False)
        self.bar.update(1)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()


def main():
    signal.signal(signal.SIGTERM, _terminate)
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
