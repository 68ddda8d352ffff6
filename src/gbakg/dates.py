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
