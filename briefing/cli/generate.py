"""``briefing generate``: read, narrate, save, through the library's API."""

from __future__ import annotations

from pathlib import Path

import click

from briefing.article import DEFAULT_MAX_CHARS
from briefing.cli.display import ProgressBar, StageLine, counted
from briefing.formats import FORMATS
from briefing.speech.engines import AUTO, CHOICES
from briefing.speech.retry import DEFAULT_DEADLINE
from briefing.speech.voice import DEFAULT_REQUESTS, RATES, REQUESTS, RETRY_DEADLINES, SAMPLE_RATES

ENGINE_HELP = (
    "Speech engine: 'gtts' (Google's Arabic voice, online), 'espeak' (eSpeak NG, offline), 'piper' (a Piper "
    "voice file you bring, offline), 'edge' (Microsoft Edge's neural voices, online), or 'auto': gtts when "
    "Google answers within 2 s, else espeak. See: briefing voices."
)
DEFAULT_OUTPUT_DIR = Path("audio_out")


def with_options(options):
    """A decorator adding ``options`` (a list of click options) to a command, in order."""

    def decorate(command):
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def a_number(ctx, param, value: float) -> float:
    """FloatRange lets NaN through (no comparison with it is true)."""
    if value != value:
        raise click.BadParameter("nan is not a number", param_hint=f"'--{param.name}'")
    return value


def format_list(value: str | None) -> list[str]:
    """``--audio-format mp3,opus`` as a list of formats, each one known."""
    names = [name.strip().lower() for name in (value or "").split(",") if name.strip()]
    unknown = [name for name in names if name not in FORMATS]
    if unknown:
        raise click.BadParameter(
            f"{unknown[0]!r} is not one of {', '.join(FORMATS)}", param_hint="'--audio-format'"
        )
    return list(dict.fromkeys(names))


reading_options = with_options(
    [
        click.option("--title", help="Title to use instead of the detected one (first heading line, <h1>)."),
        click.option(
            "--format",
            "format_",
            type=click.Choice(["text", "markdown", "html"]),
            help="Read as this format instead of guessing from the extension.",
        ),
        click.option("--encoding", help="Decode with this encoding (e.g. cp1256) instead of detecting it."),
        click.option(
            "--max-chars",
            type=click.IntRange(min=1),
            default=DEFAULT_MAX_CHARS,
            show_default=True,
            help="Refuse articles whose text (markup not counted) is longer than this.",
        ),
    ]
)
"""Options that say how to read the article, shared by every command that reads one."""


spoken_options = [
    click.option(
        "--lexicon",
        "lexicons",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=False),
        metavar="FILE",
        help="Pronunciation lexicon: a TSV file (written<TAB>spoken a line) or a W3C PLS file "
        "with <alias> entries; repeatable, after the files in $BRIEFING_LEXICON.",
    ),
    click.option(
        "--vowels/--no-vowels",
        default=None,
        help="Add vowel marks before speaking, so every Arabic word is said with its vowels.  "
        "[default: on for espeak and piper, off for the online voices]",
    ),
    click.option(
        "--months",
        type=click.Choice(["latin", "syriac"]),
        default="latin",
        show_default=True,
        help="Month names for numeric dates: latin (يناير، فبراير) or syriac (كانون الثاني، شباط).",
    ),
]
"""How the text is said: numbers and dates are always read as words; these shape the rest."""


def pronunciation(o: dict):
    """What ``narrate()`` is told of the spoken form; the lexicon files are read now, once."""
    from briefing.spoken import Lexicon, Pronunciation

    return Pronunciation(vowels=o["vowels"], lexicon=Lexicon.load(o["lexicons"]), months=o["months"])


narration_options = with_options(
    [
        click.option(
            "--engine", type=click.Choice(CHOICES), default=AUTO, show_default=True, help=ENGINE_HELP
        ),
        click.option(
            "--lang",
            default="ar",
            show_default=True,
            help="Language of the articles and of the narration: ar or en. Articles in another language "
            "are refused.",
        ),
        click.option(
            "--rate",
            type=click.FloatRange(*RATES),
            default=1.0,
            show_default=True,
            callback=a_number,
            help="Speed: 1.25 is a quarter faster (espeak, piper, edge).",
        ),
        click.option(
            "--voice", help="Edge voice name, e.g. ar-EG-SalmaNeural.  [default: ar-SA-HamedNeural]"
        ),
        click.option(
            "--voice-model",
            type=click.Path(path_type=Path),
            help="Piper voice model (.onnx) for --engine piper.",
        ),
        click.option(
            "--voice-config",
            type=click.Path(path_type=Path),
            help="Piper voice config.  [default: VOICE_MODEL.json]",
        ),
        click.option(
            "--speaker", type=click.IntRange(min=0), help="Speaker number of a multi-speaker Piper voice."
        ),
        click.option("--pitch", help="Edge pitch shift, e.g. +5Hz or -10Hz."),
        *spoken_options,
        click.option(
            "--pause-sentence",
            type=click.IntRange(0, 5000),
            default=350,
            show_default=True,
            help="Milliseconds of silence between sentences (twice that between paragraphs).",
        ),
        click.option(
            "--pause-section",
            type=click.IntRange(0, 10000),
            default=1000,
            show_default=True,
            help="Milliseconds of silence before each heading.",
        ),
        click.option(
            "--chime/--no-chime", default=True, show_default=True, help="A soft tone between sections."
        ),
        click.option(
            "--sample-rate",
            type=click.Choice([str(rate) for rate in SAMPLE_RATES]),
            help="Output sample rate in Hz.  [default: the engine's own]",
        ),
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(*REQUESTS),
            default=DEFAULT_REQUESTS,
            show_default=True,
            help="Requests sent at once to an online engine.",
        ),
        click.option(
            "--retry-deadline",
            type=click.FloatRange(*RETRY_DEADLINES),
            default=DEFAULT_DEADLINE,
            show_default=True,
            metavar="SECONDS",
            help="Give up when retries of an online engine have taken this long in all.",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(path_type=Path, file_okay=False),
            help="Folder of the clip cache.  [default: the user cache folder, or $BRIEFING_CACHE_DIR]",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the clip cache."),
    ]
)
"""How the articles are spoken: engine, voice, pauses, requests, cache (generate and batch)."""


saving_options = with_options(
    [
        click.option(
            "--audio-format",
            callback=lambda ctx, param, value: format_list(value),
            metavar="FORMAT[,FORMAT]",
            help=f"Audio format, or several of one set (mp3,opus: the first is the feed's enclosure, the "
            f"others its alternates): {', '.join(FORMATS)}.  [default: from the output's suffix, else mp3]",
        ),
        click.option(
            "--per-section", is_flag=True, help="Also write one audio file per section into NAME-sections/."
        ),
        click.option(
            "--page", is_flag=True, help="Also write NAME.html, a listening page with the transcript."
        ),
        click.option(
            "--embed-audio",
            is_flag=True,
            help="With --page: put the audio inside the page, to share one file.",
        ),
        click.option(
            "--bitrate",
            type=click.IntRange(min=1),
            metavar="KBPS",
            help="Bitrate in kb/s: MP3 32-160 (default 64), M4A 48-160 (64), Opus 16-128 (28).",
        ),
    ]
)
"""What is written: format, bitrate, companions (generate and batch)."""


def narrate_arguments(o: dict) -> dict:
    """``narrate()``'s keyword arguments from the command line's options."""
    from briefing.script import Pauses
    from briefing.speech.voice import Voice

    voice = Voice(
        o["engine"],
        o["voice"],
        o["rate"],
        o["pitch"],
        o["voice_model"],
        o["voice_config"],
        o["speaker"],
        int(o["sample_rate"]) if o["sample_rate"] else None,
        o["jobs"],
        o["retry_deadline"],
    )
    return dict(
        lang=o["lang"],
        voice=voice,
        pronunciation=pronunciation(o),
        pauses=Pauses(sentence=o["pause_sentence"], section=o["pause_section"], chime=o["chime"]),
        cache=False if o["no_cache"] else (o["cache_dir"] or True),
    )


def prepare_speech(episode, o: dict) -> None:
    """Have the spoken form's model load meanwhile, when the engine is named and needs it."""
    from briefing.language import base_language
    from briefing.speech.engines import AUTO, engine_class
    from briefing.spoken import Pronunciation, prepare

    if o["engine"] != AUTO:
        offline = engine_class(o["engine"]).offline
        prepare(base_language(o["lang"] or episode.language), offline, Pronunciation(vowels=o["vowels"]))


def reading_arguments(o: dict) -> dict:
    return dict(format=o["format_"], encoding=o["encoding"], max_chars=o["max_chars"], lang=o["lang"])


def saving_arguments(o: dict) -> dict:
    """``Narration.save()``'s keyword arguments (but the path) from the command line's options."""
    from briefing.publishing.sets import Companions

    if o["embed_audio"] and not o["page"]:
        raise click.UsageError("--embed-audio needs --page")
    formats = o["audio_format"]
    companions = Companions(page=o["page"], embed_audio=o["embed_audio"], per_section=o["per_section"])
    return dict(
        format=formats[0] if formats else None,
        formats=formats[1:],
        bitrate=o["bitrate"],
        companions=companions,
    )


def notify(line: str) -> None:
    click.echo(line, err=True)


@click.command()
@click.argument("articles", nargs=-1)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Audio file to write (.mp3, .m4a, .m4b or .opus); subtitles and manifest go beside it.  "
    "[default: audio_out/ARTICLE.mp3]",
)
@click.option(
    "--from-feed", metavar="FEED", help="Narrate the articles an RSS or Atom feed (file or link) lists."
)
@click.option(
    "--latest", type=click.IntRange(min=1), metavar="N", help="With --from-feed: the newest N only."
)
@narration_options
@reading_options
@saving_options
@click.option("-q", "--quiet", is_flag=True, help="No progress display and no summary line.")
def generate(articles, output, from_feed, latest, title, quiet, **options):
    """Narrate one or more ARTICLES into one audio file, with subtitles and a manifest beside it.

    The audio opens with a short spoken intro and the title, announces each heading, reads every
    paragraph sentence by sentence with natural pauses, and closes with an outro. It is normalized
    to -16 LUFS (the podcast norm) and carries tags and one chapter per section. Beside it:
    NAME.vtt and NAME.srt (subtitles, one cue per sentence) and NAME.json (the manifest).
    Each ARTICLE is a .txt, .md or .html file, an http(s) link to a page, or - to read standard input.
    Several articles make one episode: the intro says how many stories it holds, each story is
    announced by its title, and the chapters nest by article. --from-feed FEED --latest N makes
    today's episode of a site's newest stories.

    \b
    Examples:
      briefing generate article.txt
      briefing generate article.html -o out.opus --engine espeak --title "موجز اليوم"
      briefing generate a.txt b.md c.html -o audio_out/today.mp3 --title "موجز اليوم"
      briefing generate --from-feed https://example.org/rss.xml --latest 5 -o today.mp3
      cat article.txt | briefing generate - -o news.mp3 --per-section
    """
    from briefing.article import read_articles

    sources = list(articles)
    if from_feed:
        from briefing.batch import feed_links, refused_link

        links, refused = feed_links(from_feed, latest)
        for link in refused:
            notify(f"Warning: {refused_link(from_feed, link)}")
        sources += links
    if not sources:
        raise click.UsageError("give one or more ARTICLES, or --from-feed FEED")
    episode = read_articles(sources, title=title, **reading_arguments(options))
    for article in episode.articles:
        for note in article.notes:
            notify(f"Warning: {article.label}: {note}")
    if episode.title is None:
        notify(f"Warning: no title found; players will show «{episode.display_title}» (--title sets one)")
    prepare_speech(episode, options)  # while the rest of the narration is imported
    from briefing.formats import prepare as prepare_codecs
    from briefing.narration import narrate
    from briefing.publishing.publish import check_outputs
    from briefing.publishing.sets import OutputSet
    from briefing.spoken.vowels import unload

    saving = saving_arguments(options)
    output = output or DEFAULT_OUTPUT_DIR / f"{episode.name}.{saving['format'] or 'mp3'}"
    out = OutputSet.at(output, **saving)
    check_outputs(out, sources, notify)
    prepare_codecs(out.formats)
    with ProgressBar(quiet) as progress:
        narration = narrate(episode, **narrate_arguments(options), notify=notify, progress=progress)
    unload()  # nothing more is spoken: the encoders get the vowel model's memory
    stage_line = StageLine(quiet)
    published = narration.save(output, **saving, notify=notify, stage=stage_line)
    stage_line.done()
    if not quiet:
        minutes, seconds = divmod(round(published.timeline.duration_ms / 1000), 60)
        stories = (
            f"{counted(len(episode.articles), 'story', 'stories')}, " if len(episode.articles) > 1 else ""
        )
        click.echo(
            f"Wrote {published.audio}: {minutes}:{seconds:02d}, "
            f"{stories}{counted(len(episode.sections), 'section')}, "
            f"engine {narration.engine} ({narration.voice}), {published.audio.stat().st_size / 1e6:.1f} MB, "
            f"{narration.speech.cached} of {narration.speech.chunks} clips from cache"
        )
        click.echo("Also: " + ", ".join(str(path) for path in published.files))
