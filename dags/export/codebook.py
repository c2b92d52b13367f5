"""Generate docs/codebook.md from the schemas, the export columns and the extractor's tables.

    python -m dags.export.codebook           # rewrite docs/codebook.md
    python -m dags.export.codebook --check   # exit 1 if the committed codebook is stale

Everything in the codebook is read from code or data the pipeline itself uses: column names and
types from dags/export/columns.py, meanings from schemas/event.v1.json, categories and sectors
from the schema's enums, modes and contexts from consumers/extract/plover_lexicon.yaml, quad
classes and intensities from consumers/extract/derived.py, the GDELT view from
dags/export/gdelt.py and the magnitude conventions from consumers/extract/magnitudes.py.
A unit test fails when docs/codebook.md differs from what this prints.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from consumers.extract import magnitudes
from consumers.extract.yamlio import load_yaml
from schemas import load_schema

from . import columns, gdelt

ROOT = Path(__file__).resolve().parents[2]
CODEBOOK = ROOT / "docs" / "codebook.md"
LEXICON = ROOT / "consumers" / "extract" / "plover_lexicon.yaml"

CATEGORY_MEANINGS = {
    "AGREE": "agree to, or promise, a future action or settlement", "CONSULT": "meet, visit, hold talks, mediate",
    "SUPPORT": "praise, endorse, recognise, sign, express support", "CONCEDE": "yield verbally: admit, apologise, ease demands",
    "COOPERATE": "act together materially: joint operations, exchanges, trade deals carried out",
    "AID": "give economic, military or humanitarian resources", "RETREAT": "yield materially: withdraw, release, disarm, observe a ceasefire",
    "REQUEST": "ask, appeal, demand, call for", "ACCUSE": "criticise, allege, condemn, investigate",
    "REJECT": "refuse, veto, defy", "THREATEN": "threaten force, sanctions or other penalties",
    "PROTEST": "demonstrate, strike, boycott, riot", "SANCTION": "cut relations, aid or trade; impose sanctions, expel envoys",
    "MOBILIZE": "deploy, mass or put forces on alert", "COERCE": "arrest, seize, restrict, repress without armed violence",
    "ASSAULT": "use physical violence: attacks, strikes, shelling, killings",
}
SECTOR_MEANINGS = {
    "GOV": "government, executive", "MIL": "military", "REB": "rebels, insurgents, armed non-state groups",
    "OPP": "political opposition", "CVL": "civilians", "IGO": "inter-governmental organisation", "BUS": "business",
    "MED": "media", "POL": "police", "JUD": "judiciary", "LEG": "legislature", "CRM": "criminals",
    "EDU": "education: students, universities", "REL": "religious", "NGO": "non-governmental organisation",
    "REF": "refugees, displaced people", "HLH": "health", "SPY": "intelligence services",
}
FEATURE_MEANINGS = {"country": "the country as a whole (a representative point: the median of its cities)",
                    "adm1": "a first-level division (today the US states); adm1 holds its code",
                    "city": "a city or town of 15,000+ people (GeoNames); adm1 holds the division it lies in",
                    "region": "another named area: a sub-national region from places.yaml, a sea, a strait, a disputed area"}
DUCKDB_TYPES = {
    pa.string(): "VARCHAR", pa.date32(): "DATE", columns.TIMESTAMP: "TIMESTAMP WITH TIME ZONE", pa.int8(): "TINYINT",
    pa.int16(): "SMALLINT", pa.int32(): "INTEGER", pa.int64(): "BIGINT", pa.float32(): "FLOAT", pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
}
KNOWN_LIMITS = [
    "Events are coded sentence by sentence from English text by a dictionary-and-parse coder (spaCy en_core_web_sm); "
    "`make eval` prints its precision and recall on our own annotated sets. Events need at least one actor with a country or sector.",
    "One row per coded event per article: the same real-world event reported by several outlets is several events "
    "until stories group them (`story_id`, the stories table).",
    "Actors are the first source/target in the `*_name/_country/_sector` columns; every actor is in `*_actors` and `*_countries`.",
    "Places resolve to the GeoNames cities of 15,000+ people, countries, US states and a short list of regions; "
    "ADM1 codes below country level come from the city's GeoNames record; there is no ADM2.",
    "Event dates are the publication day unless the sentence dates the event (\"on Thursday\"); undated events "
    "(no publication date either) are filed under the day of their extraction.",
    "Magnitudes are the figures the sentence states (see Magnitudes); totals from other sentences, cumulative tolls and "
    "figures of another clause's event are left out, so sums undercount rather than double count.",
    "Intensity is a Goldstein-like score of type and mode, not of the individual event; quad class, intensity and "
    "CAMEO root are empty for events coded before those fields existed.",
    "Partitions are rewritten whole: a day exported again reflects the index at that time (late articles included).",
]


def duckdb_type(t: pa.DataType) -> str:
    return DUCKDB_TYPES[t]


def _schema_node(path: str) -> dict[str, Any] | None:
    schema = load_schema("event")
    node: Any = schema
    for part in path.split("."):
        props = node.get("properties") if isinstance(node, dict) else None
        if props is None and isinstance(node, dict) and "items" in node:
            props = _resolve(schema, node["items"]).get("properties")
        if not props or part not in props:
            return None
        node = _resolve(schema, props[part])
    return node


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        target: Any = schema
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return target
    for key in ("anyOf", "oneOf"):
        for option in node.get(key, ()):
            resolved = _resolve(schema, option)
            if resolved.get("properties"):
                return resolved
    if "items" in node and "properties" not in node:
        return {**node, **_resolve(schema, node["items"])}
    return node


def meaning(col: columns.Column) -> str:
    if col.meaning:
        return col.meaning
    node = _schema_node(col.source) if col.source else None
    if node and node.get("description"):
        return node["description"]
    raise ValueError(f"column {col.name} has no meaning: give one in dags/export/columns.py or describe {col.source} in the schema")


def _derived() -> Any | None:
    try:
        return importlib.import_module("consumers.extract.derived")
    except ImportError:
        return None


def _lexicon_modes() -> dict[str, set[str]]:
    lex = load_yaml(LEXICON)
    found: dict[str, set[str]] = {"ASSAULT": set(lex.get("modes", {}))}

    def walk(node: Any) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            if isinstance(node.get("type"), str) and isinstance(node.get("mode"), str):
                yield node["type"], node["mode"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    for type_, mode in walk(lex):
        found.setdefault(type_, set()).add(mode)
    return found


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    out.extend("| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in row) + " |" for row in rows)
    return out


def render() -> str:
    schema = load_schema("event")
    props = schema["properties"]
    lines = [
        "# Codebook: newsevents exports",
        "",
        "<!-- Generated by `python -m dags.export.codebook` from the schemas and tables the pipeline uses; do not edit by hand. -->",
        "",
        f"Export schema version {columns.EXPORT_SCHEMA_VERSION}; events follow `schemas/event.v1.json`.",
        "",
        "## Files",
        "",
        "`make export` (or the `events_export` Airflow DAG) writes one folder per event day under `var/exports/` "
        "(or `NEWS_EXPORT_URL`): `date=YYYY-MM-DD/`, which DuckDB, Spark, pandas and Arrow read as a Hive partition.",
        "",
        *_table(["file", "what"], [
            ["events.parquet, events.tsv.gz", "one row per coded event"],
            ["mentions.parquet, mentions.tsv.gz", "one row per event and article: outlet, URL, sentence, offsets, confidence"],
            ["stories.parquet, stories.tsv.gz", "one row per story (the same real-world event across articles), when a stories index exists"],
            ["gdelt.export.tsv.gz", "the events as GDELT 2.0's event table: 61 columns, tab-separated, no header"],
            ["manifest.json", "row counts, extractor versions and models, the time window, schema version, export time"],
        ]),
        "",
        "Parquet files carry the schema below (zstd-compressed). TSV files are UTF-8, gzip, tab-separated with a header row; "
        "strings are double-quoted (RFC 4180 style, quotes doubled), empty unquoted fields are nulls; tabs and line breaks "
        "inside values are replaced by spaces; dates are `YYYY-MM-DD`, timestamps `YYYY-MM-DD HH:MM:SS.mmmZ` (UTC); "
        f"lists are joined with `{columns.LIST_SEPARATOR}`. The type column is the DuckDB type each reader gets "
        "(pandas: VARCHAR str, DATE/TIMESTAMP datetime64, INTEGER Int32, FLOAT float32, DOUBLE float64, BOOLEAN boolean).",
        "",
        "An event day is the `event_date` of the event; events without one are filed under the day of their "
        "`@timestamp` (publication, else extraction). Re-running a day replaces its files.",
        "",
    ]
    for table, cols in columns.TABLES.items():
        lines += [f"## Table `{table}`", "", *_table(["column", "type", "meaning"],
                                                       [[f"`{c.name}`", duckdb_type(c.type), meaning(c)] for c in cols]), ""]
    derived = _derived()
    lines += ["## PLOVER categories", ""]
    quad = getattr(derived, "QUAD_CLASS", {}) if derived else {}
    level = getattr(derived, "CATEGORY_INTENSITY", {}) if derived else {}
    roots = getattr(derived, "CAMEO_ROOT", {}) if derived else {}
    lines += _table(["event_type", "meaning", "quad_class", "intensity", "cameo_root"],
                    [[t, CATEGORY_MEANINGS[t], quad.get(t, ""), level.get(t, ""), roots.get(t, "")] for t in props["event_type"]["enum"]])
    lines += ["", "## Quad classes", ""]
    if derived:
        lines += _table(["quad_class", "GDELT QuadClass", "categories"],
                        [[q, gdelt.QUAD_NUMBER[q], ", ".join(t for t, c in quad.items() if c == q)] for q in derived.QUAD_CLASSES])
    else:
        lines.append("Not yet on this branch: `consumers/extract/derived.py` adds them.")
    lines += ["", "## Intensity scale", "",
              "A Goldstein-like score from -10 (most conflictual) to +10 (most cooperative): the category level above, "
              "refined by the mode where the mode changes how severe or generous the action is.", ""]
    if derived:
        lines += _table(["event_type", "mode", "intensity"], [[t, m, v] for (t, m), v in derived.MODE_INTENSITY.items()])
    lines += ["", "## Modes", "", "PLOVER modes the coder assigns (mode is empty when none is detectable).", ""]
    lines += _table(["event_type", "modes"], [[t, ", ".join(sorted(m))] for t, m in sorted(_lexicon_modes().items()) if m])
    lex = load_yaml(LEXICON)
    lines += ["", "## Contexts", "", "An event carries its category's default context plus every context whose words occur in the sentence.", ""]
    lines += _table(["context", "default for"], [[c, ", ".join(t for t, cs in lex["type_contexts"].items() if c in cs)]
                                                 for c in lex["contexts"]])
    actor = schema["$defs"]["actor"]["properties"]
    lines += ["", "## Actor codes", "",
              f"`*_country`: {actor['country']['description']}. `*_sector`:", ""]
    lines += _table(["sector", "meaning"], [[s, SECTOR_MEANINGS[s]] for s in actor["sector"]["enum"] if s])
    loc = props["location"]["properties"]
    lines += ["", "## Geography", "", "`location_*` columns describe where the event happened (not the actors' home places).", ""]
    lines += _table(["location_feature_type", "meaning", "GDELT ActionGeo_Type"],
                    [[f, FEATURE_MEANINGS[f], {"country": "1", "adm1": "2 (US) / 5", "city": "3 (US) / 4", "region": "5"}[f]]
                     for f in loc["feature_type"]["enum"] if f])
    lines += ["", f"`location_adm1`: {loc['adm1']['description']}.", ""]
    doc = magnitudes.__doc__ or ""
    conventions = doc[doc.index("Conventions"):].split("\n", 1)[1]
    lines += ["## Magnitudes", "",
              "`dead`, `injured`, `size` (people taking part) and `amount`/`currency` (money, for AID and SANCTION), as PLOVER "
              "names them; filled only when the sentence states a figure attached to the event. Conventions:", ""]
    lines += [re.sub(r"^\s*\*\s*", "* ", line).rstrip() if line.strip().startswith("*") else "  " + line.strip()
              for line in conventions.strip().splitlines()]
    lines += ["", "## GDELT 2.0 view", "",
              "`gdelt.export.tsv.gz` has GDELT 2.0's 61 event-table columns in GDELT's order, so `pandas.read_csv(path, sep='\\t', "
              "header=None, names=GDELT_COLUMNS)` or BigQuery loaders written for GDELT read it.", ""]
    lines += _table(["GDELT column", "filled from"], [[c, gdelt.MAPPED[c]] for c in gdelt.COLUMNS if c in gdelt.MAPPED])
    lines += ["", "Columns with no counterpart (always empty):", ""]
    lines += _table(["GDELT column", "why"], [[c, gdelt.UNMAPPED[c]] for c in gdelt.COLUMNS if c in gdelt.UNMAPPED])
    lines += ["", "## Known limits", ""] + [f"* {limit}" for limit in KNOWN_LIMITS] + [""]
    return "\n".join(lines)


def codebook_types(path: Path = CODEBOOK) -> dict[str, dict[str, str]]:
    """{table: {column: DuckDB type}} as the committed codebook states them."""
    out: dict[str, dict[str, str]] = {}
    current: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## Table `(\w+)`", line)
        if heading:
            current = heading.group(1)
            out[current] = {}
            continue
        if line.startswith("## "):
            current = None
        row = re.match(r"^\| `(\w+)` \| ([A-Z ]+) \|", line)
        if current and row:
            out[current][row.group(1)] = row.group(2)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dags.export.codebook", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/codebook.md is not what would be generated")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not CODEBOOK.exists() or CODEBOOK.read_text(encoding="utf-8") != text:
            print(f"{CODEBOOK} is stale: run `python -m dags.export.codebook`", file=sys.stderr)
            return 1
        return 0
    CODEBOOK.write_text(text, encoding="utf-8")
    print(f"wrote {CODEBOOK}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
