"""The commands besides ``generate``: ``sections``, ``feed``, ``page``, ``voices`` and ``cache``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from briefing.cli.display import counted
from briefing.cli.generate import reading_options, spoken_options, with_options
from briefing.publishing.feed import Channel
from briefing.speech.engines import AUTO, CHOICES, ENGINES


@click.command()
@click.argument("articles", nargs=-1, required=True)
@click.option(
    "--lang",
    default="ar",
    show_default=True,
    help="Language the articles are written in (ISO 639-1); others are refused.",
)
@reading_options
@click.option("--json", "as_json", is_flag=True, help="Print exactly what will be spoken, as JSON.")
@click.option(
    "--spoken",
    is_flag=True,
    help="Also show what the engine will be given: numbers and dates as words, lexicon, vowel marks.",
)
@click.option(
    "--engine",
    type=click.Choice(CHOICES),
    default=AUTO,
    show_default=True,
    help="With --spoken: the engine whose spoken form to show (vowel marks are for espeak and piper).",
)
@with_options(spoken_options)
def sections(articles, lang, title, format_, encoding, max_chars, as_json, spoken, engine, **options):
    """Show how each of ARTICLES splits into title and sections, without speaking it.

    Each ARTICLE is a .txt, .md or .html file, an http(s) link, or - to read standard input. It is
    read with the same options and refused for the same reasons as by generate. With --json, the
    paragraphs are exactly the text that will be narrated; with --spoken, each section also shows
    what --engine will be given for it, paragraph by paragraph.

    \b
    Example:
      briefing sections article.txt --spoken --json --engine espeak --lexicon names.tsv
    """
    from briefing.article import read_articles
    from briefing.text import split_sentences

    episode = read_articles(
        list(articles), title=title, format=format_, encoding=encoding, max_chars=max_chars, lang=lang
    )
    form = _spoken_form(engine, episode.language, options) if spoken else None
    for parsed in episode.articles:
        for note in parsed.notes:
            click.echo(f"Warning: {parsed.label}: {note}", err=True)
    if as_json:
        plans = [
            _plan(
                parsed, episode.title if len(episode.articles) == 1 else parsed.title, episode.language, form
            )
            for parsed in episode.articles
        ]
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
            click.echo(
                f"{index:>2}. {section.heading or '(lead)'}  "
                f"({counted(len(section.paragraphs), 'paragraph')}, "
                f"{counted(sentences, 'sentence')}, {counted(section.chars, 'char')})"
            )
            if form:
                if section.heading:
                    click.echo(f"    » {form(section.heading)}")
                for paragraph in _spoken_paragraphs(section, form):
                    click.echo(f"    {paragraph}")


def _spoken_form(engine: str, lang: str, options: dict):
    """The spoken form ``engine`` would be given, as ``generate`` makes it."""
    from briefing.cli.generate import pronunciation
    from briefing.speech.engines import chosen_class
    from briefing.spoken import SpokenForm

    cls, _ = chosen_class(engine)
    return SpokenForm.for_engine(lang, cls.offline, pronunciation(options))


def _spoken_paragraphs(section, form) -> list[str]:
    """Each paragraph as the engine is given it: its sentences' spoken forms, joined by a space (a sentence
    with nothing to say is a pause in the narration, and absent here)."""
    from briefing.text import clean, speakable, split_sentences

    return [
        " ".join(form(s) for s in split_sentences(paragraph) if speakable(clean(s)))
        for paragraph in section.paragraphs
    ]


def _plan(article, title, language, form=None) -> dict:
    """One article as ``sections --json`` shows it; with a spoken ``form``, what the engine is given too."""
    return {
        "title": title,
        "language": language,
        "source": article.source,
        "format": article.format,
        "encoding": article.encoding,
        "metadata": article.metadata.known(),
        "sections": [
            {
                "heading": section.heading,
                "paragraphs": list(section.paragraphs),
                **(
                    {
                        "heading_spoken": form(section.heading) if section.heading else None,
                        "spoken": _spoken_paragraphs(section, form),
                    }
                    if form
                    else {}
                ),
            }
            for section in article.sections
        ],
    }


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--base-url", help="Address FOLDER is published at, e.g. https://example.org/news/ (required).")
@click.option("--title", default=Channel.title, show_default=True, help="The podcast's title.")
@click.option(
    "--description", default=Channel.description, show_default=True, help="The podcast's description."
)
@click.option("--link", help="The podcast's website.  [default: --base-url]")
@click.option("--author", default=Channel.author, show_default=True, help="Author and owner name.")
@click.option(
    "--email", default=Channel.email, show_default=True, help="Owner e-mail, for podcast directories."
)
@click.option(
    "--image", help="Cover: a URL, or an image file copied into FOLDER.  [default: a plain cover.png]"
)
def feed(folder, base_url, title, description, link, author, email, image):
    """Write FOLDER/feed.xml, a podcast feed of the briefings in FOLDER, newest first.

    Each briefing's manifest (NAME.json) gives an episode: its MP3 as enclosure, its chapters (written
    to NAME.chapters.json) and its subtitles as transcripts. Rebuilding the feed keeps every episode's
    guid. Subscribe to BASE_URL/feed.xml in any podcast app once FOLDER is published there.

    \b
    Example:
      briefing feed audio_out --base-url https://example.org/news/
    """
    from briefing.publishing.feed import write_feed

    channel = Channel(base_url, title, description, link, author, email, image)
    result = write_feed(folder, channel)
    for note in result.skipped:
        click.echo(f"Warning: {note}", err=True)
    click.echo(f"Wrote {result.path}: {counted(result.episodes, 'episode')}")


@click.command()
@click.argument("mp3", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--embed-audio", is_flag=True, help="Put the MP3 inside the page, to share one file.")
def page(mp3, embed_audio):
    """Write NAME.html beside MP3: a listening page built from its manifest (NAME.json).

    The page plays the briefing, lists its sections as buttons that jump to them, and shows the
    transcript with the sentence being spoken highlighted. It is one file that loads nothing from the
    network; with --embed-audio it holds the MP3 too.
    """
    from briefing.publishing.page import write_page

    click.echo(f"Wrote {write_page(mp3, embed_audio=embed_audio)}")


@click.command()
@click.option("--engine", "only", type=click.Choice(list(ENGINES)), help="Only this engine.")
def voices(only):
    """List the speech engines, whether each can speak here, and their Arabic voices."""
    from briefing.speech.engines import describe_engines

    for engine in describe_engines(only):
        click.echo(f"{engine.name}  ({engine.network}; {engine.status})")
        for voice in engine.voices:
            click.echo(f"    {voice}")


@click.group()
def cache():
    """Inspect or empty the cache of synthesized clips, spoken forms and encoded briefings.

    Every clip is cached under a key made of the engine, its voice and options, and the exact text,
    so rerunning an unchanged article synthesizes nothing, and a failed run resumes where it stopped.
    Each sentence's spoken form (numbers as words, vowel marks) is kept too, so a rerun computes none.
    The encoded MP3 is kept too, under a key made of its exact audio and settings, so an unchanged
    rerun does not encode again either.
    """


@cache.command()
@click.option(
    "--cache-dir", type=click.Path(path_type=Path, file_okay=False), help="Cache folder to look at."
)
def info(cache_dir):
    """Show where the cache is, how many clips it holds and its size."""
    from briefing.cache import ClipCache, default_cache_dir

    stats = ClipCache(cache_dir or default_cache_dir()).stats()
    click.echo(
        f"Folder: {stats.folder}\nClips: {stats.clips}\nEncoded briefings: {stats.tracks}\n"
        f"Spoken forms: {stats.spoken}\nEntries: {stats.clips + stats.tracks + stats.spoken}\n"
        f"Size: {stats.bytes / 1e6:.1f} MB\n"
        f"Cap: {stats.max_bytes / 1e6:.1f} MB (least recently used entries go first; $BRIEFING_CACHE_MAX)"
    )


@cache.command()
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), help="Cache folder to prune.")
@click.option("--max-size", help="Keep at most this much, e.g. 500M or 1G.  [default: the cap]")
def prune(cache_dir, max_size):
    """Remove the least recently used entries until the cache fits its cap (or --max-size)."""
    from briefing.cache import ClipCache, default_cache_dir, parse_size

    store = ClipCache(cache_dir or default_cache_dir())
    removed, freed = store.prune(parse_size(max_size) if max_size else None)
    click.echo(
        f"Removed {removed} entries ({freed / 1e6:.1f} MB) from {store.folder}; "
        f"{store.stats().bytes / 1e6:.1f} MB left"
    )


@cache.command()
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), help="Cache folder to empty.")
def clear(cache_dir):
    """Delete every cached clip."""
    from briefing.cache import ClipCache, default_cache_dir

    store = ClipCache(cache_dir or default_cache_dir())
    click.echo(f"Removed {store.clear()} entries from {store.folder}")
