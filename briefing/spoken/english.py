"""English text as it is said, for ``lang="en"``: the same kinds as in Arabic, with num2words' English, which
reads integers, decimals, ordinals and years correctly."""

from __future__ import annotations

import re

from num2words import num2words

from briefing.spoken.arabic import FRACTION, NUMBER, SIGN, number_value, western_digits
from briefing.spoken.arabic_dates import real_date
from briefing.spoken.web import links

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
CURRENCIES = {
    "US$": "US dollar",
    "USD": "US dollar",
    "$": "dollar",
    "€": "euro",
    "EUR": "euro",
    "£": "pound",
    "GBP": "pound",
    "¥": "yen",
    "JPY": "yen",
    "SAR": "Saudi riyal",
    "AED": "UAE dirham",
    "EGP": "Egyptian pound",
    "LYD": "Libyan dinar",
    "KWD": "Kuwaiti dinar",
    "QAR": "Qatari riyal",
    "JOD": "Jordanian dinar",
    "TRY": "Turkish lira",
    "CHF": "Swiss franc",
}
UNITS = {
    "km²": "square kilometre",
    "m²": "square metre",
    "km/h": "kilometre per hour",
    "km": "kilometre",
    "cm": "centimetre",
    "mm": "millimetre",
    "kg": "kilogram",
    "mg": "milligram",
    "ml": "millilitre",
    "m": "metre",
    "g": "gram",
    "°C": "degree Celsius",
    "°F": "degree Fahrenheit",
    "℃": "degree Celsius",
    "°": "degree",
    "MW": "megawatt",
    "GW": "gigawatt",
    "kW": "kilowatt",
    "kWh": "kilowatt hour",
}
_SCALES = "trillion|billion|million|thousand|bn|m"
_MINOR = {"dollar": ("cent", "cents"), "euro": ("cent", "cents"), "pound": ("penny", "pence")}
"""Currencies whose hundredths have a name in English: $3.50 is three dollars and fifty cents."""


def _plural(noun: str, value: str) -> str:
    if value in ("1", "1.0"):
        return noun
    head, _, tail = noun.partition(" per ")
    if head.endswith("yen"):
        return noun
    words = head.split()
    words[0 if head.startswith("degree") else -1] += "s"
    return " ".join(words) + (f" per {tail}" if tail else "")


def say_number(written: str) -> str:
    """A written number in words: 3.5 «three point five»; a run of digits starting with 0, digit by digit."""
    if (len(written) > 1 and written.startswith("0") and written[1].isdigit()) or len(written) > 18:
        return " ".join(num2words(int(d)) for d in written if d.isdigit())
    value = number_value(written)
    if "." in value:
        whole, _, fraction = value.partition(".")
        return f"{num2words(int(whole or '0'))} point {' '.join(num2words(int(d)) for d in fraction)}"
    return num2words(int(value))


def dates(text: str) -> str:
    """2026-12-05, 5/12/2026 (day first) and 5 December 2026 read «the fifth of December twenty twenty-six»;
    December 5, 2026 «December fifth, twenty twenty-six»; December 2026 «December twenty twenty-six»."""

    def said(day: str, month: str, year: str, whole: str) -> str:
        if not real_date(year, month, day):
            return whole
        ordinal, spoken_year = num2words(int(day), to="ordinal"), _year(year)
        return f"the {ordinal} of {MONTHS[int(month) - 1]} {spoken_year}"

    text = re.sub(
        r"(?<![\d/.-])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d/-]|\.\d)",  # 2026-12-05, 2026/12/05
        lambda m: said(m[4], m[3], m[1], m[0]),
        text,
    )
    text = re.sub(
        r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?![\d/-]|\.\d)",
        # day first, unless only the American order makes a date (12/25/2024)
        lambda m: (
            said(m[3], m[1], m[4], m[0]) if int(m[3]) > 12 >= int(m[1]) else said(m[1], m[3], m[4], m[0])
        ),
        text,
    )
    return _written_months(text)


_MONTH = "|".join(MONTHS)
_UNIT_AFTER = "|".join(re.escape(unit) for unit in sorted(UNITS, key=len, reverse=True))
_A_YEAR = rf"(1[1-9]\d\d|20\d\d)(?!\d|[.,]\d|\s?%|\s?[-–]\s?\d|\s?(?:{_UNIT_AFTER})(?![\w²³]))"
"""A number that reads as a year: 1100 to 2099, not a decimal, a per cent, a range's start (May 2020-2024)
or a measure."""
_YEAR_AFTER = rf"(?:,?\s+{_A_YEAR})?"


def _year(written: str) -> str:
    """A year as English says it: 2026 «twenty twenty-six»."""
    return num2words(int(written), to="year")


def _year_after(written: str | None, separator: str) -> str:
    """A date's year, when it has one, after ``separator`` (« » after the month, «, » after the day)."""
    return f"{separator}{_year(written)}" if written else ""


def _day(day: str, month: str, year: str | None) -> str | None:
    """The day as an ordinal, None where it is no day of that month (31 June 2025)."""
    if not 1 <= int(day) <= 31 or (year and not real_date(year, str(MONTHS.index(month) + 1), day)):
        return None
    return num2words(int(day), to="ordinal")


def _written_months(text: str) -> str:
    """Dates whose month is written as a word, the day before or after it, the year or not."""

    def day_first(m: re.Match) -> str:
        day = _day(m[2], m[3], m[4])
        return f"{m[1] or 'the '}{day} of {m[3]}{_year_after(m[4], ' ')}" if day else m[0]

    def month_first(m: re.Match) -> str:
        day = _day(m[2], m[1], m[3])
        return f"{m[1]} {day}{_year_after(m[3], ', ')}" if day else m[0]

    text = re.sub(  # news agencies' abbreviations before a day or a year: Jan. 5, Sept. 2024
        r"\b(Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\.\s+(?=\d)",
        lambda m: next(month for month in MONTHS if month.startswith(m[1])) + " ",
        text,
    )

    def days(m: re.Match) -> str:  # 5-6 May «the fifth to the sixth of May», May 5-6 «May fifth to sixth»
        month, first, second, year = (m[1], m[2], m[3], m[4]) if m[1] else (m[7], m[5], m[6], m[8])
        day, last = _day(first, month, year), _day(second, month, year)
        if not day or not last or int(first) >= int(second):
            return m[0]
        if m[1]:
            return f"{month} {day} to {last}{_year_after(year, ', ')}"
        return f"the {day} to the {last} of {month}{_year_after(year, ' ')}"

    dash = r"\s?[-–—]\s?"
    text = re.sub(
        rf"\b({_MONTH})\s+(\d{{1,2}}){dash}(\d{{1,2}})(?![\w.,:]\w|\d){_YEAR_AFTER}"
        rf"|(?<![\w.,])(\d{{1,2}}){dash}(\d{{1,2}})\s+({_MONTH})\b{_YEAR_AFTER}",
        days,
        text,
    )
    text = re.sub(
        rf"(?<![\w.,])((?:[Tt]he\s+)?)(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\b{_YEAR_AFTER}",
        day_first,
        text,
    )
    text = re.sub(
        rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?![\w.,:]\w|\d){_YEAR_AFTER}", month_first, text
    )
    return re.sub(
        rf"\b({_MONTH}),?\s+{_A_YEAR}",
        lambda m: f"{m[1]} {_year(m[2])}",
        text,
    )


def decades(text: str) -> str:
    """The 1990s «the nineteen nineties», the 2000s «the two thousands», the '80s «the eighties»."""

    def plural(words: str) -> str:
        head, _, last = words.rpartition(" ")
        last = last[:-1] + "ies" if last.endswith("y") else last + "s"
        return f"{head} {last}".strip()

    text = re.sub(r"(?<![\w.,])(1\d|20)(\d0)['’]?s\b", lambda m: plural(_year(m[0][:4])), text)
    return re.sub(r"(?<!\w)['’]([1-9]0)s\b", lambda m: plural(num2words(int(m[1]))), text)


def times(text: str) -> str:
    """10:30 «ten thirty», 14:05 «two oh five p m», 9:00 am «nine o'clock a m»."""

    def said(m: re.Match) -> str:
        hour, minute = int(m[1]), int(m[2])
        if hour > 24 or minute > 59:
            return m[0]
        twelve = hour % 12 or 12
        minutes = (
            " o'clock"
            if minute == 0
            else f" oh {num2words(minute)}"
            if minute < 10
            else f" {num2words(minute)}"
        )
        period = m[3] or ("pm" if 12 <= hour < 24 else "am" if hour == 0 else "")
        return f"{num2words(twelve)}{minutes}" + (
            f" {' '.join(period.lower().replace('.', ''))}" if period else ""
        )

    text = re.sub(r"(?<![\d:.])(\d{1,2}):(\d{2})(?![\d:])(?:\s?([AaPp]\.?[Mm]\.?)(?!\w))?", said, text)
    return re.sub(  # 10am, 3 p.m.: the letters said, not the word «am»
        r"(?<![\w:.,])(\d{1,2})\s?([AaPp])\.?[Mm]\b\.?",
        lambda m: f"{num2words(int(m[1]))} {m[2].lower()} m" if 1 <= int(m[1]) <= 12 else m[0],
        text,
    )


def years(text: str) -> str:
    """A year after in, since, by, from...: «in 2026,» reads «in twenty twenty-six,»; so do both ends of
    «from 2011 to 2013», «between 2010 and 2015» and «2020-2024»."""

    text = re.sub(
        rf"\b(from|between)\s+{_A_YEAR}\s+(to|and|until|through)\s+{_A_YEAR}",
        lambda m: f"{m[1]} {_year(m[2])} {m[3]} {_year(m[4])}",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(
        r"(?<![\w.,$£€])(1[1-9]\d\d|20\d\d)\s?[-–]\s?(1[1-9]\d\d|20\d\d)(?![\w.,%-])",
        lambda m: f"{_year(m[1])} to {_year(m[2])}" if int(m[1]) < int(m[2]) else m[0],
        text,
    )
    text = re.sub(  # the 1939 World's Fair, Nauman's 1968 work: a year before what it dates
        rf"(\b[Tt]he|\w['’]s)\s+{_A_YEAR}(?=\s+[A-Za-z])",
        lambda m: f"{m[1]} {_year(m[2])}",
        text,
    )
    return re.sub(
        rf"\b(in|since|by|of|until|till|before|after|during|year|mid-)\s*{_A_YEAR}",
        lambda m: f"{m[1]}{'' if m[1].endswith('-') else ' '}{_year(m[2])}",
        text,
        flags=re.IGNORECASE,
    )


def ranges(text: str) -> str:
    """2020-2024 «2020 to 2024»."""
    return re.sub(rf"(?<![\w.,/-])({NUMBER})\s?[-–]\s?({NUMBER})(?![\w.,/-])", r"\1 to \2", text)


def currencies(text: str) -> str:
    """$5 million «five million dollars», €3.5 «three point five euros», 250 SAR «two hundred and fifty
    Saudi riyals»."""
    codes = "|".join(re.escape(c) for c in sorted(CURRENCIES, key=len, reverse=True))

    def said(m: re.Match) -> str:
        written, scale, code = m["n1"] or m["n2"], m["s1"] or m["s2"], m["c1"] or m["c2"]
        noun = CURRENCIES[code]
        scale = {"bn": "billion", "m": "million"}.get(scale, scale)
        if _before_a_noun(text, m.start(), m.end()) and not re.search(r"\.\d\d$", written):  # a $3bn deal
            return f"{say_number(written)} {scale + ' ' if scale else ''}{noun}"
        if scale:
            return f"{say_number(written)} {scale} {_plural(noun, '2')}"
        whole, _, cents = number_value(written).partition(".")
        minor = _MINOR.get(noun.split()[-1])
        if minor and len(cents) == 2:  # $3.50: three dollars and fifty cents
            amount = f"{num2words(int(whole or '0'))} {_plural(noun, whole)}"
            change = f"{num2words(int(cents))} {minor[int(cents) != 1]}"
            return amount if not int(cents) else change if not int(whole or "0") else f"{amount} and {change}"
        return f"{say_number(written)} {_plural(noun, number_value(written))}"

    before = rf"(?P<c1>{codes})\s?(?P<n1>{NUMBER})(?:\s?(?P<s1>{_SCALES})\b)?"
    after = rf"(?P<n2>{NUMBER})(?:\s?(?P<s2>{_SCALES})\b)?\s?(?P<c2>{codes})(?![A-Za-z])"
    return re.sub(rf"(?<![\w.,])(?:{before}|{after})", said, text)


_DETERMINERS = frozenset("a an the its his her their our your this that each every".split())
_NOT_NOUNS = frozenset(
    "to for in of on at by and or but per a an the is was are were be been will would can could has have had "
    "from with than as while last next each".split()
)


def _before_a_noun(text: str, start: int, end: int) -> bool:
    """Whether an amount at ``text[start:end]`` stands before a noun as its adjective (a $500 price, Apple's
    $3 billion deal), where English says the unit in the singular."""
    before = text[max(0, start - 40) : start].split()
    after = text[end : end + 40].split()
    owner = bool(before) and (before[-1].lower() in _DETERMINERS or before[-1].endswith(("'s", "’s")))
    word = after[0].rstrip(".,;:!?") if after else ""
    noun = text[end : end + 1] == " " and word.isalpha() and word not in _NOT_NOUNS
    return owner and noun


FRACTIONS = {"½": "a half", "¼": "a quarter", "¾": "three quarters", "⅓": "a third", "⅔": "two thirds"}


def fractions(text: str) -> str:
    """Fractions typed as one character: 2½ hours «2 and a half hours», ¾ «three quarters»."""
    return re.sub(FRACTION, lambda m: f"{m[1]} and {FRACTIONS[m[2]]}" if m[1] else FRACTIONS[m[2]], text)


def signs(text: str) -> str:
    """A minus sign said as a word, whatever reads the number after it: −2.3% «minus two point three per
    cent», -$5 «minus five dollars»."""
    return re.sub(SIGN, "minus ", text)


def per_cents(text: str) -> str:
    """35% «thirty-five per cent»."""
    return re.sub(rf"(?<![\w.,])({NUMBER})\s?%", lambda m: f"{say_number(m[1])} per cent", text)


def units(text: str) -> str:
    """40 km «forty kilometres», -5°C «minus five degrees Celsius»."""
    names = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))

    def said(m: re.Match) -> str:
        return f"{say_number(m[1])} {_plural(UNITS[m[2]], number_value(m[1]))}"

    return re.sub(rf"(?<![\w.,])({NUMBER})\s?({names})(?![\w²³])", said, text)


def abbreviations(text: str) -> str:
    """No. 10 «number 10», 3x «3 times»: what a voice would otherwise say as the word «no» or the letter x;
    a version, 1.8.3, «1 point 8 point 3»."""
    text = re.sub(r"\b([Nn])o\.\s?(?=\d)", lambda m: "number " if m[1] == "n" else "Number ", text)
    text = re.sub(r"(?<![\w.])\d+(?:\.\d+){2,}(?![\w.]\w)", lambda m: m[0].replace(".", " point "), text)
    return re.sub(rf"(?<![\w.,])({NUMBER})[x×](?!\w)", r"\1 times", text)


def numbers(text: str) -> str:
    """Every number left, in words; 1st, 2nd and 21st as ordinals."""
    text = re.sub(r"\b(\d+)(st|nd|rd|th)\b", lambda m: num2words(int(m[1]), to="ordinal"), text)

    def said(m: re.Match) -> str:
        before = " " if m.start() and text[m.start() - 1].isalpha() else ""
        after = " " if text[m.end() : m.end() + 1].isalpha() else ""
        return f"{before}{say_number(m[1])}{after}"

    return re.sub(rf"(?<![\d.,])({NUMBER})", said, text)


SYMBOLS = {
    "&": "and",
    "+": "plus",
    "=": "equals",
    "#": "number",
    "%": "per cent",
    "°": "degrees",
    "$": "dollars",
    "€": "euros",
    "£": "pounds",
    "@": "at",
    "§": "section",
}


def symbols(text: str) -> str:
    """Every symbol left as a word or a space, and any digit left, digit by digit."""
    import unicodedata

    out = []
    for ch in re.sub(r"\d+", lambda m: f" {' '.join(num2words(int(d)) for d in m[0])} ", text):
        if ch in SYMBOLS:
            out.append(f" {SYMBOLS[ch]} ")
        elif unicodedata.category(ch).startswith("S") or ch in "*_|~^<>\\/•·":
            out.append(" ")
        else:
            out.append(ch)
    return re.sub(r"\s+", " ", "".join(out)).strip()


STEPS = (
    links,
    western_digits,
    fractions,
    abbreviations,
    dates,
    decades,
    times,
    years,
    ranges,
    signs,
    currencies,
    per_cents,
    units,
    numbers,
    symbols,
)
