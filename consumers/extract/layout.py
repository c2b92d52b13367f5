"""Where line breaks end sentences.

A blank line always ends one (paragraphs, a title above its story). A single line break ends one
too (a title, a list, a boilerplate line), unless the text is hard-wrapped wire copy ("... the
Ukrainian\\ndefence ministry said") or the line plainly runs on into the next ("the city of\\n
Kharkiv", "and Ukraine\\naccused Moscow").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

TERMINAL = ('.', '!', '?', ':', ';', '"', "”", "’", ")", "]", "»", "…")
# A line ending in one of these words goes on in the next line.
RUN_ON_WORDS = frozenset({
    "a", "an", "the", "of", "and", "or", "but", "nor", "to", "in", "on", "at", "by", "for", "from", "with",
    "into", "onto", "over", "under", "against", "between", "among", "about", "after", "before", "during",
    "that", "which", "who", "whom", "whose", "as", "than", "its", "their", "his", "her", "our", "your",
    "is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "could", "should",
    "may", "might", "must", "not", "said", "says", "told", "very", "more", "most", "also", "both",
})
# Lines that trafilatura sometimes keeps from page furniture; no events are coded in them.
BOILERPLATE_LINE = re.compile(
    r"^\s*(?:(?:adjust\s+)?comment\s+print|more news\s*:.*|read more\s*:?.*|related(?: articles| stories| news)?\s*:.*|"
    r"advertisement|share (?:this|on).*|click here.*|sign up.*|subscribe.*|follow us.*|"
    r"see also\s*:.*|also read\s*:.*|recommended\s*:.*|(?:photo|image|video)\s*(?:credit)?\s*:.*|"
    r"copyright .*|©.*|all rights reserved.*)\s*$",
    re.IGNORECASE,
)
MIN_WRAPPED_LINE = 30
_LAST_WORD = re.compile(r"([A-Za-z]+)\W*$")


def is_boilerplate(line: str) -> bool:
    return BOILERPLATE_LINE.match(line) is not None


def _runs_on(prev: str, nxt: str) -> bool:
    prev = prev.rstrip()
    if not prev or prev.endswith(TERMINAL):
        return False
    first = nxt.lstrip()[:1]
    if first.islower() or first.isdigit() or prev.endswith(","):
        return True
    match = _LAST_WORD.search(prev)
    return bool(match) and match.group(1).lower() in RUN_ON_WORDS


def hard_wrapped(lines: list[str]) -> bool:
    """Most lines that continue into a next line are long and stop mid-sentence: wire copy wrapped
    at a fixed width, where a single line break is just a space."""
    inner = [a for a, b in zip(lines, lines[1:], strict=False) if a.strip() and b.strip()]
    wrapped = [a for a in inner if len(a.strip()) >= MIN_WRAPPED_LINE and not a.rstrip().endswith(TERMINAL)]
    return len(wrapped) >= 2 and len(wrapped) * 2 >= len(inner)


def join_soft_breaks(text: str, is_boilerplate: Callable[[str], bool] | None = None) -> str:
    """The text with every line break that ends no sentence turned into a space (same length, so
    offsets stay valid): the parser then reads a wrapped sentence as the one sentence it is."""
    if "\n" not in text:
        return text
    breaks = line_breaks(text, is_boilerplate)
    chars = list(text)
    for i, char in enumerate(chars):
        if char != "\n":
            continue
        j = i + 1
        while j < len(chars) and chars[j] in " \t":
            j += 1
        k = i - 1
        while k >= 0 and chars[k] in " \t":
            k -= 1
        blank = j >= len(chars) or chars[j] == "\n" or k < 0 or chars[k] == "\n"
        if not blank and j not in breaks:
            chars[i] = " "
    return "".join(chars)


def line_breaks(text: str, is_boilerplate: Callable[[str], bool] | None = None) -> set[int]:
    """Character offsets (first non-space character of a line) where a sentence must start."""
    if "\n" not in text:
        return set()
    lines = text.split("\n")
    wrapped = hard_wrapped(lines)
    out: set[int] = set()
    offset = len(lines[0]) + 1
    for prev, line in zip(lines, lines[1:], strict=False):
        start = offset + (len(line) - len(line.lstrip()))
        offset += len(line) + 1
        if not line.strip():
            continue
        if not prev.strip():
            out.add(start)  # a paragraph, or the story under its title
            continue
        boiler = is_boilerplate is not None and (is_boilerplate(prev) or is_boilerplate(line))
        if boiler or not (wrapped or _runs_on(prev, line)):
            out.add(start)
    return out


def in_ranges(char: int, ranges: Sequence[Sequence[int]]) -> bool:
    """Whether a character offset falls in one of the sorted, non-overlapping [start, end) ranges."""
    i = bisect_right(ranges, char, key=lambda r: r[0]) - 1
    return i >= 0 and char < ranges[i][1]


@dataclass(frozen=True, slots=True)
class Dateline:
    """"KHARTOUM, Sudan (Reuters) -" at the start of a story: where it was filed, not an actor."""

    start: int
    end: int  # offset of the story's first word after the dateline
    city: str
    region: str | None


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_TAIL = (r"(?:,\s*(?P<region>[A-Z][A-Za-z'’.\- ]{1,30}?))?"  # noqa: RUF001 - typographic apostrophes occur in names
         r"(?:,?\s+" + _MONTH + r"\s+\d{1,2}(?:,\s*\d{4})?)?"
         r"\s*(?:\((?P<agency>[^()\n]{1,40})\))?\s*(?:[-—–]+|:)\s+")  # noqa: RUF001 - typographic dashes
# An all-capitals place ("GOMA, North Kivu:"), or a capitalised one with a wire credit ("Kabul (AFP) -").
_DATELINE_CAPS = re.compile(r"(?P<city>[A-Z][A-Z'’.\-]*(?: [A-Z][A-Z'’.\-]*){0,3})" + _TAIL)  # noqa: RUF001
_DATELINE_CREDIT = re.compile(r"(?P<city>[A-Z][a-z]+(?: [A-Z][a-z]+){0,2})" + _TAIL)


def find_dateline(text: str, offset: int = 0) -> Dateline | None:
    """The dateline at `offset` (the start of the story body), if there is one."""
    start = offset
    while start < len(text) and text[start].isspace():
        start += 1
    head = text[start : start + 120]
    match = _DATELINE_CAPS.match(head)
    if match is not None and len(match.group("city").replace(".", "")) < 3 and not match.group("agency"):
        match = None  # "UN - ..." is an abbreviation, not a place
    if match is None:
        match = _DATELINE_CREDIT.match(head)
        if match is None or not match.group("agency"):
            return None
    region = match.group("region")
    return Dateline(start, start + match.end(), match.group("city").strip(), region.strip() if region else None)
