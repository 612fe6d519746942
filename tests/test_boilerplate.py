"""The boilerplate filter's small functions, each alone: what they drop, and the article text they keep."""

import pytest

from briefing.readers import boilerplate
from briefing.readers.base import Block
from briefing.readers.html import clean_title, drop_empty_headings, is_sentence


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("شارك على فيسبوك", "share bar"),
        ("مشاركة", "share bar"),
        ("Share on Facebook", "share bar"),
        ("Share this article via WhatsApp", "share bar"),
        ("تويتر واتساب تلغرام", "share bar"),
        ("نشر في 12 مارس 2024 - 10:30 ص", "dateline"),
        ("Updated 14:05 GMT, 3 May 2024", "dateline"),
        ("منذ 3 ساعات", "dateline"),
        ("Published 2 hours ago", "dateline"),
        ("بقلم: سامي الخطيب", "byline"),
        ("By Jane Doe", "byline"),
        ("حوار: آسيا العتروس", "byline"),
        ("اقرأ أيضا: وزارة الثقافة تطلق منصة للكتب الرقمية", "read also"),
        ("اقرأ أيضاً", "read also"),
        ("Read more: City council approves new budget", "read also"),
        ("You Might Also Like", "read also"),
        ("أخبار ذات صلة", "read also"),
        ("Related stories", "read also"),
        ("Advertisement", "advertisement"),
        ("إعلان", "advertisement"),
        ("محتوى مدعوم", "advertisement"),
        ("تابعونا على تلغرام", "prompt"),
        ("Follow us on Twitter and Facebook", "prompt"),
        ("Sign up for our newsletter", "prompt"),
        ("إضافة تعليق جديد", "prompt"),
        ("اشترك في النشرة البريدية", "prompt"),
        ("جميع الحقوق محفوظة لصحيفة الأفق 2024", "legal"),
        ("Copyright 2024 The Daily Ledger. All rights reserved.", "legal"),
        ("Photo: Reuters/John Smith", "credit"),
        ("تصوير: أحمد سالم", "credit"),
        ("Getty Images", "credit"),
    ],
)
def test_junk_lines_are_named(line, kind):
    assert boilerplate.junk_line(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "قال الوزير إن المشروع سيكتمل في 2025.",
        "من جهته، قال المتحدث باسم الوزارة إن الأسعار ستبقى مستقرة.",
        "كتب الوزير في تغريدة على منصة إكس أن الحكومة ستدعم المزارعين المتضررين من الجفاف هذا العام.",
        "Shares in the company rose 5 percent on Monday.",
        "The union said nearly four in five members backed the deal.",
        "تابع الوزير حديثه قائلا إن الخطة تشمل كل المحافظات.",
        "وشارك في الاجتماع ممثلون عن عشرين دولة.",
        "In 2024, prices rose by 12 percent.",
    ],
)
def test_article_sentences_are_kept(line):
    assert boilerplate.junk_line(line) is None


def test_a_long_line_is_never_judged_by_its_words():
    long_line = "اقرأ أيضا " + "كلمة " * boilerplate.SHORT_LINE_WORDS
    assert boilerplate.junk_line(long_line) is None


def test_a_line_naming_the_author_is_a_byline_only_when_short():
    assert boilerplate.junk_line("سامي الخطيب - الأفق", author="سامي الخطيب") == "byline"
    assert (
        boilerplate.junk_line(
            "وقال سامي الخطيب إن البنك سيراجع قراره في الاجتماع المقبل.", author="سامي الخطيب"
        )
        is None
    )


@pytest.mark.parametrize(
    ("tag", "names", "junk"),
    [
        ("div", "share-buttons", True),
        ("ul", "socialLinks", True),
        ("span", "byline", True),
        ("div", "related_box", True),
        ("section", "comments-area", True),
        ("div", "ad-slot", True),
        ("div", "newsletter-signup", True),
        ("figure", "", True),
        ("aside", "", True),
        ("form", "", True),
        ("div", "article-body", False),
        ("div", "story-body", False),
        ("p", "lead", False),
        ("div", "field-label-hidden node-published", False),
        ("div", "adjacent headline", False),
    ],
)
def test_junk_elements_by_tag_and_names(tag, names, junk):
    assert boilerplate.junk_element(tag, names) is junk


@pytest.mark.parametrize(
    ("title", "site", "author", "clean"),
    [
        (
            "Obama admits gun laws frustrate him - BBC News",
            "BBC News",
            None,
            "Obama admits gun laws frustrate him",
        ),
        (
            "'What is the sea telling us?' | Eleanor Ainge Roy",
            "The Guardian",
            "Eleanor Ainge Roy",
            "'What is the sea telling us?'",
        ),
        ("عنوان الخبر | صحيفة الأفق", "صحيفة الأفق", None, "عنوان الخبر"),
        (
            "West Ham hrozí gigantům | Aktuálně.cz",
            "Aktuálně.cz - Víte, co se právě děje",
            None,
            "West Ham hrozí gigantům",
        ),
        (
            "Zimbabwe coup: Mugabe insists he finishes his term",
            "The Telegraph",
            None,
            "Zimbabwe coup: Mugabe insists he finishes his term",
        ),
        (None, "Site", None, None),
    ],
)
def test_titles_lose_the_site_and_author_around_them(title, site, author, clean):
    assert clean_title(title, site, author) == clean


def test_headings_with_nothing_under_them_are_dropped_with_a_note():
    blocks = [
        Block("paragraph", "نص."),
        Block("heading", "فارغ"),
        Block("heading", "عنوان"),
        Block("paragraph", "نص."),
        Block("heading", "إضافة تعليق جديد"),
    ]
    kept, notes = drop_empty_headings(blocks)
    assert [b.text for b in kept] == ["نص.", "عنوان", "نص."]
    assert notes == [
        "heading «فارغ» has no text under it; left out",
        "heading «إضافة تعليق جديد» has no text under it; left out",
    ]


def test_a_heading_that_ends_like_a_sentence_is_text():
    assert is_sentence("Fiona Parry issued a plea for people to stay away from the pills.")
    assert is_sentence("هل تنخفض الأسعار؟")
    assert not is_sentence("ردود فعل الأسواق")
