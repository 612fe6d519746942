import re

import pytest

from briefing.text import (
    clean,
    collapse_whitespace,
    cut_cost,
    plain_quotes,
    remove_tatweel,
    split_for_limit,
    strip_direction_controls,
    strip_zero_width,
    unescape_entities,
)


def test_unescape_entities():
    assert unescape_entities("الأسهم &amp; السندات&nbsp;&#1605;") == "الأسهم & السندات\u00a0م"


def test_strip_direction_controls():
    assert strip_direction_controls("\u200fمرحبا\u202a 2026\u202c\u2066!\u2069\u061c") == "مرحبا 2026!"


def test_strip_zero_width():
    assert strip_zero_width("\ufeffكل\u200cمة\u200b") == "كلمة"


def test_remove_tatweel():
    assert remove_tatweel("الســـلام") == "السلام"


def test_plain_quotes():
    assert plain_quotes("«نعم» “yes” ‘y’") == '"نعم" "yes" \'y\''


def test_collapse_whitespace():
    assert collapse_whitespace("  سطر\u00a0أول\r\n\tثان  ") == "سطر أول ثان"


def test_clean_runs_every_step():
    assert clean("\u200fالســلام&nbsp; «عليكم»\u200b\r\n") == 'السلام "عليكم"'


LONG = (
    "وأضاف المتحدث باسم الوزارة، في مؤتمر صحفي عقده مساء اليوم في العاصمة، أن الحكومة ستعلن "
    "خلال الأسابيع المقبلة عن حزمة من الإجراءات الاقتصادية الجديدة؛ تهدف إلى دعم الأسر محدودة الدخل "
    "وتشجيع الاستثمار في القطاعات الإنتاجية دون أن تثقل كاهل الموازنة العامة للدولة بمزيد من الديون"
)


@pytest.mark.parametrize("limit", [20, 50, 100])
def test_split_for_limit_respects_limit_and_words(limit):
    chunks = split_for_limit(LONG, limit)
    assert all(len(c) <= limit for c in chunks)
    assert " ".join(chunks).split() == LONG.split()  # no word lost, none cut


def test_split_for_limit_prefers_phrase_punctuation():
    chunks = split_for_limit(LONG, 100)
    assert chunks[0].endswith("،")  # the first cut falls at a comma, not mid-phrase
    assert any(c.endswith("؛") for c in chunks)


def test_split_for_limit_keeps_short_text_whole():
    assert split_for_limit("جملة قصيرة، وأخرى.", 100) == ["جملة قصيرة، وأخرى."]


def test_split_for_limit_cuts_only_an_overlong_word():
    assert split_for_limit("كلمة " + "ب" * 25, 10) == ["كلمة", "ب" * 10, "ب" * 10, "ب" * 5]
    assert all(re.fullmatch(r"\S+( \S+)*", c) for c in split_for_limit(LONG, 30))


def test_cut_cost_ranks_where_a_cut_may_fall():
    costs = [
        cut_cost("اليوم.", "وقال"),  # after a sentence
        cut_cost("الوزارة،", "أن"),  # after a comma
        cut_cost("الإجراءات", "في"),  # before a preposition
        cut_cost("الإجراءات", "الجديدة"),  # inside a phrase
        cut_cost("18", "شهرا"),  # between a number and what it counts
    ]
    assert costs == sorted(costs) and len(set(costs)) == len(costs)
    assert cut_cost("خلال", "12") == cut_cost("18", "شهرا")


def test_split_for_limit_keeps_a_number_with_what_it_counts():
    text = "أعلنت اللجنة المنظمة أن أعمال الترميم في المتحف الوطني ستستمر خلال 12 إلى 18 شهرا على الأقل"
    chunks = split_for_limit(text, 75)
    assert any("12 إلى 18 شهرا" in chunk for chunk in chunks)


def test_split_for_limit_makes_few_cuts_rather_than_a_tiny_chunk():
    # cutting first at the comma would leave "وفي المقابل،" alone and still need a cut inside the rest
    text = (
        "وفي المقابل، قالت رئيسة البلدية في مؤتمر صحفي إن أعمال الصيانة في الشوارع الرئيسية ستبدأ "
        "الأسبوع المقبل وتنتهي قبل بداية العام الدراسي الجديد"
    )
    chunks = split_for_limit(text, 100)
    assert len(chunks) == 2 and min(len(c) for c in chunks) > 30


def test_split_for_limit_prefers_two_commas_to_a_cut_inside_a_phrase():
    text = (
        "افتتحت البلدية صباح اليوم حديقة عامة جديدة، تضم ملاعب للأطفال ومسارا للدراجات، "
        "وقد حضر الافتتاح عدد كبير من سكان الحي"
    )
    assert [c[-1] for c in split_for_limit(text, 60)][:2] == ["،", "،"]
