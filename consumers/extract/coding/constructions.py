"""Construction rules: what a sentence says about each candidate event.

A rule looks at the candidates of one sentence and their syntax, and recodes ("pledged to send
aid" is AGREE), suppresses ("if Finland deployed troops" did not happen) or re-roles them
("Kyiv said Russian forces shelled Kharkiv" is ACCUSE by Kyiv against Russia). Rules run in
registration order; each is a plain function, registered by name so it can be tested alone
(`run(name, candidates, sentence, tools)`) and listed (`names()`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.tokens import Token

from .. import triples as tr
from ..lexicon import Lexicon, Sense
from .model import CLAIMED, INTENDED, REFUSED, THREATENED, Candidate, Sentence
from .roles import RoleFiller
from .triggers import COMPLEMENT_OWNERS, LOOK_THROUGH_NOUNS, QUANTITY_HEADS, TriggerFinder

FORCEFUL_TYPES = frozenset({"ASSAULT", "COERCE", "SANCTION", "MOBILIZE"})


@dataclass(frozen=True, slots=True)
class Tools:
    """What rules may consult: the lexicon, the trigger finder (owned clauses, noun senses) and the
    role filler (speakers)."""

    lex: Lexicon
    triggers: TriggerFinder
    roles: RoleFiller
    # words of readiness and intention ("is ready to", "is unwilling to", "has no intention of"): the
    # readiness rule can make an event of a sentence with no event word, so the extractor looks for them
    readiness_lemmas: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        words = (self.lex.word_list("readiness_words") | self.lex.word_list("unreadiness_words")
                 | self.lex.word_list("intention_nouns"))
        object.__setattr__(self, "readiness_lemmas", frozenset(words))


Rule = Callable[[list[Candidate], Sentence, Tools], None]


@dataclass(frozen=True, slots=True)
class Construction:
    name: str
    apply: Rule

    @property
    def description(self) -> str:
        return (self.apply.__doc__ or "").strip().split("\n")[0]


_REGISTRY: dict[str, Construction] = {}


def construction(name: str) -> Callable[[Rule], Rule]:
    """Register a rule under a name; rules run in the order they are registered."""

    def register(fn: Rule) -> Rule:
        if name in _REGISTRY:
            raise ValueError(f"construction rule {name!r} registered twice")
        _REGISTRY[name] = Construction(name, fn)
        return fn

    return register


def names() -> list[str]:
    return list(_REGISTRY)


def rules() -> list[Construction]:
    return list(_REGISTRY.values())


def run(name: str, cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    _REGISTRY[name].apply(cands, sent, tools)


def apply_all(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    for rule in _REGISTRY.values():
        rule.apply(cands, sent, tools)


# ----------------------------------------------------------------------------- rules


@construction("conditional")
def conditional(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """Inside an "if/unless" clause an event is a hypothesis: "if Finland deployed NATO troops"; so is
    one inside an "until" clause of a future act: "would not lay down their arms until the government
    resigned" (the resignation has not happened)."""
    for cand in cands:
        if tr.in_conditional(cand.trigger) or _pending_until(cand.trigger):
            cand.suppress("conditional")


def _pending_until(tok: Token) -> bool:
    cur = tok
    for _ in range(4):
        if cur.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "until" for m in cur.children):
            return bool(_aux(cur.head) & (FUTURE_AUX | WOULD_AUX))
        if cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


@construction("owned_complement")
def owned_complement(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """A clause that spells out another trigger's content is not an event of its own: "agreed to
    resume talks" is one AGREE; what is alleged, threatened, requested or refused did not happen."""
    by_token = {c.trigger.i: c for c in cands if c.kind != "noun"}
    for cand in cands:
        if cand.kind == "noun" or cand.suppressed:
            continue
        if _typer_frame_over_lexicon(cand, by_token, tools):
            # "Hungary said it would allow ...": the typer's THREATEN on "said" yields to the act it reports
            cand.suppress("owned_complement")
            continue
        for child in tools.triggers.owned_clauses(cand):
            if cand.complement is None:
                cand.complement = child
            scope = _content_scope(child) if cand.event_type in COMPLEMENT_OWNERS else [child.i]
            for i in scope:
                inner = by_token.get(i)
                if inner is not None and inner is not cand and not inner.suppressed:  # (a hypothesis stays one)
                    inner.suppress("owned_complement")
                    if cand.event_type == "ACCUSE" and inner.event_type in CLAIMABLE_ACTS:
                        _suppress_claimed_nominals(cands, inner)


def _suppress_claimed_nominals(cands: list[Candidate], act: Candidate) -> None:
    """"Hamas said an Israeli air strike killed 20": the strike is as alleged as the killing (C11)."""
    claimed = {t.i for t in act.trigger.subtree}
    for nominal in cands:
        if nominal.kind == "noun" and nominal.trigger.i in claimed and nominal.event_type in CLAIMABLE_ACTS:
            nominal.suppress("reported_claim")


def _typer_frame_over_lexicon(cand: Candidate, by_token: dict[int, Candidate], tools: Tools) -> bool:
    """A frame the typer alone reads on a reporting verb whose complement holds a lexicon act (other
    than an accusation, unless the act has no one to accuse)."""
    if not cand.learned or tools.lex.fix_lemma(cand.trigger.lemma_.lower()) not in tools.lex.reporting_verbs:
        return False
    for child in cand.trigger.children:
        if child.dep_ != "ccomp":
            continue
        acts = [c for t in child.subtree if (c := by_token.get(t.i)) is not None and not c.learned]
        if not acts:
            continue
        # a claim of another's act is the speaker's accusation (C11): the typer's ACCUSE stands, but
        # "police said a roadside bomb killed three soldiers" accuses no one: the act is the news (C37)
        if cand.event_type != "ACCUSE" or all(_unattributed(act, tools) for act in acts):
            return True
    return False


def _unattributed(act: Candidate, tools: Tools) -> bool:
    """An act told with no agent to blame: a blameless subject or a passive without a by-phrase."""
    agent = _agent(act)
    if agent:
        return _blameless(agent, tools)
    return act.kind != "noun" and tr.clause_subject(act.trigger)[1]


def _blameless(agent: list[Token], tools: Tools) -> bool:
    """A weapon or an attack of no named side ("a roadside bomb", but not "Israeli missiles")."""
    return all(tools.roles.agentless(t) for t in agent) and not _countries(agent, tools)


# "warned that X would be treated as a target, four days after Syria shot down a jet": a finished
# act in a time clause is the background the content is set against, told as fact.
TEMPORAL_MARKS = frozenset({"after", "since", "before", "when", "as", "while"})


def _background_clause(tok: Token) -> bool:
    """A time clause with its own subject and a past-tense verb ("after Paris agreed to ...")."""
    if tok.dep_ != "advcl" or not any(m.dep_ == "mark" and m.lower_ in TEMPORAL_MARKS for m in tok.children):
        return False
    if tr.first_child(tok, {"nsubj", "nsubjpass"}) is None:
        return False
    return tok.tag_ == "VBD" or any(c.dep_ in {"aux", "auxpass"} and c.lower_ in {"had", "was", "were"} for c in tok.children)


def _content_scope(clause: Token) -> list[int]:
    """The token indices of an owned clause, less the background time clauses inside it."""
    out: list[int] = []
    stack = [clause]
    while stack:
        tok = stack.pop()
        out.append(tok.i)
        stack.extend(c for c in tok.children if not _background_clause(c))
    return out


@construction("threat_frame")
def threat_frame(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """Force announced, not used: "vowed to retaliate", "would strike if ..." are THREATEN."""
    for cand in cands:
        if cand.kind == "noun":
            continue
        verb = cand.trigger
        if cand.event_type not in FORCEFUL_TYPES and verb.lemma_ != "retaliate":
            continue
        if verb.dep_ == "xcomp" and tools.lex.fix_lemma(verb.head.lemma_.lower()) in tools.lex.threat_frames:
            cand.recode("THREATEN", "threat_frame")
        cond = tr.conditional_clause(verb)
        if cond is not None and any(c.dep_ == "aux" and c.lower_ in {"would", "will", "'ll"} for c in verb.children):
            cand.recode("THREATEN", "threat_frame")
            cand.condition = cond


@construction("ordered_act")
def ordered_act(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Saddam Hussein ordered his army to invade Kuwait", "Putin ordered the military to withdraw from
    Syria": an act ordered of one's own forces is decided, so it is the act (C15), done by whoever gave
    the order; the forces are the means. Ordering another party to act stays a demand or coercion."""
    for cand in cands:
        verb = cand.trigger
        if cand.suppressed or cand.kind == "noun" or _lemma(verb, tools) not in ORDERING_VERBS:
            continue
        if _negated(verb) or _aux(verb) & (FUTURE_AUX | WOULD_AUX) or tr.in_conditional(verb):
            continue
        commander, _ = tr.clause_subject(verb)
        forces = tr.direct_object(verb)
        if commander is None or tr.is_pronoun(commander) or forces is None:
            continue
        own = {a.country for a in tools.roles.resolve(commander) if a.country}
        troops = tools.roles.resolve(forces, poss_country=next(iter(own), None))
        if not troops or any(a.sector not in {"MIL", "POL", "SPY"} or (a.country and a.country not in own) for a in troops):
            continue
        inner = next((c for c in cands if c.kind != "noun" and c.trigger.dep_ == "xcomp" and c.trigger.head.i == verb.i
                      and c.rules[-1:] == ["owned_complement"]), None)
        if inner is None:
            continue
        inner.suppressed = False
        inner.source_tokens = [commander]
        inner.rules.append("ordered_act")
        cand.suppress("ordered_act")


@construction("impact")
def impact(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"A rocket slammed into a school", "blasts tore through the market" are attacks; "a typhoon
    tore through the islands" is weather: these senses need a weapon or an attack as subject."""
    for cand in cands:
        if cand.kind != "verb" or cand.prep is None or cand.entry is None or not cand.entry.instrument_subject:
            continue
        subj, _ = tr.clause_subject(cand.trigger)
        if subj is not None and subj.lemma_.lower() in LOOK_THROUGH_NOUNS:  # "a series of blasts"
            subj = next((pobj for _prep, pobj in tr.prep_objects(subj, {"of"})), subj)
        if subj is not None and not tools.roles.agentless(subj):
            cand.suppress("impact")


@construction("missile_test")
def missile_test(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"North Korea fired a ballistic missile over Japan / into the sea", "test-fired a missile": a
    launch aimed at no one is a show of force (MOBILIZE), not an attack."""
    missiles = tools.lex.word_list("test_weapons")
    for cand in cands:
        verb = cand.trigger
        if cand.kind != "verb" or cand.event_type != "ASSAULT" or verb.lemma_.lower() not in {"fire", "launch"}:
            continue
        obj = tr.direct_object(verb)
        if obj is None or obj.lemma_.lower() not in missiles:
            continue
        # "over Japan" may hang on the missile; "on Friday", "at dawn" say when, not at whom
        preps = {p.lower_: pobj for p in [*verb.children, *obj.children] if p.dep_ == "prep"
                 for pobj in [tr.first_child(p, {"pobj"})] if not _temporal(pobj)}
        if preps.keys() & {"at", "on", "against", "toward", "towards"}:
            continue
        into = preps.get("into")
        tested = verb.i >= 2 and verb.doc[verb.i - 1].text == "-" and verb.doc[verb.i - 2].lower_ == "test"
        if tested or "over" in preps or (into is not None and into.lemma_.lower() in {"sea", "water", "waters", "ocean"}):
            cand.recode("MOBILIZE", "missile_test")


# Heads of time phrases the parser leaves without a DATE/TIME entity ("at dawn", "on Sunday night").
TIME_NOUNS = frozenset({"dawn", "dusk", "daybreak", "night", "midnight", "noon", "morning", "afternoon", "evening", "weekend"})


def _temporal(pobj: Token | None) -> bool:
    """A prepositional object that says when ("on Friday", "at dawn"), not where or at whom."""
    return pobj is not None and (pobj.ent_type_ in {"DATE", "TIME"} or pobj.lemma_.lower() in TIME_NOUNS)


@construction("labour_strike")
def labour_strike(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"a strike by air traffic controllers", "the dockworkers' strike": a strike whose owner is a
    trade is a walkout (PROTEST), not an air strike."""
    trades = tools.lex.word_list("labour_nouns")
    for cand in cands:
        noun = cand.noun if cand.noun is not None else cand.trigger
        if cand.event_type != "ASSAULT" or noun.lemma_.lower() not in {"strike", "walkout", "stoppage"}:
            continue
        owners = [c for c in noun.children if c.dep_ in {"poss", "compound", "nmod"}]
        owners += [pobj for _prep, pobj in tr.prep_objects(noun, {"by", "of"})]
        if any(o.lemma_.lower() in trades or o.lemma_.lower().endswith("worker") for o in owners):
            cand.recode("PROTEST", "labour_strike")


@construction("armed_raid")
def armed_raid(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"troops raided the village, torching houses": a raid with force is ASSAULT (guidelines, ASSAULT
    In); a police raid to search premises stays COERCE. Force shows in the raiders (armed forces,
    rebels, unknown gunmen) or in a violent act told alongside."""
    for cand in cands:
        if cand.event_type != "COERCE" or cand.kind == "noun" or cand.trigger.lemma_.lower() != "raid":
            continue
        subj, passive = tr.clause_subject(cand.trigger)
        raiders = [] if subj is None or passive else tools.roles.resolve(subj)
        armed = any(a.sector in {"MIL", "REB"} or a.kind == "unaffiliated" for a in raiders)
        violent = any(c.dep_ in {"advcl", "conj"} and tools.triggers.lexicon_type(c) == "ASSAULT" for c in cand.trigger.children)
        if armed or violent:
            cand.recode("ASSAULT", "armed_raid")


@construction("joint_exercise")
def joint_exercise(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"conducted war games with US forces", "a joint naval drill": an exercise held with another
    state's forces is military cooperation (COOPERATE), not a show of force."""
    drills = tools.lex.word_list("exercise_nouns")
    for cand in cands:
        if cand.event_type != "MOBILIZE":
            continue
        noun = cand.noun
        if noun is None:
            noun = next((t for t in tools.triggers.light_objects(cand.trigger, tr.direct_object(cand.trigger))
                         if t.lemma_.lower() in drills), None)
        if noun is None or noun.lemma_.lower() not in drills:
            continue
        joint = any(t.lower_ in {"joint", "combined", "bilateral", "trilateral", "multinational"} for t in noun.lefts)
        partners = [pobj for head in (noun, cand.trigger) for _prep, pobj in tr.prep_objects(head, {"with", "alongside"})]
        if joint or any(a.country for p in partners for a in tools.roles.resolve(p)):
            cand.recode("COOPERATE", "joint_exercise")


@construction("protest_effect")
def protest_effect(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"A general strike shut down Kathmandu", "a strike that closed the ports", "staged a strike,
    closing schools": what a protest shuts is its effect, not a second act of coercion."""
    protests = {c.trigger.i for c in cands if c.event_type == "PROTEST"} | {c.noun.i for c in cands if c.event_type == "PROTEST" and c.noun is not None}
    if not protests:
        return
    for cand in cands:
        verb = cand.trigger
        if cand.kind == "noun" or cand.event_type not in {"COERCE", "SANCTION"}:
            continue
        subj, _ = tr.clause_subject(verb)
        if (subj is not None and subj.i in protests) or (verb.dep_ in {"relcl", "acl"} and verb.head.i in protests) or (
                verb.dep_ == "advcl" and verb.tag_ == "VBG" and verb.head.i in protests):
            cand.suppress("protest_effect")


@construction("same_attack")
def same_attack(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"18 people were killed in clashes", "wounded in an air strike": the nominal attack a killing
    happened in is that killing, not a second event."""
    verbs = {c.trigger.i for c in cands if c.kind != "noun" and c.event_type == "ASSAULT" and not c.suppressed}
    for cand in cands:
        noun = cand.trigger
        if cand.kind != "noun" or cand.event_type != "ASSAULT":
            continue
        prep = noun.head
        if noun.dep_ == "pobj" and prep.lower_ in {"in", "during"} and prep.head.i in verbs:
            cand.suppress("same_attack")


# ----------------------------------------------------------------------------- helpers

COOPERATIVE_ACTS = frozenset({"CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
HOSTILE_ACTS = frozenset({"ASSAULT", "COERCE", "SANCTION", "MOBILIZE"})
SELF_MOVING_ACTS = frozenset({"MOBILIZE", "RETREAT", "PROTEST"})
CLAIMABLE_ACTS = frozenset({"ASSAULT", "COERCE", "MOBILIZE"})
OWN_SIDE_POSSESSIVES = frozenset({"its", "their", "our", "his", "her", "my"})
FUTURE_AUX = frozenset({"will", "'ll", "shall", "wo"})  # "wo" is the first half of "won't"
WOULD_AUX = frozenset({"would", "'d"})
REFUSING_AUX = FUTURE_AUX | WOULD_AUX | {"can", "could", "ca"}
OBLIGATION_AUX = frozenset({"must", "should", "ought"})
OBLIGATION_WORDS = OBLIGATION_AUX | {"have", "need"}
# Deciding and ordering a hostile act is the act (C15); promising or planning it is a threat.
DECIDING_VERBS = frozenset({"decide", "order", "announce", "resolve", "vote"})
ORDERING_VERBS = frozenset({"order", "command", "instruct", "direct"})


def _aux(tok: Token) -> set[str]:
    return {c.lower_ for c in tok.children if c.dep_ in {"aux", "auxpass"}}


def _negated(tok: Token) -> bool:
    return any(c.dep_ == "neg" for c in tok.children)


def _unready(tok: Token, tools: Tools) -> bool:
    """Whether a readiness word says the opposite: "was not ready to", "is not willing to", "is
    unwilling to" (C13: a refusal)."""
    lemma = _lemma(tok, tools)
    if lemma in tools.lex.word_list("unreadiness_words"):
        return not (_negated(tok) or _negated(tok.head))
    if lemma not in tools.lex.word_list("readiness_words"):
        return False
    return _negated(tok) or (tok.dep_ == "acomp" and _negated(tok.head))


def _governor(tok: Token) -> Token | None:
    """The word an infinitive complement depends on: "refused" in "refused to release"."""
    if tok.dep_ in {"xcomp", "ccomp"} and tok.head.i != tok.i:
        return tok.head
    return None


def _lemma(tok: Token, tools: Tools) -> str:
    return tools.lex.fix_lemma(tok.lemma_.lower())


def _active(cands: list[Candidate]) -> dict[int, Candidate]:
    return {c.trigger.i: c for c in cands if not c.suppressed}


def _new(cands: list[Candidate], trigger: Token, event_type: str, rule: str, mode: str | None = None) -> Candidate:
    cand = Candidate(trigger, Sense(event_type, mode, 0.6), "verb")
    cand.rules.append(rule)
    cands.append(cand)
    return cand


def _reporter(tok: Token, tools: Tools) -> Token | None:
    """The reporting verb a clause is the content of, if it comes first ("A said B shelled C")."""
    cur = tok
    for _ in range(4):
        head = cur.head
        if head.i == cur.i:
            return None
        if cur.dep_ in {"ccomp", "dobj", "parataxis"} and _lemma(head, tools) in tools.lex.word_list("claim_verbs"):
            return head if head.i < tok.i else None
        if tr.is_verbal(head) and cur.dep_ not in {"conj", "xcomp", "pobj", "prep", "dobj", "ccomp"}:
            return None
        cur = head
    return None


def _agent(cand: Candidate) -> list[Token]:
    """Who did the act: the active subject, the by-agent, or the nominal event's possessor/modifier/by-phrase."""
    trigger = cand.trigger
    if cand.kind == "noun":
        out = [c for c in trigger.children if c.dep_ == "poss" and not tr.is_pronoun(c)]
        out += [p for prep, p in tr.prep_objects(trigger, {"by"})]
        out += [c for c in trigger.lefts
                if c.dep_ in {"amod", "compound", "nmod"} and (c.ent_type_ in {"NORP", "GPE", "ORG"} or c.pos_ == "PROPN")]
        return out
    subj, passive = tr.clause_subject(trigger)
    if passive:
        agent = tr.agent(trigger)
        return [agent] if agent is not None else []
    return [subj] if subj is not None and not tr.is_pronoun(subj) else []


def _countries(tokens: list[Token], tools: Tools) -> set[str]:
    resolver = tools.triggers.resolver
    return {a.country for t in tokens for a in resolver.resolve(t) if a.country}


# ----------------------------------------------------------------------------- more rules


@construction("open_question")
def open_question(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"It is not clear whether the rebels will accept the offer": an event asked about is no event."""
    if "whether" not in sent.lemmas:
        return
    for cand in cands:
        cur = cand.trigger
        for _ in range(4):
            if any(m.dep_ == "mark" and m.lower_ == "whether" for m in cur.children):
                cand.suppress("open_question")
                break
            if cur.head.i == cur.i or not tr.is_verbal(cur.head) and cur.dep_ not in {"pobj", "dobj", "nsubj", "nsubjpass", "prep"}:
                break
            cur = cur.head


@construction("hypothetical_nominal")
def hypothetical_nominal(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Would respond to any Indian attack", "no attacks were reported": a nominal act with "any/every/no"
    names no act that happened. (Its threat is read by the rules on the verb.)"""
    for cand in cands:
        if cand.kind == "noun" and not cand.suppressed and _hypothetical_nominal(cand.trigger):
            cand.suppress("hypothetical_nominal")


@construction("sourcing")
def sourcing(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Russian forces shelled Kharkiv, Ukraine's military said": a trailing attribution is the
    agency's sourcing (C12), so the act stands and the speaker is not an actor."""
    reporting = tools.lex.word_list("claim_verbs") - {"accuse", "charge", "allege", "blame"}
    for cand in cands:
        if cand.suppressed or cand.event_type != "ACCUSE" or _lemma(cand.trigger, tools) not in reporting:
            continue
        content = [c for c in cand.trigger.children if c.dep_ in {"ccomp", "parataxis"} and c.i < cand.trigger.i]
        if not content:
            continue
        start, end = min(c.left_edge.i for c in content), max(c.right_edge.i for c in content)
        inner = [c for c in cands if c is not cand and start <= c.trigger.i <= end]
        if not inner:
            continue
        cand.suppress("sourcing")
        for act in inner:
            if act.rules[-1:] == ["owned_complement"]:
                act.suppressed = False
            act.rules.append("sourcing")


@construction("reported_claim")
def reported_claim(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"A said B's forces shelled C" is ACCUSE by A against B (C11): the shelling is only alleged. A
    trailing attribution ("B shelled C, A said"), a speaker reporting its own act, or an act with no
    named agent keep the act."""
    active = _active(cands)
    for cand in list(cands):
        if cand.suppressed or cand.event_type not in CLAIMABLE_ACTS:
            continue
        if cand.kind == "noun" and _hypothetical_nominal(cand.trigger):
            continue  # "would respond to any Indian attack": nothing is alleged
        reporter = _reporter(cand.trigger, tools)
        if reporter is None or reporter.i in active:
            continue
        speaker, _ = tr.clause_subject(reporter)
        agent = _agent(cand)
        if speaker is None or tr.is_pronoun(speaker) or not agent:
            continue
        if _blameless(agent, tools):
            continue  # "police said a car bomb killed 22": a weapon or an attack is no one accused (C37)
        own_side = any(c.dep_ == "poss" and c.lower_ in OWN_SIDE_POSSESSIVES for t in agent for c in t.children) \
            or own_group(agent, tools.roles)
        if own_side or not _other_side(speaker, agent, tools):
            continue  # a side reporting its own act ("its forces struck ..."), or an unknown speaker
        cand.suppress("reported_claim")
        _suppress_claimed_nominals(cands, cand)
        claim = _new(cands, reporter, "ACCUSE", "reported_claim", mode="allege")
        # a nominal act resolves to its agent ("Russian shelling" -> Russia) better than the modifier alone
        claim.source_tokens, claim.target_tokens = [speaker], [cand.trigger] if cand.kind == "noun" else agent
        claim.modality = CLAIMED
        active[reporter.i] = claim


@construction("verbless_root")
def verbless_root(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Libyan rebel fighters massed on the outskirts of Bani Walid": when the parser reads the main
    verb as a participle modifying the first noun, the sentence has no verb of its own and that noun
    is the subject of the act, not a noun the act describes. Only for acts whose mover is their
    agent (massing, deploying, withdrawing, rallying): "hundreds of people killed in air strikes" names
    the victims."""
    root = sent.span.root
    if root.pos_ not in {"NOUN", "PROPN"}:
        return
    for cand in cands:
        verb = cand.trigger
        if cand.suppressed or cand.kind == "noun" or verb.dep_ != "acl" or verb.tag_ not in {"VBD", "VBN"}:
            continue
        if cand.event_type not in SELF_MOVING_ACTS or tr.direct_object(verb) is not None:
            continue
        if cand.source_tokens is not None or any(c.dep_ in {"nsubj", "nsubjpass", "agent"} for c in verb.children):
            continue
        head = verb.head
        while head.dep_ in {"acl", "pobj", "prep"} and head.head.i != head.i:
            head = head.head  # "Hundreds of tribesmen armed with rifles massed at the border"
        if head.i != root.i:
            continue
        if head.lower_ in QUANTITY_HEADS:
            head = next((p for _prep, p in tr.prep_objects(head, {"of"})), head)
        cand.source_tokens = [head]
        cand.rules.append("verbless_root")


@construction("existential_passive")
def existential_passive(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"There were 14 soldiers killed in clashes with rebels", "there were dozens of protesters
    arrested", "there were three policemen wounded by a roadside bomb": a participle on the noun an
    existential "there be" introduces is a passive clause whose subject is that noun (guidelines C46,
    C37); the act happened to it, by an agent left unknown. (A named agent is the
    `participle` rule's: "there were homes demolished by Israeli forces".)"""
    if "there" not in sent.lemmas:
        return
    for cand in cands:
        verb = cand.trigger
        if cand.suppressed or cand.kind == "noun" or verb.dep_ != "acl" or verb.tag_ != "VBN":
            continue
        if cand.source_tokens is not None or cand.target_tokens is not None or tr.direct_object(verb) is not None:
            continue
        agent = tr.agent(verb) or next((p for _prep, p in tr.prep_objects(verb, {"by"})), None)
        if agent is not None and not tools.roles.agentless(agent):
            continue
        noun = verb.head
        if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.lower_ in QUANTITY_HEADS:
            noun = noun.head.head  # "dozens of protesters arrested"
        copula = noun.head
        if noun.dep_ != "attr" or copula.lemma_.lower() != "be" or not any(c.dep_ == "expl" for c in copula.children):
            continue
        if _negated(copula) or any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children):
            continue  # "there were no soldiers killed"
        if _aux(copula) & (FUTURE_AUX | WOULD_AUX) or tr.in_conditional(copula):
            continue
        if noun.lower_ in QUANTITY_HEADS:
            noun = next((p for _prep, p in tr.prep_objects(noun, {"of"})), noun)
        cand.target_tokens = [noun]
        cand.rules.append("existential_passive")  # the rule, not the typer, reads the clause


@construction("enacted_content")
def enacted_content(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Bush signed a law imposing new sanctions on Syria", "the council adopted a resolution condemning
    the raids": what an enacted law, decree or resolution does is the enactor's act (the signer
    imposes the sanctions), not a description of a document; the enactor is its subject (triples
    `clause_subject`). A law still to be signed or not signed enacts nothing yet."""
    for cand in cands:
        verb = cand.trigger
        if cand.suppressed or cand.kind == "noun" or verb.dep_ != "acl" or verb.tag_ != "VBG":
            continue
        document = verb.head
        enactor = document.head
        if document.dep_ not in tr.OBJECT_DEPS or enactor.lemma_.lower() not in tr.ENACTING_VERBS:
            continue
        if _negated(enactor) or _aux(enactor) & (FUTURE_AUX | WOULD_AUX) or tr.in_conditional(enactor):
            continue
        cand.rules.append("enacted_content")


@construction("summoned_to")
def summoned_to(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"The US ambassador was summoned to the Foreign Ministry in Beijing", "was called in to the Foreign
    Office": a summons told in the passive names its author by where the envoy is summoned to (4.9)."""
    summoning = tools.lex.word_list("summoning_verbs")
    for cand in cands:
        verb = cand.trigger
        if cand.suppressed or cand.kind == "noun" or cand.source_tokens is not None or _lemma(verb, tools) not in summoning:
            continue
        if not tr.is_passive(verb) or tr.agent(verb) is not None:
            continue
        if _lemma(verb, tools) == "call" and "in" not in tr.particles(verb):
            continue  # "was called a traitor"
        summoner = next((p for _prep, p in tr.prep_objects(verb, {"to"}) if tools.roles.resolve(p, descend=True)), None)
        envoy, _ = tr.clause_subject(verb)
        if summoner is not None and envoy is not None and not tr.is_pronoun(envoy):
            cand.source_tokens, cand.target_tokens = [summoner], [envoy]
            cand.rules.append("summoned_to")


@construction("peacekeeping")
def peacekeeping(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Ghana deployed a battalion to the UN peacekeeping mission in Sierra Leone", "sent 300 police
    and soldiers to help restore order in Haiti": forces sent to a peacekeeping mission or to help
    another party are AID `peacekeeping`, not a deployment against anyone (4.6)."""
    sending = tools.lex.word_list("peacekeeping_senders")
    purposes = tools.lex.word_list("peacekeeping_words")
    if purposes.isdisjoint(sent.lemmas):
        return
    for cand in cands:
        verb = cand.trigger
        if cand.suppressed or cand.kind == "noun" or cand.event_type != "MOBILIZE" or _lemma(verb, tools) not in sending:
            continue
        parts = [c for c in verb.children if (c.dep_ == "prep" and c.lower_ == "to") or c.dep_ in {"advcl", "xcomp"}]
        obj = tr.direct_object(verb)
        if obj is not None:
            parts += [c for c in obj.children if c.dep_ in {"acl", "relcl"} or (c.dep_ == "prep" and c.lower_ == "to")]
        if any(t.lemma_.lower() in purposes for part in parts for t in part.subtree):
            cand.recode("AID", "peacekeeping")
            cand.sense = Sense("AID", "peacekeeping", cand.sense.weight)


@construction("claimed_responsibility")
def claimed_responsibility(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Islamic State claimed responsibility for the bombing": the claimed act, with the claimant as
    its source (C40)."""
    claiming = tools.lex.word_list("responsibility_claims")
    for cand in cands:
        noun = cand.trigger
        if cand.suppressed or cand.kind != "noun" or cand.event_type not in HOSTILE_ACTS or noun.dep_ != "pobj":
            continue
        prep = noun.head
        owner = prep.head
        if prep.lower_ != "for" or owner.lemma_.lower() != "responsibility" or owner.dep_ != "dobj":
            continue
        verb = owner.head
        if _lemma(verb, tools) not in claiming or _negated(verb) or tr.in_conditional(verb):
            continue
        subj, _ = tr.clause_subject(verb)
        if subj is None or tr.is_pronoun(subj):
            continue
        cand.source_tokens = [subj]
        cand.rules.append("claimed_responsibility")


@construction("copular_talks")
def copular_talks(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Bogota is in talks with the Gulf Clan", "the envoy was in Kabul for talks with the Taliban",
    "there were talks between Iranian and American negotiators": talks stated with a copula are a
    meeting that is going on (4.2, tag `copular`); the copula's subject is who is meeting."""
    if "be" not in sent.lemmas:
        return
    meeting = tools.lex.word_list("copular_talk_prepositions")
    for cand in cands:
        noun = cand.trigger
        if cand.suppressed or cand.kind != "noun" or cand.event_type != "CONSULT" or _hypothetical_nominal(noun):
            continue
        head = noun.head
        if noun.dep_ == "pobj" and head.lower_ in meeting and head.head.lemma_.lower() == "be":
            copula = head.head
        elif noun.dep_ == "attr" and head.lemma_.lower() == "be" and any(c.dep_ == "expl" for c in head.children):
            copula = head  # "there were talks between A and B": the talks name their parties
        else:
            continue
        if _negated(copula) or tr.in_conditional(copula) or _aux(copula) & (FUTURE_AUX | WOULD_AUX):
            continue
        cand.rules.append("copular_talks")  # the rule, not the typer, decides that this is an event
        subj, _ = tr.clause_subject(copula)
        if subj is not None and not tr.is_pronoun(subj) and subj.lower_ != "there" and cand.source_tokens is None:
            cand.source_tokens = [subj]


@construction("blame")
def blame(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"A said B was behind the attack", "A said B was responsible for the bombing", "A told the
    Senate that B bore responsibility for the killings": holding B responsible is ACCUSE by A against
    B (4.9 `allege`, C11); the act blamed is only alleged."""
    holding = tools.lex.word_list("blame_predicates")
    behind = tools.lex.word_list("blame_prepositions")
    active = _active(cands)
    for cand in list(cands):
        noun = cand.trigger
        if cand.suppressed or cand.kind != "noun" or cand.event_type not in HOSTILE_ACTS or noun.dep_ != "pobj":
            continue
        prep = noun.head
        if prep.lower_ in behind and prep.head.lemma_.lower() == "be":
            pred = prep.head  # "B was behind the attack"
        elif prep.lower_ == "for" and _lemma(prep.head, tools) in holding:
            pred = prep.head.head if prep.head.dep_ in {"acomp", "dobj", "attr"} else prep.head
        else:
            continue
        if _negated(pred) or tr.in_conditional(pred):
            continue  # "said Iran was not behind the attack" blames nobody
        blamed, _ = tr.clause_subject(pred)
        reporter = _reporter(pred, tools)
        if blamed is None or tr.is_pronoun(blamed) or reporter is None or reporter.i in active:
            continue
        speaker, _ = tr.clause_subject(reporter)
        if speaker is None or tr.is_pronoun(speaker) or not _other_side(speaker, [blamed], tools):
            continue
        cand.suppress("blame")
        claim = _new(cands, reporter, "ACCUSE", "blame", mode="allege")
        claim.source_tokens, claim.target_tokens = [speaker], [blamed]
        claim.modality = CLAIMED
        active[reporter.i] = claim


@construction("complaint")
def complaint(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Lebanon complained to the UN about Israeli air raids": what a complaint is about is alleged, not
    reported (C11); whoever it blames is the target."""
    claiming = tools.lex.word_list("claim_verbs")
    for cand in cands:
        if cand.suppressed or cand.kind == "noun" or cand.event_type not in {"ACCUSE", "PROTEST"}:
            continue
        about = [pobj for _prep, pobj in tr.prep_objects(cand.trigger, {"about", "over", "against"})]
        obj = tr.direct_object(cand.trigger)
        speaker, _ = tr.clause_subject(cand.trigger)
        if obj is not None and _lemma(cand.trigger, tools) in claiming and speaker is not None:
            about.append(obj)  # "a monitor reported 20 deaths in a Russian air strike"
        for pobj in about:
            inside = {t.i for t in pobj.subtree}
            for nominal in cands:
                if nominal.kind != "noun" or nominal.suppressed or nominal.trigger.i not in inside:
                    continue
                if nominal.event_type not in HOSTILE_ACTS:
                    continue
                if pobj.dep_ in tr.OBJECT_DEPS and not _other_side(speaker, _agent(nominal), tools):
                    continue  # a side reporting its own strikes reports the act (C11)
                nominal.suppress("complaint")
                if _agent(nominal) and cand.target_tokens is None:
                    cand.target_tokens = [nominal.trigger]  # the raids resolve to their agent ("Israeli")
                    cand.rules.append("complaint")


def _hypothetical_nominal(noun: Token) -> bool:
    return any(c.dep_ == "det" and c.lower_ in {"any", "every", "no"} for c in noun.children)


@construction("self_report")
def self_report(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"The Russian defence ministry said its forces struck ..." is the strike, not an accusation: a side
    reporting its own act, or an act with no named agent, is coded as the act (C11)."""
    reporting = tools.lex.word_list("claim_verbs") - {"accuse", "charge", "allege"}
    for cand in cands:
        comp = cand.complement
        if (cand.suppressed or cand.event_type != "ACCUSE" or comp is None or comp.dep_ != "ccomp"
                or _lemma(cand.trigger, tools) not in reporting):
            continue
        speaker, _ = tr.clause_subject(cand.trigger)
        inner = [c for c in cands if c.suppressed and c.rules[-1:] == ["owned_complement"]
                 and comp.left_edge.i <= c.trigger.i <= comp.right_edge.i]
        agent = _agent(inner[0]) if inner else []
        if not inner or speaker is None or agent and not _same_side(speaker, agent, tools):
            continue
        cand.suppress("self_report")
        for act in inner:
            act.suppressed = False
            act.rules.append("self_report")


def _other_side(speaker: Token, agent: list[Token], tools: Tools) -> bool:
    """Whether a speaker reports someone else's act: another country, or, when the speaker's country
    is not given, another kind of actor ("Police said the man shot his wife", "witnesses said soldiers
    fired")."""
    speaker_countries, agent_countries = _countries([speaker], tools), _countries(agent, tools)
    resolver = tools.triggers.resolver
    speaker_sectors = {a.sector for a in resolver.resolve(speaker) if a.sector}
    agent_sectors = {a.sector for t in agent for a in resolver.resolve(t) if a.sector}
    if speaker_countries and not speaker_countries & agent_countries:
        return True
    if speaker_countries:
        # one country, two sides: "Sudan's army said the RSF shelled a hospital"
        return _side(speaker_sectors) is not None and _side(agent_sectors) not in {None, _side(speaker_sectors)}
    return bool(speaker_sectors and agent_sectors and not speaker_sectors & agent_sectors)


STATE_SECTORS = frozenset({"GOV", "MIL", "POL", "SPY", "JUD", "LEG"})
ARMED_OPPOSITION = frozenset({"REB"})


def _side(sectors: set[str]) -> str | None:
    """The side of a civil conflict that sectors belong to: the state or an armed group against it."""
    if sectors and sectors <= STATE_SECTORS:
        return "state"
    if sectors and sectors <= ARMED_OPPOSITION:
        return "armed"
    return None


# "A Taliban spokesman said the group had kidnapped ...": a definite collective noun with no name of
# its own refers back to the speaker's organisation.
OWN_GROUP_NOUNS = frozenset({"group", "movement", "organisation", "organization", "militia", "faction", "party"})


def own_group(agent: list[Token], roles: RoleFiller) -> bool:
    """"The group", "the movement": a collective named by no one's name, the speaker's own organisation."""
    return any(t.lemma_.lower() in OWN_GROUP_NOUNS and any(c.dep_ == "det" and c.lower_ == "the" for c in t.children)
               and not roles.resolve(t) for t in agent)


def _same_side(speaker: Token, agent: list[Token], tools: Tools) -> bool:
    if any(t.lower_ in {"it", "they", "we", "i"} for t in agent):
        return True
    if own_group(agent, tools.roles):
        return True
    if any(c.dep_ == "poss" and c.lower_ in OWN_SIDE_POSSESSIVES for t in agent for c in t.children):
        return True
    return bool(_countries([speaker], tools) & _countries(agent, tools)) and not _other_side(speaker, agent, tools)


@construction("no_hesitation")
def no_hesitation(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Would not hesitate to use force" is a double negation: force is threatened (C15); a favourable act
    so announced ("would not hesitate to send aid") is intended (AGREE)."""
    hesitating = tools.lex.word_list("hesitation_verbs")
    if hesitating.isdisjoint(sent.lemmas):
        return
    for verb in sent.tokens:
        if verb.lemma_.lower() not in hesitating or not _negated(verb):
            continue
        acts = [c for c in verb.children if c.dep_ == "xcomp" and tr.is_verbal(c)]
        if not acts:
            continue
        span = {t.i for t in acts[0].subtree}
        inner = [c for c in cands if c.trigger.i in span and (not c.suppressed or c.rules[-1:] == ["owned_complement"])]
        own = [c for c in cands if c.trigger.i == verb.i]
        for cand in own:
            cand.suppress("no_hesitation")
        hostile = _forceful_content(verb, cands, tools) or any(c.event_type in HOSTILE_ACTS for c in inner)
        if not inner and not hostile:
            continue
        for cand in inner[1:]:
            cand.suppress("no_hesitation")
        act = inner[0] if inner else _new(cands, verb, "THREATEN", "no_hesitation")
        act.suppressed = False
        if hostile:
            act.recode("THREATEN", "no_hesitation", THREATENED)
        else:
            act.recode("AGREE", "no_hesitation", INTENDED)


@construction("refusal")
def refusal(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Refused to release", "declined to attend", "would not give support" are REJECT (C13), not the
    act and not a negated act that consumers would drop."""
    refusing = tools.lex.word_list("refusal_verbs")
    hesitating = tools.lex.word_list("hesitation_verbs")
    for cand in cands:
        if cand.suppressed or cand.kind == "noun" or _lemma(cand.trigger, tools) in hesitating:
            continue
        verb = cand.trigger
        if cand.event_type == "REJECT":
            # the typer read "would never join" as REJECT: the refusal is what it read, not a negated rejection
            if cand.learned and _negated(verb) and _aux(verb) & REFUSING_AUX:
                cand.recode("REJECT", "refusal", REFUSED)
            continue
        gov = _governor(verb)
        if gov is not None and verb.dep_ == "xcomp" and _lemma(gov, tools) in refusing and not _negated(gov):
            cand.recode("REJECT", "refusal", REFUSED)
        elif (gov is not None and verb.dep_ == "xcomp" and cand.event_type in COOPERATIVE_ACTS | {"AGREE"}
              and _unready(gov, tools) and not tr.in_conditional(gov)):
            # "is not ready to negotiate", "is unwilling to withdraw": readiness denied is a refusal (C13)
            cand.recode("REJECT", "refusal", REFUSED)
        elif _negated(verb) and _aux(verb) & REFUSING_AUX:
            cand.recode("REJECT", "refusal", REFUSED)


def _forceful_content(verb: Token, cands: list[Candidate], tools: Tools) -> bool:
    """Whether what a verb's object or complement names is the use of force ("military action",
    "a new military operation", "using military force")."""
    force_words = tools.lex.word_list("force_nouns")
    hostile = {c.trigger.i for c in cands if c.event_type in HOSTILE_ACTS}
    for child in verb.children:
        if child.dep_ not in {"dobj", "xcomp", "ccomp", "attr"}:
            continue
        for tok in child.subtree:
            if tok.i in hostile or tok.lemma_.lower() in force_words:
                return True
            sense = tools.triggers.noun_sense(tok)
            if sense is not None and sense.type in HOSTILE_ACTS:
                return True
    return False


@construction("ruling_out")
def ruling_out(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """Ruling force in or out is about one's own force: "did not rule out military action" and
    "refused to rule out the use of force" are THREATEN; "ruled out military action against B" is
    AGREE to de-escalate (C16). Ruling out talks or a compromise stays REJECT (C13)."""
    refusing = tools.lex.word_list("refusal_verbs")
    for cand in cands:
        verb = cand.trigger
        if cand.suppressed or cand.kind == "noun" or cand.event_type != "REJECT" or verb.lemma_.lower() != "rule":
            continue
        if not any(c.dep_ == "prt" and c.lower_ == "out" for c in verb.children):
            continue
        if not _forceful_content(verb, cands, tools):
            continue
        gov = _governor(verb)
        refused = gov is not None and verb.dep_ == "xcomp" and _lemma(gov, tools) in refusing | {"decline"}
        if _negated(verb) or refused:
            cand.recode("THREATEN", "ruling_out", THREATENED)
        else:
            cand.recode("AGREE", "ruling_out", INTENDED)


@construction("negation")
def negation(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """A negated act did not happen: "Iraq did not attack Kuwait" is no event (C16)."""
    for cand in cands:
        if cand.suppressed or cand.kind == "noun" or cand.modality in {REFUSED, THREATENED, INTENDED}:
            continue
        verb = cand.trigger
        gov = _governor(verb)
        if _negated(verb) or (gov is not None and verb.dep_ == "xcomp" and _negated(gov) and cand.event_type != "REJECT"):
            cand.suppress("negation")


@construction("failure")
def failure(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Failed to reach agreement" is no AGREE; failed talks are SANCTION (C18); other failed acts did not happen."""
    failing = tools.lex.word_list("failure_verbs")
    for cand in cands:
        if cand.suppressed or cand.kind == "noun":
            continue
        gov = _governor(cand.trigger)
        if gov is None or cand.trigger.dep_ != "xcomp" or _lemma(gov, tools) not in failing:
            continue
        if cand.event_type in {"AGREE", "CONSULT"}:
            cand.recode("SANCTION", "failure")
        elif cand.event_type != "ASSAULT":  # attempted violence still counts
            cand.suppress("failure")


@construction("protest_demand")
def protest_demand(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Marched through Dhaka demanding the prime minister's resignation": what a protest demands is its
    content (C9), not a separate REQUEST; "demanding that Moscow act" addresses Moscow and stays one."""
    protests = {c.trigger.i for c in cands if c.event_type == "PROTEST" and not c.suppressed}
    protests |= {c.noun.i for c in cands if c.event_type == "PROTEST" and not c.suppressed and c.noun is not None}
    if not protests:
        return
    for cand in cands:
        verb = cand.trigger
        if cand.suppressed or cand.event_type != "REQUEST" or verb.tag_ != "VBG" or verb.dep_ not in {"advcl", "acl", "xcomp"}:
            continue
        if any(c.dep_ == "ccomp" for c in verb.children):
            continue  # "demanding that Moscow transfer the enclave": a demand addressed to someone
        if verb.head.i in protests or any(t.i in protests for t in verb.head.children if t.dep_ in tr.OBJECT_DEPS):
            cand.suppress("protest_demand")


@construction("failed_talks")
def failed_talks(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Talks between A and B broke down", "negotiations collapsed", "ended without agreement": the
    breakdown is SANCTION (C18), not the talks."""
    breaking = tools.lex.word_list("breakdown_verbs")
    for cand in cands:
        noun = cand.trigger
        if cand.suppressed or cand.kind != "noun" or cand.event_type != "CONSULT" or noun.dep_ != "nsubj":
            continue
        verb = noun.head
        lemma = _lemma(verb, tools)
        if lemma not in breaking or _negated(verb):
            continue
        if lemma == "break" and not any(c.dep_ == "prt" and c.lower_ in {"down", "off"} for c in verb.children):
            continue
        if lemma == "end" and not any(p.lower_ == "without" for p, _ in tr.prep_objects(verb, {"without"})):
            continue
        cand.recode("SANCTION", "failed_talks")


@construction("desire")
def desire(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"A wants B to attack C" is no attack (C19); A asking B is a REQUEST to B."""
    desiring = tools.lex.word_list("desire_verbs")
    active = _active(cands)
    for cand in list(cands):
        if cand.suppressed or cand.kind == "noun":
            continue
        gov = _governor(cand.trigger)
        if gov is None or cand.trigger.dep_ != "xcomp" or _lemma(gov, tools) not in desiring:
            continue
        if cand.event_type == "ASSAULT" and _lemma(gov, tools) in {"try", "attempt", "strive"}:
            continue  # an attempted attack is an attack
        cand.suppress("desire")
        addressee = tr.direct_object(gov)
        if addressee is not None and gov.i not in active:
            ask = _new(cands, gov, "REQUEST", "desire")
            ask.target_tokens = [addressee]
            active[gov.i] = ask


@construction("obligation")
def obligation(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Britain must stop arming Saudi Arabia, the opposition leader said" is a REQUEST by the speaker
    to Britain (C17); an unattributed "must" is opinion, no event."""
    active = _active(cands)
    done: set[int] = set()
    for cand in list(cands):
        if cand.suppressed:
            continue
        carrier = _obligation_carrier(cand.trigger, tools)
        if carrier is None:
            continue
        cand.suppress("obligation")
        if carrier.i in done or carrier.i in active and active[carrier.i] is not cand:
            continue
        done.add(carrier.i)
        speaker = tools.roles.speaker(carrier, sent)
        subj, _ = tr.clause_subject(carrier)
        if speaker is None or tr.is_pronoun(speaker) or subj is None:
            continue
        ask = _new(cands, carrier, "REQUEST", "obligation")
        ask.source_tokens, ask.target_tokens = [speaker], [subj]
    # a demand need not name an event word: "Kinshasa ought to open a dialogue, Angola's president said"
    if OBLIGATION_WORDS.isdisjoint(sent.lemmas):
        return
    for tok in sent.tokens:
        if tok.i in done or not _bare_obligation(tok) or tr.in_conditional(tok):
            continue
        ask = active.get(tok.i)
        if ask is not None and (ask.event_type != "REQUEST" or ask.source_tokens is not None):
            continue  # the word is another event, or its roles are fixed already
        speaker = tools.roles.speaker(tok, sent)
        subj, passive = tr.clause_subject(tok)
        if speaker is None or tr.is_pronoun(speaker) or subj is None or tr.is_pronoun(subj) or passive:
            continue
        done.add(tok.i)
        if ask is None:
            ask = _new(cands, tok, "REQUEST", "obligation")
        else:
            ask.rules.append("obligation")
        ask.source_tokens, ask.target_tokens = [speaker], [subj]


def _bare_obligation(tok: Token) -> bool:
    """A clause that says someone must do something: "must/should" on the verb, or "ought/has/needs to"."""
    if tok.dep_ not in {"ccomp", "parataxis", "ROOT"} or _negated(tok):
        return False
    if tr.is_verbal(tok) and _aux(tok) & OBLIGATION_AUX:
        return True
    return tok.lemma_.lower() in {"have", "need", "ought"} and any(
        c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children) for c in tok.children)


def _obligation_carrier(tok: Token, tools: Tools) -> Token | None:
    """The verb that carries "must/should" or "has/needs to", looking up through complements."""
    cur = tok
    for _ in range(3):
        if not tr.is_verbal(cur):
            return None
        if _aux(cur) & OBLIGATION_AUX:
            return cur
        gov = _governor(cur)
        if gov is not None and cur.dep_ == "xcomp" and gov.lemma_.lower() in {"have", "need"} and not _negated(gov):
            return gov
        if gov is None or cur.dep_ != "xcomp":
            return None
        cur = gov
    return None


@construction("ultimatum")
def ultimatum(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Must stop the flow of fentanyl or face tariffs", "told Poland to comply or face fines": a demand
    with a cost attached is THREATEN (C14)."""
    costs = tools.lex.word_list("ultimatum_verbs")
    for cand in cands:
        if cand.suppressed or cand.kind == "noun" or cand.event_type != "REQUEST":
            continue
        demanded = [cand.trigger]
        if cand.complement is not None:
            demanded.append(cand.complement)
        directive = tr.directive_complement(cand.trigger)
        if directive is not None:
            demanded.append(directive)
        for verb in demanded:
            if any(c.dep_ == "conj" and c.lemma_.lower() in costs and any(o.dep_ == "cc" and o.lower_ == "or" for o in verb.children)
                   for c in verb.children):
                cand.recode("THREATEN", "ultimatum", THREATENED)
                break


@construction("response_threat")
def response_threat(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Any attack on Crimea would be met with a crushing response, an official said": force promised in
    answer to a hypothetical act is THREATEN by the speaker (C14); the hypothetical attack is no event."""
    answering = tools.lex.word_list("response_verbs")
    claim = tools.lex.word_list("claim_verbs") | tools.lex.threat_frames | {"caution", "warn"}
    active = _active(cands)
    for cand in list(cands):
        noun = cand.trigger
        if cand.kind != "noun" or cand.event_type not in HOSTILE_ACTS or noun.dep_ not in {"nsubj", "nsubjpass"}:
            continue
        if not any(c.dep_ == "det" and c.lower_ in {"any", "every"} for c in noun.children):
            continue
        verb = noun.head
        if _lemma(verb, tools) not in answering or not _aux(verb) & (FUTURE_AUX | WOULD_AUX):
            continue
        cand.suppress("response_threat")
        for answer in cands:  # "would be met with": the answer is the threat's content, no meeting
            if answer.trigger.i == verb.i:
                answer.suppress("response_threat")
        reporter = verb.head if verb.dep_ in {"ccomp", "parataxis"} and _lemma(verb.head, tools) in claim else None
        if reporter is None:
            continue
        threat = active.get(reporter.i)
        if threat is None or threat.suppressed:
            threat = _new(cands, reporter, "THREATEN", "response_threat")
            active[reporter.i] = threat
        threat.recode("THREATEN", "response_threat", THREATENED)
        addressee = tr.direct_object(reporter)
        speaker, _ = tr.clause_subject(reporter)
        if speaker is not None and not tr.is_pronoun(speaker):
            threat.source_tokens = [speaker]
            threat.target_tokens = [addressee] if addressee is not None else _agent(cand)


@construction("conditional_threat")
def conditional_threat(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Will withdraw unless ...", "would retaliate if ..." tie a cost to the addressee's choice: THREATEN
    (C14); a favourable act offered on a condition ("will lift sanctions if ...") is AGREE."""
    for cand in cands:
        if cand.suppressed or cand.kind == "noun" or cand.event_type in {"THREATEN", "AGREE"}:
            continue
        verb = cand.trigger
        cond = tr.conditional_clause(verb)
        if cond is None and cand.modality == REFUSED:
            cond = _until_clause(verb)  # "will not meet him until he accepts the result"
        if cond is None or not _aux(verb) & (FUTURE_AUX | WOULD_AUX):
            continue
        unless = any(m.dep_ == "mark" and m.lower_ in {"unless", "until"} for m in cond.children)
        if unless or cand.event_type in HOSTILE_ACTS | {"REJECT"}:
            cand.recode("THREATEN", "conditional_threat", THREATENED)
            cand.condition = cond
        elif cand.event_type in COOPERATIVE_ACTS:
            cand.recode("AGREE", "conditional_threat", INTENDED)


def _until_clause(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "until" for m in child.children):
            return child
    return None


@construction("intent")
def intent(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """Acts announced, not done: a cooperative act promised, planned or scheduled ("will give",
    "pledged to send", "is ready to talk", "is scheduled to attend") is AGREE (C3-C5); a hostile one
    ("will impose sanctions", "plans to attack") is THREATEN (C15); a decided or ordered one is the act."""
    promising = tools.lex.word_list("intent_verbs")
    predicates = tools.lex.word_list("intent_predicates")
    promised_nouns = tools.lex.word_list("promising_verbs")
    for cand in cands:
        if cand.suppressed or cand.kind == "noun" or cand.event_type not in COOPERATIVE_ACTS | HOSTILE_ACTS:
            continue
        verb = cand.trigger
        if _lemma(verb, tools) in promised_nouns and cand.event_type != "CONCEDE":
            # "pledged $2 billion in loans", "offered asylum"; an apology offered is made (CONCEDE)
            if cand.event_type in COOPERATIVE_ACTS:
                cand.recode("AGREE", "intent", INTENDED)
            else:
                cand.recode("THREATEN", "intent", THREATENED)
            continue
        gov = _governor(verb)
        gov_lemma = _lemma(gov, tools) if gov is not None and verb.dep_ == "xcomp" else None
        future = bool(_aux(verb) & FUTURE_AUX) or (bool(_aux(verb) & WOULD_AUX) and tr.conditional_clause(verb) is None)
        future = future or (verb.dep_ == "ROOT" and "to" in _aux(verb))  # headline "Japan to lift curbs on Seoul"
        planned = gov_lemma is not None and (gov_lemma in promising or gov_lemma in predicates)
        if not (future or planned):
            continue
        if cand.event_type in COOPERATIVE_ACTS:
            cand.recode("AGREE", "intent", INTENDED)
        elif gov_lemma not in DECIDING_VERBS:
            cand.recode("THREATEN", "intent", THREATENED)


@construction("promise_content")
def promise_content(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """What is promised decides the frame: "vowed to target politicians", "plans to deport migrants" are
    THREATEN (C15); "volunteered to lead a police mission", "pledged to dissolve the militias" are AGREE
    (C3) even when the promised act is no event word of its own."""
    pledging = tools.lex.word_list("promising_verbs")
    promising = pledging | {"plan", "intend", "prepare"}  # agreeing or deciding to act is not a threat
    if promising.isdisjoint(sent.lemmas):
        return
    by_token = {c.trigger.i: c for c in cands}
    for verb in sent.tokens:
        lemma = _lemma(verb, tools)
        if lemma not in promising or not tr.is_verbal(verb) or _negated(verb) or tr.in_conditional(verb):
            continue
        acts = [c for c in verb.children if c.dep_ == "xcomp" and tr.is_verbal(c)]
        if not acts:
            continue
        span = {t.i for t in acts[0].subtree}
        promised = {acts[0].i} | {c.i for c in acts[0].children if c.dep_ == "conj"}  # not its relative clauses
        inner = [c for c in cands if c.trigger.i in promised and (not c.suppressed or "owned_complement" in c.rules)]
        own = by_token.get(verb.i)
        # the act's own sense ("threat_frame" may have recoded it); troops pledged to a partner are no threat
        hostile = any(c.sense.type in (HOSTILE_ACTS - {"MOBILIZE"}) | {"THREATEN"} for c in inner)
        if own is not None and not own.suppressed and own.event_type == "AGREE" and hostile:
            own.recode("THREATEN", "promise_content", THREATENED)
        elif own is None and not inner and lemma in pledging and not any(c.trigger.i in span and c.kind != "noun" for c in cands):
            _new(cands, verb, "THREATEN" if hostile else "AGREE", "promise_content").modality = (
                THREATENED if hostile else INTENDED)


@construction("readiness")
def readiness(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Said it was ready to sit down with the RSF", "is prepared to share power": readiness for an
    act is AGREE even when the act is no event word of its own (C3); "has no intention of sending
    weapons", "had no intention of resigning" + a cooperative act is REJECT (C13)."""
    ready_words = tools.lex.word_list("readiness_words") | tools.lex.word_list("unreadiness_words")
    intention_words = tools.lex.word_list("intention_nouns")
    hostile = tools.lex.word_list("readiness_hostile_acts")
    if tools.readiness_lemmas.isdisjoint(sent.lemmas):
        return
    by_token = {c.trigger.i: c for c in cands if c.kind != "noun"}
    for tok in sent.tokens:
        lemma = _lemma(tok, tools)
        if lemma in intention_words and tok.pos_ == "NOUN":
            if not any(c.lower_ == "no" for c in tok.children) or tr.in_conditional(tok):
                continue
            acts = [p for prep in tok.children if prep.dep_ == "prep" and prep.lower_ == "of"
                    for p in prep.children if p.dep_ == "pcomp" and tr.is_verbal(p)]
            if not acts:
                continue
            cand = by_token.get(acts[0].i)
            if cand is None:
                cand = _new(cands, acts[0], "REJECT", "readiness")
                cand.modality = REFUSED
            elif not cand.suppressed and cand.event_type in COOPERATIVE_ACTS | {"AGREE", "MOBILIZE"}:
                cand.recode("REJECT", "readiness", REFUSED)
            else:
                continue
            subj, _ = tr.clause_subject(tok.head)  # "Budapest had no intention of sending ...": Budapest
            if subj is not None and tr.is_pronoun(subj):
                reporter = _reporter(tok.head, tools)  # "the minister said he had no intention of ...": the minister
                subj = tr.clause_subject(reporter)[0] if reporter is not None else None
            if subj is not None and not tr.is_pronoun(subj):
                cand.source_tokens = [subj]
        elif lemma in ready_words and tok.dep_ in {"acomp", "ROOT", "ccomp", "conj"}:
            if tr.in_conditional(tok):
                continue
            unready = _unready(tok, tools)  # "is not ready to sit down with": a refusal (C13)
            if not unready and (_negated(tok) or _negated(tok.head) or lemma not in tools.lex.word_list("readiness_words")):
                continue
            acts = [c for c in tok.children if c.dep_ == "xcomp" and tr.is_verbal(c)]
            if not acts or _negated(acts[0]):
                continue
            promised = {acts[0].i} | {c.i for c in acts[0].children if c.dep_ == "conj"}
            if any(c.trigger.i in promised and c.kind != "noun" for c in cands):
                continue  # the act is an event word: the intent or refusal rule has coded it
            if _lemma(acts[0], tools) in hostile:
                continue  # "ready to fight to the last man" is no cooperative commitment
            if unready:
                _new(cands, acts[0], "REJECT", "readiness").modality = REFUSED
            else:
                _new(cands, acts[0], "AGREE", "readiness").modality = INTENDED


@construction("receiving")
def receiving(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Uganda received weapons from Russia": the giver is the source, the receiver the target (C24)."""
    taking = tools.lex.word_list("receiving_verbs")
    for cand in cands:
        if cand.suppressed or cand.kind == "noun" or _lemma(cand.trigger, tools) not in taking:
            continue
        if cand.event_type == "AGREE" and _lemma(cand.trigger, tools) == "accept":
            continue  # "accepted a plan from ASEAN": the one who accepts agrees
        givers = [p for _, p in tr.prep_objects(cand.trigger, {"from"})]
        obj = tr.direct_object(cand.trigger)
        if not givers and obj is not None:  # "received security assurances from Washington"
            givers = _object_givers(obj)
        subj, passive = tr.clause_subject(cand.trigger)
        if givers and subj is not None and not passive and cand.event_type != "CONSULT":
            cand.source_tokens, cand.target_tokens = givers, [subj]
            cand.rules.append("receiving")


def _object_givers(obj: Token) -> list[Token]:
    """From-phrases the parser hung inside the object: "a shipment of arms from Iran", "an aid package
    worth $400 million from Canada" (not past a clause of its own)."""
    out: list[Token] = []
    for tok in obj.subtree:
        if tok.dep_ != "prep" or tok.lower_ != "from":
            continue
        cur = tok.head
        while cur.i != obj.i and not tr.is_verbal(cur):
            cur = cur.head
        if cur.i == obj.i:
            out.extend(p for p in tok.children if p.dep_ == "pobj")
    return out


@construction("mediation")
def mediation(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"Kenya mediated between Sudan's rival generals": the mediator consults the parties (C27)."""
    mediating = tools.lex.word_list("mediating_verbs")
    for cand in cands:
        mediation_noun = cand.noun is not None and cand.sense.mode == "third-party"  # "launched a mediation effort"
        if cand.suppressed or cand.kind == "noun" or (_lemma(cand.trigger, tools) not in mediating and not mediation_noun):
            continue
        parties = [p for _, p in tr.prep_objects(cand.trigger, {"between", "among"})]
        obj = tr.direct_object(cand.trigger)
        if not parties and obj is not None:  # "brokered talks between A and B"
            parties = [p for _, p in tr.prep_objects(obj, {"between", "among"})]
        if parties:
            cand.target_tokens = parties
            cand.rules.append("mediation")


@construction("participle")
def participle(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """"There were dozens of homes demolished by Israeli forces": a participle of force modifying a noun
    is a passive clause of its own; the by-phrase is the source and the noun the target (C8)."""
    for cand in cands:
        verb = cand.trigger
        if cand.suppressed or cand.kind == "noun" or verb.dep_ != "acl" or verb.tag_ != "VBN":
            continue
        if cand.event_type not in CLAIMABLE_ACTS:
            continue  # "a deal brokered by Qatar", "a trip condemned by the EU": background, not news
        if cand.source_tokens is not None or cand.target_tokens is not None:
            continue
        agent = tr.agent(verb)
        if agent is not None and not tr.is_pronoun(agent):
            cand.source_tokens, cand.target_tokens = [agent], [verb.head]
            cand.rules.append("participle")


@construction("typer_reading")
def typer_reading(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """Where no rule decided what the sentence says about a word, the typer's reading of its frame
    ("vowed revenge" THREATEN) stands; a rule's decision ("would not send" REJECT) overrules it."""
    for cand in cands:
        if cand.proposed is not None and not cand.suppressed and not cand.rules:
            cand.recode(cand.proposed, "typer")

