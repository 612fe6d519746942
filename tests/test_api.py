"""The library's own surface: few, typed, checked arguments, refused at once with the parameter's name."""

import inspect
import io
import math

import pytest

import briefing
from briefing import Article, BriefingError, Companions, Episode, InputError, Pronunciation, Voice, narrate
from briefing.narration import Narration

TEXT = "موجز الطاقة\n\nافتتحت الحكومة اليوم محطة جديدة للطاقة الشمسية في الجنوب."


def test_narrate_and_save_take_a_handful_of_arguments_each():
    for function in (narrate, Narration.save, Narration.write_to):
        assert len(inspect.signature(function).parameters) <= 8, function
    assert {"Voice", "Pronunciation", "Companions", "Pauses", "Article", "Episode"} <= set(briefing.__all__)


@pytest.mark.parametrize(
    "make, parameter",
    [
        (lambda: Voice(rate=0), "rate must be a number from 0.5 to 2.0"),
        (lambda: Voice(rate=-1), "rate must be a number"),
        (lambda: Voice(rate=math.nan), "rate must be a number"),
        (lambda: Voice(rate="fast"), "rate must be a number"),  # type: ignore[arg-type]
        (lambda: Voice(rate=True), "rate must be a number"),
        (lambda: Voice(engine="say"), "engine must be one of auto, gtts, espeak, piper, edge, not 'say'"),
        (lambda: Voice(sample_rate=8000), "sample_rate must be one of 16000"),
        (lambda: Voice(requests=0), "requests must be a whole number from 1 to 64"),
        (lambda: Voice(speaker=-1), "speaker must be a whole number"),
        (lambda: Voice(retry_deadline=0), "retry_deadline must be a number from 1.0 to 3600.0 seconds"),
        (lambda: Pronunciation(months="gregorian"), "months must be one of: latin, syriac"),
        (lambda: Pronunciation(vowels="yes"), "vowels must be True, False or None"),  # type: ignore[arg-type]
        (lambda: Companions(embed_audio=True), "embed_audio puts the audio inside the listening page"),
        (lambda: Companions(page="yes"), "page must be True or False"),  # type: ignore[arg-type]
    ],
)
def test_every_value_the_command_line_refuses_the_api_refuses_by_its_parameter_name(make, parameter):
    with pytest.raises(InputError, match=parameter.replace("(", r"\(").replace(")", r"\)")) as raised:
        make()
    assert "--" not in str(raised.value)
    assert isinstance(raised.value, BriefingError)


def test_wrong_kinds_fail_at_once_with_a_type_error(tmp_path):
    article = Article.from_text(TEXT)
    with pytest.raises(TypeError, match="voice=Voice"):
        narrate(article, voice="espeak")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="pronunciation=Pronunciation"):
        narrate(article, pronunciation={"vowels": False})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        narrate(article, engine="espeak")  # type: ignore[call-arg]
    narration = narrate(article, voice=Voice("espeak"), cache=False)
    with pytest.raises(TypeError, match="write_to takes a binary file object"):
        narration.write_to("x.mp3")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="formats must be a list"):
        narration.save(tmp_path / "a.mp3", formats="opus")
    assert list(tmp_path.iterdir()) == []


def test_an_english_article_is_narrated_in_english_and_its_feed_says_so(tmp_path):
    from xml.etree import ElementTree

    from briefing.publishing.feed import Channel, write_feed

    english = "Markets today\n\nShares rose by 3% on Monday as the central bank kept its rate unchanged."
    narration = narrate(Article.from_text(english, lang="en"), voice=Voice("espeak"), cache=False)
    assert narration.lang == "en" and narration.voice.endswith(" en")
    narration.save(tmp_path / "markets.mp3")
    feed = write_feed(tmp_path, Channel(base_url="https://example.org/news/"))
    assert ElementTree.parse(feed.path).getroot().findtext("channel/language") == "en"


def test_an_episode_carries_its_title_and_write_to_goes_through_the_same_mastering(tmp_path):
    first, second = (
        Article.from_text(TEXT),
        Article.from_text("عنوان ثان\n\nارتفعت أسعار القمح بنسبة 5% هذا الأسبوع."),
    )
    narration = narrate(Episode.of([first, second], title="موجز اليوم"), voice=Voice("espeak"), cache=False)
    assert narration.episode.title == "موجز اليوم" and len(narration.episode.articles) == 2
    stream = io.BytesIO()
    narration.write_to(stream, format="opus")
    saved = narration.save(tmp_path / "a.opus", companions=Companions(subtitles=False, manifest=False))
    assert (
        stream.getvalue()[:4] == b"OggS" and abs(len(stream.getvalue()) - saved.audio.stat().st_size) < 2048
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.opus"]
