"""Dates as periods: a year, a month or a day, compared by the span of time they cover.

The sources give dates as precisely as they know them ("2018", "July 2017", "18 February 2019"),
and the graph keeps that precision (``xsd:gYear``, ``xsd:gYearMonth``, ``xsd:date``). A date is
therefore a *period* with a first and a last day, and comparisons say which end they use.
Plain standard library, so the CLI can check a date before it loads anything.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from gbakg.errors import InputError

XSD = "http://www.w3.org/2001/XMLSchema#"
DATE_TYPES = (XSD + "date", XSD + "gYearMonth", XSD + "gYear", XSD + "dateTime")

_USER_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# An XSD lexical form: optional time part (xsd:dateTime) and time zone, which we ignore.
_XSD_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T[0-9:.]+)?)?)?(?:Z|[+-]\d{2}:\d{2})?")
_PRECISION = {XSD + "gYear": 1, XSD + "gYearMonth": 2, XSD + "date": 3, XSD + "dateTime": 3}


@dataclass(frozen=True, order=True)
class Period:
    """The span a date covers: ``2018`` is 2018-01-01 to 2018-12-31; ``text`` is the date as written."""

    start: date
    end: date
    text: str

    def by(self, cutoff: Period) -> bool:
        """Whether the whole period lies on or before the cut-off's last day (the conservative rule)."""
        return self.end <= cutoff.end

    def within(self, first: Period | None, last: Period | None) -> bool:
        """Whether the whole period lies between ``first``'s first day and ``last``'s last day."""
        return (first is None or self.start >= first.start) and (last is None or self.end <= last.end)


def _period(text: str, year: str, month: str | None, day: str | None) -> Period | None:
    try:
        y = int(year)
        if month is None:
            return Period(date(y, 1, 1), date(y, 12, 31), text)
        m = int(month)
        if day is None:
            return Period(date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]), text)
        d = date(y, m, int(day))
        return Period(d, d, text)
    except ValueError:  # year 0, month 13, 30 February…
        return None


def parse_date(text: str) -> Period:
    """Parse a date a user typed: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; anything else is an InputError."""
    value = str(text).strip()
    match = _USER_DATE.fullmatch(value)
    period = _period(value, *match.groups()) if match else None
    if period is None:
        raise InputError(f"bad date {text!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    return period


def literal_period(lexical: str, datatype: str | None) -> Period | None:
    """The period of a typed date literal; None for other literals and for malformed dates.

    The datatype decides the precision (a ``gYear`` is a whole year), so ``"2019"^^xsd:gYear``
    and ``"2019-01-01"^^xsd:date`` start on the same day but end on different ones.
    """
    precision = _PRECISION.get(str(datatype)) if datatype is not None else None
    if precision is None:
        return None
    text = str(lexical).strip()
    match = _XSD_DATE.fullmatch(text)
    if match is None:
        return None
    parts = match.groups()
    if sum(p is not None for p in parts) != precision:
        return None
    return _period(text, *parts)


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            (),
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE = re.compile(r"(?:(on|this|last|next|in)\s+)?(\w+)")


def resolve_relative(phrase: str, source_date: Period) -> tuple[str, str] | None:
    """Resolve a relative date against the date of the source that writes it: the one rule.

    Returns ``(lexical, xsd datatype)`` or None when the phrase is not one the rule covers or the
    source's date is too coarse for it. The rule (graph/README.md, Dates):

    * ``today`` / ``yesterday``: the source's day / the day before (needs a day-precise source date);
    * ``this year`` / ``last year`` / ``next year``: the source's year, the one before, the one after;
    * ``this June`` / ``last June`` / ``next June``: that month in the source's year, or the nearest
      one before / after the source's month;
    * ``April last year`` / ``去年4月`` (and this/next year): that month of that year;
    * ``December 23 last year`` / ``23 December last year`` / ``去年12月23日``: that day of that year;
    * ``on Saturday`` / ``Saturday`` / ``last Saturday``: the latest Saturday on or before the
      source's day (datelines report the past);
    * ``March 1``, ``1 March``, ``Dec. 22``, ``August 28th``, ``3月1日`` (no year): the latest such day
      on or before the source's date (its last day, for a source dated to the month).

    Chinese ``今天 昨天 昨 今年 去年 明年`` read as their English equivalents.

    >>> resolve_relative("last year", parse_date("2022-01"))
    ('2021', 'http://www.w3.org/2001/XMLSchema#gYear')
    >>> resolve_relative("on Saturday", parse_date("2017-07-03"))
    ('2017-07-01', 'http://www.w3.org/2001/XMLSchema#date')
    """
    from datetime import timedelta

    text = _CHINESE.get(phrase.strip(), " ".join(phrase.lower().replace(".", " ").replace(",", " ").split()))
    precision = _precision(source_date)
    day = source_date.start
    month_day = _month_day(phrase.strip(), text)
    if month_day is not None:
        if precision < 2:
            return None
        return _latest(source_date.end, *month_day)  # a month-dated source: on or before its last day
    if text in ("today", "yesterday"):
        if precision < 3:
            return None
        d = day if text == "today" else day - timedelta(days=1)
        return d.isoformat(), XSD + "date"
    year = day.year
    day_of_year = _day_of_year(phrase.strip(), text)
    if day_of_year is not None:
        month, dom, shift = day_of_year
        try:
            return date(year + shift, month, dom).isoformat(), XSD + "date"
        except ValueError:  # 30 February last year
            return None
    month_of_year = _month_of_year(phrase.strip(), text)
    if month_of_year is not None:
        month, shift = month_of_year
        return f"{year + shift:04d}-{month:02d}", XSD + "gYearMonth"
    match = _RELATIVE.fullmatch(text)
    if match is None:
        return None
    word, name = match.groups()
    if name == "year" and word in ("this", "last", "next"):
        return str(year + {"this": 0, "last": -1, "next": 1}[word]), XSD + "gYear"
    if name in _MONTHS and word in ("this", "last", "next", "in", None):
        month = _MONTHS[name]
        if word == "last" and (precision < 2 or month >= day.month):
            year -= 1
        elif word == "next" and (precision < 2 or month <= day.month):
            year += 1
        return f"{year:04d}-{month:02d}", XSD + "gYearMonth"
    if name in _WEEKDAYS and word in ("on", "last", None):
        if precision < 3:
            return None
        back = (day.weekday() - _WEEKDAYS.index(name)) % 7
        if word == "last" and back == 0:
            back = 7
        return (day - timedelta(days=back)).isoformat(), XSD + "date"
    return None


# Chinese sources write the same relative dates.
_CHINESE = {
    "今天": "today",
    "今日": "today",
    "昨天": "yesterday",
    "昨日": "yesterday",
    "今年": "this year",
    "去年": "last year",
    "明年": "next year",
    "昨": "yesterday",
}
_ZH_MONTH_OF_YEAR = re.compile(r"(今年|去年|明年)(\d{1,2})月")
_MONTH_OF_YEAR = re.compile(r"(?:in\s+)?(\w+)\s+(this|last|next)\s+year")
_YEAR_SHIFT = {"this": 0, "last": -1, "next": 1, "今年": 0, "去年": -1, "明年": 1}


_ZH_DAY_OF_YEAR = re.compile(r"(今年|去年|明年)(\d{1,2})月(\d{1,2})日")
_DAY_OF_YEAR = (
    re.compile(r"(?:on\s+)?(?P<month>[a-z]+)\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<shift>this|last|next)\s+year"),
    re.compile(r"(?:on\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[a-z]+)\s+(?P<shift>this|last|next)\s+year"),
)


def _day_of_year(raw: str, text: str) -> tuple[int, int, int] | None:
    """``December 23 last year``, ``23 December last year``, ``去年12月23日``: (month, day, years from the source's)."""
    zh = _ZH_DAY_OF_YEAR.fullmatch(raw)
    if zh:
        month, dom = int(zh.group(2)), int(zh.group(3))
        return (month, dom, _YEAR_SHIFT[zh.group(1)]) if 1 <= month <= 12 else None
    for pattern in _DAY_OF_YEAR:
        match = pattern.fullmatch(text)
        if match and match.group("month") in _MONTHS:
            return _MONTHS[match.group("month")], int(match.group("day")), _YEAR_SHIFT[match.group("shift")]
    return None


def _month_of_year(raw: str, text: str) -> tuple[int, int] | None:
    """``April last year``, ``去年4月``: (month, years from the source's year)."""
    zh = _ZH_MONTH_OF_YEAR.fullmatch(raw)
    if zh:
        month = int(zh.group(2))
        return (month, _YEAR_SHIFT[zh.group(1)]) if 1 <= month <= 12 else None
    match = _MONTH_OF_YEAR.fullmatch(text)
    if match and match.group(1) in _MONTHS:
        return _MONTHS[match.group(1)], _YEAR_SHIFT[match.group(2)]
    return None


_ZH_MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")


def _month_day(raw: str, text: str) -> tuple[int, int] | None:
    """``March 1``, ``1 March``, ``Dec 22`` or ``3月1日``: a day and month without a year."""
    zh = _ZH_MONTH_DAY.fullmatch(raw)
    if zh:
        return int(zh.group(1)), int(zh.group(2))
    words = [re.sub(r"^(\d{1,2})(st|nd|rd|th)$", r"\1", w) for w in text.removeprefix("on ").split()]
    if len(words) == 2:
        first, second = words
        if first in _MONTHS and second.isdigit():
            return _MONTHS[first], int(second)
        if second in _MONTHS and first.isdigit():
            return _MONTHS[second], int(first)
    return None


def _latest(day: date, month: int, dom: int) -> tuple[str, str] | None:
    """The latest ``month``/``dom`` on or before ``day``: a dateline's year."""
    for year in (day.year, day.year - 1):
        try:
            candidate = date(year, month, dom)
        except ValueError:
            return None
        if candidate <= day:
            return candidate.isoformat(), XSD + "date"
    return None


def _precision(period: Period) -> int:
    """1 for a year, 2 for a month, 3 for a day."""
    if period.start == period.end:
        return 3
    return 1 if (period.start.month, period.end.month) == (1, 12) and period.end.day == 31 else 2
