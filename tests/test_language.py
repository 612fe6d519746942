"""The language check and the narration's own phrases in the language spoken."""

import json

import pytest
from mutagen.id3 import ID3

from briefing.cli import cli
from briefing.errors import InputError
from briefing.language import PHRASES, LanguageError, check_language, phrases_for

ENGLISH = (
    "Markets rose sharply today after the central bank said it would keep interest rates on hold. "
    "Analysts expect more gains next week as investors return from the holidays."
)
ARABIC_WITH_LATIN = (
    "قال مسؤولون في حلف NATO إن طائرات F-16 وصلت إلى القاعدة الجوية صباح اليوم، "
    "وأعلنت شركة Facebook عن خدمة جديدة لمستخدمي iPhone في الشرق الأوسط."
)
FRENCH = (
    "Le projet de loi sur le renseignement a été massivement approuvé par l'Assemblée nationale mardi, "
    "malgré les critiques des associations de défense des libertés."
)
PERSIAN = "این یک متن فارسی است که درباره اقتصاد کشور و بازار سهام در هفته گذشته نوشته شده است و باید تشخیص داده شود."


def test_arabic_with_latin_names_and_acronyms_is_arabic():
    check_language(ARABIC_WITH_LATIN, "ar", "a.txt")


@pytest.mark.parametrize(
    ("text", "lang", "found"),
    [(ENGLISH, "ar", "en"), (FRENCH, "ar", "fr"), (PERSIAN, "ar", "fa"), (ARABIC_WITH_LATIN, "en", "ar")],
)
def test_a_text_in_another_language_is_refused(text, lang, found):
    with pytest.raises(LanguageError) as refused:
        check_language(text, lang, "a.txt")
    assert refused.value.found == found


def test_a_few_words_are_too_little_for_the_detector_but_not_for_the_script():
    check_language("Breaking news", "en", "a.txt")
    check_language("عاجل: NATO F-16", "ar", "a.txt")  # Arabic with Latin names, however short
    for short in ("Breaking news", "ok", "The meeting in Sirte ended with an agreement."):
        with pytest.raises(LanguageError) as refused:
            check_language(short, "ar", "a.txt")
        assert refused.value.found == "en"


def test_a_short_english_text_is_refused_with_the_hint_a_long_one_gets(runner, tmp_path):
    article = tmp_path / "news.txt"
    article.write_text("Breaking news\nThe meeting in Sirte ended with an agreement.\n", encoding="utf-8")
    result = runner.invoke(
        cli, ["generate", str(article), "-o", str(tmp_path / "n.mp3"), "--engine", "espeak"]
    )
    assert result.exit_code == 2
    assert "the text is English, not Arabic; pass --lang en to narrate it in English" in result.output
    assert list(tmp_path.iterdir()) == [article]


def test_every_language_has_every_phrase_and_no_other_script():
    assert {"ar", "en"} <= set(PHRASES)
    english = PHRASES["en"]
    spoken = [
        english.intro,
        english.outro,
        english.lead,
        english.album,
        english.count(3),
        english.story_label(2),
        english.story_label(12),
    ]
    assert not any("\u0600" <= ch <= "\u06ff" for text in spoken for ch in text)
    assert PHRASES["ar"].story_label(2) == "الخبر الثاني" and PHRASES["ar"].story_label(11) == "الخبر رقم 11"
    with pytest.raises(InputError, match="narrated in ar, en, not in 'fr'"):
        phrases_for("fr")


def test_an_english_article_is_refused_with_a_hint(runner, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ENGLISH, encoding="utf-8")
    result = runner.invoke(
        cli, ["generate", str(article), "--engine", "espeak", "-o", str(tmp_path / "a.mp3")]
    )
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {article}: the text is English, not Arabic; pass --lang en to narrate it in English\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt"]


def test_an_english_article_is_narrated_in_english_with_lang_en(runner, tmp_path):
    article = tmp_path / "markets.txt"
    article.write_text(
        f"Markets today\n{ENGLISH}\nWhat comes next\nTraders will watch the jobs report on Friday.\n",
        encoding="utf-8",
    )
    out = tmp_path / "markets.mp3"
    result = runner.invoke(
        cli, ["generate", str(article), "--lang", "en", "--engine", "espeak", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    spoken = [cue["text"] for cue in manifest["cues"]] + [
        section["title"] for section in manifest["sections"]
    ]
    assert not any("\u0600" <= ch <= "\u06ff" for text in spoken for ch in text), spoken
    assert (
        spoken[0] == "Audio briefing: Markets today." and manifest["sections"][0]["title"] == "Introduction"
    )
    tags = ID3(out)
    assert str(tags["TLAN"]) == "eng" and str(tags["TALB"]) == "Audio briefing"
    assert manifest["engine"]["lang"] == "en"


def test_sections_accepts_any_language_code(runner, tmp_path):
    article = tmp_path / "loi.txt"
    article.write_text(FRENCH, encoding="utf-8")
    assert runner.invoke(cli, ["sections", str(article), "--lang", "fr"]).exit_code == 0
    refused = runner.invoke(cli, ["sections", str(article)])
    assert (
        refused.exit_code == 2
        and "the text is French, not Arabic; pass --lang fr to read it as French" in refused.output
    )


def test_a_briefing_without_a_title_shows_its_first_words_never_a_file_name(runner, tmp_path):
    from briefing.article import Episode, parse_article

    article = tmp_path / "seed_article.txt"
    article.write_text(
        "أعلنت وزارة المياه اليوم الأحد تشغيل أكبر محطة لتحلية مياه البحر على الساحل الجنوبي، بطاقة "
        "إنتاجية كبيرة. وقال الوزير إن المحطة استغرق بناؤها ثلاث سنوات.\n",
        encoding="utf-8",
    )
    out = tmp_path / "a.mp3"
    result = runner.invoke(cli, ["generate", str(article), "-o", str(out), "--engine", "espeak"])
    assert result.exit_code == 0, result.output
    shown = "أعلنت وزارة المياه اليوم الأحد تشغيل أكبر محطة لتحلية مياه…"
    assert f"Warning: no title found; players will show «{shown}» (--title sets one)" in result.output
    assert str(ID3(out)["TIT2"]) == shown and len(shown) <= 60
    assert json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["title"] == shown
    short = Episode.of([parse_article("خبر قصير بلا عنوان.")])
    assert short.display_title == "خبر قصير بلا عنوان."
