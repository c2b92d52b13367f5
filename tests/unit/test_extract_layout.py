"""Text layout: which line breaks end sentences, datelines, range lookups, Unicode hygiene."""

from __future__ import annotations

from common.text import clean_text
from consumers.extract.layout import find_dateline, hard_wrapped, in_ranges, line_breaks


def starts(text: str) -> list[str]:
    return [text[i : i + 12] for i in sorted(line_breaks(text))]


def test_blank_lines_always_break() -> None:
    assert starts("A title\n\nThe story starts here.") == ["The story st"]


def test_a_title_line_breaks_before_its_story() -> None:
    assert starts("Rein in Assad, Trump tells Moscow\nSyrian rebels have ruled out talks.") == ["Syrian rebel"]


def test_run_on_lines_do_not_break() -> None:
    assert starts("shelled the city of\nKharkiv on Monday.") == []
    assert starts("the Ukrainian\ndefence ministry said.") == []
    assert starts("talks in Geneva,\nSwiss officials said.") == []


def test_hard_wrapped_text_joins_all_single_breaks() -> None:
    lines = ["The foreign ministers of the two countries met in Geneva on Monday",
             "Israel and the Palestinians agreed to resume talks next week after",
             "Egypt brokered a new round of negotiations between the two sides.",
             "Nothing else happened."]
    assert hard_wrapped(lines)
    assert line_breaks("\n".join(lines)) == set()
    assert not hard_wrapped(["Short title", "Another line."])


def test_boilerplate_lines_are_separated() -> None:
    text = "Adjust Comment Print\nSyrian rebels have ruled out the zones."
    assert starts(text) == ["Syrian rebel"]


def test_datelines() -> None:
    for text, city, region in [
        ("KHARTOUM, Sudan: Sudanese troops attacked", "KHARTOUM", "Sudan"),
        ("GOMA, North Kivu: Congolese soldiers", "GOMA", "North Kivu"),
        ("NAIROBI, Kenya (AP) — Police fired", "NAIROBI", "Kenya"),  # noqa: RUF001 - the dash is the point
        ("Kabul (Reuters) - Taliban fighters", "Kabul", None),
        ("WASHINGTON, May 3 (Reuters) - The", "WASHINGTON", None),
    ]:
        found = find_dateline(text)
        assert found is not None and (found.city, found.region) == (city, region), text
        assert text[found.end :][:1].isupper()
    for text in ["Russia: Moscow said", "US forces attacked", "UN - The council met", "Ukraine - Russian forces"]:
        assert find_dateline(text) is None, text
    title = "Headline\n\n"
    found = find_dateline(title + "MOSCOW (AP) - Russia said", len(title))
    assert found is not None and found.start == len(title)


def test_in_ranges() -> None:
    ranges = [(0, 5), (10, 20), (30, 31)]
    assert [c for c in range(35) if in_ranges(c, ranges)] == [0, 1, 2, 3, 4, *range(10, 20), 30]
    assert not in_ranges(3, [])


def test_clean_text() -> None:
    assert clean_text("\ufeffRussia\u200e accused\u200b Ukraine of\x00 shel\u00adling") == "Russia accused Ukraine of shelling"
    assert clean_text("Cafe\u0301 in\u00a0Paris\r\nnext") == "Café in Paris\nnext"
    assert clean_text("a\u202eb\u2066c\u2069") == "abc"
    assert clean_text("plain ascii\ttext") == "plain ascii text"


def test_join_soft_breaks_keeps_length_and_real_breaks() -> None:
    from consumers.extract.layout import join_soft_breaks

    text = "Title line\nRussian forces shelled the city of\nKharkiv on Monday.\n\nNext paragraph."
    joined = join_soft_breaks(text)
    assert len(joined) == len(text)
    assert joined == "Title line\nRussian forces shelled the city of Kharkiv on Monday.\n\nNext paragraph."
