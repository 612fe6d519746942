"""Dates, clock times and years with their era, as Arabic says them."""

from __future__ import annotations

import re

from briefing.spoken.arabic_numbers import Noun, cardinal, counted, ordinal
from briefing.spoken.arabic_words import ANY_MONTH, GENITIVE_AFTER, MONTHS, context, word_before


def real_date(year: str, month: str, day: str) -> bool:
    """Whether the numbers make a date of the calendar (31/02 does not: it is left as written)."""
    import datetime

    try:
        datetime.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def _date(day: int, month: str, year: str | None, era: str | None = None) -> str:
    """The day's ordinal in the oblique case (في الحادي والعشرين من مارس): a date is governed by the word
    before it (في، منذ، يوم) or an adverb, next to never the subject."""
    return f"{ordinal(day, oblique=True)} من {month}{_year(year, era)}"


def _year(year: str | None, era: str | None) -> str:
    if not year:
        return ""
    said = f" عام {cardinal(int(year), genitive=True)}"
    return said + (" ميلادي" if era == "م" else " هجري" if era else "")


_MONTH_NAMES = rf"(?:{ANY_MONTH})(?:\s*/\s*(?:{ANY_MONTH})|\s*\(\s*(?:{ANY_MONTH})\s*\))?"
"""A month, or two names of it as news agencies write them: أيار/مايو, أيار (مايو)."""


def _months(written: str) -> str:
    """Both names of a month written twice (أيار/مايو), said one after the other; ذو الحجة after «من» is
    ذي الحجة."""
    return " ".join(re.findall(ANY_MONTH, written)).replace("ذو ", "ذي ")


_YEAR = r"(\d{4})(?:\s?(م|هـ|ه)(?![\w\u064b-\u0652]))?(?!\d|[.,]\d)"
"""A year after a month, with its era when one is written (1446هـ)."""

_DAYS_OF_A_MONTH = re.compile(
    rf"(?<![\d.,])(\d{{1,2}})(\s?[-–—]\s?|\s+(?:و|إلى |الى |حتى )\s?)(\d{{1,2}})"
    rf"\s+({_MONTH_NAMES})(?:\s*{_YEAR})?"
)
"""Two days of one month: 5-6 مايو، 5 و6 مايو، من 5 إلى 7 يونيو 2025."""


def _days(m: re.Match) -> str:
    """Two days of one month, each said as a day (من الخامس إلى السادس من مايو), not the first as a count
    (خمسة-السادس); a dash reads «من ... إلى», or «و» after بين."""
    first, second = int(m[1]), int(m[3])
    if not 1 <= first < second <= 31:
        return m[0]
    joined, opening, before = m[2].strip(), "", word_before(m.string, m.start())
    if joined in "-–—":  # after a word that governs it (في 5-6 مايو) no «من»: «في من» is not said
        joined, opening = ("و", "") if before == "بين" else ("إلى", "" if before in GENITIVE_AFTER else "من ")
    day, month = ordinal(first, oblique=True), _months(m[4])
    said = _date(second, month, m[5], m[6])
    if joined == "و" and first < 10 <= second and second % 10 == 0:  # «الثالث والعشرين» is the 23rd
        return f"{day} من {month} و{said}"
    return f"{opening}{day} {joined}{'' if joined == 'و' else ' '}{said}"


def dates(text: str, months: str = "latin") -> str:
    """Dates as said: 2026-12-05, 5/12/2026 (day first, as Arabic writes it), «5 ديسمبر 2026» and «5 أيار/مايو
    2026» all read «الخامس من ديسمبر عام ألفين وستة وعشرين» (with the month's names as written); «مايو 2026»
    reads «مايو عام ألفين وستة وعشرين». ``months`` names the months of numeric dates."""
    names = MONTHS[months]

    def numeric(day: str, month: str, year: str, era: str | None, whole: str) -> str:
        if not real_date(year, month, day):
            return whole
        return _date(int(day), names[int(month) - 1], year, era)

    text = re.sub(
        r"(?<![\d/.-])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d/-]|\.\d)",  # 2026-12-05, 2026/12/05
        lambda m: numeric(m[4], m[3], m[1], None, m[0]),
        text,
    )
    text = re.sub(
        rf"(?<![\d/.-])(\d{{1,2}})([/.-])(\d{{1,2}})\2{_YEAR}(?![/-])",  # 5/12/2026, 12.5.2024م
        lambda m: numeric(m[1], m[3], m[4], m[5], m[0]),
        text,
    )
    text = re.sub(_DAYS_OF_A_MONTH, _days, text)

    def day_month(m: re.Match) -> str:
        zero = m[2] == "صفر" and not m[3]  # «2 صفر» is more likely a score than the month
        return _date(int(m[1]), _months(m[2]), m[3], m[4]) if 1 <= int(m[1]) <= 31 and not zero else m[0]

    # a year is sometimes typed against its month (13 ديسمبر2018)
    text = re.sub(rf"(?<![\d.,])(\d{{1,2}})\s+({_MONTH_NAMES})(?:\s*{_YEAR})?", day_month, text)
    return re.sub(
        rf"(?<!\w)(و?)({_MONTH_NAMES})\s*{_YEAR}",
        lambda m: m[1] + _months(m[2]) + _year(m[3], m[4]),
        text,
    )


_PERIODS = {
    "ص": "صباحًا",
    "صباحا": "صباحًا",
    "صباحًا": "صباحًا",
    "م": "مساءً",
    "مساء": "مساءً",
    "مساءً": "مساءً",
    "مساءا": "مساءً",
}
_MINUTE = Noun("دقيقة", "دقيقتان", "دقائق", feminine=True)


def _time(hour: int, minute: int, period: str | None) -> str:
    if hour == 0 and minute == 0 and not period:
        return "منتصف الليل"
    said_hour = hour
    if minute == 45:
        said_hour, tail = hour + 1, " إلا ربعًا"
    elif minute in (0, 15, 30):
        tail = {0: "", 15: " والربع", 30: " والنصف"}[minute]
    else:
        tail = " و" + counted(minute, _MINUTE)
    twelve = said_hour % 12 or 12
    said = ordinal(twelve, feminine=True) + tail
    if period:
        return f"{said} {_PERIODS[period]}"
    if hour == 0:
        return f"{said} بعد منتصف الليل"
    if hour >= 12:
        return said + (
            " ظهرًا" if hour == 12 else " بعد الظهر" if hour < 18 else " مساءً" if hour < 21 else " ليلًا"
        )
    return said


def times(text: str) -> str:
    """Clock times, said with the word hour unless it is written before them: عند 10:30 «عند الساعة العاشرة
    والنصف», 14:00 «الساعة الثانية بعد الظهر», الساعة 9:05 م «الساعة التاسعة وخمس دقائق مساءً»."""
    periods = "|".join(sorted(_PERIODS, key=len, reverse=True))

    def said(m: re.Match) -> str:
        hour, minute = int(m[1]), int(m[2])
        if hour > 24 or minute > 59:
            return m[0]
        time = _time(hour % 24, minute, m[3])
        written_hour = word_before(text, m.start()).endswith("ساعة")
        return time if written_hour or time.startswith("منتصف") else f"الساعة {time}"

    text = re.sub(rf"(?<![\d:.])(\d{{1,2}}):(\d{{2}})(?![\d:])(?:\s?({periods})(?!\w))?", said, text)
    return _whole_hours(text)


def _whole_hours(text: str) -> str:
    """An hour written without minutes after the word hour: الساعة 10 صباحا «الساعة العاشرة صباحا»."""

    def said(m: re.Match) -> str:
        hour = int(m[2])
        if not 1 <= hour <= 24:
            return m[0]
        said_time = _time(hour % 24, 0, None)
        if said_time.startswith("منتصف"):  # حتى الساعة 24 «حتى منتصف الليل», بالساعة 24 «بمنتصف الليل»
            clitics = m[1][: m[1].index("ساعة")]
            return (clitics[:-2] if clitics.endswith("ال") else clitics[:-1]) + said_time
        return f"{m[1]} {said_time}"

    return re.sub(r"(?<!\w)([وفبلك]{0,2}(?:ال|ل)ساعة)\s+(\d{1,2})(?![\d:.,]|\s?[-–]\s?\d)", said, text)


_YEAR_WORDS = frozenset("عام العام لعام سنة السنة منذ".split())


def eras(text: str) -> str:
    """Years with their era: 1950م «ألف وتسعمئة وخمسين ميلادي», 1447هـ «... هجري». A shorter number before
    م is a length in metres (left to :func:`units`) unless a word such as عام comes before it."""

    def said(m: re.Match) -> str:
        before = [word_before(text, m.start())]
        if len(m[1]) < 4 and before[0] not in _YEAR_WORDS:
            return m[0]
        genitive, _ = context(text, m.start(), m.end())
        era = "ميلادي" if m[2] == "م" else "هجري"
        return f"{cardinal(int(m[1]), genitive=genitive)} {era}"

    return re.sub(r"(?<![\d.,])(\d{1,4})\s?(م|هـ|ه)(?![\w\u064b-\u0652])", said, text)
