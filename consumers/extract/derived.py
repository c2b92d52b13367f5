"""Analytical fields derived from an event's PLOVER type and mode. Pure tables, no NLP.

* ``quad_class``: PLOVER's quad category (verbal/material x cooperation/conflict), as the
  PLOVER manual assigns it to each event type.
* ``intensity``: a conflict-cooperation score on a Goldstein-like scale, -10 (most
  conflictual) to +10 (most cooperative). One score per category, refined by the mode where
  the mode changes how severe or how generous the action is. The category levels follow the
  ordering of the PLOVER manual's conflict-cooperation scores; the mode refinements are ours,
  for the modes this extractor emits (``consumers/extract/plover_lexicon.yaml``), and are
  documented next to each value in ``MODE_INTENSITY``.
* ``cameo_root``: the two-digit CAMEO root code of the event, read off the PLOVER-2021
  crosswalk (CAMEO2PLOVER-2021.txt in openeventdata/PLOVER) backwards: for each PLOVER type
  (and, where the crosswalk splits a type over several roots, its mode), the root whose codes
  map to it.

The mapping is a lookup: the same (type, mode, source sectors) always gives the same fields, so
re-extraction and replays keep them stable.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

QUAD_CLASSES: tuple[str, ...] = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict")

QUAD_CLASS: dict[str, str] = {
    "AGREE": "verbal_cooperation",
    "CONSULT": "verbal_cooperation",
    "SUPPORT": "verbal_cooperation",
    "CONCEDE": "verbal_cooperation",
    "COOPERATE": "material_cooperation",
    "AID": "material_cooperation",
    "RETREAT": "material_cooperation",
    "REQUEST": "verbal_conflict",
    "ACCUSE": "verbal_conflict",
    "REJECT": "verbal_conflict",
    "THREATEN": "verbal_conflict",
    "PROTEST": "material_conflict",
    "SANCTION": "material_conflict",
    "MOBILIZE": "material_conflict",
    "COERCE": "material_conflict",
    "ASSAULT": "material_conflict",
}

# Category level: what an event of the type scores when its mode is unknown.
CATEGORY_INTENSITY: dict[str, float] = {
    "AID": 7.5,  # gives resources to the target
    "COOPERATE": 7.0,  # mutual material exchange
    "RETREAT": 6.5,  # material de-escalation: withdrawals, releases, ceasefires observed
    "SUPPORT": 4.5,  # verbal endorsement, recognition, signing
    "CONCEDE": 4.5,  # verbal concession, promise to yield
    "AGREE": 4.0,  # intent to cooperate
    "CONSULT": 2.5,  # meetings and talks
    "REQUEST": -1.0,  # appeals and demands: mildly conflictual on balance
    "ACCUSE": -2.5,  # criticism, allegations, investigations
    "REJECT": -3.0,  # refusal
    "THREATEN": -4.5,  # verbal threat of force or penalties
    "PROTEST": -5.0,  # demonstrations, strikes, boycotts
    "SANCTION": -5.5,  # cutting relations, aid or trade
    "MOBILIZE": -6.0,  # shows of force
    "COERCE": -7.0,  # seizures, arrests, restrictions
    "ASSAULT": -9.0,  # violence
}

# (type, mode) refinements for the modes the lexicon emits; anything else keeps the category level.
MODE_INTENSITY: dict[tuple[str, str], float] = {
    ("AID", "military"): 8.0,  # arms and troops for the target weigh more than money
    ("AID", "humanitarian"): 7.5,
    ("AID", "economic"): 7.0,  # loans and bailouts come with conditions
    ("SANCTION", "economic"): -6.0,  # tariffs and trade sanctions bite harder than recalled envoys
    ("PROTEST", "violent"): -7.0,  # riots
    ("ASSAULT", "abduct"): -8.5,  # the guidelines' PLOVER mode (kidnapping, hostage-taking)
    ("ASSAULT", "firearms"): -9.0,
    ("ASSAULT", "explosive"): -9.0,
    ("ASSAULT", "ground"): -9.5,  # tanks, infantry, invasions
    ("ASSAULT", "artillery"): -9.5,
    ("ASSAULT", "missile"): -9.5,
    ("ASSAULT", "aerial"): -9.5,
    ("ASSAULT", "drone"): -9.5,
    ("ASSAULT", "naval"): -9.5,
    ("ASSAULT", "chemical"): -10.0,  # weapons of mass destruction
    ("ASSAULT", "cyber"): -7.0,  # no bodily harm: the level of coercion
}

# CAMEO root for each PLOVER type where the crosswalk maps it from a single root.
CAMEO_ROOT: dict[str, str] = {
    "AGREE": "03",
    "CONSULT": "04",
    "SUPPORT": "05",
    "COOPERATE": "06",
    "AID": "07",
    "CONCEDE": "08",
    "RETREAT": "08",
    "REQUEST": "10",
    "ACCUSE": "11",  # disapprove/allege (11x); investigations come from 09x, see _cameo_root
    "REJECT": "12",
    "THREATEN": "13",
    "PROTEST": "14",
    "MOBILIZE": "15",
    "SANCTION": "16",
    "COERCE": "17",
    "ASSAULT": "18",  # unconventional violence; conventional military force is 19x, mass violence 20x
}
# ASSAULT modes the crosswalk files under 19 (fight: small arms, heavy and aerial weapons)
# and under 20 (unconventional mass violence, weapons of mass destruction).
_ASSAULT_FIGHT_MODES = frozenset({"firearms", "ground", "artillery", "missile", "aerial", "drone", "naval"})
_ASSAULT_MASS_MODES = frozenset({"chemical"})


def quad_class(event_type: str) -> str:
    return QUAD_CLASS[event_type]


def intensity(event_type: str, mode: str | None = None) -> float:
    """Goldstein-like score in [-10, 10] for a PLOVER type and (optional) mode."""
    if mode:
        refined = MODE_INTENSITY.get((event_type, mode))
        if refined is not None:
            return refined
    return CATEGORY_INTENSITY[event_type]


def cameo_root(event_type: str, mode: str | None = None, source_sectors: Iterable[str | None] = ()) -> str:
    """Two-digit CAMEO root the PLOVER-2021 crosswalk maps to this type (and mode).

    An ASSAULT without a telling mode is conventional military force (19) when a source actor
    is military, else unconventional violence (18): the event's `context` cannot decide it,
    because the lexicon gives every ASSAULT the military context by default.
    """
    if event_type == "ASSAULT":
        if mode in _ASSAULT_MASS_MODES:
            return "20"
        if mode in _ASSAULT_FIGHT_MODES:
            return "19"
        if mode is None and "MIL" in set(source_sectors):
            return "19"
        return "18"
    if event_type == "ACCUSE" and mode == "investigate":
        return "09"
    return CAMEO_ROOT[event_type]


def derived_fields(event: dict[str, Any]) -> dict[str, Any]:
    """The derived fields of an event dict (needs event_type; mode and source actors optional)."""
    event_type = event["event_type"]
    mode = event.get("mode")
    return {
        "quad_class": quad_class(event_type),
        "intensity": intensity(event_type, mode),
        "cameo_root": cameo_root(event_type, mode, [a.get("sector") for a in event.get("source") or ()]),
    }
