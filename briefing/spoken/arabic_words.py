"""The words around a number that decide how it is said: the word before it (a preposition puts it in the
genitive), the word after it (a feminine noun), and the nouns said after an amount: currencies by sign and
ISO 4217 code and units of measure, each with its singular, dual and plural
(see :func:`briefing.spoken.arabic_numbers.counted`)."""

from __future__ import annotations

import re

from briefing.spoken.arabic_numbers import Noun

GENITIVE_AFTER = frozenset(
    "في من إلى الى على عن حتى منذ نحو بنحو حوالي بحوالي قرابة بقرابة زهاء عام العام لعام سنة بنسبة نسبة بين "
    "أكثر أقل سالب ب ل ك خلال بعد قبل مع عند لدى ضمن عبر حول دون إثر عقب طوال طيلة "
    # verbs whose object the number is (بلغت خمسةً وتسعين مليون دولار): written as the genitive is
    "بلغ بلغت بلغا بلغتا يبلغ تبلغ يبلغان تبلغان تجاوز تجاوزت يتجاوز تتجاوز ناهز ناهزت يناهز تناهز "
    "قارب قاربت يقارب تقارب".split()
)
"""Words after which a number is in the genitive (في عام ألفين، بنسبة خمسة وثلاثين، خلال اثني عشر شهرًا، سالب
عشرين), or in the accusative, which Arabic writes the same (بلغت خمسة وتسعين)."""
MEASURED_BY = frozenset(
    "قدرة طول عمق ارتفاع مساحة حجم سعة تكلفة كلفة سعر قيمة مبلغ إجمالي متوسط وزن عدد مسافة".split()
)
"""Nouns a number completes (سعر خمسة وثمانين دولارًا، بقدرة مئة وعشرين ميغاواط): the number is their
genitive."""
FEMININE_PLURALS = frozenset(
    "سنوات ساعات دقائق ثوان ثواني مرات سيارات طائرات دول مدن ليال ليالي شركات مدارس نساء سفن قرى منظمات "
    "وزارات جامعات محافظات ولايات مناطق جولات دورات حلقات درجات".split()
)
"""Plurals of feminine nouns a number may count: ثلاث سنوات, not ثلاثة سنوات."""

MONTHS = {
    "latin": (
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ),
    "syriac": (
        "كانون الثاني",
        "شباط",
        "آذار",
        "نيسان",
        "أيار",
        "حزيران",
        "تموز",
        "آب",
        "أيلول",
        "تشرين الأول",
        "تشرين الثاني",
        "كانون الأول",
    ),
}
"""Month names: ``latin`` (يناير، فبراير: Egypt, the Gulf, the Maghreb) or ``syriac`` (كانون الثاني، شباط: the
Levant and Iraq)."""
HIJRI_MONTHS = (
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "ربيع الثاني",
    "جمادى الأولى",
    "جمادى الآخرة",
    "جمادى الثانية",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذي القعدة",
    "ذو الحجة",
    "ذي الحجة",
)
"""The months of the Hijri calendar, as dates in the Gulf's news write them (٣ رمضان ١٤٤٦هـ)."""
ANY_MONTH = "|".join(
    sorted(
        {m for names in MONTHS.values() for m in names}
        | {"إبريل", "ابريل", "اغسطس", "أغسطس"}
        | set(HIJRI_MONTHS),
        key=len,
        reverse=True,
    )
)


_NEAR = 80
"""Characters looked at either side of a number for the words around it (a whole sentence would make
reading a text with many numbers quadratic)."""


def word_before(text: str, start: int) -> str:
    """The word that ends before ``text[start]`` (spaces between them skipped), or ""."""
    words = text[max(0, start - _NEAR) : start].split()
    return words[-1] if words else ""


def word_after(text: str, end: int) -> str:
    words = text[end : end + _NEAR].split()
    return words[0] if words else ""


def context(text: str, start: int, end: int) -> tuple[bool, bool]:
    """Whether the number at ``text[start:end]`` is in the genitive (the word before it governs it) and
    whether it counts a feminine noun (the word after it)."""
    previous = word_before(text, start) if text[start - 1 : start].isspace() else ""
    following = word_after(text, end).strip(".,،؛:!؟?") if text[end : end + 1].isspace() else ""
    bare = previous[1:] if previous[:1] in ("و", "ف") and len(previous) > 2 else previous  # ونسبة، وفي
    genitive = any(
        word in GENITIVE_AFTER
        or word in MONTHS["latin"]
        or word in MEASURED_BY
        or word.startswith(("بنسبة", "بمعدل", "بقيمة", "بمبلغ", "بحدود", "بنتيجة"))
        or (word[:1] == "ب" and word[1:] in MEASURED_BY)
        for word in {previous, bare}
    )
    if text[start : start + 1] == "و" and previous[:1].isdigit():  # بين 10 و20: the second as the first
        genitive = word_before(text, start - len(previous) - 1) in ("بين", "وبين")
    counts = not _NUMBER_WORD.match(following)  # بين 3 و5%: «وخمسة» is the next number, not a noun
    feminine = counts and (following.endswith("ة") or following in FEMININE_PLURALS)
    return genitive, feminine


_NUMBER_WORD = re.compile(r"[وف]?(?:\d|واحد|اثن|ثلاث[ةين]?$|أربع|خمس|ست[ةين]?$|سبع|ثمان|تسع|عشر|مئ|مائ)")
"""A word that is itself a number (or the start of one), said or still in digits."""


def _currency(singular, dual, plural, adjective="", feminine=False, fixed=False) -> Noun:
    return Noun(singular, dual, plural, feminine, adjective, fixed)


_DOLLAR = _currency("دولار", "دولاران", "دولارات")
_US_DOLLAR = _currency("دولار", "دولاران", "دولارات", "أمريكي")
_EURO = _currency("يورو", "يورو", "يورو", fixed=True)
CURRENCIES = {
    "US$": _US_DOLLAR,
    "USD": _US_DOLLAR,
    "$": _DOLLAR,
    "€": _EURO,
    "EUR": _EURO,
    "£": _currency("جنيه", "جنيهان", "جنيهات", "إسترليني"),
    "GBP": _currency("جنيه", "جنيهان", "جنيهات", "إسترليني"),
    "¥": _currency("ين", "ينان", "ينات", fixed=True),
    "JPY": _currency("ين", "ين", "ين", "ياباني", fixed=True),
    "CNY": _currency("يوان", "يوان", "يوان", "صيني", fixed=True),
    "CHF": _currency("فرنك", "فرنكان", "فرنكات", "سويسري"),
    "₺": _currency("ليرة", "ليرتان", "ليرات", "تركية", True),
    "TRY": _currency("ليرة", "ليرتان", "ليرات", "تركية", True),
    "RUB": _currency("روبل", "روبلان", "روبلات", "روسي"),
    "SAR": _currency("ريال", "ريالان", "ريالات", "سعودي"),
    "ر.س": _currency("ريال", "ريالان", "ريالات", "سعودي"),
    "QAR": _currency("ريال", "ريالان", "ريالات", "قطري"),
    "OMR": _currency("ريال", "ريالان", "ريالات", "عماني"),
    "YER": _currency("ريال", "ريالان", "ريالات", "يمني"),
    "AED": _currency("درهم", "درهمان", "دراهم", "إماراتي"),
    "د.إ": _currency("درهم", "درهمان", "دراهم", "إماراتي"),
    "MAD": _currency("درهم", "درهمان", "دراهم", "مغربي"),
    "EGP": _currency("جنيه", "جنيهان", "جنيهات", "مصري"),
    "ج.م": _currency("جنيه", "جنيهان", "جنيهات", "مصري"),
    "SDG": _currency("جنيه", "جنيهان", "جنيهات", "سوداني"),
    "LYD": _currency("دينار", "ديناران", "دنانير", "ليبي"),
    "د.ل": _currency("دينار", "ديناران", "دنانير", "ليبي"),
    "KWD": _currency("دينار", "ديناران", "دنانير", "كويتي"),
    "د.ك": _currency("دينار", "ديناران", "دنانير", "كويتي"),
    "JOD": _currency("دينار", "ديناران", "دنانير", "أردني"),
    "BHD": _currency("دينار", "ديناران", "دنانير", "بحريني"),
    "TND": _currency("دينار", "ديناران", "دنانير", "تونسي"),
    "DZD": _currency("دينار", "ديناران", "دنانير", "جزائري"),
    "IQD": _currency("دينار", "ديناران", "دنانير", "عراقي"),
    "SYP": _currency("ليرة", "ليرتان", "ليرات", "سورية", True),
    "LBP": _currency("ليرة", "ليرتان", "ليرات", "لبنانية", True),
}
"""Currency signs and codes (ISO 4217) and the noun said after the amount."""

_KM = Noun("كيلومتر", "كيلومتران", "كيلومترات")
_METRE = Noun("متر", "متران", "أمتار")
_DEGREE = Noun("درجة", "درجتان", "درجات", True, "مئوية")
UNITS = {
    "كم²": Noun("كيلومتر", "كيلومتران", "كيلومترات", adjective="مربع"),
    "km²": Noun("كيلومتر", "كيلومتران", "كيلومترات", adjective="مربع"),
    "م²": Noun("متر", "متران", "أمتار", adjective="مربع"),
    "m²": Noun("متر", "متران", "أمتار", adjective="مربع"),
    "م³": Noun("متر", "متران", "أمتار", adjective="مكعب"),
    "m³": Noun("متر", "متران", "أمتار", adjective="مكعب"),
    "كم/س": Noun("كيلومتر", "كيلومتران", "كيلومترات", adjective="في الساعة", fixed=False),
    "km/h": Noun("كيلومتر", "كيلومتران", "كيلومترات", adjective="في الساعة"),
    "كم": _KM,
    "كلم": _KM,
    "km": _KM,
    "م": _METRE,
    "m": _METRE,
    "سم": Noun("سنتيمتر", "سنتيمتران", "سنتيمترات"),
    "cm": Noun("سنتيمتر", "سنتيمتران", "سنتيمترات"),
    "ملم": Noun("مليمتر", "مليمتران", "مليمترات"),
    "مم": Noun("مليمتر", "مليمتران", "مليمترات"),
    "mm": Noun("مليمتر", "مليمتران", "مليمترات"),
    "كغ": Noun("كيلوغرام", "كيلوغرامان", "كيلوغرامات"),
    "كلغ": Noun("كيلوغرام", "كيلوغرامان", "كيلوغرامات"),
    "كجم": Noun("كيلوغرام", "كيلوغرامان", "كيلوغرامات"),
    "kg": Noun("كيلوغرام", "كيلوغرامان", "كيلوغرامات"),
    "غ": Noun("غرام", "غرامان", "غرامات"),
    "g": Noun("غرام", "غرامان", "غرامات"),
    "ملغ": Noun("مليغرام", "مليغرامان", "مليغرامات"),
    "mg": Noun("مليغرام", "مليغرامان", "مليغرامات"),
    "مل": Noun("مليلتر", "مليلتران", "مليلترات"),
    "ml": Noun("مليلتر", "مليلتران", "مليلترات"),
    "ل": Noun("لتر", "لتران", "لترات"),
    "l": Noun("لتر", "لتران", "لترات"),
    "°C": _DEGREE,
    "°م": _DEGREE,
    "℃": _DEGREE,
    "° م": _DEGREE,
    "° C": _DEGREE,
    "°F": Noun("درجة", "درجتان", "درجات", True, "فهرنهايت"),
    "°": Noun("درجة", "درجتان", "درجات", True),
    "MW": Noun("ميغاواط", "ميغاواط", "ميغاواط", fixed=True),
    "ميغاواط": Noun("ميغاواط", "ميغاواط", "ميغاواط", fixed=True),
    "GW": Noun("غيغاواط", "غيغاواط", "غيغاواط", fixed=True),
    "kW": Noun("كيلوواط", "كيلوواط", "كيلوواط", fixed=True),
    "kWh": Noun("كيلوواط ساعي", "كيلوواط ساعي", "كيلوواط ساعي", fixed=True),
}
"""Unit symbols, Arabic and international, and the noun said after the number."""
