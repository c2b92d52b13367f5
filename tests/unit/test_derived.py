"""Derived analytical fields: quad class, Goldstein-like intensity, CAMEO root."""

from __future__ import annotations

import pytest

from consumers.extract import derived
from consumers.extract.derived import cameo_root, derived_fields, intensity, quad_class
from schemas import load_schema, validate
from tests.event_factories import make_event

TYPES = load_schema("event")["properties"]["event_type"]["enum"]


def test_every_plover_type_has_a_quad_class_an_intensity_and_a_cameo_root() -> None:
    for event_type in TYPES:
        assert quad_class(event_type) in derived.QUAD_CLASSES
        assert -10 <= intensity(event_type) <= 10
        assert cameo_root(event_type).isdigit() and len(cameo_root(event_type)) == 2


def test_quad_classes_split_cooperation_from_conflict_and_words_from_deeds() -> None:
    assert quad_class("CONSULT") == "verbal_cooperation"
    assert quad_class("AID") == "material_cooperation"
    assert quad_class("THREATEN") == "verbal_conflict"
    assert quad_class("ASSAULT") == "material_conflict"
    # The sign of the intensity agrees with the quad class, for every type and mode.
    for event_type in TYPES:
        cooperative = quad_class(event_type).endswith("cooperation")
        assert (intensity(event_type) > 0) == cooperative, event_type
    for (event_type, mode), score in derived.MODE_INTENSITY.items():
        assert (score > 0) == quad_class(event_type).endswith("cooperation"), (event_type, mode)
        assert -10 <= score <= 10


def test_intensity_orders_the_categories_and_modes_refine_them() -> None:
    assert intensity("ASSAULT") < intensity("COERCE") < intensity("THREATEN") < intensity("ACCUSE") < 0
    assert 0 < intensity("CONSULT") < intensity("AGREE") < intensity("COOPERATE") < intensity("AID")
    assert intensity("ASSAULT", "chemical") == -10.0
    assert intensity("ASSAULT", "cyber") > intensity("ASSAULT")
    assert intensity("ASSAULT", "no-such-mode") == intensity("ASSAULT")
    assert intensity("PROTEST", "violent") < intensity("PROTEST")
    assert intensity("ASSAULT", "abduct") == -8.5  # the guidelines' mode for kidnapping and hostage-taking


@pytest.mark.parametrize(
    ("event_type", "mode", "sectors", "root"),
    [
        ("AGREE", None, [], "03"),
        ("RETREAT", None, [], "08"),
        ("ACCUSE", None, [], "11"),
        ("ACCUSE", "investigate", [], "09"),
        ("SANCTION", "economic", [], "16"),
        ("ASSAULT", None, [None], "18"),  # unconventional violence by unknown actors
        ("ASSAULT", None, ["MIL"], "19"),  # conventional force by the military
        ("ASSAULT", "explosive", ["MIL"], "18"),  # bombings are 18x in the crosswalk
        ("ASSAULT", "aerial", [], "19"),  # aerial weapons: 195
        ("ASSAULT", "chemical", [], "20"),  # WMD: 204x
    ],
)
def test_cameo_root_follows_the_crosswalk(event_type: str, mode: str | None, sectors: list[str | None], root: str) -> None:
    assert cameo_root(event_type, mode, sectors) == root


def test_derived_fields_of_an_event_fit_the_event_contract() -> None:
    event = make_event(event_type="ASSAULT")
    event["mode"] = "drone"
    fields = derived_fields(event)
    assert fields == {"quad_class": "material_conflict", "intensity": -9.5, "cameo_root": "19"}
    validate("event", {**event, **fields})
