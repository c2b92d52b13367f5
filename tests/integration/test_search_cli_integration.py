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


@pytest.fixture
def storied(es_prefix: str) -> dict[str, str]:
    from consumers.indexing.documents import story_action
    from consumers.stories.grouping import Group

    es = make_es()
    group, agree = Group("ASSAULT"), Group("AGREE")
    strikes = [
        make_event(event_id=f"{i:032x}", article_id=f"{i + 10:032x}", article_source=outlet, article_title=None, sentence=text)
        for i, (outlet, text) in enumerate(
            [
                ("wire", "Russian drones carried out strikes on Kharkiv overnight."),
                ("daily", "Russia struck Kharkiv with drones, officials said."),
                ("post", "Russian forces shelled Kharkiv again on Thursday."),
            ]
        )
    ]
    turkey = make_event(event_id="d" * 32, event_type="AGREE", source=[actor("Russia", "RUS")], target=[actor("Turkey", "TUR")],
                        location=None, article_title=None, sentence="Russia and Turkey agreed on grain shipments.")  # fmt: skip
    events = [{**e, "story_id": group.assign(e, 1.0).story_id} for e in strikes]
    events.append({**turkey, "story_id": agree.assign(turkey, 1.0).story_id})
    stories = [s.message() for s in [*group.stories.values(), *agree.stories.values()]]
    bulk(es, [event_action(e) for e in events] + [story_action(s) for s in stories], refresh=True)
    return {"strike": events[0]["story_id"], "turkey": events[-1]["story_id"]}


def test_stemming_finds_strike_in_strikes(storied: dict[str, str]) -> None:
    code, out = run("strike", "--json")
    assert code == 0 and [json.loads(line)["id"] for line in out.splitlines()] == [f"{0:032x}"]  # "strikes"; "struck" is irregular
    _, out = run("--stories", "strikes", "--json")  # and the other way round, in the stories' sentences
    assert [json.loads(line)["id"] for line in out.splitlines()] == [storied["strike"]]


def test_and_not_works(storied: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run("Russia AND NOT Turkey", "--json")
    ids = {json.loads(line)["id"] for line in out.splitlines()}
    assert "d" * 32 not in ids and f"{1:032x}" in ids
    _, out = run("Turkey OR Kharkiv", "--json")
    assert len(out.splitlines()) == 4
    run("Russia not Turkey")
    assert "hint: lower-case 'not'" in capsys.readouterr().err


def test_stories_are_listed_with_their_counts(storied: dict[str, str]) -> None:
    code, out = run("--stories", "--color", "never")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[-3:] == ["SRC", "ART", "MEN"]
    assert lines[1].split()[1] == "ASSAULT" and lines[1].split()[-3:] == ["3", "3", "3"]  # the top story first
    assert "outlets: daily, post, wire" in out
    assert lines[-1] == "2 shown of 2 matches"
    code, out = run("--stories", "grain", "--json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [storied["turkey"]]


def test_count_by_prints_bars_of_events_and_stories(storied: dict[str, str]) -> None:
    code, out = run("--count-by", "type")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "4 events in 2 stories by type (events, [stories])"
    assert lines[1].startswith("ASSAULT") and lines[1].endswith("3  [1]") and "█" in lines[1]
    assert lines[2].startswith("AGREE") and lines[2].endswith("1  [1]")
    _, out = run("--count-by", "source", "--stories")
    assert out.splitlines()[0] == "2 stories (4 mentions) by source (stories, [mentions])"
    _, out = run("--count-by", "day", "--type", "ASSAULT")
    assert out.splitlines()[1].startswith("2024-05-02")
    _, out = run("--count-by", "country", "--country", "TUR")
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["RUS", "TUR"]
