"""Arabic numbers as words: cardinals with the counted noun's gender and the case of their place, ordinals,
and a number with its counted noun (dual, plural of three to ten, singular past ten).

Hand-written rather than taken from num2words: its Arabic reads 200 as «مئتا», 2000 as «ألفا» and 2,000,000
as «مليونا» (construct forms, wrong on their own) and 3.5 as «ثلاثة , خمسون». The rules below are those of
Modern Standard Arabic as news readers use them: nominative by default, genitive after a preposition.
"""

from __future__ import annotations

from dataclasses import dataclass

_ONES_M = ("صفر", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة")
_ONES_F = ("صفر", "واحدة", "اثنتان", "ثلاث", "أربع", "خمس", "ست", "سبع", "ثماني", "تسع")
_TENS = ("", "عشر", "عشرون", "ثلاثون", "أربعون", "خمسون", "ستون", "سبعون", "ثمانون", "تسعون")
_HUNDREDS = ("", "مئة", "مئتان", "ثلاثمئة", "أربعمئة", "خمسمئة", "ستمئة", "سبعمئة", "ثمانمئة", "تسعمئة")


@dataclass(frozen=True)
class Noun:
    """A counted noun's forms: singular, dual (nominative), plural, and whether it is feminine.
    ``adjective`` follows it (سعودي), agreeing as Arabic wants; ``fixed``: the same form whatever the count
    (يورو)."""

    singular: str
    dual: str
    plural: str
    feminine: bool = False
    adjective: str = ""
    fixed: bool = False


_DECLINED = {
    *_TENS[2:],
    "اثنان",
    "اثنتان",
    "اثنا",
    "اثنتا",
    "مئتان",
    "ألفان",
    "مليونان",
    "ملياران",
    "تريليونان",
}


def _genitive(word: str) -> str:
    """A number word's genitive: عشرون -> عشرين, اثنان -> اثنين, اثنا عشر -> اثني عشر; others do not
    change."""
    bare = word.removeprefix("و")
    if bare not in _DECLINED:
        return word
    return word[: len(word) - len(bare)] + (
        bare[:-2] + "ين" if bare.endswith(("ون", "ان")) else bare[:-1] + "ي"
    )


def _below_hundred(n: int, feminine: bool) -> str:
    ones = _ONES_F if feminine else _ONES_M
    if n < 10:
        return ones[n]
    if n == 10:
        return "عشر" if feminine else "عشرة"
    if n < 20:
        teen = "عشرة" if feminine else "عشر"
        first = {1: "إحدى" if feminine else "أحد", 2: "اثنتا" if feminine else "اثنا"}.get(
            n - 10, ones[n - 10]
        )
        return f"{first} {teen}"
    tens, unit = divmod(n, 10)
    if not unit:
        return _TENS[tens]
    first = "إحدى" if feminine and unit == 1 else ones[unit]
    return f"{first} و{_TENS[tens]}"


def _below_thousand(n: int, feminine: bool) -> str:
    hundreds, rest = divmod(n, 100)
    words = [_HUNDREDS[hundreds]] if hundreds else []
    if rest:
        words.append(_below_hundred(rest, feminine))
    return " و".join(words)


_SCALES = (
    (10**12, Noun("تريليون", "تريليونان", "تريليونات")),
    (10**9, Noun("مليار", "ملياران", "مليارات")),
    (10**6, Noun("مليون", "مليونان", "ملايين")),
    (10**3, Noun("ألف", "ألفان", "آلاف")),
)


def cardinal(n: int, feminine: bool = False, genitive: bool = False) -> str:
    """``n`` in words: 2026 -> «ألفان وستة وعشرون»; ``feminine`` when what it counts is (ثلاث سنوات),
    ``genitive`` after a preposition (في عام ألفين). Beyond a quadrillion, digit by digit."""
    if n < 0:
        return "سالب " + cardinal(-n, feminine, genitive)
    if n >= 10**15:
        return digits(str(n))
    if n == 0:
        return "صفر"
    parts = []
    rest = n
    for size, noun in _SCALES:
        count, rest = divmod(rest, size)
        if count:
            parts.append(counted(count, noun, say_one=False))
    if rest or not parts:
        parts.append(_below_thousand(rest, feminine))
    words = " و".join(parts)
    return " ".join(_genitive(word) for word in words.split(" ")) if genitive else words


def counted(n: int, noun: Noun, say_one: bool = True, genitive: bool = False) -> str:
    """``n`` with its counted noun as Arabic counts: «دولار واحد», «دولاران», «ثلاثة دولارات», «أحد عشر
    دولارًا», «مئة دولار», «ألف ومئتا دولار». ``say_one`` is False for a scale word (ألف, not ألف واحد)."""
    adjective = noun.adjective
    if noun.fixed:
        return f"{cardinal(n, noun.feminine, genitive)} {noun.singular}{_space(adjective)}"
    if n == 1:
        one = "واحدة" if noun.feminine else "واحد"
        return f"{noun.singular}{_space(adjective)} {one}" if say_one else noun.singular
    if n == 2:
        dual = noun.dual[:-2] + "ين" if genitive and noun.dual.endswith("ان") else noun.dual  # دينارين
        return dual + (_space(_dual(adjective, noun.feminine, genitive)) if adjective else "")
    last = n % 100
    if 3 <= last <= 10:
        count = cardinal(n, noun.feminine, genitive)
        return f"{count} {noun.plural}{_space(_plural_adjective(adjective))}"
    count = cardinal(n, noun.feminine, genitive)
    if 11 <= last <= 99:
        return f"{count} {_accusative(noun.singular)}{_space(_accusative(adjective))}"
    if last == 0:  # a dual before its noun loses its nun: مئتا دولار, ألفا دولار
        head, _, tail = count.rpartition(" ")
        count = f"{head} {_construct(tail)}".strip()
    return f"{count} {noun.singular}{_space(adjective)}"


def _construct(word: str) -> str:
    return word[:-1] if word.endswith(("ان", "ين")) else word


def _space(word: str) -> str:
    return f" {word}" if word else ""


def _accusative(word: str) -> str:
    """The indefinite accusative a counted noun takes after eleven to ninety-nine: دولارًا, درجةً."""
    if not word or word[-1] in "ىاءو" or " " in word:
        return word
    return word + ("ً" if word.endswith("ة") else "ًا")


def _plural_adjective(adjective: str) -> str:
    """A plural of things takes its adjective in the feminine singular: دولارات أمريكية."""
    if not adjective or adjective.endswith("ة") or " " in adjective:
        return adjective
    return adjective + "ة"


def _dual(adjective: str, feminine: bool, genitive: bool) -> str:
    if " " in adjective:  # a phrase (في الساعة) does not agree
        return adjective
    stem = adjective[:-1] + "ت" if adjective.endswith("ة") else adjective + ("ت" if feminine else "")
    return stem + ("ين" if genitive else "ان")


def digits(text: str) -> str:
    """A string of digits read one by one: 0912 -> «صفر تسعة واحد اثنان»."""
    return " ".join(_ONES_M[int(ch)] for ch in text if ch.isdigit())


def decimal(text: str, feminine: bool = False, genitive: bool = False) -> str:
    """A number as written with a point (3.5, 0.05, 12): «ثلاثة فاصلة خمسة»; the part after the point is
    read as a number unless it starts with zero, then digit by digit."""
    whole, _, fraction = text.partition(".")
    words = cardinal(int(whole or "0"), feminine, genitive)
    if not fraction:
        return words
    after = digits(fraction) if fraction.startswith("0") else cardinal(int(fraction), feminine, genitive)
    return f"{words} فاصلة {after}"


_ORDINALS_M = (
    "",
    "الأول",
    "الثاني",
    "الثالث",
    "الرابع",
    "الخامس",
    "السادس",
    "السابع",
    "الثامن",
    "التاسع",
    "العاشر",
)
_ORDINALS_F = (
    "",
    "الأولى",
    "الثانية",
    "الثالثة",
    "الرابعة",
    "الخامسة",
    "السادسة",
    "السابعة",
    "الثامنة",
    "التاسعة",
    "العاشرة",
)
_TENS_DEFINITE = (
    "",
    "",
    "العشرون",
    "الثلاثون",
    "الأربعون",
    "الخمسون",
    "الستون",
    "السبعون",
    "الثمانون",
    "التسعون",
)


_TENS_OBLIQUE = tuple(tens[:-2] + "ين" if tens else tens for tens in _TENS_DEFINITE)
"""العشرين، الثلاثين...: the tens of an ordinal in the genitive or accusative."""


def ordinal(n: int, feminine: bool = False, oblique: bool = False) -> str:
    """The ordinal from 1 to 99 (the fifth: الخامس; the eleventh hour: الحادية عشرة); past that, the
    cardinal. ``oblique``: in the genitive or accusative (في الحادي والعشرين), where only the tens change."""
    table = _ORDINALS_F if feminine else _ORDINALS_M
    if not 1 <= n <= 99:
        return cardinal(n, feminine)
    if n <= 10:
        return table[n]
    tens, unit = divmod(n, 10)
    first = ("الحادية" if feminine else "الحادي") if unit == 1 else table[unit]
    if tens == 1:
        return f"{first} {'عشرة' if feminine else 'عشر'}"
    tens_word = (_TENS_OBLIQUE if oblique else _TENS_DEFINITE)[tens]
    return f"{first} و{tens_word}" if unit else tens_word
