"""The spoken form's rules, each function alone, table-driven: what the engine is given for what is written."""

import re
import unicodedata

import pytest

from briefing.spoken import arabic, arabic_dates, english, web
from briefing.spoken.arabic_numbers import Noun, cardinal, counted, decimal, digits, ordinal

CARDINALS = [
    (0, {}, "صفر"),
    (1, {}, "واحد"),
    (2, {}, "اثنان"),
    (2, {"genitive": True}, "اثنين"),
    (3, {}, "ثلاثة"),
    (3, {"feminine": True}, "ثلاث"),
    (10, {"feminine": True}, "عشر"),
    (11, {}, "أحد عشر"),
    (11, {"feminine": True}, "إحدى عشرة"),
    (12, {"genitive": True}, "اثني عشر"),
    (21, {"feminine": True}, "إحدى وعشرون"),
    (35, {}, "خمسة وثلاثون"),
    (35, {"genitive": True}, "خمسة وثلاثين"),
    (100, {}, "مئة"),
    (200, {}, "مئتان"),
    (300, {}, "ثلاثمئة"),
    (1950, {"genitive": True}, "ألف وتسعمئة وخمسين"),
    (2000, {}, "ألفان"),
    (2026, {}, "ألفان وستة وعشرون"),
    (3000, {}, "ثلاثة آلاف"),
    (11000, {}, "أحد عشر ألفًا"),
    (200000, {}, "مئتا ألف"),
    (1000000, {"genitive": True}, "مليون"),
    (3500000, {}, "ثلاثة ملايين وخمسمئة ألف"),
    (12000000, {}, "اثنا عشر مليونًا"),
    (2000000000, {}, "ملياران"),
    (-4, {}, "سالب أربعة"),
]


@pytest.mark.parametrize("n, how, said", CARDINALS)
def test_cardinal(n, how, said):
    assert cardinal(n, **how) == said


DOLLAR = Noun("دولار", "دولاران", "دولارات", adjective="أمريكي")
LIRA = Noun("ليرة", "ليرتان", "ليرات", True, "تركية")


@pytest.mark.parametrize(
    "n, noun, said",
    [
        (1, DOLLAR, "دولار أمريكي واحد"),
        (2, DOLLAR, "دولاران أمريكيان"),
        (3, DOLLAR, "ثلاثة دولارات أمريكية"),
        (11, DOLLAR, "أحد عشر دولارًا أمريكيًا"),
        (200, DOLLAR, "مئتا دولار أمريكي"),
        (2000, DOLLAR, "ألفا دولار أمريكي"),
        (1, LIRA, "ليرة تركية واحدة"),
        (2, LIRA, "ليرتان تركيتان"),
        (3, LIRA, "ثلاث ليرات تركية"),
        (25, LIRA, "خمس وعشرون ليرةً تركيةً"),
        (103, LIRA, "مئة وثلاث ليرات تركية"),
    ],
)
def test_counted_nouns_agree_with_their_number(n, noun, said):
    assert counted(n, noun) == said


def test_decimals_digits_and_ordinals():
    assert decimal("3.5") == "ثلاثة فاصلة خمسة"
    assert decimal("0.05") == "صفر فاصلة صفر خمسة"
    assert decimal("4.25") == "أربعة فاصلة خمسة وعشرون"
    assert digits("0912") == "صفر تسعة واحد اثنان"
    assert [ordinal(n) for n in (1, 5, 11, 21, 30)] == [
        "الأول",
        "الخامس",
        "الحادي عشر",
        "الحادي والعشرون",
        "الثلاثون",
    ]
    assert ordinal(11, feminine=True) == "الحادية عشرة"
    assert [ordinal(n, oblique=True) for n in (5, 21, 30)] == ["الخامس", "الحادي والعشرين", "الثلاثين"]


ARABIC = [
    # digits of every script, decimal and thousands marks
    (arabic.western_digits, "٣٥ و۴۲", "35 و42"),
    (arabic.western_digits, "٤٫٥ و١٬٥٠٠", "4.5 و1,500"),
    # abbreviations
    (arabic.abbreviations, "قال د. محمد", "قال الدكتور محمد"),
    (arabic.abbreviations, "صرح م. أحمد", "صرح المهندس أحمد"),
    (arabic.abbreviations, "عام 500 ق.م", "عام 500 قبل الميلاد"),
    (arabic.abbreviations, "إلى 300 ق.م.", "إلى 300 قبل الميلاد."),
    (arabic.abbreviations, "ص.ب 1234", "صندوق بريد 1234"),
    (arabic.abbreviations, "أ.د. سامي", "الأستاذ الدكتور سامي"),
    # dates
    (arabic_dates.dates, "في 2026-12-05", "في الخامس من ديسمبر عام ألفين وستة وعشرين"),
    (arabic_dates.dates, "بتاريخ 15/03/2025", "بتاريخ الخامس عشر من مارس عام ألفين وخمسة وعشرين"),
    (arabic_dates.dates, "في 5/12/2026", "في الخامس من ديسمبر عام ألفين وستة وعشرين"),
    (arabic_dates.dates, "في 01.07.2024", "في الأول من يوليو عام ألفين وأربعة وعشرين"),
    (arabic_dates.dates, "في 5 ديسمبر 2026", "في الخامس من ديسمبر عام ألفين وستة وعشرين"),
    (arabic_dates.dates, "من 1 يناير 2026.", "من الأول من يناير عام ألفين وستة وعشرين."),
    (arabic_dates.dates, "يوم 21 كانون الأول", "يوم الحادي والعشرين من كانون الأول"),  # governed: -ين
    (arabic_dates.dates, "منذ 30 يونيو", "منذ الثلاثين من يونيو"),
    (arabic_dates.dates, "في 5 أيار/مايو 2025", "في الخامس من أيار مايو عام ألفين وخمسة وعشرين"),
    (arabic_dates.dates, "حتى 12 أيار (مايو) 2026.", "حتى الثاني عشر من أيار مايو عام ألفين وستة وعشرين."),
    (
        arabic_dates.dates,
        "بين مايو 2024 ومايو 2025",
        "بين مايو عام ألفين وأربعة وعشرين ومايو عام ألفين وخمسة وعشرين",
    ),
    (arabic_dates.dates, "في 5 مايو 2025م", "في الخامس من مايو عام ألفين وخمسة وعشرين ميلادي"),
    (
        arabic_dates.dates,
        "الموافق 10 ذو الحجة 1445هـ",
        "الموافق العاشر من ذي الحجة عام ألف وأربعمئة وخمسة وأربعين هجري",
    ),
    (arabic_dates.dates, "في 3 رمضان", "في الثالث من رمضان"),
    (arabic_dates.dates, "فاز 2 صفر", "فاز 2 صفر"),  # a score, not the month Safar
    (arabic_dates.dates, "في 31/02/2026", "في 31/02/2026"),
    (arabic_dates.dates, "رقم 13/14/2026", "رقم 13/14/2026"),
    # times
    (arabic_dates.times, "الساعة 10:30", "الساعة العاشرة والنصف"),
    (arabic_dates.times, "عند 14:00", "عند الساعة الثانية بعد الظهر"),
    (arabic_dates.times, "في 9:15 صباحا", "في الساعة التاسعة والربع صباحًا"),
    (arabic_dates.times, "الساعة 9:05 م", "الساعة التاسعة وخمس دقائق مساءً"),
    (arabic_dates.times, "قرابة 7:45", "قرابة الساعة الثامنة إلا ربعًا"),
    (arabic_dates.times, "منذ 00:00", "منذ منتصف الليل"),
    (arabic_dates.times, "عند 21:20", "عند الساعة التاسعة وعشرون دقيقةً ليلًا"),
    (arabic_dates.times, "نتيجة 3:1", "نتيجة 3:1"),
    # years with their era
    (arabic_dates.eras, "تأسست عام 1950م", "تأسست عام ألف وتسعمئة وخمسين ميلادي"),
    (arabic_dates.eras, "في عام 1447هـ", "في عام ألف وأربعمئة وسبعة وأربعين هجري"),
    (arabic_dates.eras, "في 1447 ه", "في ألف وأربعمئة وسبعة وأربعين هجري"),
    (arabic_dates.eras, "سباق 100 م", "سباق 100 م"),
    (arabic_dates.eras, "منذ 750 م", "منذ سبعمئة وخمسين ميلادي"),
    # ranges
    (arabic.ranges, "خلال 2020-2024", "خلال من 2020 إلى 2024"),
    (arabic.ranges, "من 10–20 يوما", "من 10 إلى 20 يوما"),
    (arabic.ranges, "بين 5-7 أشخاص", "بين 5 و7 أشخاص"),
    (arabic.ranges, "كوفيد-19", "كوفيد-19"),
    # per cents
    (arabic.per_cents, "بنسبة 35%", "بنسبة خمسة وثلاثين بالمئة"),
    (arabic.per_cents, "ارتفع 4.5٪", "ارتفع أربعة فاصلة خمسة بالمئة"),
    (arabic.per_cents, "نحو ٪12", "نحو اثني عشر بالمئة"),
    (arabic.per_cents, "وب20%", "وبعشرين بالمئة"),
    (arabic.per_cents, "ونسبة 35%", "ونسبة خمسة وثلاثين بالمئة"),  # the conjunction does not hide نسبة
    (arabic.per_cents, "وفي 35% منها", "وفي خمسة وثلاثين بالمئة منها"),
    (arabic.per_cents, "تراجع 0,5 %", "تراجع صفر فاصلة خمسة بالمئة"),
    # money
    (arabic.currencies, "بلغت $100", "بلغت مئة دولار"),
    (arabic.currencies, "بقيمة $2 مليار", "بقيمة ملياري دولار"),
    (arabic.scales, "بلغت 1 مليون", "بلغت مليون"),
    (arabic.scales, "نحو 2 مليون نازح", "نحو مليوني نازح"),
    (arabic.scales, "وصل 2 مليون.", "وصل مليونان."),
    (arabic.scales, "2 مليون و500 ألف", "مليونان و500 ألف"),
    (arabic.scales, "12 مليون", "12 مليون"),
    (arabic.numbers, "خلال 12 شهرا", "خلال اثني عشر شهرا"),  # governed by خلال, بعد, قبل...
    (arabic.numbers, "بعد 22 عاما", "بعد اثنين وعشرين عاما"),
    (arabic.numbers, "بلغت 95 قتيلا", "بلغت خمسة وتسعين قتيلا"),  # the object, written as the genitive
    (web.links, "عبر الرابط https://www.example.com/news/a?id=1.", "عبر الرابط example.com."),
    (web.links, "موقع www.aljazeera.net للمزيد", "موقع aljazeera.net للمزيد"),
    (web.links, "وسم #غزة و#Gaza_Now", "وسم غزة وGaza Now"),
    (web.links, "الرقم #5", "الرقم #5"),  # a number sign: the symbols' rule says it
    (arabic_dates.dates, "في 13 ديسمبر2018", "في الثالث عشر من ديسمبر عام ألفين وثمانية عشر"),
    (arabic_dates.dates, "في 2024/05/12", "في الثاني عشر من مايو عام ألفين وأربعة وعشرين"),
    (arabic_dates.times, "الساعة 10 صباحا", "الساعة العاشرة صباحا"),
    (arabic_dates.times, "حتى الساعة 14", "حتى الساعة الثانية بعد الظهر"),
    (arabic_dates.times, "حتى الساعة 24", "حتى منتصف الليل"),
    (arabic_dates.times, "خلال 24 ساعة", "خلال 24 ساعة"),  # hours counted, not the time
    (arabic.ranges, "فاز الأهلي 3-1 على الزمالك", "فاز الأهلي 3 مقابل 1 على الزمالك"),  # a score
    (arabic.ranges, "يستغرق 3-5 أيام", "يستغرق من 3 إلى 5 أيام"),
    (arabic.centuries, "في القرن 21", "في القرن الحادي والعشرين"),
    (arabic.centuries, "القرن 19 شهد", "القرن التاسع عشر شهد"),
    (arabic.numbers, "سعر 85 دولارا وبقدرة 120 ميغاواط", "سعر خمسة وثمانين دولارا وبقدرة مئة وعشرين ميغاواط"),
    (arabic.numbers, "بين 10 و20 مرة", "بين عشرة وعشرين مرة"),
    (arabic.numbers, "بين 3 وخمسة بالمئة", "بين ثلاثة وخمسة بالمئة"),  # not «ثلاث»: خمسة is no noun
    (arabic.currencies, "بلغت 100$", "بلغت مئة دولار"),
    (arabic.currencies, "قيمة $5 مليارات", "قيمة خمسة مليارات دولار"),
    (arabic.currencies, "قيمة 3.5 مليار USD", "قيمة ثلاثة فاصلة خمسة مليار دولار أمريكي"),
    (arabic.currencies, "دفع 250 USD", "دفع مئتان وخمسون دولارًا أمريكيًا"),
    (arabic.currencies, "دفع 12 US$", "دفع اثنا عشر دولارًا أمريكيًا"),
    (arabic.currencies, "سعر €20", "سعر عشرين يورو"),
    (arabic.currencies, "سعر 2.75 EUR", "سعر اثنين فاصلة خمسة وسبعين يورو"),
    (arabic.currencies, "مبلغ £3", "مبلغ ثلاثة جنيهات إسترلينية"),
    (arabic.currencies, "مبلغ 300 SAR", "مبلغ ثلاثمئة ريال سعودي"),
    (arabic.currencies, "مبلغ 15 AED", "مبلغ خمسة عشر درهمًا إماراتيًا"),
    (arabic.currencies, "مبلغ 7 EGP", "مبلغ سبعة جنيهات مصرية"),
    (arabic.currencies, "مبلغ 1 LYD", "مبلغ دينار ليبي واحد"),
    (arabic.currencies, "مبلغ 2 LYD", "مبلغ دينارين ليبيين"),
    (arabic.currencies, "مبلغ 5 TRY", "مبلغ خمس ليرات تركية"),
    (arabic.currencies, "مبلغ 40 ر.س", "مبلغ أربعين ريالًا سعوديًا"),
    # units
    (arabic.units, "يبعد 40 كم", "يبعد أربعون كيلومترًا"),
    (arabic.units, "طوله 3 km", "طوله ثلاثة كيلومترات"),
    (arabic.units, "الحرارة 40°C", "الحرارة أربعون درجةً مئويةً"),
    (arabic.units, "الحرارة 40 °م", "الحرارة أربعون درجةً مئويةً"),
    (arabic.units, "إلى سالب 5°C", "إلى سالب خمس درجات مئوية"),
    (arabic.units, "وزنه 3 كغ", "وزنه ثلاثة كيلوغرامات"),
    (arabic.units, "أمطار 12 ملم", "أمطار اثنا عشر مليمترًا"),
    (arabic.units, "مساحة 120 م²", "مساحة مئة وعشرين مترًا مربعًا"),
    (arabic.units, "بقدرة 120 MW", "بقدرة مئة وعشرين ميغاواط"),
    (arabic.units, "سرعة 90 كم/س", "سرعة تسعون كيلومترًا في الساعة"),
    (arabic.units, "و2 كغ", "وكيلوغرامان"),
    (arabic.units, "ارتفاع 2.5 م", "ارتفاع اثنين فاصلة خمسة متر"),
    # ordinals written ال + digits
    (arabic.ordinals, "القمة ال33", "القمة الثالثة والثلاثون"),
    (arabic.ordinals, "الدورة الـ5", "الدورة الخامسة"),
    (arabic.ordinals, "المؤتمر ال12", "المؤتمر الثاني عشر"),
    # every number left
    (arabic.numbers, "نحو 3 سنوات", "نحو ثلاث سنوات"),
    (arabic.numbers, "قتل 3 جنود", "قتل ثلاثة جنود"),
    (arabic.numbers, "منذ 25 سنة", "منذ خمس وعشرين سنة"),
    (arabic.numbers, "في عام 2026", "في عام ألفين وستة وعشرين"),
    (arabic.numbers, "بلغ 1,500,000 نسمة", "بلغ مليون وخمسمئة ألف نسمة"),
    (arabic.numbers, "بلغ 3,5 مليار", "بلغ ثلاثة فاصلة خمسة مليار"),
    (arabic.numbers, "ب35 صوتا", "بخمسة وثلاثين صوتا"),
    (arabic.numbers, "الرقم 0912345678", "الرقم صفر تسعة واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية"),
    (arabic.numbers, "طائرة F16", "طائرة F ستة عشر"),
    (arabic.numbers, "درجة سالب 3 تحت", "درجة سالب ثلاثة تحت"),
    # a minus sign, whatever reads the number (the per cent lost it: «تراجع إلى اثنين فاصلة ثلاثة بالمئة»)
    (
        arabic.signs,
        "تراجع إلى −2.3%، -5° أو –4 (-1) أي -$5",
        "تراجع إلى سالب 2.3%، سالب 5° أو سالب 4 (سالب 1) أي سالب $5",
    ),
    (arabic.signs, "بين -3 و-5° و−2%", "بين سالب 3 وسالب 5° وسالب 2%"),  # after a clitic
    (arabic.signs, "F-16 وMiG-29 و2020-2024 و5 -", "F-16 وMiG-29 و2020-2024 و5 -"),  # hyphens, a range
    (arabic.fractions, "2½ ساعة ونحو ¾ الناخبين", "2 ونصف ساعة ونحو ثلاثة أرباع الناخبين"),
    # two days of one month: each a day («خمسة-السادس من مايو» was said), «الثالث والعشرين» not the 23rd
    (arabic.dates, "يعقد 5-6 مايو 2025", "يعقد من الخامس إلى السادس من مايو عام ألفين وخمسة وعشرين"),
    (arabic.dates, "في 5–6 مايو", "في الخامس إلى السادس من مايو"),
    (arabic.dates, "من 5 إلى 7 يونيو", "من الخامس إلى السابع من يونيو"),
    (arabic.dates, "بين 5 و6 مايو", "بين الخامس والسادس من مايو"),
    (arabic.dates, "بين 3 و20 مايو", "بين الثالث من مايو والعشرين من مايو"),
    (arabic.dates, "في 12/5/2024م", "في الثاني عشر من مايو عام ألفين وأربعة وعشرين ميلادي"),
    # symbols left
    (arabic.symbols, "أ & ب", "أ و ب"),
    (arabic.symbols, "عاجل #ليبيا", "عاجل رقم ليبيا"),
    (arabic.symbols, "و/أو", "و أو"),
    (arabic.symbols, "نجمة ★ هنا", "نجمة هنا"),
]


@pytest.mark.parametrize(
    "step, written, said", ARABIC, ids=[f"{s.__name__}-{i}" for i, (s, _, _) in enumerate(ARABIC)]
)
def test_arabic_rule(step, written, said):
    assert step(written) == said


def test_numeric_dates_name_months_either_way():
    assert arabic_dates.dates("2026-12-05", months="syriac") == "الخامس من كانون الأول عام ألفين وستة وعشرين"
    assert arabic_dates.dates("1/1/2025", months="syriac") == "الأول من كانون الثاني عام ألفين وخمسة وعشرين"


def no_digit_or_symbol(text: str) -> bool:
    return not re.search(r"\d", text) and not any(
        unicodedata.category(ch).startswith("S") or ch in "%٪#&@*" for ch in text
    )


def spoken(text: str) -> str:
    for step in arabic.STEPS:
        text = step(text)
    return text


@pytest.mark.parametrize(
    "written, must_say",
    [
        ("ارتفعت الأسعار بنسبة 35% خلال 2020-2024", ["بالمئة", "من ألفين وعشرين إلى ألفين وأربعة وعشرين"]),
        ("عقد الاجتماع في 2026-12-05 الساعة 10:30 صباحا", ["ديسمبر", "العاشرة والنصف صباحًا"]),
        ("بلغت الكلفة US$ 3,5 مليار أي نحو 10٪ من الموازنة", ["دولار أمريكي", "بالمئة"]),
        ("تأسست عام 1950م وسجلت الحرارة 40°C على بعد 12 كم", ["ميلادي", "درجةً مئويةً", "كيلومترًا"]),
        ("قال د. محمد إن ٤٫٥٪ من السكان يقيمون على 3 كغ يوميا", ["الدكتور", "بالمئة", "كيلوغرامات"]),
        ("تراجع النمو إلى −2.3% وانخفضت الحرارة إلى -20°", ["سالب اثنين فاصلة ثلاثة بالمئة", "سالب عشرين"]),
    ],
)
def test_every_step_in_order_leaves_no_digit_or_symbol(written, must_say):
    said = spoken(written)
    assert no_digit_or_symbol(said), said
    for words in must_say:
        assert words in said


ENGLISH = [
    (english.per_cents, "rose 35%", "rose thirty-five per cent"),
    (english.currencies, "cost $5 million", "cost five million dollars"),
    (english.currencies, "cost €3.5", "cost three point five euros"),
    (english.currencies, "paid 250 SAR", "paid two hundred and fifty Saudi riyals"),
    (english.dates, "on 2026-12-05", "on the fifth of December twenty twenty-six"),
    (english.dates, "On 5 May 2025 it met", "On the fifth of May twenty twenty-five it met"),
    (english.dates, "On May 5, 2025, it fell", "On May fifth, twenty twenty-five, it fell"),
    (english.dates, "since March 2024", "since March twenty twenty-four"),
    (
        english.dates,
        "On Jan. 5, 2025, and Sept. 9",
        "On January fifth, twenty twenty-five, and September ninth",
    ),
    (english.dates, "by the 3rd May", "by the third of May"),
    (english.dates, "on 31 June 2025", "on 31 June twenty twenty-five"),  # no such day: not an ordinal
    (english.dates, "May 2020-2024", "May 2020-2024"),  # a range of years, not a month's year
    (english.decades, "the 1990s and the '80s", "the nineteen nineties and the eighties"),
    (english.decades, "the 2000s", "the two thousands"),
    (english.currencies, "cost £3.50", "cost three pounds and fifty pence"),
    (
        english.currencies,
        "its $500 price and the $3 billion deal",
        "its five hundred dollar price and the three billion dollar deal",
    ),
    (english.currencies, "it costs $500, while", "it costs five hundred dollars, while"),
    (english.years, "at the 1939 World's Fair", "at the nineteen thirty-nine World's Fair"),
    (english.abbreviations, "as of 1.8.3, the", "as of 1 point 8 point 3, the"),
    (english.currencies, "cost $0.99, not $4.00", "cost ninety-nine cents, not four dollars"),
    (english.times, "at 14:30", "at two thirty p m"),
    (english.times, "at 9:00 am", "at nine o'clock a m"),
    (english.times, "at 10am and 3 p.m. today", "at ten a m and three p m today"),
    (english.dates, "on 12/25/2024", "on the twenty-fifth of December twenty twenty-four"),  # US order
    (english.abbreviations, "No. 10 and the no. 1 seed", "Number 10 and the number 1 seed"),
    (english.abbreviations, "3x faster", "3 times faster"),
    (english.years, "in 1950", "in nineteen fifty"),
    (english.years, "In 1997, Clinton", "In nineteen ninety-seven, Clinton"),  # a comma after it
    (english.years, "from 2011 to 2013", "from twenty eleven to twenty thirteen"),
    (english.years, "the 2020-2024 plan", "the twenty twenty to twenty twenty-four plan"),
    (english.years, "in 1500 m and to 2015 points", "in 1500 m and to 2015 points"),  # a measure, a count
    (english.ranges, "2020-2024", "2020 to 2024"),
    (english.units, "40 km away", "forty kilometres away"),
    (english.units, "40°C", "forty degrees Celsius"),
    (english.signs, "fell to −2.3%, -5°C and -$5", "fell to minus 2.3%, minus 5°C and minus $5"),
    (english.fractions, "2½ hours and ¼ of voters", "2 and a half hours and a quarter of voters"),
    (english.dates, "on 5–6 May 2025", "on the fifth to the sixth of May twenty twenty-five"),
    (english.dates, "the May 5-6 summit", "the May fifth to sixth summit"),
    (english.numbers, "the 21st of 3 days", "the twenty-first of three days"),
    (english.symbols, "R&D", "R and D"),
]


@pytest.mark.parametrize("step, written, said", ENGLISH)
def test_english_rule(step, written, said):
    assert step(written) == said
