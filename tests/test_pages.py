"""Pages shaped like real news sites (tests/pages/): the article is spoken, the page around it is not.

Each page carries the junk its kind of site puts around and inside an article: menus built as lists,
share bars, bylines and datelines, captions and credits, "read also" and related boxes, ads, comment
forms, newsletter and follow prompts, a teaser article before the story, a caption set as <h1>.
"""

import json
from pathlib import Path

import pytest

from briefing.cli import cli

PAGES = Path(__file__).parent / "pages"

WATER = (
    "تشغيل أكبر محطة لتحلية مياه البحر على الساحل الجنوبي",
    [None, "كيف تعمل المحطة", "مخاوف بيئية"],
    ["بطاقة إنتاجية تبلغ مئتي ألف متر مكعب", "تقنية التناضح العكسي", "تقارير المراقبة ستنشر كل ثلاثة أشهر"],
)
BANK = (
    "البنك المركزي يبقي سعر الفائدة دون تغيير",
    [None, "ردود فعل الأسواق", "القروض العقارية"],
    ["عند خمسة ونصف في المئة", "صعد المؤشر العام", "أسعار القروض العقارية ستبقى على حالها"],
)
FAIR = (
    "معرض الكتاب الدولي يفتح أبوابه بمشاركة ثمانمئة دار نشر",
    [None, "أرقام الدورة"],
    ["ثمانمئة دار نشر من أربعين دولة", "تجاوز مليوني زائر", "للكتب الرقمية والمسموعة"],
)
BRIDGE = (
    "Harbour bridge reopens after two years of repairs",
    [None, "What changed on the bridge", "Traffic in the city centre"],
    ["cracks were found in two of its steel supports", "A new cycle lane", "restore their old routes"],
)
RAIL = (
    "Rail workers vote to end six-month pay dispute",
    [None, "What the deal means for passengers"],
    ["eleven days of strikes", "timetables would return to normal", "fares are due to rise again"],
)

AR_SITE_JUNK = ["الرئيسية", "سياسة", "اتصل بنا", "جميع الحقوق محفوظة", "صحيفة الأفق"]
EN_SITE_JUNK = ["Sport", "Weather", "Travel", "US & Canada", "Login using", "Terms of Use", "Copyright"]

CASES = [
    # (page, lang, (title, headings, article snippets), junk that must not be spoken)
    ("ar-no-article-menus", "ar", WATER, [*AR_SITE_JUNK, "الأكثر قراءة", "ارتفاع أسعار الذهب"]),
    (
        "ar-share-byline",
        "ar",
        BANK,
        [*AR_SITE_JUNK, "شارك", "فيسبوك", "مشاركة", "بقلم", "سامي الخطيب", "نشر في", "تابعونا", "تلغرام"],
    ),
    (
        "ar-read-also",
        "ar",
        FAIR,
        [*AR_SITE_JUNK, "اقرأ أيضا", "جائزة الرواية", "مكتبة المدينة", "منصة للكتب"],
    ),
    (
        "ar-comments",
        "ar",
        WATER,
        [*AR_SITE_JUNK, "التعليقات", "إضافة تعليق جديد", "قريتنا", "الاسم", "إرسال"],
    ),
    ("ar-two-articles", "ar", BANK, [*AR_SITE_JUNK, "موسم الزيتون"]),
    ("ar-caption-h1", "ar", FAIR, [*AR_SITE_JUNK, "جناح ضيف الشرف صباح الافتتاح", "تصوير", "المصدر: وكالات"]),
    ("ar-cp1256-ads", "ar", WATER, [*AR_SITE_JUNK, "إعلان", "محتوى مدعوم", "العطلات الصيفية"]),
    ("ar-h3-breadcrumbs", "ar", BANK, [*AR_SITE_JUNK, "اقتصاد", "›"]),
    (
        "en-menus-share",
        "en",
        BRIDGE,
        [*EN_SITE_JUNK, "Share on", "Email", "Advertisement", "You Might Also Like", "Daily Ledger"],
    ),
    (
        "en-byline-newsletter",
        "en",
        RAIL,
        [*EN_SITE_JUNK, "By Jane Doe", "Updated 14:05", "Sign up", "newsletter", "Follow us"],
    ),
    (
        "en-related-captions",
        "en",
        BRIDGE,
        [
            *EN_SITE_JUNK,
            "The bridge at dawn",
            "Reuters",
            "Getty",
            "Read more",
            "Related stories",
            "Tunnel works",
            "Ferry prices",
        ],
    ),
    (
        "en-no-article-comments",
        "en",
        RAIL,
        [*EN_SITE_JUNK, "Markets close higher", "Storm warning", "Leave a comment", "Post", "Metro Wire"],
    ),
]


def spoken(plan: dict) -> str:
    return "\n".join(
        [plan["title"] or ""]
        + [
            line
            for s in plan["sections"]
            for line in ([s["heading"]] if s["heading"] else []) + s["paragraphs"]
        ]
    )


@pytest.mark.parametrize(("page", "lang", "article", "junk"), CASES, ids=[case[0] for case in CASES])
def test_the_article_is_spoken_and_nothing_around_it(runner, page, lang, article, junk):
    title, headings, snippets = article
    result = runner.invoke(cli, ["sections", str(PAGES / f"{page}.html"), "--json", "--lang", lang])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output[result.output.index("{") :])  # after any warning
    assert plan["title"] == title
    assert [section["heading"] for section in plan["sections"]] == headings
    text = spoken(plan)
    for snippet in snippets:
        assert snippet in text
    for snippet in junk:
        assert snippet not in text, f"{snippet!r} would be spoken"


def test_the_corpus_has_at_least_twelve_pages_six_of_them_arabic():
    assert len(CASES) >= 12 and sum(lang == "ar" for _, lang, _, _ in CASES) >= 6
    assert sorted(p.stem for p in PAGES.glob("*.html")) == sorted(case[0] for case in CASES)


def test_a_cp1256_page_without_a_charset_is_decoded(runner):
    result = runner.invoke(cli, ["sections", str(PAGES / "ar-cp1256-ads.html")])
    assert result.exit_code == 0 and "(html, cp1256)" in result.output


def test_metadata_is_read_from_the_page(runner):
    result = runner.invoke(cli, ["sections", str(PAGES / "ar-share-byline.html"), "--json"])
    metadata = json.loads(result.output)["metadata"]
    assert metadata == {
        "title": BANK[0],
        "author": "سامي الخطيب",
        "site": "alofoq.example",
        "date": "2024-03-12",
        "language": "ar",
        "url": "https://alofoq.example/economy/central-bank-rates",
    }


def test_an_empty_heading_is_left_out_with_a_warning_not_a_refusal(runner):
    result = runner.invoke(cli, ["sections", str(PAGES / "en-menus-share.html"), "--lang", "en"])
    assert result.exit_code == 0
    assert (
        "Warning: " in result.output
        and "«Login using your social network» has no text under it" in result.output
    )
