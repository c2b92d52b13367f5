"""news-search against real Elasticsearch: filters, highlighting, collapse across a rollover."""

from __future__ import annotations

import io
import json

import pytest
from elasticsearch.helpers import bulk

from common import es_setup
from common.es import make_es
from consumers.indexing.documents import article_action, event_action
from consumers.search_cli import main
from tests.event_factories import actor, make_enriched_article, make_event

pytestmark = pytest.mark.integration


@pytest.fixture
def indexed(es_prefix: str) -> None:
    es = make_es()
    syria = make_event(
        event_id="a" * 32,
        event_type="AGREE",
        source=[actor("Syria", "SYR")],
        target=[actor("Turkey", "TUR")],
        location={"name": "Damascus", "country": "SYR", "lat": 33.51, "lon": 36.29},
        sentence="Syria and Turkey agreed on de-escalation along the border.",
    )
    decoy = make_event(event_id="b" * 32, event_type="AGREE", sentence="The escalation continued; de facto control shifted.")
    old = make_event(event_id="c" * 32, event_date="2001-01-01", published_at="2001-01-02T00:00:00Z", sentence="An old de-escalation deal.")
    bulk(es, [event_action(e) for e in (syria, decoy, old)], refresh=True)
    # The same event again after a rollover: it overwrites itself in the partition of its own time.
    es_setup.rollover(es, "events")
    bulk(es, [event_action(syria), article_action(make_enriched_article())], refresh=True)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_readme_example_finds_the_event_once_with_highlights(indexed: None) -> None:
    code, out = run("de-escalation", "--type", "AGREE", "--country", "SYR", "--since", "3650d", "--color", "never")
    assert code == 0
    lines = out.splitlines()
    assert lines[1].split()[1:2] == ["AGREE"]
    assert "Syria (SYR GOV) -> Turkey (TUR GOV)" in lines[1] and "Damascus, SYR" in lines[1]
    assert lines[2] == "    Syria and Turkey agreed on **de-escalation** along the border."
    assert lines[-1] == "1 shown of 1 matches"


def test_hyphenated_words_do_not_match_their_parts_apart(indexed: None) -> None:
    code, out = run("de-escalation", "--json")
    ids = [json.loads(line)["id"] for line in out.splitlines()]
    assert code == 0 and sorted(ids) == ["a" * 32, "c" * 32]  # not the "escalation ... de facto" decoy


def test_time_filter_and_articles(indexed: None) -> None:
    _, out = run("de-escalation", "--until", "2002-01-01", "--json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["c" * 32]
    code, out = run("--articles", "de-escalation", "--country", "TUR", "--color", "never")
    assert code == 0
    assert "Talks on **de-escalation** are due" in out
    assert "1 shown of 1 matches" in out


def test_missing_alias_is_a_clear_error(indexed: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("x", "--index", "no-such-alias")
    assert code == 2
    assert "no index or alias 'no-such-alias'" in capsys.readouterr().err
