"""Magnitudes of an event, as PLOVER names them: how many died, were injured, took part, and how much money.

    magnitudes(sentence, trigger, event_type) -> {"dead", "injured", "size", "amount", "currency"}

Pure: reads the spaCy parse of one sentence, writes nothing. Only figures attached to the
event count: "killing at least 12 people" next to an attack, "thousands of protesters" who
march, "a $2 billion loan" that is pledged. Dates, ages, percentages, distances, cumulative
totals ("has killed 500,000 since 2011") and figures of another clause's event are not.

Conventions (the codebook repeats them):
  * a bound is its number: "at least 12", "more than 100", "nearly 50", "up to 300" give 12, 100, 50, 300;
  * vague plurals give the smallest value they can mean: dozens 24, scores 40, hundreds 200,
    thousands 2,000, tens of thousands 20,000, hundreds of thousands 200,000, millions 2,000,000;
    "several"/"a few" hundred give 300/200; ranges ("20 to 30") give the lower end;
  * figures of the same kind joined by "and" add up ("killed 12 soldiers and 3 civilians" is 15);
  * size counts people who take part (protesters, troops), never the victims;
  * amount is money only (no tonnes of wheat), in the currency stated, as ISO 4217.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from spacy.tokens import Span, Token

FIELDS: tuple[str, ...] = ("dead", "injured", "size", "amount", "currency")
CASUALTY_TYPES = frozenset({"ASSAULT", "COERCE", "PROTEST"})
SIZE_TYPES = frozenset({"PROTEST", "MOBILIZE", "RETREAT", "ASSAULT"})
AMOUNT_TYPES = frozenset({"AID", "SANCTION"})

UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
WORD_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12}
SCALES = {**WORD_SCALES, "m": 1_000_000, "mn": 1_000_000, "mln": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000,
          "k": 1_000, "tn": 10**12, "trn": 10**12}
# Vague plurals: the least they can mean.
VAGUE = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2_000, "millions": 2_000_000,
         "billions": 2_000_000_000, "tens": 20}
MULTIPLIER_WORDS = {"several": 3, "few": 2, "couple": 2, "half": 0.5}
DOZEN = {"dozen": 12, "score": 20}
_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
_SUFFIXED = re.compile(r"^(\d+(?:\.\d+)?)(bn|b|m|mn|mln|k|tn|trn)$", re.IGNORECASE)
_ORDINAL = re.compile(r"^\d+(st|nd|rd|th)$", re.IGNORECASE)
NOT_COUNTS = frozenset({"DATE", "TIME", "PERCENT", "ORDINAL", "QUANTITY"})

KILL_VERBS = frozenset({"kill", "gun", "slay", "murder", "massacre", "execute", "behead", "slaughter", "assassinate"})
WOUND_VERBS = frozenset({"wound", "injure", "hurt", "maim"})
DIE_VERBS = frozenset({"die", "perish"})
DEAD_WORDS = frozenset({"dead", "death", "deaths", "fatality", "fatalities", "life", "lives", "body", "bodies"})
HURT_WORDS = frozenset({"injured", "wounded", "hurt", "injury", "injuries"})
TOLL_WORDS = frozenset({"toll"})
# Nouns that count people (a figure on anything else is not a casualty or a crowd).
PEOPLE = frozenset("""
people person persons civilian civilians villager villagers resident residents child children kid kids woman women man men
soldier soldiers troop troops officer officers policeman policemen police personnel guard guards worker workers
protester protesters protestor protestors demonstrator demonstrators marcher marchers student students supporter supporters
activist activists farmer farmers miner miners fighter fighters militant militants rebel rebels insurgent insurgents
gunman gunmen attacker attackers member members passenger passengers pilgrim pilgrims worshipper worshippers
migrant migrants refugee refugees journalist journalists prisoner prisoners hostage hostages other others
sailor sailors marine marines reservist reservists paratrooper paratroopers commando commandos conscript conscripts
staff employee employees teacher teachers doctor doctors nurse nurses patient patients tourist tourists mourner mourners
fisherman fishermen crew trucker truckers driver drivers voter voters youth youths citizen citizens individual individuals
""".split())
PARTICIPANTS = {
    "PROTEST": frozenset("""people protester protesters protestor protestors demonstrator demonstrators marcher marchers
        student students supporter supporters activist activists farmer farmers worker workers miner miners teacher teachers
        doctor doctors nurse nurses trucker truckers driver drivers youth youths citizen citizens crowd crowds rally""".split()),
    "MOBILIZE": frozenset("""troop troops soldier soldiers personnel reservist reservists sailor sailors marine marines
        paratrooper paratroopers commando commandos conscript conscripts officer officers policeman policemen police
        fighter fighters force forces guard guards""".split()),
    "ASSAULT": frozenset("""troop troops soldier soldiers fighter fighters militant militants gunman gunmen attacker
        attackers rebel rebels insurgent insurgents commando commandos""".split()),
}
PARTICIPANTS["RETREAT"] = PARTICIPANTS["MOBILIZE"]
# What a figure measures when it is not people: "a 10-point plan", "2,000 km", "40 trucks".
MEASURES = frozenset("""year years month months week weeks day days hour hours minute minutes km kilometre kilometres
kilometer kilometers mile miles metre metres meter meters point points percent per cent time times member tonne tonnes
ton tons barrel barrels home homes house houses vehicle vehicles truck trucks village villages province provinces
state states entity entities aircraft square""".split())
CROWD_NOUNS = frozenset({"crowd", "crowds", "rally", "march", "gathering", "force", "contingent", "army", "column"})
# Clauses that tell what happened before or elsewhere: their figures are not this event's.
SUBORDINATE_MARKS = frozenset({"after", "before", "since", "as", "while", "until", "although", "though", "because"})
CUMULATIVE = frozenset({"since", "so far", "this year", "in total", "to date", "overall", "last year"})

CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "a$": "AUD", "c$": "CAD",
                    "hk$": "HKD", "₹": "INR", "₽": "RUB", "₩": "KRW", "₺": "TRY", "₪": "ILS"}
CURRENCY_WORDS = {"dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP",
                  "sterling": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "rouble": "RUB", "roubles": "RUB",
                  "ruble": "RUB", "rubles": "RUB", "rupee": "INR", "rupees": "INR", "franc": "CHF", "francs": "CHF",
                  "shekel": "ILS", "shekels": "ILS", "lira": "TRY", "won": "KRW", "riyal": "SAR", "riyals": "SAR",
                  "dirham": "AED", "dirhams": "AED", "rand": "ZAR", "naira": "NGN", "hryvnia": "UAH", "hryvnias": "UAH"}
CURRENCY_QUALIFIERS = {("australian", "USD"): "AUD", ("canadian", "USD"): "CAD", ("hong", "USD"): "HKD",
                       ("singapore", "USD"): "SGD", ("taiwan", "USD"): "TWD", ("pakistani", "INR"): "PKR",
                       ("egyptian", "GBP"): "EGP", ("turkish", "TRY"): "TRY"}


def empty() -> dict[str, Any]:
    return dict.fromkeys(FIELDS)


# ------------------------------------------------------------------ numbers
def _word_value(word: str) -> float | None:
    w = word.lower().replace(",", "")
    if _ORDINAL.match(w):
        return None
    if _DIGITS.match(word):
        return float(word.replace(",", ""))
    m = _SUFFIXED.match(w)
    if m:
        return float(m.group(1)) * SCALES[m.group(2).lower()]
    if w in UNITS:
        return float(UNITS[w])
    if w in TENS:
        return float(TENS[w])
    if "-" in w:  # "twenty-five"
        parts = w.split("-")
        if len(parts) == 2 and parts[0] in TENS and parts[1] in UNITS:
            return float(TENS[parts[0]] + UNITS[parts[1]])
    return None


def is_number_token(tok: Token) -> bool:
    w = tok.lower_
    if _ORDINAL.match(w) or tok.ent_type_ in NOT_COUNTS:
        return False
    return _word_value(tok.text) is not None or w in WORD_SCALES or w.rstrip("s") in WORD_SCALES or w in VAGUE or w in DOZEN


def phrase_tokens(tok: Token) -> list[Token]:
    """The contiguous number phrase around a number token: "tens of thousands", "2.5 million", "a dozen"."""
    doc = tok.doc
    start = end = tok.i
    while start > 0 and _continues(doc[start - 1], doc[start]):
        start -= 1
    while end + 1 < len(doc) and _continues(doc[end], doc[end + 1]):
        end += 1
    return list(doc[start : end + 1])


def _continues(left: Token, right: Token) -> bool:
    """Whether two neighbouring tokens belong to one number phrase."""
    lw, rw = left.lower_, right.lower_
    if _word_value(left.text) is not None and (rw in SCALES or rw.rstrip("s") in SCALES or rw in DOZEN):
        return True
    if lw == "half" and rw in {"a", "an"}:
        return True
    if lw in {"a", "one", "half"} and (rw in WORD_SCALES or rw in DOZEN):
        return True
    if lw in MULTIPLIER_WORDS and rw.rstrip("s") in WORD_SCALES:
        return True
    following = right.doc[right.i + 1].lower_ if right.i + 1 < len(right.doc) else ""
    if lw in {"tens", "hundreds"} and rw == "of" and following in {"thousands", "millions"}:  # "tens of thousands"
        return True
    return lw == "of" and left.i > 0 and left.doc[left.i - 1].lower_ in {"tens", "hundreds"} and rw in {"thousands", "millions"}


def phrase_value(tokens: Iterable[Token]) -> float | None:
    """Value of a number phrase; None if it has no number in it."""
    total = 0.0
    current: float | None = None
    multiplier = 1.0
    seen = False
    for tok in tokens:
        w = tok.lower_.replace(",", "")
        if w in {"of", "and", "a", "an"}:
            if w in {"a", "an"}:
                current = 1.0 if current is None else current
            continue
        if w in MULTIPLIER_WORDS:
            multiplier = MULTIPLIER_WORDS[w]
            current = 1.0 if current is None else current
            continue
        if w in VAGUE:
            value = VAGUE[w]
            if current is not None and w in {"thousands", "millions", "billions"}:  # "tens of thousands"
                total += current * (value / 2)
                current = None
            else:
                current = (current or 1.0) * value if current is not None and w == "tens" else float(value)
            seen = True
            continue
        if w in DOZEN:
            current = (current or 1.0) * DOZEN[w]
            seen = True
            continue
        scale = SCALES.get(w) or SCALES.get(w.rstrip("s")) if not _DIGITS.match(w) else None
        if scale and not _SUFFIXED.match(w):
            current = (current if current is not None else 1.0) * scale
            if scale >= 1000:
                total += current
                current = None
            seen = True
            continue
        value = _word_value(tok.text)
        if value is not None:
            if current is not None and value < 100 and current >= 20 and current % 10 == 0 and value < 10:
                current += value  # "twenty five"
            else:
                if current is not None:
                    total += current
                current = value
            seen = True
    if not seen:
        return None
    total += current or 0.0
    return total * multiplier if total else None


# ------------------------------------------------------------------ phrases
class Figure:
    """A number phrase in the sentence, what it counts and the word that carries its role."""

    __slots__ = ("counted", "currency", "role", "root", "tokens", "value")

    def __init__(self, tokens: list[Token], value: float) -> None:
        self.tokens = tokens
        self.value = value
        ids = {t.i for t in tokens}
        outside = [t for t in tokens if t.head.i not in ids or t.head.i == t.i]
        # the phrase's syntactic head (a determiner never is: "a dozen troops")
        self.root = next((t for t in reversed(outside) if t.dep_ != "det"), outside[-1] if outside else tokens[-1])
        self.counted, self.role = self._counted()
        self.currency = self._currency()

    def _counted(self) -> tuple[Token, Token]:
        """The noun counted and the token whose dependency tells its role in the clause:
        "12 people" -> (people, people); "thousands of protesters" -> (protesters, thousands);
        "killed 12" -> (12, 12)."""
        root = self.root
        if root.dep_ in {"nummod", "quantmod", "compound", "amod", "nmod", "advmod", "det"} and root.head.pos_ in {"NOUN", "PROPN", "ADJ", "NUM"}:
            head = root.head
            if head.lower_ == "strong" and head.head.pos_ == "NOUN":  # "a 5,000-strong crowd"
                head = head.head
            return head, head
        for child in root.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is not None and pobj.pos_ in {"NOUN", "PROPN", "ADJ"} and not is_number_token(pobj):
                    return pobj, root
        return root, root

    def _currency(self) -> str | None:
        doc = self.tokens[0].doc
        start = self.tokens[0].i
        for k in (start - 1, start - 2):
            if k < 0:
                break
            sym = doc[k].lower_
            if sym in CURRENCY_SYMBOLS:
                prefix = doc[k - 1].lower_ if k > 0 and not doc[k - 1].whitespace_ else ""
                return CURRENCY_SYMBOLS.get(prefix + sym, CURRENCY_SYMBOLS[sym])
            if doc[k].pos_ not in {"ADV", "ADJ"} and sym not in {"us", "some", "about", "over"}:
                break
        word = self.counted.lower_
        after = doc[self.tokens[-1].i + 1].lower_ if self.tokens[-1].i + 1 < len(doc) else ""
        code = CURRENCY_WORDS.get(word) or CURRENCY_WORDS.get(after)  # "a 10 billion yuan loan"
        if code is None:
            return None
        qualifiers = [c.lower_ for c in self.counted.lefts] + [doc[max(start - 1, 0)].lower_]
        for q in qualifiers:
            code = CURRENCY_QUALIFIERS.get((q, code), code)
        return code


def figures(sentence: Span) -> list[Figure]:
    out: list[Figure] = []
    used: set[int] = set()
    for tok in sentence:
        if tok.i in used or not is_number_token(tok):
            continue
        tokens = [t for t in phrase_tokens(tok) if sentence.start <= t.i < sentence.end]
        used.update(t.i for t in tokens)
        if not tokens or _is_age_or_measure(tokens):
            continue
        value = phrase_value(tokens[: _first_range_end(tokens)])
        if value is None or value <= 0:
            continue
        out.append(Figure(tokens, value))
    return out


def _first_range_end(tokens: list[Token]) -> int:
    for k, t in enumerate(tokens):
        if k and t.lower_ in {"to", "-", "\u2013"}:
            return k
    return len(tokens)


def _is_age_or_measure(tokens: list[Token]) -> bool:
    doc = tokens[0].doc
    nxt = [t.lower_ for t in doc[tokens[-1].i + 1 : tokens[-1].i + 4]]
    if nxt[:1] == ["-"] and len(nxt) > 1 and nxt[1] in MEASURES:
        return True
    if nxt[:2] in (["years", "old"], ["year", "old"]) or nxt[:1] in (["%"], ["percent"], ["per"]):
        return True
    prev = doc[tokens[0].i - 1].lower_ if tokens[0].i > 0 else ""
    return prev in {"aged", "age", "resolution", "flight", "article", "route", "highway", "number", "no.", "camp"}


# ------------------------------------------------------------------ attachment
def _in_subtree(tok: Token, ancestor: Token) -> bool:
    return tok.i == ancestor.i or (ancestor.left_edge.i <= tok.i <= ancestor.right_edge.i and ancestor in tok.ancestors)


def _boundary_between(start: Token, stop: Token, event_tokens: set[int]) -> bool:
    """Whether the path from `start` up to its ancestor `stop` leaves a relative clause of another
    noun ("the war, which has killed ...") or a subordinate clause with its own subject ("after
    rockets killed 3")."""
    cur = start
    while cur.i != stop.i and cur.head.i != cur.i:
        if cur.dep_ in {"relcl", "acl"} and cur.head.i not in event_tokens:
            return True
        if cur.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in SUBORDINATE_MARKS for c in cur.children) \
                and any(c.dep_ in {"nsubj", "nsubjpass"} for c in cur.children):
            return True
        cur = cur.head
    return False


def attached(anchor: Token, trigger: Token, event_tokens: set[int]) -> bool:
    """A figure's predicate belongs to the event: it is part of the event phrase, below it, above it,
    or a sibling clause, with no relative or subordinate clause of something else in between."""
    if anchor.i in event_tokens:
        return True
    for tok_i in event_tokens:
        event_tok = trigger.doc[tok_i]
        if _in_subtree(anchor, event_tok) and not _boundary_between(anchor, event_tok, event_tokens):
            return True
    if _in_subtree(trigger, anchor):
        return not _boundary_between(trigger, anchor, event_tokens)
    # a common ancestor: "the 7 dead after gunmen attacked a bus" (both under "was")
    common = next((a for a in anchor.ancestors if _in_subtree(trigger, a)), None)
    if common is None:
        return False
    return (not _boundary_between(anchor, common, event_tokens) and not _boundary_between(trigger, common, event_tokens)
            and _depth(anchor, common) <= 4)


def _depth(tok: Token, ancestor: Token) -> int:
    n, cur = 0, tok
    while cur.i != ancestor.i and cur.head.i != cur.i:
        cur, n = cur.head, n + 1
    return n


def _cumulative(anchor: Token) -> bool:
    """"has killed 500,000 people since 2011", "so far this year": a running total, not this event."""
    for child in anchor.children:
        if child.dep_ == "prep" and child.lower_ == "since":
            return True
        if child.dep_ in {"advmod", "npadvmod"} and " ".join(t.lower_ for t in child.subtree) in CUMULATIVE:
            return True
    return False


def _role_holder(fig: Figure) -> Token:
    """The first conjunct of the figure's role token: "killed 12 soldiers and 3 civilians" -> soldiers."""
    tok = fig.role
    while tok.dep_ == "conj" and tok.head.pos_ in {"NOUN", "PROPN", "NUM", "PRON"}:
        tok = tok.head
    return tok


def _passive_like(verb: Token) -> bool:
    return verb.tag_ == "VBN"


def _casualty(fig: Figure) -> tuple[str, Token] | None:
    """("dead" | "injured", the predicate) if the figure counts victims."""
    noun = fig.counted
    word = noun.lower_
    if noun.i != fig.root.i:
        if word in MEASURES or word in CURRENCY_WORDS:
            return None
        if word == "dead" or (noun.lemma_.lower() in {"death", "fatality"}):
            return "dead", noun
        if word in HURT_WORDS:
            return "injured", noun
        for child in noun.children:  # "12 people dead", "30 others injured"
            if child.dep_ in {"amod", "acl"} and child.lower_ == "dead":
                return "dead", noun
            if child.dep_ in {"amod", "acl"} and child.lower_ in HURT_WORDS:
                return "injured", noun
    holder = _role_holder(fig)
    head, dep = holder.head, holder.dep_
    lemma = head.lemma_.lower()
    victim_dep = dep in {"dobj", "nsubjpass", "obj"} or (dep == "nsubj" and _passive_like(head))
    people_ok = noun.i == fig.root.i or word in PEOPLE or noun.pos_ == "PROPN" or noun.ent_type_ == "NORP" or lemma in KILL_VERBS | WOUND_VERBS
    if victim_dep and people_ok and lemma in KILL_VERBS:
        return "dead", head
    if victim_dep and people_ok and lemma in WOUND_VERBS:
        return "injured", head
    if victim_dep and lemma in {"hang", "shoot"} and (word in PEOPLE or lemma == "hang") and \
            (lemma == "hang" or any(c.lower_ == "dead" for c in head.children)):
        return "dead", head
    if dep == "nsubj" and lemma in DIE_VERBS and people_ok:
        return "dead", head
    if dep in {"dobj", "nsubjpass"} and lemma in {"leave", "claim", "cost"}:
        for child in head.children:
            if child.dep_ in {"oprd", "acomp", "xcomp", "amod", "ccomp"} and child.lower_ == "dead":
                return "dead", head
            if child.dep_ in {"oprd", "acomp", "xcomp", "amod", "ccomp"} and child.lower_ in HURT_WORDS:
                return "injured", head
        if noun.lemma_.lower() == "life":
            return "dead", head
    if dep == "nsubj" and lemma == "be":  # "12 people were dead"
        for child in head.children:
            if child.dep_ == "acomp" and child.lower_ == "dead":
                return "dead", head
            if child.dep_ == "acomp" and child.lower_ in HURT_WORDS:
                return "injured", head
    # "the death toll rose to 45", "a toll of 45"
    if fig.root.dep_ in {"pobj", "dobj", "attr"}:
        verb = fig.root.head.head if fig.root.dep_ == "pobj" else fig.root.head
        for holder_tok in (verb, fig.root.head):
            for child in (holder_tok, *holder_tok.children):
                if child.lemma_.lower() in TOLL_WORDS:
                    compound = {c.lower_ for c in child.children if c.dep_ in {"compound", "amod"}}
                    return ("injured" if compound & {"injury", "injuries"} else "dead"), holder_tok
    return None


def _participants(fig: Figure, trigger: Token, event_type: str, event_tokens: set[int]) -> bool:
    """The figure counts people who take part in the event ("thousands of protesters marched")."""
    noun = fig.counted
    word = noun.lower_
    if word in MEASURES or word in CURRENCY_WORDS or fig.currency:
        return False
    if noun.i == fig.root.i and noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.lemma_.lower() in CROWD_NOUNS:
        holder = noun.head.head  # "a crowd of 3,000", "a force of 2,000"
    else:
        people = PARTICIPANTS.get(event_type, frozenset())
        anyone = event_type == "PROTEST" and noun.pos_ in {"NOUN", "PROPN", "NUM"}  # "12,000 dockworkers went on strike"
        if not (anyone or word in people or noun.lemma_.lower() in people or word in CROWD_NOUNS):
            return False
        holder = _role_holder(fig)
    if holder.i in event_tokens or (trigger.dep_ == "acl" and trigger.head.i == holder.i):
        return True  # "2,500 nurses protested" parsed as a reduced relative
    head, dep = holder.head, holder.dep_
    if not (head.i in event_tokens or attached(head, trigger, event_tokens)):
        return False
    if event_type == "ASSAULT" or event_type == "PROTEST":
        return dep in {"nsubj", "agent"} or (dep == "pobj" and head.lower_ in {"by"})
    return dep in {"nsubj", "dobj", "nsubjpass"}


def _amounts(sentence: Span, figs: list[Figure]) -> list[tuple[Token, float, str | None]]:
    """Money figures: a currency sign or word on the figure ("$2 billion", "50 billion euros"), or a
    MONEY entity the figure lies in."""
    money_tokens = {t.i for ent in sentence.ents if ent.label_ == "MONEY" for t in ent}
    out = []
    for fig in figs:
        if fig.currency is None and not any(t.i in money_tokens for t in fig.tokens):
            continue
        anchor = fig.counted if fig.counted.lower_ in CURRENCY_WORDS else fig.root
        out.append((anchor, fig.value, fig.currency))
    return out


def _event_tokens(trigger: Token) -> set[int]:
    """The trigger plus what makes up the event phrase: the noun it modifies ("aid package"), its
    object ("pledged a loan"), and the light verb of a nominal trigger ("went on strike", "staged a protest")."""
    out = {trigger.i}
    if trigger.dep_ in {"compound", "amod", "nmod"} and trigger.head.pos_ in {"NOUN", "PROPN"}:
        out.add(trigger.head.i)
    for child in trigger.children:
        if child.dep_ in {"dobj", "prt", "attr"}:
            out.add(child.i)
    if trigger.pos_ in {"NOUN", "PROPN"}:
        if trigger.dep_ in {"dobj", "attr"} and trigger.head.pos_ in {"VERB", "AUX"}:
            out.add(trigger.head.i)
        elif trigger.dep_ == "pobj" and trigger.head.head.pos_ in {"VERB", "AUX"}:
            out.add(trigger.head.head.i)
    return out


# ------------------------------------------------------------------ public
def magnitudes(sentence: Span, trigger: Token, event_type: str) -> dict[str, Any]:
    """dead, injured, size (int or None), amount (float or None) and its currency (ISO 4217 or None)."""
    out = empty()
    if event_type not in CASUALTY_TYPES | SIZE_TYPES | AMOUNT_TYPES:
        return out
    event_tokens = _event_tokens(trigger)
    figs = figures(sentence)
    sums: dict[tuple[str, int], float] = {}
    for fig in figs:
        if event_type in CASUALTY_TYPES:
            found = _casualty(fig)
            if found is not None:
                kind, anchor = found
                if attached(anchor, trigger, event_tokens) and not _cumulative(anchor):
                    sums[(kind, anchor.i)] = sums.get((kind, anchor.i), 0.0) + fig.value
                continue
        if event_type in SIZE_TYPES and _participants(fig, trigger, event_type, event_tokens):
            out["size"] = max(out["size"] or 0, int(fig.value))
    for (kind, _anchor), value in sums.items():
        out[kind] = max(out[kind] or 0, int(value))
    if event_type in AMOUNT_TYPES:
        best: tuple[int, float, str | None] | None = None
        for anchor, value, code in _amounts(sentence, figs):
            if not attached(anchor, trigger, event_tokens):
                continue
            rank = min(_distance(anchor, event_tokens), _distance(trigger, {anchor.i}))  # "$4.5 billion in aid"
            if rank <= 4 and (best is None or rank < best[0]):
                best = (rank, value, code)
        if best is not None:
            out["amount"], out["currency"] = best[1], best[2]
    return out


def _distance(tok: Token, event_tokens: set[int]) -> int:
    """Hops from a token up to the event phrase (99 when the event is not above it)."""
    n, cur = 0, tok
    while cur.i not in event_tokens:
        if cur.head.i == cur.i:
            return 99
        cur, n = cur.head, n + 1
    return n


def compact(values: dict[str, Any]) -> dict[str, Any] | None:
    """The non-null magnitudes, or None when the sentence states none (what an event carries)."""
    kept = {k: v for k, v in values.items() if v is not None}
    return kept or None
