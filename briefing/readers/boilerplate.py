"""What a news page carries around its article and no listener wants to hear, in Arabic and English.

Two kinds of test, each a small pure function: ``junk_element`` judges a page element by its tag and its
class, id and role names (share bars, bylines, related boxes, comment forms...), ``junk_line`` judges a
short line of text by its words ("شارك على فيسبوك", "بقلم: ...", "Advertisement", "تابعونا على
تلغرام"). Extraction libraries find the article; these catch what they keep inside it.
"""

from __future__ import annotations

import re

SHORT_LINE_WORDS = 14
"""Only lines this short are judged by their words: article sentences are longer and never dropped."""

JUNK_TAGS = frozenset(
    {
        "aside",
        "figure",
        "figcaption",
        "form",
        "nav",
        "footer",
        "button",
        "iframe",
        "noscript",
        "script",
        "style",
        "template",
        "svg",
        "select",
        "textarea",
        "input",
        "label",
        "time",
    }
)
"""Elements that never hold article text: captions, boxes beside the text, forms, navigation."""

JUNK_NAMES = frozenset(
    {
        "share",
        "sharing",
        "sharebar",
        "social",
        "socials",
        "sharethis",
        "addthis",
        "byline",
        "bylines",
        "author",
        "authors",
        "dateline",
        "timestamp",
        "pubdate",
        "related",
        "readmore",
        "recommended",
        "recommendations",
        "teaser",
        "teasers",
        "trending",
        "popular",
        "newsletter",
        "subscribe",
        "subscription",
        "signup",
        "follow",
        "comment",
        "comments",
        "disqus",
        "advert",
        "advertisement",
        "ad",
        "ads",
        "adslot",
        "dfp",
        "sponsor",
        "sponsored",
        "promo",
        "outbrain",
        "taboola",
        "caption",
        "credit",
        "credits",
        "breadcrumb",
        "breadcrumbs",
        "tags",
        "toolbar",
        "sidebar",
        "widget",
        "banner",
        "cookie",
        "cookies",
        "consent",
    }
)
"""Words in class, id and role names that mark an element as not article text."""

_NAME_SPLIT = re.compile(r"[^a-z]+")


def junk_names(names: str) -> bool:
    """Whether class, id or role ``names`` (as written in the page) mark boilerplate: any word of them
    (split at dashes, underscores and camel case) is a known junk word."""
    words = _NAME_SPLIT.split(re.sub(r"([a-z])([A-Z])", r"\1 \2", names).lower())
    return any(word in JUNK_NAMES for word in words)


def junk_element(tag: str, names: str) -> bool:
    """Whether an element with this ``tag`` and these class/id/role ``names`` holds no article text."""
    return tag in JUNK_TAGS or (bool(names) and junk_names(names))


_WORD = re.compile(r"\w+")

SHARE_WORDS = frozenset(
    """
share shares shared sharing tweet email e-mail print copy link facebook twitter x whatsapp telegram linkedin
pinterest reddit messenger on via this article story the to with comment comments save
شارك مشاركة شاركوا انشر نشر المقال الخبر الرابط نسخ طباعة اطبع البريد الإلكتروني الالكتروني عبر على في فيسبوك
فيس بوك تويتر إكس اكس واتساب واتس اب تلغرام تيليجرام تليجرام لينكدإن لينكد إن ماسنجر
""".split()
)

_PHRASES = (
    # (kind, the whole line, at most this many words)
    (
        "byline",
        r"(?:by|written by|reporting by|بقلم|كتب|كتبت|حوار|إعداد|اعداد|تقرير|متابعة|ترجمة|تحرير|مراسل|مراسلة)"
        r"\s*[:：\-–]?\s+\S.*",
        6,
    ),
    (
        "read also",
        r"(?:read (?:also|more|next)|related(?: stories| articles| news| content| topics)?|see also|"
        r"more (?:on|from|about) (?:this|the)\b.*|you (?:might|may) (?:also )?like|recommended(?: for you)?|"
        r"most (?:read|popular)|(?:اقرأ|إقرأ|اقرا|طالع|شاهد)\s*(?:أيضا|أيضًا|أيضاً|ايضا|كذلك|المزيد|:)|"
        r"المزيد من|(?:مواضيع|أخبار|اخبار|مقالات)? ?ذات صلة|الأكثر قراءة|الاكثر قراءة)\b.*",
        SHORT_LINE_WORDS,
    ),
    (
        "advertisement",
        r"(?:advertisement|advert|ad|sponsored(?: content)?|paid content|إعلان|اعلان|محتوى مدعوم|"
        r"محتوى ممول|مساحة إعلانية)",
        3,
    ),
    (
        "prompt",
        r".*(?:follow us|follow @|subscribe|sign up|newsletter|join us on|download (?:our|the) app|"
        r"get the app|leave a comment|add a comment|post a comment|comments? \(\d+\)|click here|"
        r"تابعونا|تابعوا|تابعنا|اشترك|اشتركوا|النشرة البريدية|النشرة الإخبارية|حمّل تطبيق|حمل تطبيق|"
        r"انضم إلى|انضموا|إضافة تعليق|اضافة تعليق|أضف تعليق|اضف تعليق|اترك تعليق|التعليقات|اضغط هنا|"
        r"انقر هنا).*",
        10,
    ),
    (
        "legal",
        r".*(?:copyright|all rights reserved|©|جميع الحقوق محفوظة|الحقوق محفوظة|حقوق النشر).*",
        SHORT_LINE_WORDS,
    ),
    (
        "credit",
        r"(?:photo|photograph|image|picture|credit|source|video|getty images|reuters|afp|ap|epa|"
        r"صورة|الصورة|صور|تصوير|المصدر|مصدر الصورة|فيديو|أرشيفية|ارشيفية)\s*(?:[:：/|©\-–(]|by\b).*"
        r"|.*(?:©|getty images|shutterstock|\(photo\)|\(صورة\)).*",
        10,
    ),
)
_JUNK_LINE = [
    (kind, re.compile(rf"^\W*{pattern}\W*$", re.IGNORECASE), most) for kind, pattern, most in _PHRASES
]

MONTHS = frozenset(
    """
january february march april may june july august september october november december jan feb mar apr jun jul
aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
am pm gmt utc est edt bst cet updated published posted last modified on at ago hours hour minutes minute mins
days day h min
يناير فبراير مارس أبريل ابريل مايو يونيو يوليو أغسطس اغسطس سبتمبر أكتوبر اكتوبر نوفمبر ديسمبر كانون الثاني
الأول شباط آذار اذار نيسان أيار ايار حزيران تموز آب اب أيلول ايلول تشرين جانفي فيفري أفريل ماي جوان جويلية أوت
السبت الأحد الاحد الإثنين الاثنين الثلاثاء الأربعاء الاربعاء الخميس الجمعة نشر نشرت في تاريخ النشر آخر اخر
تحديث
تم التحديث منذ ساعة ساعتين ساعات دقيقة دقائق دقيقتين يوم يومين أيام ايام صباحا مساء مساءً ص م بتوقيت مكة غرينتش
""".split()
)
"""Words a dateline is made of, besides digits."""


def junk_line(text: str, author: str | None = None) -> str | None:
    """Why a short line of text is not article text (``"share bar"``, ``"byline"``, ``"dateline"``,
    ``"read also"``, ``"advertisement"``, ``"prompt"``, ``"legal"``, ``"credit"``), or None when it may be."""
    words = [word.lower() for word in _WORD.findall(text)]
    if not words:
        return "no words"
    if len(words) > SHORT_LINE_WORDS:
        return None
    if is_share_bar(words):
        return "share bar"
    if is_dateline(words):
        return "dateline"
    if author and is_byline_of(text, author):
        return "byline"
    for kind, pattern, most in _JUNK_LINE:
        if len(words) <= most and pattern.match(text.strip()):
            return kind
    return None


def is_share_bar(words: list[str]) -> bool:
    """A line made of sharing words and social network names: "Share on Facebook", «شارك عبر واتساب»."""
    return sum(word in SHARE_WORDS for word in words) >= 0.7 * len(words) and any(
        word in SHARE_WORDS - {"on", "via", "this", "the", "to", "with", "على", "في", "عبر", "من"}
        for word in words
    )


def is_dateline(words: list[str]) -> bool:
    """A line made of dates and times: "Updated 14:05 GMT, 3 May 2024", «نشر في 12 مارس 2024 - 10:30 ص»."""
    dated = [word for word in words if word in MONTHS or word.isdigit()]
    return any(word.isdigit() for word in words) and len(words) - len(dated) <= 1 and len(dated) >= 2


def is_byline_of(text: str, author: str) -> bool:
    """A short line that names the article's author and little else: "By Jane Doe", «بقلم: جين دو»."""
    names = [word.lower() for word in _WORD.findall(author)]
    words = [word.lower() for word in _WORD.findall(text)]
    return bool(names) and all(name in words for name in names) and len(words) <= len(names) + 4
