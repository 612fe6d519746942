import pytest

from briefing.article import Episode, parse_article
from briefing.language import PHRASES
from briefing.script import Pauses, build_script
from briefing.text import split_sentences

INTRO_PHRASE, OUTRO_PHRASE = PHRASES["ar"].intro, PHRASES["ar"].outro


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("هل انتهى الاجتماع؟ نعم انتهى.", ["هل انتهى الاجتماع؟", "نعم انتهى."]),
        ("بلغت الكلفة 95 مليونا؛ وهي كبيرة", ["بلغت الكلفة 95 مليونا؛", "وهي كبيرة"]),
        ("قال الوزير: الأمر محسوم! وانتهى", ["قال الوزير:", "الأمر محسوم!", "وانتهى"]),
        (
            "ارتفع بنسبة 3.5 في المئة عند الساعة 10:30 صباحا.",
            ["ارتفع بنسبة 3.5 في المئة عند الساعة 10:30 صباحا."],
        ),
        ("قال «انتهى الأمر.» ثم غادر", ["قال «انتهى الأمر.»", "ثم غادر"]),
        ("Prices rose. Did they? Yes", ["Prices rose.", "Did they?", "Yes"]),
        (
            "Dr. Smith met Gen. Haftar on Jan. 5. He left.",
            ["Dr. Smith met Gen. Haftar on Jan. 5.", "He left."],
        ),
        (
            "The U.S. and the U.K. agreed at 10 a.m. on Monday. It rose in the U.S. The next day it fell.",
            [
                "The U.S. and the U.K. agreed at 10 a.m. on Monday.",
                "It rose in the U.S.",
                "The next day it fell.",
            ],
        ),
        (
            "قال د. محمد إن النمو بلغ 3.5%. 5 أشخاص قتلوا.",
            ["قال د. محمد إن النمو بلغ 3.5%.", "5 أشخاص قتلوا."],
        ),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_script_has_intro_headings_with_pauses_sentences_and_outro():
    article = parse_article("العنوان الرئيسي\nجملة أولى. جملة ثانية.\nالعنوان الفرعي\nجملة ثالثة.")
    pauses = Pauses(chime=False)
    cues = build_script(Episode.of([article]), pauses)
    kinds = [c.kind for c in cues]
    assert cues[0].kind == "intro" and cues[0].text == f"{INTRO_PHRASE}: العنوان الرئيسي."
    assert cues[-1].kind == "outro" and cues[-1].text == OUTRO_PHRASE
    heading = kinds.index("heading")
    assert cues[heading].text == "العنوان الفرعي"
    assert cues[heading - 1].pause_ms == pauses.section and cues[heading + 1].pause_ms == pauses.after_heading
    assert [c.text for c in cues if c.kind == "sentence"] == ["جملة أولى.", "جملة ثانية.", "جملة ثالثة."]
    assert [c.section for c in cues if c.kind == "sentence"] == [0, 0, 1]
    # never two sounds without a pause between them
    assert all(not (a.voiced and b.voiced) for a, b in zip(cues, cues[1:]))


def test_a_chime_sits_in_the_middle_of_the_pause_between_sections():
    article = parse_article("العنوان\nجملة أولى.\nالعنوان الفرعي\nجملة ثانية.")
    cues = build_script(Episode.of([article]), Pauses(section=1200))
    chime = [c.kind for c in cues].index("chime")
    assert [c.pause_ms for c in cues[chime - 1 : chime + 2] if c.kind == "pause"] == [600, 600]
    assert cues[chime + 2].kind == "heading" and cues[chime].section == 0 and cues[chime + 2].section == 1
    assert [c.kind for c in build_script(Episode.of([article]), Pauses(chime=False))].count("chime") == 0


def test_intro_without_title():
    cues = build_script(Episode.of([parse_article("خبر قصير بلا عنوان.")]))
    assert cues[0].text == f"{INTRO_PHRASE}."


def test_an_episode_announces_its_stories_each_by_title():
    first = parse_article("الخبر الأول هنا\nجملة من الخبر الأول.\nعنوان فرعي\nجملة أخرى.")
    second = parse_article("جملة من خبر بلا عنوان.")
    cues = build_script(Episode.of([first, second], "موجز اليوم"), Pauses(section=1000))
    spoken = [(c.kind, c.text) for c in cues if c.voiced]
    assert spoken[0] == ("intro", f"{INTRO_PHRASE}: موجز اليوم. في هذا الموجز خبران.")
    assert ("story", "الخبر الأول: الخبر الأول هنا.") in spoken
    assert ("story", "الخبر الثاني: جملة من خبر بلا عنوان.") in spoken  # an untitled story by its first words
    second_story = [c.kind for c in cues].index("story", 3)
    # a longer break, with the chime, between stories
    assert [c.kind for c in cues[second_story - 3 : second_story]] == ["pause", "chime", "pause"]
    assert cues[second_story - 1].pause_ms == 750
    assert [s.label for s in Episode.of([first, second]).sections] == [
        "الخبر الأول هنا",
        "عنوان فرعي",
        "جملة من خبر بلا عنوان.",
    ]


@pytest.mark.parametrize(
    ("count", "phrase"), [(1, "خبر واحد"), (2, "خبران"), (3, "3 أخبار"), (10, "10 أخبار"), (11, "11 خبرا")]
)
def test_stories_phrase(count, phrase):
    assert PHRASES["ar"].count(count) == f"في هذا الموجز {phrase}"
