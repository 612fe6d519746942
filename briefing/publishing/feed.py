"""A podcast feed of the briefings in a folder: RSS 2.0 with the iTunes and Podcasting 2.0 namespaces.

Built from the manifests saved beside each briefing; each episode keeps the guid of its manifest, so
rebuilding the feed never changes or duplicates an item; its other formats are alternate enclosures. Beside
the feed go one Podcasting 2.0 chapters file per episode and, unless an image is given, a plain cover."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit, urlunsplit
from xml.etree import ElementTree as ET

from briefing.characters import without_controls
from briefing.errors import InputError
from briefing.publishing.cover import cover_url
from briefing.version import __version__

if TYPE_CHECKING:  # the command line loads this module for Channel's defaults: the rest comes when used
    from briefing.publishing.manifest import Manifest

NAMESPACES = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
}
FEED_NAME = "feed.xml"


@dataclass(frozen=True)
class Channel:
    """What the feed says about itself; every field but ``base_url`` has a default."""

    base_url: str
    title: str = "موجز صوتي"
    description: str = "موجزات صوتية لأخبار عربية، يقرؤها briefing."
    link: str | None = None
    author: str = "briefing"
    email: str = "briefing@example.org"
    image: str | None = None
    """A URL, or a file to copy into the folder; None: a plain cover is made."""


@dataclass(frozen=True)
class FeedResult:
    path: Path
    episodes: int
    skipped: tuple[str, ...]


def base_url(url: str | None) -> str:
    """The address the folder is published at, ending in a slash; refuses anything but absolute http(s)."""
    if not url:
        raise InputError(
            "the base URL is required: the address the folder is published at, e.g. "
            "https://example.org/news/",
            option="base_url",
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"the base URL {url!r} is not an absolute http(s) address", option="base_url")
    path = quote(parts.path, safe="/%")  # an Arabic folder name becomes a valid URL path
    return urlunsplit((parts.scheme, parts.netloc, path if path.endswith("/") else path + "/", "", ""))


def write_feed(folder: Path, channel: Channel) -> FeedResult:
    """Write ``folder/feed.xml`` (atomically), newest briefing first, with each episode's chapters file."""
    if not folder.is_dir():
        raise InputError(f"{folder}: is not a folder")
    url = base_url(channel.base_url)
    episodes, skipped = read_manifests(folder)
    if not episodes:
        why = f"; passed over: {'; '.join(skipped)}" if skipped else ""
        raise InputError(f"{folder}: holds no briefings (no manifest beside an audio file){why}")
    episodes.sort(key=lambda manifest: manifest.created, reverse=True)

    from briefing.publishing.staging import Staging

    with Staging() as stage:
        image = cover_url(folder, channel.image, stage, url)
        for manifest in episodes:
            stage.file(folder / _chapters_name(manifest)).write_text(
                json.dumps(chapters(manifest), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        rss = build_rss(folder, episodes, channel, url, image)
        stage.file(folder / FEED_NAME).write_bytes(checked_xml(rss))
    return FeedResult(folder / FEED_NAME, len(episodes), tuple(skipped))


def checked_xml(rss: ET.Element) -> bytes:
    """The feed's bytes, parsed back by a strict XML parser first: a podcast app rejects a whole feed that is
    not well formed, so such a feed is never written."""
    data = ET.tostring(rss, encoding="utf-8", xml_declaration=True)
    try:
        ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(f"the feed would not be well-formed XML ({exc}); nothing written") from None
    return data


def read_manifests(folder: Path) -> tuple[list[Manifest], list[str]]:
    """The manifests of briefings whose audio is in ``folder``, and a note for each JSON file passed over."""
    from briefing.publishing.manifest import load_manifest
    from briefing.publishing.sets import torn_files

    manifests, skipped = [], []
    for path in sorted(folder.glob("*.json")):
        if path.name.endswith(".chapters.json"):
            continue
        try:
            manifest = load_manifest(path)
        except InputError as exc:
            skipped.append(f"{exc}, skipped")
            continue
        audio = folder / manifest.audio.file
        if not audio.is_file():
            skipped.append(f"{path}: its audio {audio.name} is missing, skipped")
            continue
        torn = torn_files(path, thorough=False)  # sizes: a feed may list thousands of hours
        if torn:
            skipped.append(
                f"{path}: its files do not match it ({', '.join(torn)}; a run was interrupted), skipped: "
                "making the briefing again repairs it"
            )
            continue
        manifests.append(manifest)
    return manifests, skipped


def chapters(manifest: Manifest) -> dict:
    """Podcasting 2.0 JSON chapters: every section, ascending; in an episode, each article's first section
    is titled with the article."""
    return {
        "version": "1.2.0",
        "chapters": [
            {"startTime": round(section.start_ms / 1000, 3), "title": section.title}
            for section in sorted(manifest.sections, key=lambda s: s.start_ms)
        ],
    }


def feed_language(episodes: list[Manifest]) -> str:
    """The channel's language: the one most of its briefings are narrated in (the newest wins a tie)."""
    spoken = [manifest.engine.lang for manifest in episodes if manifest.engine.lang]
    return max(spoken, key=spoken.count) if spoken else "ar"


def build_rss(folder: Path, episodes: list[Manifest], channel: Channel, url: str, image: str) -> ET.Element:
    for prefix, uri in NAMESPACES.items():
        ET.register_namespace(prefix, uri)
    rss = ET.Element("rss", {"version": "2.0"})
    node = ET.SubElement(rss, "channel")
    _text(node, "title", channel.title)
    _text(node, "link", channel.link or url)
    _text(node, "description", channel.description)
    _text(node, "language", feed_language(episodes))
    _text(node, "generator", f"briefing {__version__}")
    _text(node, "lastBuildDate", _rfc822(episodes[0].created))
    ET.SubElement(
        node, _q("atom", "link"), {"href": url + FEED_NAME, "rel": "self", "type": "application/rss+xml"}
    )
    ET.SubElement(node, _q("itunes", "image"), {"href": image})
    category = ET.SubElement(node, _q("itunes", "category"), {"text": "News"})
    ET.SubElement(category, _q("itunes", "category"), {"text": "Daily News"})
    _text(node, _q("itunes", "explicit"), "false")
    _text(node, _q("itunes", "author"), channel.author)
    owner = ET.SubElement(node, _q("itunes", "owner"))
    _text(owner, _q("itunes", "name"), channel.author)
    _text(owner, _q("itunes", "email"), channel.email)
    for manifest in episodes:
        node.append(_item(folder, manifest, url))
    ET.indent(rss)
    return rss


def _item(folder: Path, manifest: Manifest, url: str) -> ET.Element:
    audio = manifest.audio
    item = ET.Element("item")
    _text(item, "title", manifest.title)
    _text(item, "description", description(manifest))
    ET.SubElement(
        item,
        "enclosure",
        {
            "url": url + quote(audio.file),
            "type": audio.mime,
            "length": str((folder / audio.file).stat().st_size),
        },
    )
    for alternate in manifest.alternates:  # the same episode in other formats (Podcasting 2.0)
        if (folder / alternate.file).is_file():
            offer = ET.SubElement(
                item,
                _q("podcast", "alternateEnclosure"),
                {
                    "type": alternate.mime,
                    "length": str((folder / alternate.file).stat().st_size),
                    "bitrate": str(alternate.bitrate_kbps * 1000),
                },
            )
            ET.SubElement(offer, _q("podcast", "source"), {"uri": url + quote(alternate.file)})
    _text(item, "guid", manifest.guid, {"isPermaLink": "false"})
    article = article_metadata(manifest)
    if article.get("url"):
        _text(item, "link", str(article["url"]))
    _text(item, "pubDate", _rfc822(article.get("date") or manifest.created))
    _text(item, _q("itunes", "duration"), str(round(audio.duration_ms / 1000)))
    _text(item, _q("itunes", "episodeType"), "full")
    _text(item, _q("itunes", "explicit"), "false")
    ET.SubElement(
        item,
        _q("podcast", "chapters"),
        {"url": url + quote(_chapters_name(manifest)), "type": "application/json+chapters"},
    )
    subtitles = manifest.subtitles
    for kind, mime in (("vtt", "text/vtt"), ("srt", "application/x-subrip")):
        if subtitles.get(kind) and (folder / subtitles[kind]).is_file():
            ET.SubElement(
                item,
                _q("podcast", "transcript"),
                {
                    "url": url + quote(subtitles[kind]),
                    "type": mime,
                    "rel": "captions",
                    "language": manifest.engine.lang,
                },
            )
    return item


def article_metadata(manifest: Manifest) -> dict:
    """The metadata of a briefing's one article (its address, publication date...); none for an episode."""
    known = manifest.articles[0].metadata if len(manifest.articles) == 1 else None
    return known if isinstance(known, dict) else {}


def description(manifest: Manifest, sentences: int = 3) -> str:
    """The first sentences the briefing speaks, after its intro."""
    spoken = [cue.text for cue in manifest.cues if cue.kind == "sentence"]
    return " ".join(spoken[:sentences]) or manifest.title


def _chapters_name(manifest: Manifest) -> str:
    return Path(manifest.audio.file).stem + ".chapters.json"


def _rfc822(iso: str) -> str:
    import email.utils  # here, not at the top: every command loads this module for its defaults

    moment = datetime.datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return email.utils.format_datetime(moment)


def _q(prefix: str, name: str) -> str:
    return f"{{{NAMESPACES[prefix]}}}{name}"


def _text(parent: ET.Element, tag: str, text: str, attributes: dict | None = None) -> ET.Element:
    """A child element holding ``text``, without characters XML cannot carry (options may bring them)."""
    element = ET.SubElement(
        parent, tag, {key: without_controls(value) for key, value in (attributes or {}).items()}
    )
    element.text = without_controls(text)
    return element
