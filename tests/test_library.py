"""The library as a CMS or a notebook uses it: no command line, no temporary files of its own."""

import ast
import io
import json
import warnings
from pathlib import Path

import av
import pytest
from mutagen.oggopus import OggOpus

import briefing
from briefing import Article, Companions, Episode, InputError, Voice, narrate
from tests.conftest import loudness_of

ROOT = Path(__file__).resolve().parent.parent
TEXT = """# افتتاح محطة للطاقة الشمسية

افتتحت الحكومة اليوم محطة جديدة للطاقة الشمسية قرب مدينة الواحة، بقدرة مئة ميغاواط. وقال الوزير إن المحطة ستغطي حاجة خمسين ألف منزل.

## تفاصيل المشروع

تمتد الألواح على مساحة مئتي هكتار، وتعمل معها بطاريات تخزن الطاقة لساعات المساء. وبلغت كلفة المشروع مئة وعشرين مليون دولار.

## ماذا ينتظر السكان

يتوقع السكان انخفاض فواتير الكهرباء بدءا من الشهر المقبل، بحسب الشركة المشغلة.
"""


@pytest.fixture(scope="module")
def narration(tmp_path_factory):
    article = Article.from_text(TEXT, format="markdown")
    return narrate(article, voice=Voice("espeak"), cache=tmp_path_factory.mktemp("cache"))


def chapters_read_back(path: Path) -> list[tuple[float, str]]:
    """Chapters as an independent reader (PyAV, on FFmpeg's demuxers) lists them: (start s, title)."""
    with av.open(str(path)) as container:
        return [
            (float(c["start"] * c["time_base"]), c["metadata"].get("title")) for c in container.chapters()
        ]


def test_five_lines_narrate_a_string(narration):
    assert narration.engine == "espeak" and narration.lang == "ar"
    assert [c.title for c in narration.chapters] == ["المقدمة", "تفاصيل المشروع", "ماذا ينتظر السكان"]
    assert (
        narration.cues[0].cue.kind == "intro" and "افتتاح محطة للطاقة الشمسية" in narration.cues[0].cue.text
    )
    assert 20 < narration.duration_s < 120


@pytest.mark.parametrize("suffix", [".mp3", ".m4a", ".m4b", ".opus"])
def test_each_format_decodes_with_chapters_in_order_at_the_target_loudness(narration, tmp_path, suffix):
    path = tmp_path / f"today{suffix}"
    published = narration.save(path, companions=Companions(page=True))
    manifest = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert published.audio == path and manifest["audio"]["file"] == path.name
    with av.open(str(path)) as container:
        decoded = sum(frame.samples for frame in container.decode(audio=0)) / container.streams.audio[0].rate
    assert abs(decoded * 1000 - manifest["audio"]["duration_ms"]) <= 100
    chapters = chapters_read_back(path)
    assert [title for _, title in chapters] == ["المقدمة", "تفاصيل المشروع", "ماذا ينتظر السكان"]
    assert [start for start, _ in chapters] == sorted(start for start, _ in chapters)
    assert [round(start, 1) for start, _ in chapters] == [
        round(s["start_ms"] / 1000, 1) for s in manifest["sections"]
    ]
    lufs, true_peak = loudness_of(path)
    assert abs(lufs + 16) <= 1 and true_peak <= -1.0, (lufs, true_peak)
    assert manifest["audio"]["mime"] in ("audio/mpeg", "audio/mp4", "audio/ogg")


def test_opus_is_much_smaller_than_mp3_and_carries_vorbis_chapter_comments(narration, tmp_path):
    mp3 = narration.save(tmp_path / "a.mp3", companions=Companions(subtitles=False)).audio
    opus = narration.save(tmp_path / "a.opus", companions=Companions(subtitles=False)).audio
    assert opus.stat().st_size <= 0.6 * mp3.stat().st_size
    tags = OggOpus(opus)
    assert tags["CHAPTER001"] == ["00:00:00.000"] and tags["CHAPTER002NAME"] == ["تفاصيل المشروع"]
    assert tags["TITLE"] == ["افتتاح محطة للطاقة الشمسية"]


@pytest.mark.parametrize("fmt", ["mp3", "m4a", "opus"])
def test_write_to_any_binary_file_object(narration, fmt):
    buffer = io.BytesIO()
    narration.write_to(buffer, format=fmt)
    with av.open(io.BytesIO(buffer.getvalue())) as container:
        seconds = sum(frame.samples for frame in container.decode(audio=0)) / container.streams.audio[0].rate
    assert abs(seconds - narration.duration_s) < 0.2


def test_a_list_of_articles_is_one_episode(tmp_path):
    first = Article.from_text(
        "الخبر الأول\nافتتحت الحكومة اليوم محطة جديدة للطاقة الشمسية قرب مدينة الواحة، بقدرة مئة ميغاواط."
    )
    second = Article.from_text(
        "الخبر الثاني\nارتفعت أسعار الخضار في الأسواق هذا الأسبوع بسبب موجة البرد التي ضربت البلاد."
    )
    narration = narrate(Episode.of([first, second], title="موجز اليوم"), voice=Voice("espeak"), cache=False)
    assert [c.title for c in narration.chapters] == ["الخبر الأول", "الخبر الثاني"]
    assert "في هذا الموجز خبران" in narration.cues[0].cue.text


def test_wrong_values_fail_fast_with_the_library_s_words(narration, tmp_path):
    with pytest.raises(TypeError, match="an Article or a list of Articles"):
        narrate("نص عربي", voice=Voice("espeak"))
    with pytest.raises(TypeError, match="takes a str"):
        Article.from_text(b"bytes")
    with pytest.raises(InputError, match="not an http or https address"):
        Article.from_url("ftp://example.org/a")
    with pytest.raises(InputError, match="unknown audio format 'wav'"):
        narration.write_to(io.BytesIO(), format="wav")
    with pytest.raises(InputError, match="bitrate 33 kb/s is not one opus is written at") as raised:
        narration.save(tmp_path / "a.opus", bitrate=33)
    assert "--" not in str(raised.value)
    with pytest.raises(InputError, match="more than the limit of 10") as raised:
        Article.from_text(TEXT, format="markdown", max_chars=10)
    assert "--" not in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_importing_the_library_is_light_and_changes_no_global_state():
    import subprocess
    import sys

    code = (
        "import sys, warnings; before = list(warnings.filters); import briefing; "
        "from briefing import Article, narrate; "
        "print(warnings.filters == before, [m for m in ('numpy', 'av', 'mutagen') if m in sys.modules])"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "True []"
    assert set(briefing.__all__) >= {"Article", "narrate", "Narration", "BriefingError"}


def imports_of(module: Path, name: str, modules: set[str]) -> set[str]:
    """The briefing modules ``module`` (named ``name``) imports anywhere in it: at the top, inside functions,
    under TYPE_CHECKING; ``from briefing.x import y`` counts ``briefing.x.y`` when that is a module."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            package = name.split(".")[: len(name.split(".")) - (node.level - (module.name == "__init__.py"))]
            base = ".".join(package + [node.module or ""]).strip(".") if node.level else node.module or ""
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {i for i in found if i in modules and i != name}


def test_layers_hold_and_no_module_imports_in_a_cycle():
    paths = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): path
        for path in (ROOT / "briefing").rglob("*.py")
    }
    graph = {name: imports_of(path, name, set(paths)) for name, path in paths.items()}
    below = {  # what a part may not import: each layer knows only those beneath it
        "briefing.readers": (
            "briefing.article",
            "briefing.speech",
            "briefing.mastering",
            "briefing.publishing",
        ),
        "briefing.spoken": (
            "briefing.speech",
            "briefing.mastering",
            "briefing.formats",
            "briefing.publishing",
        ),
        "briefing.speech": (
            "briefing.mastering",
            "briefing.formats",
            "briefing.publishing",
            "briefing.narration",
        ),
        "briefing.mastering": ("briefing.publishing", "briefing.narration", "briefing.batch", "briefing.cli"),
        "briefing.formats": ("briefing.publishing", "briefing.narration", "briefing.batch", "briefing.cli"),
        "briefing.publishing": ("briefing.narration", "briefing.batch", "briefing.cli", "briefing.serve"),
        "briefing.batch": ("briefing.cli", "briefing.serve"),
        "briefing.serve": ("briefing.cli",),
    }
    for name, imported in graph.items():
        for part, forbidden in below.items():
            if name.startswith(part):
                assert not [i for i in imported if i.startswith(forbidden)], name
    visiting, done = set(), set()

    def visit(name, trail):
        assert name not in visiting, f"import cycle: {' -> '.join(trail + [name])}"
        if name in done:
            return
        visiting.add(name)
        for child in graph[name]:
            visit(child, trail + [name])
        visiting.discard(name)
        done.add(name)

    for name in graph:
        visit(name, [])


def test_no_warning_escapes_to_the_caller(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        article = Article.from_text("عنوان\nهذا خبر قصير للاختبار، وفيه جملة واحدة فقط لا غير.")
        narrate(article, voice=Voice("espeak"), cache=False).save(tmp_path / "a.mp3")


def test_the_manifest_is_typed_and_round_trips(narration, tmp_path):
    from briefing.publishing.manifest import Manifest, load_manifest

    narration.save(tmp_path / "a.opus")
    manifest = load_manifest(tmp_path / "a.json")
    assert isinstance(manifest, Manifest) and manifest.schema == 2
    assert manifest.audio.format == "opus" and manifest.audio.mime == "audio/ogg"
    assert [s.title for s in manifest.sections] == ["المقدمة", "تفاصيل المشروع", "ماذا ينتظر السكان"]
    assert set(manifest.files) == {"a.opus", "a.vtt", "a.srt"}
    assert Manifest.from_json(manifest.to_json()) == manifest


def test_an_older_or_foreign_manifest_gets_one_clear_error(tmp_path):
    from briefing.publishing.manifest import Manifest

    older = {
        "briefing_version": "0.1.0",
        "guid": "g",
        "created": "2024-01-01T00:00:00+00:00",
        "title": "t",
        "audio": {"file": "a.mp3"},
        "sections": [],
        "cues": [],
    }
    with pytest.raises(InputError, match=r"old\.json: is a briefing manifest of another version \(schema 1"):
        Manifest.from_json(json.dumps(older), "old.json")
    with pytest.raises(InputError, match="package.json: is not a briefing manifest"):
        Manifest.from_json('{"name": "site"}', "package.json")


def test_the_feed_lists_each_format_with_its_type(narration, tmp_path):
    from xml.etree import ElementTree

    from briefing.publishing.feed import Channel, write_feed

    for suffix in (".mp3", ".m4a", ".opus"):
        narration.save(tmp_path / f"news-{suffix[1:]}{suffix}")
    write_feed(tmp_path, Channel("https://example.org/news/"))
    items = ElementTree.parse(tmp_path / "feed.xml").findall("channel/item")
    types = sorted(item.find("enclosure").get("type") for item in items)
    assert types == ["audio/mp4", "audio/mpeg", "audio/ogg"]
    assert all(
        json.loads((tmp_path / f"news-{s}.chapters.json").read_text())["chapters"]
        for s in ("mp3", "m4a", "opus")
    )


def test_per_section_files_in_each_format(narration, tmp_path):
    published = narration.save(tmp_path / "a.opus", companions=Companions(per_section=True))
    names = sorted(p.name for p in published.sections_folder.iterdir())
    assert names == ["01-المقدمة.opus", "02-تفاصيل-المشروع.opus", "03-ماذا-ينتظر-السكان.opus"]
    for path, chapter in zip(sorted(published.sections_folder.iterdir()), narration.chapters):
        assert OggOpus(path)["TITLE"] == [chapter.title]


def test_a_five_hour_briefing_keeps_every_chapter(tmp_path):
    """ID3 counts a table of contents' entries in one byte: past 255 chapters the tables nest."""
    from briefing.assemble import TimedSection, Timeline
    from briefing.formats.base import Tags
    from briefing.formats.mp3 import Mp3

    sections = tuple(TimedSection(f"الجزء {n}", n * 1000.0, (n + 1) * 1000.0) for n in range(600))
    path = tmp_path / "long.mp3"
    Mp3().encode([bytes(2 * 16000 * 600)], 16000, 32, path)
    Mp3().tag(path, Tags(title="موجز طويل"), Timeline(sections, (), 600_000.0))
    read = chapters_read_back(path)
    assert [title for _, title in read] == [s.title for s in sections]
    assert [start for start, _ in read] == [n * 1.0 for n in range(600)]


@pytest.mark.parametrize("name", ["mp3", "m4a", "opus"])
def test_each_format_says_how_late_decoders_play_the_audio(tmp_path, name):
    """Clicks at known samples are heard, after an independent decoder (ffmpeg), ``delay`` samples later:
    what the timeline adds so that chapters and captions land on the voice."""
    import numpy as np

    from briefing.formats import audio_format
    from tests.conftest import ffmpeg as run_ffmpeg

    fmt, rate = audio_format(name), 22050
    samples = np.zeros(rate * 3, dtype=np.float32)
    clicks = (10_000, 30_000, 50_000)
    for at in clicks:
        samples[at : at + 50] = np.hanning(50) * 0.8
    path = tmp_path / f"clicks{fmt.suffix}"
    fmt.encode([(samples * 32767).astype("<i2").tobytes()], rate, fmt.default_bitrate, path)
    raw = tmp_path / "decoded.raw"
    run_ffmpeg("-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(rate), str(raw))
    heard = np.abs(np.frombuffer(raw.read_bytes(), dtype="<i2").astype(np.float32))
    for at in clicks:
        found = at - 3000 + int(np.argmax(heard[at - 3000 : at + 3000]))
        assert abs(found - at - fmt.delay(rate)) <= rate * 2 // 1000, (name, found - at, fmt.delay(rate))


def test_an_english_article_is_narrated_in_english_without_saying_so_twice(tmp_path):
    english = (
        "Markets rose sharply today after the central bank said it would keep interest rates on hold. "
        "Analysts expect more gains next week as investors return from the holidays."
    )
    narration = narrate(
        Article.from_text("Markets today\n" + english, lang="en"), voice=Voice("espeak"), cache=False
    )
    assert narration.lang == "en" and narration.cues[0].cue.text.startswith("Audio briefing")
    assert narrate(Article.from_text(TEXT), voice=Voice("espeak"), cache=False).lang == "ar"
    with pytest.raises(TypeError, match="write_to takes a binary file object"):
        narration.write_to(str(tmp_path / "out.mp3"))  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_every_error_travels_back_from_a_worker_whole():
    import pickle

    from briefing.errors import BriefingError
    from briefing.language import LanguageError

    for error in (LanguageError("the text sent", "fr", "ar"), BriefingError("too fast", option="rate")):
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and str(back) == str(error) and back.__dict__ == error.__dict__
