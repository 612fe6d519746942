"""The spoken form as a whole: lexicon files, vowel marks, what the engine is given and what the listener reads."""

import hashlib
import json
import re

import pytest

from briefing import Article, Pronunciation, Voice, narrate
from briefing.cli import cli
from briefing.spoken import Lexicon, LexiconError, SpokenForm, written_word_starts
from briefing.spoken.vowels import add_vowels, strip_marks

ARABIC_WORD = re.compile(r"[\u0621-\u064a][\u0621-\u064a\u064b-\u0652\u0670]*")


def test_a_lexicon_replaces_whole_words_also_behind_clitics_and_never_inside_a_word():
    words = Lexicon.load({"حفتر": "حَفْتَر", "ناتو": "نَاتُو", "الأونروا": "الأُونْرُوَا"}, environment=False)
    assert words.apply("قال حفتر إن") == "قال حَفْتَر إن"
    assert words.apply("وحفتر ولحفتر فبحفتر") == "وحَفْتَر ولحَفْتَر فبحَفْتَر"
    assert words.apply("الناتو وللناتو") == "النَاتُو وللنَاتُو"
    assert words.apply("الحفترية وحفترا") == "الحفترية وحفترا"  # inside a longer word: untouched
    assert words.apply("للأونروا") == "للأُونْرُوَا"


def test_the_longest_entry_wins_and_latin_entries_ignore_case():
    words = Lexicon.load(
        {"خليفة حفتر": "المشير خَلِيفَة حَفْتَر", "حفتر": "حَفْتَر", "NATO": "ناتو"}, environment=False
    )
    assert words.apply("قال خليفة  حفتر ثم حفتر") == "قال المشير خَلِيفَة حَفْتَر ثم حَفْتَر"
    assert words.apply("nato و Nato وNATO") == "ناتو و ناتو وناتو"


def test_a_lexicon_file_tsv_or_pls_and_a_bad_line_named_by_file_and_line(tmp_path, monkeypatch):
    tsv = tmp_path / "names.tsv"
    tsv.write_text("# newsroom names\nحفتر\tحَفْتَر\n\nالدبيبة\tالدُّبَيْبَة\n", encoding="utf-8")
    pls = tmp_path / "names.pls"
    pls.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<lexicon version="1.0" '
        'xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="ar">\n'
        "  <lexeme><grapheme>UN</grapheme><grapheme>U.N.</grapheme><alias>الأمم المتحدة</alias></lexeme>\n"
        "</lexicon>\n",
        encoding="utf-8",
    )
    words = Lexicon.load([tsv, pls], environment=False)
    assert words.apply("قال حفتر والدبيبة أمام UN") == "قال حَفْتَر والدُّبَيْبَة أمام الأمم المتحدة"
    assert [digest for _, digest in words.sources] == [
        hashlib.sha256(p.read_bytes()).hexdigest() for p in (tsv, pls)
    ]

    bad = tmp_path / "bad.tsv"
    bad.write_text("حفتر\tحَفْتَر\nسطر بلا فاصل\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=rf"^{re.escape(str(bad))}:2: expected written<TAB>spoken"):
        Lexicon.load(bad, environment=False)
    broken = tmp_path / "broken.pls"
    broken.write_text(
        "<lexicon xmlns='http://www.w3.org/2005/01/pronunciation-lexicon'>\n<lexeme>\n"
        "<grapheme>x</grapheme><phoneme>ks</phoneme></lexeme></lexicon>",
        encoding="utf-8",
    )
    with pytest.raises(LexiconError, match=rf"{re.escape(str(broken))}:2: a lexeme needs a <alias>"):
        Lexicon.load(broken, environment=False)
    with pytest.raises(LexiconError, match="cannot read the lexicon"):
        Lexicon.load(tmp_path / "missing.tsv", environment=False)

    monkeypatch.setenv("BRIEFING_LEXICON", str(tsv))
    assert Lexicon.load({"حفتر": "خليفة"}).apply("حفتر والدبيبة") == "خليفة والدُّبَيْبَة"  # given ones win


def test_vowel_marks_leave_no_word_espeak_says_without_a_vowel(example_txt):
    from briefing.speech.engines.espeak import EspeakEngine

    espeak = EspeakEngine()
    text = " ".join(example_txt.read_text(encoding="utf-8").split())

    def bare(words):
        return [w for w in words if not re.search(r"[aeiouAEIOU@]", espeak.phonemes(w))]

    written = ARABIC_WORD.findall(text)
    assert len(bare(written)) > len(written) // 20  # without marks, eSpeak says many words as consonants
    form = SpokenForm.for_engine("ar", offline=True)
    said = ARABIC_WORD.findall(
        " ".join(form(line) for line in example_txt.read_text(encoding="utf-8").splitlines())
    )
    assert len(said) >= len(written) and bare(said) == []


def test_words_written_with_marks_keep_them():
    marked = add_vowels("قال المشيرُ حَفْتَر إن الاتفاق نهائي")
    assert "حَفْتَر" in marked.split() and "المشيرُ" in marked.split()
    assert strip_marks(marked) == "قال المشير حفتر إن الاتفاق نهائي"


def test_online_engines_get_no_marks_and_vowels_can_be_turned_off():
    assert SpokenForm.for_engine("ar", offline=False).vowels is False
    assert (
        SpokenForm.for_engine("ar", offline=True, pronunciation=Pronunciation(vowels=False))("قال 3")
        == "قال ثلاثة"
    )
    assert SpokenForm.for_engine("ar", offline=False, pronunciation=Pronunciation(vowels=True)).vowels is True


def test_captions_start_where_the_written_words_are_said():
    # "بنسبة 35% اليوم" is said as 5 words; the written "35%" starts with «خمسة», "اليوم" with «اليوم»
    starts = written_word_starts(
        "بنسبة 35% اليوم", "بِنِسْبَةِ خمسة وثلاثين بالمئة اليوم", (0.0, 300.0, 600.0, 900.0, 1200.0)
    )
    assert starts == (0.0, 300.0, 1200.0)
    assert written_word_starts("قال", "قال", None) is None
    assert written_word_starts("قال", "قال شيئا", (0.0,)) is None


def test_a_per_cent_is_heard(tmp_path):
    def seconds(text):
        narration = narrate(
            Article.from_text(f"عنوان\nارتفعت الأسعار بنسبة {text} هذا العام."),
            voice=Voice("espeak"),
            cache=False,
        )
        sentence = next(timed for timed in narration.cues if timed.cue.kind == "sentence")
        return sentence.end_ms - sentence.start_ms, sentence.cue.spoken

    with_sign, spoken = seconds("35%")
    without, _ = seconds("35")
    assert "بالمئة" in strip_marks(spoken)
    assert with_sign > without + 300


def test_the_manifest_records_what_was_said_and_each_lexicon(tmp_path):
    lexicon = tmp_path / "names.tsv"
    lexicon.write_text("الواحة\tالوَاحَة\n", encoding="utf-8")
    article = Article.from_text("افتتاح محطة في مدينة الواحة\nبلغت الكلفة 95 مليون دولار في 2026-12-05.")
    narrate(article, voice=Voice("espeak"), cache=False, pronunciation=Pronunciation(lexicon=lexicon)).save(
        tmp_path / "a.mp3"
    )
    manifest = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert manifest["engine"]["vowels"] is True and manifest["engine"]["months"] == "latin"
    assert manifest["engine"]["lexicons"] == [
        {"source": str(lexicon), "sha256": hashlib.sha256(lexicon.read_bytes()).hexdigest()}
    ]
    sentence = next(cue for cue in manifest["cues"] if cue["kind"] == "sentence")
    assert sentence["text"] == "بلغت الكلفة 95 مليون دولار في 2026-12-05."
    assert "ديسمبر" in strip_marks(sentence["spoken"]) and not re.search(r"\d", sentence["spoken"])
    assert "2026-12-05" in (tmp_path / "a.vtt").read_text(
        encoding="utf-8"
    )  # the listener reads it as written


def test_sections_spoken_json_shows_exactly_what_the_engine_is_given(runner, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(
        "عنوان الخبر\n\nارتفع التضخم 35% في 2026. وقال حفتر إن الوضع مستقر.\n\nالتفاصيل 2\n\n"
        "بلغت الكلفة $5 مليارات.\n",
        encoding="utf-8",
    )
    lexicon = tmp_path / "names.tsv"
    lexicon.write_text("حفتر\tحَفْتَر\n", encoding="utf-8")
    result = runner.invoke(
        cli,
        [
            "sections",
            str(article),
            "--spoken",
            "--json",
            "--engine",
            "espeak",
            "--lexicon",
            str(lexicon),
            "--no-vowels",
        ],
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    lead, details = plan["sections"]
    assert lead["spoken"] == [
        "ارتفع التضخم خمسة وثلاثون بالمئة في ألفين وستة وعشرين. وقال حَفْتَر إن الوضع مستقر."
    ]
    assert details["heading_spoken"] == "التفاصيل اثنان" and details["spoken"] == [
        "بلغت الكلفة خمسة مليارات دولار."
    ]
    vowelled = runner.invoke(cli, ["sections", str(article), "--spoken", "--json", "--engine", "espeak"])
    assert json.loads(vowelled.output)["sections"][0]["spoken"][0] != lead["spoken"][0]
    bad = runner.invoke(cli, ["sections", str(article), "--spoken", "--lexicon", str(article)])
    assert bad.exit_code != 0 and f"{article}:1: expected written<TAB>spoken" in bad.output
    assert "Traceback" not in bad.output


def test_spoken_forms_are_kept_so_a_rerun_loads_no_vowel_model(tmp_path, monkeypatch):
    from briefing.cache import ClipCache
    from briefing.spoken import remembered, vowels

    calls = []
    real = vowels.add_vowels
    monkeypatch.setattr(vowels, "add_vowels", lambda text: calls.append(text) or real(text))
    cache = ClipCache(tmp_path / "cache")
    form = SpokenForm.for_engine("ar", offline=True)
    first = remembered(form, cache)("بلغت الكلفة 95 مليون دولار.")
    again = remembered(SpokenForm.for_engine("ar", offline=True), cache)("بلغت الكلفة 95 مليون دولار.")
    assert first == again and len(calls) == 1
    other = SpokenForm.for_engine(
        "ar", offline=True, pronunciation=Pronunciation(lexicon={"الكلفة": "التكلفة"})
    )
    assert (
        "التكلفة" in strip_marks(remembered(other, cache)("بلغت الكلفة 95 مليون دولار.")) and len(calls) == 2
    )
    assert remembered(form, None) is form


def test_prepare_loads_the_vowel_model_only_for_a_narration_that_will_use_it():
    """``prepare`` starts the model loading on its own thread (generate calls it while it imports the rest):
    for Arabic on an offline engine, never for an online one, another language or vowels turned off."""
    import subprocess
    import sys

    check = (
        "import sys, time\n"
        "from briefing.spoken import Pronunciation, prepare, vowels\n"
        "lang, offline, wanted = sys.argv[1], sys.argv[2] == '1', {'-': None, '0': False}[sys.argv[3]]\n"
        "prepare(lang, offline, Pronunciation(vowels=wanted))\n"
        "deadline = time.monotonic() + 20\n"
        "while vowels._model is None and time.monotonic() < deadline:\n"
        "    time.sleep(0.05)\n"
        "print(vowels._model is not None)\n"
    )
    for args, loaded in (
        (("ar", "1", "-"), True),
        (("ar", "0", "-"), False),
        (("en", "1", "-"), False),
        (("ar", "1", "0"), False),
    ):
        code = check if loaded else check.replace("+ 20", "+ 1")  # what must not load: a second is plenty
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
        assert out.stdout.strip() == str(loaded), (args, out.stderr)
