"""Event-date normalisation against the publication date.

Common news expressions ("on Thursday", "yesterday", "a year ago", "earlier this month",
"last week") are resolved by rules; explicit dates ("May 3, 2017", "in April", "2011")
go to dateparser with the publication date as RELATIVE_BASE and past dates preferred.
Period expressions resolve to the start of the period ("in April" -> April 1st,
"earlier this month" -> the 1st, "last week" -> that Monday). Results are cached;
nothing here touches the network or the clock, so output is deterministic.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

import dateparser

WEEKDAYS = {name: i for i, name in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
          "january", "february", "march", "april", "june", "july", "august", "september", "october",
          "november", "december")
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "several": 3, "few": 3, "couple": 2}

_PREFIX = re.compile(r"^(on|in|since|by|from|during|as of|until|till|late|early|earlier|later|last|this|the|"
                     r"past|previous|next|coming|mid)\s+")
_SUFFIX = re.compile(r"('s|’s|\s+(morning|afternoon|evening|night|overnight))$")  # noqa: RUF001 - typographic dashes and quotes are what is being normalised
_AGO = re.compile(r"^(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|few|couple)\s+"
                  r"(?:of\s+)?(day|week|month|year|decade)s?\s+ago$")
_PERIOD = re.compile(r"^(earlier\s+this|earlier\s+in\s+the|this|last|past|previous)\s+(week|weekend|month|year)$")
# Only expressions that name a point in time are dates; "150 years", "the six-year war" are durations.
_DATE_WORD = re.compile(
    r"\b(" + "|".join(WEEKDAYS) + r"|" + "|".join(MONTHS) + r")\b\.?|\b(today|tonight|yesterday|tomorrow)\b|"
    r"\bago\b|\b(last|this|next|earlier|later|previous|past)\s+(week|weekend|month|year|night|morning)\b|"
    r"\b(19|20)\d\d\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d\d-\d\d\b",
    re.IGNORECASE,
)
EARLIEST = date(1900, 1, 1)
LATEST_AHEAD = timedelta(days=366)
_DATEPARSER_SETTINGS = {
    "PREFER_DATES_FROM": "past",
    "PREFER_DAY_OF_MONTH": "first",
    "PREFER_MONTH_OF_YEAR": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
}


def parse_published(value: str | None) -> datetime | None:
    """ISO 8601 publication timestamp -> datetime (None if missing or unparseable)."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


_RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def rfc3339(value: str | None) -> str | None:
    """A publication time as RFC 3339 (what `date-time` in the schemas means), keeping its offset:
    a bare date is its midnight UTC, a time without offset is taken as UTC; None if unparseable."""
    parsed = parse_published(value)
    if parsed is None or value is None:
        return None
    if _RFC3339.match(value):
        return value
    if parsed.tzinfo is None:
        return parsed.replace(microsecond=0).isoformat() + "Z"
    return parsed.replace(microsecond=0).isoformat()


def plausible(day: date | None) -> date | None:
    """The date if it can be a news event's date: from 1900 to a year after today, else None
    (an event "dated" 9999 would top every date-sorted search; year 1 is a placeholder)."""
    if day is None or day < EARLIEST or day > date.today() + LATEST_AHEAD:
        return None
    return day


def reference_date(published_at: str | None) -> date | None:
    """The day relative expressions count from: the publication date as written (its own time zone),
    None when missing, unparseable or implausible (then relative dates stay unresolved)."""
    parsed = parse_published(published_at)
    return plausible(parsed.date()) if parsed else None


def is_date_expression(text: str) -> bool:
    return _DATE_WORD.search(text) is not None


def _months_back(base: date, months: int) -> date:
    year, month = divmod(base.year * 12 + base.month - 1 - months, 12)
    day = min(base.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30,
                         31, 31, 30, 31, 30, 31][month])
    return date(year, month + 1, day)


def _rules(expr: str, base: date) -> date | None:
    if expr in {"today", "tonight", "this morning", "this afternoon", "this evening", "earlier today", "overnight"}:
        return base
    if expr in {"yesterday", "last night"} or expr.startswith("yesterday"):
        return base - timedelta(days=1)
    if expr.startswith("tomorrow"):
        return base + timedelta(days=1)
    match = _AGO.match(expr)
    if match:
        n = NUMBERS.get(match.group(1)) or int(match.group(1))
        unit = match.group(2)
        if unit == "day":
            return base - timedelta(days=n)
        if unit == "week":
            return base - timedelta(weeks=n)
        if unit == "month":
            return _months_back(base, n)
        years = n * (10 if unit == "decade" else 1)
        return _months_back(base, 12 * years)
    match = _PERIOD.match(expr)
    if match:
        which, unit = match.groups()
        current = which.startswith(("earlier", "this"))
        if unit in {"week", "weekend"}:
            monday = base - timedelta(days=base.weekday())
            start = monday if current else monday - timedelta(weeks=1)
            return start + timedelta(days=5) if unit == "weekend" else start
        if unit == "month":
            first = base.replace(day=1)
            return first if current else _months_back(first, 1)
        return date(base.year if current else base.year - 1, 1, 1)
    # Weekday names: the most recent such day, the publication day included
    # ("said on Friday" in a Friday paper means that day).
    words = expr.split()
    core = _SUFFIX.sub("", expr).strip()
    while True:
        stripped = _PREFIX.sub("", core)
        if stripped == core:
            break
        core = stripped
    if core in WEEKDAYS:
        target = WEEKDAYS[core]
        if words and words[0] in {"next", "coming"}:
            return base + timedelta(days=(target - base.weekday() - 1) % 7 + 1)
        back = (base.weekday() - target) % 7
        if words and words[0] in {"last", "previous"} and back == 0:
            back = 7
        return base - timedelta(days=back)
    return None


@lru_cache(maxsize=8192)
def normalise_date(expression: str, base: date | None) -> date | None:
    """Resolve a date expression against the publication date; None when it names no point in time."""
    expr = " ".join(expression.lower().replace("’", "'").split()).strip(" ,.")  # noqa: RUF001 - typographic dashes and quotes are what is being normalised
    if not expr or not is_date_expression(expr):
        return None
    if base is not None:
        try:
            resolved = _rules(expr, base)
        except (OverflowError, ValueError):  # "1000 years ago" from a very early base date
            return None
        if resolved is not None:
            return plausible(resolved)
    elif not re.search(r"\b(19|20)\d\d\b", expr):
        return None  # a relative expression with no publication date cannot be resolved deterministically
    relative_base = datetime(base.year, base.month, base.day, 12) if base else datetime(2000, 1, 1)
    cleaned = re.sub(r"^(on|in|since|by|from|during|as of)\s+", "", expr)
    try:
        parsed = dateparser.parse(cleaned, languages=["en"], settings={**_DATEPARSER_SETTINGS, "RELATIVE_BASE": relative_base})
    except (OverflowError, ValueError):
        return None
    return plausible(parsed.date()) if parsed else None


def warm_up() -> None:
    """dateparser loads its language data on first use (~0.1 s); do it at component init, not mid-stream."""
    normalise_date("May 3, 2017", date(2017, 5, 12))
