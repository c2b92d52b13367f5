"""Two of the model's own components applied over token arrays, with the same output.

The attribute ruler: en_core_web_sm's attribute_ruler maps fine tags to POS and morphology and fixes a few lemmas
(179 one- and two-token patterns). Its Matcher walks every token through every pattern, which
costs about a tenth of the model's own time. Here each pattern becomes a mask over the token
arrays of a whole batch of Docs, applied in the ruler's order (a later pattern wins, as in
`AttributeRuler.set_annotations`), so the output is the stock ruler's, token for token (checked
by tests/unit/test_extract_array_components.py). Patterns it cannot express (other operators or
attributes) make `compile_rules` return None and the stock ruler stays in place.

The lemmatizer: the rule lemmatizer looks up every token in its cache, keyed by (orth, POS,
morphology), through a Token object. Here the keys come from one array per Doc; only the keys not
seen before go to the stock lemmatizer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.errors import Errors
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

ARRAY_RULER = "newsevents_attribute_ruler"
ARRAY_LEMMATIZER = "newsevents_lemmatizer"
# Token attributes a pattern may test, and the ones it may set (all but DEP go through
# Doc.from_array; DEP needs heads there, so the rare whitespace tokens get it one by one).
MATCHED = {"TAG": TAG, "LOWER": LOWER, "DEP": DEP, "IS_SPACE": IS_SPACE}
WRITTEN = {"POS": POS, "MORPH": MORPH, "LEMMA": LEMMA, "TAG": TAG}
READ = [TAG, LOWER, DEP, IS_SPACE, *WRITTEN.values()]
COLUMN = {attr: i for i, attr in enumerate(READ)}


@dataclass(frozen=True, slots=True)
class Test:
    """One token's condition: `column` equals / is in / is not in `values`, or matches `regex`."""

    column: int
    values: np.ndarray | None = None
    negate: bool = False
    regex: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    tokens: tuple[tuple[Test, ...], ...]  # one alternative: a condition per token
    index: int  # the token the attributes go to
    writes: tuple[tuple[int, np.uint64], ...]  # (column, value)
    dep: str | None  # DEP to set, if any


def compile_rules(patterns: list[dict[str, Any]], vocab: Vocab) -> list[Rule] | None:
    """The ruler's patterns as Rules, in order; None if one of them uses something not handled here."""
    rules: list[Rule] = []
    for entry in patterns:
        writes: list[tuple[int, np.uint64]] = []
        dep = None
        for name, value in entry["attrs"].items():
            if name == "DEP":
                dep = str(value)
            elif name in WRITTEN:
                writes.append((COLUMN[WRITTEN[name]], _string_id(vocab, name, value)))
            else:
                return None
        for alternative in entry["patterns"]:
            tokens = []
            for spec in alternative:
                tests = _tests(spec, vocab)
                if tests is None:
                    return None
                tokens.append(tests)
            index = entry.get("index", 0)
            if not -len(tokens) <= index < len(tokens):
                return None
            rules.append(Rule(tuple(tokens), index % len(tokens), tuple(writes), dep))
    return rules


def _string_id(vocab: Vocab, attr: str, value: Any) -> np.uint64:
    if attr == "MORPH":
        return np.uint64(vocab.morphology.add(value))
    return np.uint64(vocab.strings.add(str(value)))


def _tests(spec: dict[str, Any], vocab: Vocab) -> tuple[Test, ...] | None:
    tests = []
    for name, condition in spec.items():
        if name not in MATCHED:
            return None
        column = COLUMN[MATCHED[name]]
        if name == "IS_SPACE":
            if not isinstance(condition, bool):
                return None
            tests.append(Test(column, np.array([int(condition)], dtype=np.uint64)))
            continue
        if isinstance(condition, str):
            tests.append(Test(column, np.array([vocab.strings.add(condition)], dtype=np.uint64)))
        elif isinstance(condition, dict) and len(condition) == 1:
            (op, value), = condition.items()
            if op in {"IN", "NOT_IN"}:
                ids = [vocab.strings.add(v) if v else 0 for v in value]  # "" is the unset value, id 0
                tests.append(Test(column, np.array(ids, dtype=np.uint64), negate=op == "NOT_IN"))
            elif op == "REGEX" and name == "LOWER":
                tests.append(Test(column, regex=re.compile(value)))
            else:
                return None
        else:
            return None
    return tuple(tests)


class ArrayAttributeRuler:
    """A drop-in for the model's attribute_ruler (same place in the pipeline, same output)."""

    def __init__(self, vocab: Vocab, patterns: list[dict[str, Any]] | None = None) -> None:
        self.vocab = vocab
        self.patterns: list[dict[str, Any]] = []
        self.rules: list[Rule] = []
        if patterns:
            self.load(patterns)

    def load(self, patterns: list[dict[str, Any]]) -> bool:
        """Take over these patterns; False (and nothing taken) if one of them needs the Matcher."""
        rules = compile_rules(patterns, self.vocab)
        if rules is None:
            return False
        self.patterns, self.rules = list(patterns), rules
        return True

    def __reduce__(self) -> tuple[Any, ...]:
        return (ArrayAttributeRuler, (self.vocab, self.patterns))

    def __call__(self, doc: Doc) -> Doc:
        self._apply([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        it = iter(docs)
        while batch := list(islice(it, batch_size)):
            self._apply(batch)
            yield from batch

    def _apply(self, docs: list[Doc]) -> None:
        docs = [doc for doc in docs if len(doc)]
        if not docs:
            return
        arrays = [doc.to_array(READ) for doc in docs]
        table = np.concatenate(arrays) if len(arrays) > 1 else arrays[0]
        lengths = np.array([len(a) for a in arrays])
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        # each row's position in its Doc, so that a two-token pattern never spans two Docs
        offsets = np.arange(len(table)) - np.repeat(starts, lengths)
        sizes = np.repeat(lengths, lengths)
        out = table.copy()
        deps: list[tuple[int, str]] = []
        for rule in self.rules:
            hits = self._matches(rule, table, offsets, sizes)
            if hits is None:
                continue
            rows = hits + rule.index
            for column, value in rule.writes:
                out[rows, column] = value
            if rule.dep is not None:
                deps.extend((int(row), rule.dep) for row in rows)
        written = [COLUMN[a] for a in WRITTEN.values()]
        for doc, start, n in zip(docs, starts, lengths, strict=True):
            doc.from_array(list(WRITTEN.values()), out[start : start + n, written])
        for row, dep in deps:  # in rule order, as the stock ruler sets them
            d = int(np.searchsorted(starts, row, side="right")) - 1
            docs[d][row - int(starts[d])].dep_ = dep

    def _matches(self, rule: Rule, table: np.ndarray, offsets: np.ndarray, sizes: np.ndarray) -> np.ndarray | None:
        """Start rows of the rule's matches, in order."""
        width = len(rule.tokens)
        mask = offsets + width <= sizes
        regex_tests: list[tuple[int, Test]] = []
        for k, tests in enumerate(rule.tokens):
            column_rows = slice(k, None)
            for test in tests:
                if test.regex is not None:
                    regex_tests.append((k, test))
                    continue
                values = table[column_rows, test.column]
                hit = values == test.values[0] if len(test.values) == 1 else np.isin(values, test.values)
                if test.negate:
                    hit = ~hit
                mask[: len(mask) - k] &= hit
                if k:
                    mask[len(mask) - k :] = False
            if not mask.any():
                return None
        starts = np.flatnonzero(mask)
        strings = self.vocab.strings
        for k, test in regex_tests:
            assert test.regex is not None
            starts = starts[[test.regex.search(strings[int(table[s + k, test.column])]) is not None for s in starts]]
        return starts if len(starts) else None


@Language.factory(ARRAY_RULER)
def make_array_ruler(nlp: Language, name: str) -> ArrayAttributeRuler:
    return ArrayAttributeRuler(nlp.vocab)


def _stock(nlp: Language, name: str) -> Any:
    return nlp.get_pipe(name) if name in nlp.pipe_names else None


def _replace(nlp: Language, name: str, factory: str) -> Any:
    """The new component, in the stock one's place and under its name."""
    nlp.replace_pipe(name, factory)
    return nlp.get_pipe(name)


def use_array_ruler(nlp: Language, name: str = "attribute_ruler") -> bool:
    """Swap the model's attribute ruler `name` for its array version; False if kept as it was."""
    patterns = list(getattr(_stock(nlp, name), "patterns", []))
    if not patterns or compile_rules(patterns, nlp.vocab) is None:
        return False
    ruler = _replace(nlp, name, ARRAY_RULER)
    assert isinstance(ruler, ArrayAttributeRuler) and ruler.load(patterns)
    return True


class ArrayLemmatizer:
    """The stock rule lemmatizer's lemmas (its own cache and rules), read and written as arrays."""

    def __init__(self, vocab: Vocab, stock: Any = None) -> None:
        self.vocab = vocab
        self.stock = stock
        self.cache: dict[tuple[int, int, int], int] = {}  # (orth, pos, morph) -> lemma id

    def __reduce__(self) -> tuple[Any, ...]:
        return (ArrayLemmatizer, (self.vocab, self.stock))

    def __call__(self, doc: Doc) -> Doc:
        table = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = table[:, 3].copy()
        cache, strings, overwrite = self.cache, self.vocab.strings, self.stock.overwrite
        for i, (orth, pos, morph, lemma) in enumerate(table.tolist()):
            if lemma and not overwrite:
                continue
            found = cache.get((orth, pos, morph))
            if found is None:
                found = cache[(orth, pos, morph)] = strings.add(self.stock.lemmatize(doc[i])[0])
            lemmas[i] = found
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory(ARRAY_LEMMATIZER)
def make_array_lemmatizer(nlp: Language, name: str) -> ArrayLemmatizer:
    return ArrayLemmatizer(nlp.vocab)


def use_array_lemmatizer(nlp: Language, name: str = "lemmatizer") -> bool:
    """Swap the model's rule lemmatizer `name` for its array version; False if kept as it was."""
    stock = _stock(nlp, name)
    if getattr(stock, "mode", None) != "rule" or not hasattr(stock, "lemmatize"):
        return False
    stock._validate_tables(Errors.E1004)  # what the stock component checks on its first call
    lemmatizer = _replace(nlp, name, ARRAY_LEMMATIZER)
    assert isinstance(lemmatizer, ArrayLemmatizer)
    lemmatizer.stock = stock
    return True


def use_array_components(nlp: Language) -> list[str]:
    """Swap what can be swapped; the names of the components now running on arrays."""
    return [name for name, swap in (("attribute_ruler", use_array_ruler), ("lemmatizer", use_array_lemmatizer)) if swap(nlp, name)]
