"""Arabic text as it is said: digits, dates, times, money, per cents, units and abbreviations as words.

Each step is a small pure function from text to text, tested alone; :data:`STEPS` is their order (dates
before ranges, which would take 2026-12-05 for two ranges; ranges before per cents and money, so that
10-20% reads «من عشرة إلى عشرين بالمئة»). After them, no digit and no symbol is left for the engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from briefing.spoken.arabic_dates import dates, eras, times
from briefing.spoken.arabic_numbers import Noun, cardinal, counted, decimal, digits, ordinal
from briefing.spoken.arabic_words import CURRENCIES, GENITIVE_AFTER, UNITS, context, word_after, word_before
from briefing.spoken.web import links

_EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?"
"""A number as written once digits are Western: 1,500,000 / 3.5 / 3,5 (a decimal comma) / 2026."""
_LEAD = r"(?<![\w.,])(?P<lead>[وفبلك]{0,2})"
"""Where an amount starts: after a space or punctuation, or after a clitic (و، ب، ل...) kept before it."""


def number_value(written: str) -> str:
    """A written number in the form :func:`decimal` reads: thousands separators out, a decimal comma a
    point."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", written):
        return written.replace(",", "")
    return written.replace(",", ".")


def say_number(written: str, feminine: bool = False, genitive: bool = False) -> str:
    """A written number (see :data:`NUMBER`) in words; a long run of digits that starts with 0 (a phone
    number, a code) digit by digit."""
    if len(written) > 1 and written.startswith("0") and written[1].isdigit():
        return digits(written)  # a code, a phone number
    if len(written) > 18:  # past any number said in words
        whole, _, fraction = number_value(written).partition(".")
        return digits(whole) + (f" فاصلة {digits(fraction)}" if fraction else "")
    return decimal(number_value(written), feminine, genitive)


def _amount(written: str, noun: Noun, genitive: bool) -> str:
    """A number with the noun it counts: whole numbers as Arabic counts them, decimals with the singular."""
    value = number_value(written)
    if "." in value or (len(written) > 1 and written.startswith("0")):
        return f"{say_number(written, noun.feminine, genitive)} {noun.singular}" + (
            f" {noun.adjective}" if noun.adjective else ""
        )
    return counted(int(value), noun, genitive=genitive)


def western_digits(text: str) -> str:
    """Eastern Arabic (٣) and Persian (۳) digits as Western ones, the Arabic decimal and thousands marks
    (٫ ٬) as a point and a comma, so one set of rules reads them all."""
    text = text.translate(_EASTERN_DIGITS)
    return re.sub(r"(?<=\d)([٫٬])(?=\d)", lambda m: "." if m.group(1) == "٫" else ",", text)


FRACTIONS = {"½": "نصف", "¼": "ربع", "¾": "ثلاثة أرباع", "⅓": "ثلث", "⅔": "ثلثان"}


FRACTION = rf"(?:(\d)\s?)?([{''.join(FRACTIONS)}])"
"""A fraction typed as one character, after the whole number it adds to (2½) or alone; the same signs in
every language."""


def fractions(text: str) -> str:
    """Fractions typed as one character: 2½ «2 ونصف», ¾ «ثلاثة أرباع» (an engine says the sign or nothing)."""
    return re.sub(FRACTION, lambda m: f"{m[1]} و{FRACTIONS[m[2]]}" if m[1] else FRACTIONS[m[2]], text)


_ABBREVIATIONS = (
    (r"ق\s?\.\s?م\b", "قبل الميلاد"),  # a point after it may end the sentence: it is kept
    (r"ص\s?\.\s?ب\b\.?", "صندوق بريد"),
    (r"أ\s?\.\s?د\s?\.", "الأستاذ الدكتور"),
    (r"(?<![\w.])د\s?\.(?=\s*[^\W\d])", "الدكتور"),
    (r"(?<![\w.\d])(?<!\d\s)م\s?\.(?=\s*[^\W\d])", "المهندس"),
    (r"(?<![\w.])أ\s?\.(?=\s*[^\W\d])", "الأستاذ"),
)


def abbreviations(text: str) -> str:
    """The usual abbreviations said in full: د. (الدكتور), م. (المهندس), أ. (الأستاذ), ق.م (قبل الميلاد)."""
    for pattern, words in _ABBREVIATIONS:
        text = re.sub(pattern, words, text)
    return text


_SCORE_WORDS = re.compile(
    r"^[وف]?(?:بنتيجة|نتيجة|فاز|فازت|يفوز|تفوز|تعادل|تعادلت|خسر|خسرت|هزم|هزمت|تغلب|تغلبت|سحق|سحقت)$"
)
"""Words before a score (فاز الأهلي 3-1): within three words of it, the dash reads «مقابل», not a range."""


SIGN = r"(?:(?<![\w.,)\]])|(?<=\s[وفبلك])|(?<=^[وفبلك]))[-−–](?=[$€£]?\d)"
"""A minus sign before a number (or its currency sign), after a space or a clitic (و-5): not a hyphen in a
word (F-16) nor a range's dash, which :func:`ranges` reads first."""


def signs(text: str) -> str:
    """A minus sign said as a word, whatever reads the number after it: −2.3% «سالب اثنين فاصلة ثلاثة
    بالمئة», -5° «سالب خمس درجات» (typeset news writes U+2212, or an en dash)."""
    return re.sub(SIGN, "سالب ", text)


def ranges(text: str) -> str:
    """Ranges: 2020-2024 «من 2020 إلى 2024» (then read as numbers); after من or بين the word is kept. A
    score (بنتيجة 2-0، فاز الأهلي 3-1) reads «اثنين مقابل صفر»."""

    def said(m: re.Match) -> str:
        before = [word_before(text, m.start())]
        if any(_SCORE_WORDS.match(word) for word in text[max(0, m.start() - 60) : m.start()].split()[-3:]):
            return f"{m[1]} مقابل {m[2]}"
        if before[0] == "من":
            return f"{m[1]} إلى {m[2]}"
        if before[0] == "بين":
            return f"{m[1]} و{m[2]}"
        return f"من {m[1]} إلى {m[2]}"

    return re.sub(rf"(?<![\w.,/-])({NUMBER})\s?[-–—]\s?({NUMBER})(?![\w.,/-])", said, text)


def per_cents(text: str) -> str:
    """Per cents, the sign after the number or before it: 35% and ٪35 «خمسة وثلاثين بالمئة»."""

    def said(m: re.Match) -> str:
        genitive = context(text, m.start(), m.end())[0] or m["lead"][-1:] in ("ب", "ل", "ك")
        return f"{m['lead']}{say_number(m[2] or m[3], genitive=genitive)} بالمئة"

    return re.sub(rf"{_LEAD}(?:({NUMBER})\s?[%٪]|[%٪]\s?({NUMBER})(?![\d]))", said, text)


_SCALE_WORDS = "تريليونات|تريليون|مليارات|مليار|بليون|ملايين|مليون|آلاف|ألف"
_CODES = "|".join(re.escape(code) for code in sorted(CURRENCIES, key=len, reverse=True))
_ONE_SCALE = "تريليون|مليار|بليون|مليون|ألف"


def _scaled(written: str, scale: str, genitive: bool, counting: bool) -> str:
    """A number and the scale word after it: 1 مليون «مليون», 2 مليار «ملياران» (genitive مليارين; before
    the noun it counts, ملياري دولار), as Arabic says one and two of a thing; any other number before it."""
    value = number_value(written)
    if value in ("1", "2") and re.fullmatch(_ONE_SCALE, scale):
        return scale if value == "1" else scale + ("ي" if genitive else "ا") + ("" if counting else "ن")
    return f"{say_number(written, genitive=genitive)} {scale}"


def _counts(text: str, end: int) -> bool:
    """Whether a noun the scale word counts comes next (مليونا شخص), not a conjunction or a preposition."""
    following = word_after(text, end) if text[end : end + 1] == " " else ""
    return bool(re.match(r"[\u0621-\u064a]", following)) and not (
        following[:1] in ("و", "ف") or following in GENITIVE_AFTER
    )


def scales(text: str) -> str:
    """One or two of a scale word: «بلغت 1 مليون» reads «بلغت مليون», «نحو 2 مليون نازح» «نحو مليوني نازح»."""

    def said(m: re.Match) -> str:
        genitive = context(text, m.start(), m.end())[0] or m["lead"][-1:] in ("ب", "ل", "ك")
        return m["lead"] + _scaled(m["num"], m["scale"], genitive, _counts(text, m.end()))

    return re.sub(rf"{_LEAD}(?P<num>[12])\s+(?P<scale>{_ONE_SCALE})(?![\w\u064b-\u0652])", said, text)


def currencies(text: str) -> str:
    """Amounts of money, the sign or code before or after: $100 «مئة دولار», 5 مليارات USD «خمسة مليارات
    دولار أمريكي», 250 ر.س «مئتان وخمسون ريالًا سعوديًا»."""

    def said(m: re.Match) -> str:
        code = m["code1"] or m["code2"]
        written, scale = m["num1"] or m["num2"], m["scale1"] or m["scale2"]
        noun = CURRENCIES[code]
        genitive = context(text, m.start(), m.end())[0] or m["lead"][-1:] in ("ب", "ل", "ك")
        if scale:  # the currency then follows the scale word in the singular: خمسة مليارات دولار
            named = noun.singular + (f" {noun.adjective}" if noun.adjective else "")
            return f"{m['lead']}{_scaled(written, scale, genitive, counting=True)} {named}"
        return m["lead"] + _amount(written, noun, genitive)

    before = rf"(?P<code1>{_CODES})\s?(?P<num1>{NUMBER})(?:\s+(?P<scale1>{_SCALE_WORDS})(?!\w))?"
    after = rf"(?P<num2>{NUMBER})(?:\s+(?P<scale2>{_SCALE_WORDS}))?\s?(?P<code2>{_CODES})(?![A-Za-z])"
    return re.sub(rf"{_LEAD}(?:{before}|{after})", said, text)


_UNITS = "|".join(re.escape(unit) for unit in sorted(UNITS, key=len, reverse=True))


def units(text: str) -> str:
    """Measures with their unit: 40 كم «أربعون كيلومترًا», 40°C «أربعون درجةً مئويةً», -5° «سالب خمس درجات»."""

    def said(m: re.Match) -> str:
        genitive = context(text, m.start(), m.end())[0] or m["lead"][-1:] in ("ب", "ل", "ك")
        return m["lead"] + _amount(m["num"], UNITS[m["unit"]], genitive)

    return re.sub(rf"{_LEAD}(?P<num>{NUMBER})\s?(?P<unit>{_UNITS})(?![\w\u064b-\u0652²³])", said, text)


def centuries(text: str) -> str:
    """A century is counted by its ordinal: في القرن 21 «في القرن الحادي والعشرين», القرن 19 «القرن التاسع
    عشر»."""

    def said(m: re.Match) -> str:
        n = int(m[2])
        if not 1 <= n <= 99:
            return m[0]
        governed = m[1][:1] in ("ب", "ل") or context(text, m.start(), m.end())[0]  # في القرن، للقرن
        return f"{m[1]} {ordinal(n, oblique=governed)}"

    return re.sub(r"(?<!\w)([وفبلك]{0,2}(?:ال|ل)قرن)\s+(\d{1,2})(?![\d.,]|\s?[-–]\s?\d)", said, text)


def ordinals(text: str) -> str:
    """«الـ20» (tatweel already gone: ال20) reads as an ordinal agreeing with the noun before it: القمة
    الـ33 «القمة الثالثة والثلاثون»."""

    def said(m: re.Match) -> str:
        n = int(m[2])
        before = [word_before(text, m.start())]
        feminine = before[0].endswith("ة")
        if not 1 <= n <= 99:
            return f"{m[1]}{cardinal(n, genitive=True)}"
        return m[1][:-2] + ordinal(n, feminine)

    return re.sub(r"(?<![\w])([وفبلك]?ال)ـ?\s?(\d+)(?![\d.,])", said, text)


def numbers(text: str) -> str:
    """Every number left: in words, feminine before a feminine noun (ثلاث سنوات), genitive after a
    preposition (في عام ألفين); a clitic before it kept (بخمسة)."""

    def said(m: re.Match) -> str:
        genitive, feminine = context(text, m.start(), m.end())
        prefix = m[1] or ""
        if prefix:
            genitive = genitive or prefix[-1] in "بلك"
        words = say_number(m[2], feminine, genitive)
        before = " " if m.start() and text[m.start() - 1].isalpha() else ""  # G7: «G سبعة»
        after = " " if text[m.end() : m.end() + 1].isalpha() else ""
        return f"{before}{prefix}{words}{after}"

    return re.sub(rf"(?<!\d)(?<!\d[.,])(?:(?<![\w])([وفبلك]{{1,2}}))?({NUMBER})", said, text)


SYMBOLS = {
    "&": "و",
    "+": "زائد",
    "=": "يساوي",
    "#": "رقم",
    "%": "بالمئة",
    "٪": "بالمئة",
    "°": "درجة",
    "$": "دولار",
    "€": "يورو",
    "£": "جنيه",
    "§": "المادة",
    "©": "",
    "®": "",
    "™": "",
    "@": "",
    "*": "",
    "_": " ",
    "|": " ",
    "~": " ",
    "^": " ",
    "<": " ",
    ">": " ",
    "\\": " ",
    "/": " ",
    "•": " ",
    "·": " ",
}
"""Symbols left after the rules above: said as a word, or dropped (an engine would name or skip them)."""


def symbols(text: str) -> str:
    """Every symbol left as a word or a space, and any digit left (3 in 1,2,3) digit by digit: no engine is
    given a sign it may read in another language."""
    import unicodedata

    out = []
    for ch in re.sub(r"\d+", lambda m: f" {digits(m[0])} ", text):
        if ch in SYMBOLS:
            word = SYMBOLS[ch]
            out.append(f" {word} " if word.strip() else " ")
        elif unicodedata.category(ch).startswith("S"):
            out.append(" ")
        else:
            out.append(ch)
    return re.sub(r"\s+", " ", "".join(out)).strip()


Step = Callable[[str], str]
STEPS: tuple[Step, ...] = (
    links,
    western_digits,
    fractions,
    abbreviations,
    dates,
    times,
    eras,
    ranges,
    signs,
    currencies,
    per_cents,
    units,
    scales,
    centuries,
    ordinals,
    numbers,
    symbols,
)
"""Every step, in order; :func:`dates` takes the month names as an option."""
