"""The PLOVER verb/noun lexicon, compiled once from plover_lexicon.yaml into lookup tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .yamlio import load_yaml

PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
LEXICON_PATH = Path(__file__).with_name("plover_lexicon.yaml")

VERB_WEIGHT = 0.8
NOUN_WEIGHT = 0.7


@dataclass(frozen=True, slots=True)
class Sense:
    """One reading of a trigger: its PLOVER category plus what the lexicon says about it."""

    type: str
    mode: str | None = None
    weight: float = VERB_WEIGHT
    speaker_is_source: bool = False
    pobj: frozenset[str] | None = None  # for verb+preposition senses: allowed prepositional objects


@dataclass(slots=True)
class VerbEntry:
    default: Sense | None = None
    # a key mapped to None blocks the verb for that object ("meet demands" is no meeting)
    objects: dict[str, Sense | None] = field(default_factory=dict)
    particles: dict[str, Sense | None] = field(default_factory=dict)
    preps: dict[str, Sense | None] = field(default_factory=dict)
    directive: Sense | None = None
    needs_actor_object: bool = False
    object_is_target: bool = True
    protest_if_civilian: bool = False
    hosts: bool = False  # "A hosted / received B": B visits, so B is the source and A the target (C26)
    instrument_subject: bool = False  # its senses need a weapon or an attack as subject ("a rocket slammed into")


@dataclass(slots=True)
class NounEntry:
    default: Sense | None = None
    modifiers: dict[str, Sense | None] = field(default_factory=dict)


@dataclass(slots=True)
class Lexicon:
    verbs: dict[str, VerbEntry]
    nouns: dict[str, NounEntry]
    light_verbs: frozenset[str]
    light_preps: dict[str, frozenset[str]]  # verbs that carry an event noun through a preposition ("engaged in clashes")
    reporting_verbs: frozenset[str]
    irrealis_governors: frozenset[str]
    negating_verbs: frozenset[str]
    transparent_verbs: frozenset[str]
    threat_frames: frozenset[str]
    cooperative_adverbs: frozenset[str]
    place_nouns: frozenset[str]  # "town", "region", ...: nouns whose modifiers name a place
    lemma_fixes: dict[str, str]
    target_preps: dict[str, frozenset[str]]
    contexts: dict[str, frozenset[str]]  # context -> trigger lemmas
    type_contexts: dict[str, tuple[str, ...]]
    modes: dict[str, str]  # word -> mode
    trigger_lemmas: frozenset[str]  # every lemma that can start an event (cheap per-token filter)
    words: dict[str, frozenset[str]] = field(default_factory=dict)  # word lists of the construction rules

    def word_list(self, name: str) -> frozenset[str]:
        return self.words.get(name, frozenset())

    def fix_lemma(self, lemma: str) -> str:
        return self.lemma_fixes.get(lemma, lemma)


def _sense(spec: Any, default_weight: float, base_mode: str | None = None) -> Sense | None:
    """A YAML sense is either a PLOVER type name, null, or {type, mode, weight, ...}."""
    if spec is None:
        return None
    if isinstance(spec, str):
        _check_type(spec)
        return Sense(spec, base_mode, default_weight)
    if spec.get("type") is None:
        return None
    _check_type(spec["type"])
    pobj = spec.get("pobj")
    return Sense(
        type=spec["type"],
        mode=spec.get("mode", base_mode),
        weight=float(spec.get("weight", default_weight)),
        speaker_is_source=bool(spec.get("speaker_is_source", False)),
        pobj=frozenset(pobj) if pobj else None,
    )


def _check_type(name: str) -> None:
    if name not in PLOVER_TYPES:
        raise ValueError(f"unknown PLOVER category {name!r} in {LEXICON_PATH.name}")


def _expand(keys: dict[str, Any], classes: dict[str, list[str]]) -> dict[str, Any]:
    """Expand "@class" keys into their member words; explicit words win over class members."""
    out: dict[str, Any] = {}
    for key, value in keys.items():
        if key.startswith("@"):
            for word in classes[key[1:]]:
                out.setdefault(word.lower(), value)
    for key, value in keys.items():
        if not key.startswith("@"):
            out[key.lower()] = value
    return out


def build_lexicon(data: dict[str, Any]) -> Lexicon:
    classes = {name: [w.lower() for w in words] for name, words in data.get("classes", {}).items()}
    verbs: dict[str, VerbEntry] = {}
    for lemma, spec in data["verbs"].items():
        spec = spec or {}
        weight = float(spec.get("weight", VERB_WEIGHT))
        mode = spec.get("mode")
        entry = VerbEntry(
            default=_sense(spec["type"], weight, mode) if spec.get("type") else None,
            objects={k: _sense(v, weight, mode) for k, v in _expand(spec.get("objects", {}), classes).items()},
            particles={k: _sense(v, weight, mode) for k, v in spec.get("particles", {}).items()},
            preps={k: _sense(v, weight, mode) for k, v in spec.get("preps", {}).items()},
            directive=_sense(spec["directive"], weight, mode) if spec.get("directive") else None,
            needs_actor_object=bool(spec.get("needs_actor_object", False)),
            object_is_target=bool(spec.get("object_is_target", True)),
            protest_if_civilian=bool(spec.get("protest_if_civilian", False)),
            hosts=bool(spec.get("hosts", False)),
            instrument_subject=bool(spec.get("instrument_subject", False)),
        )
        verbs[lemma.lower()] = entry
    nouns: dict[str, NounEntry] = {}
    for lemma, spec in data["nouns"].items():
        spec = spec or {}
        weight = float(spec.get("weight", NOUN_WEIGHT))
        mode = spec.get("mode")
        nouns[lemma.lower()] = NounEntry(
            default=_sense(spec.get("type"), weight, mode),
            modifiers={k.lower(): _sense(v, weight, mode) for k, v in (spec.get("modifiers") or {}).items()},
        )
    modes: dict[str, str] = {}
    for mode, words in data.get("modes", {}).items():
        for word in words:
            modes.setdefault(word.lower(), mode)
    contexts = {name: frozenset(w.lower() for w in words) for name, words in data.get("contexts", {}).items()}
    light_preps = {v.lower(): frozenset(p) for v, p in (data.get("light_preps") or {}).items()}
    light = frozenset(data.get("light_verbs", [])) | frozenset(light_preps)
    lemma_fixes = {k.lower(): v.lower() for k, v in data.get("lemma_fixes", {}).items()}
    target_preps = {t: frozenset(p) for t, p in data.get("target_preps", {}).items()}
    for t in PLOVER_TYPES:
        target_preps.setdefault(t, frozenset())
    return Lexicon(
        verbs=verbs,
        nouns=nouns,
        light_verbs=light,
        light_preps=light_preps,
        reporting_verbs=frozenset(data.get("reporting_verbs", [])),
        irrealis_governors=frozenset(data.get("irrealis_governors", [])),
        negating_verbs=frozenset(data.get("negating_verbs", [])),
        transparent_verbs=frozenset(data.get("transparent_verbs", [])),
        threat_frames=frozenset(data.get("threat_frames", [])),
        cooperative_adverbs=frozenset(data.get("cooperative_adverbs", [])),
        place_nouns=frozenset(classes.get("place", [])),
        lemma_fixes=lemma_fixes,
        target_preps=target_preps,
        contexts=contexts,
        type_contexts={t: tuple(c) for t, c in data.get("type_contexts", {}).items()},
        modes=modes,
        trigger_lemmas=frozenset(verbs) | frozenset(nouns) | light | frozenset(lemma_fixes),
        words={name: frozenset(w.lower() for w in ws) for name, ws in (data.get("constructions") or {}).items()},
    )


@cache
def get_lexicon(path: str | None = None) -> Lexicon:
    """Load and compile the lexicon once per process."""
    return build_lexicon(load_yaml(Path(path) if path else LEXICON_PATH))
