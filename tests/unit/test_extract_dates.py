"""Date normalisation against the publication date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from consumers.extract.dates import normalise_date, reference_date

Extract = Callable[..., list[dict[str, Any]]]
FRIDAY = date(2017, 5, 12)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("on Thursday", date(2017, 5, 11)),
        ("Friday", date(2017, 5, 12)),  # the publication day itself
        ("last Friday", date(2017, 5, 5)),
        ("Tuesday night", date(2017, 5, 9)),
        ("yesterday", date(2017, 5, 11)),
        ("today", FRIDAY),
        ("a year ago", date(2016, 5, 12)),
        ("two days ago", date(2017, 5, 10)),
        ("earlier this month", date(2017, 5, 1)),
        ("earlier this week", date(2017, 5, 8)),
        ("last week", date(2017, 5, 1)),
        ("last month", date(2017, 4, 1)),
        ("in April", date(2017, 4, 1)),
        ("on May 3, 2017", date(2017, 5, 3)),
        ("March 2016", date(2016, 3, 1)),
        ("in 2011", date(2011, 1, 1)),
        ("next Monday", date(2017, 5, 15)),
    ],
)
def test_normalise_date(expression: str, expected: date) -> None:
    assert normalise_date(expression, FRIDAY) == expected


@pytest.mark.parametrize("expression", ["150 years", "the six-year", "nearly three years", "a decade-long"])
def test_durations_are_not_dates(expression: str) -> None:
    assert normalise_date(expression, FRIDAY) is None


def test_without_publication_date_only_absolute_dates_resolve() -> None:
    assert normalise_date("on Thursday", None) is None
    assert normalise_date("May 3, 2017", None) == date(2017, 5, 3)


def test_reference_date_is_the_publication_day() -> None:
    assert reference_date("2017-05-12T23:30:00-04:00") == FRIDAY
    assert reference_date(None) is None and reference_date("not a date") is None


def test_event_dates_in_context(extract: Extract) -> None:
    pub = "2017-05-12T16:00:00Z"
    ev = extract("Ukraine was attacked by Russia on Thursday.", published_at=pub)[0]
    assert (ev["event_date"], ev["event_date_text"]) == ("2017-05-11", "on Thursday")
    ev = extract("Germany sent tanks to Ukraine a year ago.", published_at=pub)[0]
    assert (ev["event_date"], ev["event_date_text"]) == ("2016-05-12", "a year ago")
    ev = extract("Russia attacked Ukraine.", published_at=pub)[0]
    assert (ev["event_date"], ev["event_date_text"]) == ("2017-05-12", None)  # falls back to publication
    assert extract("Russia attacked Ukraine.", published_at=None)[0]["event_date"] is None


def test_relative_dates_count_from_the_local_publication_day(extract: Extract) -> None:
    # 01:10 on Monday 13 July in Tokyo is still Sunday 12 July in UTC: "yesterday" is Sunday the 12th.
    assert reference_date("2020-07-13T01:10:00+09:00") == date(2020, 7, 13)
    ev = extract("Russia attacked Ukraine yesterday.", published_at="2020-07-13T01:10:00+09:00")[0]
    assert (ev["event_date"], ev["event_date_text"]) == ("2020-07-12", "yesterday")
    ev = extract("Ukraine was attacked by Russia on Monday.", published_at="2020-07-13T01:10:00+09:00")[0]
    assert ev["event_date"] == "2020-07-13"  # the UTC day (Sunday) would have sent it back a week


def test_implausible_dates_are_dropped() -> None:
    from consumers.extract.dates import normalise_date, plausible, reference_date

    assert reference_date("0001-01-01T00:00:00Z") is None
    assert reference_date("9999-01-01T00:00:00Z") is None
    assert plausible(date(1899, 12, 31)) is None and plausible(date(1900, 1, 1)) == date(1900, 1, 1)
    assert normalise_date("on May 3, 9999", date(2024, 3, 15)) is None
    assert normalise_date("1000 years ago", date(1950, 1, 1)) is None


def test_rfc3339_publication_times() -> None:
    from consumers.extract.dates import rfc3339

    assert rfc3339("2017-05-05") == "2017-05-05T00:00:00Z"
    assert rfc3339("2017-05-05T10:00:00") == "2017-05-05T10:00:00Z"
    assert rfc3339("2020-07-13T01:10+09:00") == "2020-07-13T01:10:00+09:00"
    assert rfc3339("2017-05-12T16:00:00Z") == "2017-05-12T16:00:00Z"
    assert rfc3339("not a date") is None and rfc3339(None) is None
