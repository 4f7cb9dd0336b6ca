"""Every row of the curated gazetteer supplement (gazetteer/data/curated_places.csv).

The file is hand-made (see gazetteer/data/CURATED.md), so each row is checked on its own: the
fields and their types, that the coordinate lies in the row's country, that the parent is a real
place of the same country nearby, that the source is a web address, and that the built gazetteer
finds the row by its name. A failing row is moved out of the file, never given a made-up coordinate.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from gazetteer.coords import haversine_km, km_outside, validate_latlon

CSV_PATH = Path(__file__).resolve().parents[1] / "gazetteer" / "data" / "curated_places.csv"
HEADER = [
    "id", "name", "variants", "lat", "lon", "feature_code", "country_code",
    "parent_geonameid", "parent_name", "source",
]  # fmt: skip
ID_MIN = 2_100_000_000
ID_MAX = 2_147_483_647  # stays a 32-bit signed integer, like GeoNames ids
FEATURE_CODES = {
    "PPLX", "PPL", "CMPRF", "ADM2", "ADM3", "RGN", "AIRP", "MILB", "CRSSNG", "AREA", "MN", "PRT", "ISL",
    "ISLS", "PS", "BLDG", "PAL", "ST",
}  # fmt: skip
COAST_KM = 5.0  # a coastal point may sit just off the country's generalised outline
GROUP_COAST_KM = 25.0  # an island group's point often falls in the sea between its islands
PARENT_KM = 60.0  # a neighbourhood or camp far from its parent city is a data error
# A county, historic region or island is large: its encyclopedia point lies near its middle, and
# its parent (county town, island seat or largest town) may be farther off than a quarter's city.
AREA_CODES = frozenset({"ADM1", "ADM2", "RGN", "ISL", "ISLS"})
AREA_PARENT_KM = 150.0
COUNTRY_LEVEL = {"PCLI", "PCLD", "PCLIX", "PCLS", "PCLF", "PCL", "TERR"}


def _read() -> tuple[list[str], list[dict[str, str]]]:
    with open(CSV_PATH, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


FIELDS, ROWS = _read()
ROW_IDS = [f"{r.get('id')}-{r.get('name')}" for r in ROWS]


def test_header() -> None:
    assert FIELDS == HEADER


def test_file_has_rows() -> None:
    assert len(ROWS) >= 80


def test_ids_unique() -> None:
    ids = [r["id"] for r in ROWS]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_name_country_unique() -> None:
    keys = [(r["name"].strip().casefold(), r["country_code"]) for r in ROWS]
    dups = sorted({k for k in keys if keys.count(k) > 1})
    assert not dups, dups


@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_row_fields(row: dict[str, str]) -> None:
    assert None not in row, "row has more fields than the header"
    assert all(v is not None for v in row.values()), "row has fewer fields than the header"
    assert row["id"].isdigit() and ID_MIN < int(row["id"]) <= ID_MAX
    assert row["name"].strip() == row["name"] and row["name"]
    variants = [v.strip() for v in row["variants"].split("|")]
    assert variants and all(variants), "variants must be non-empty, |-separated"
    validate_latlon(float(row["lat"]), float(row["lon"]))
    assert row["feature_code"] in FEATURE_CODES
    assert len(row["country_code"]) == 2 and row["country_code"].isupper()
    assert row["parent_geonameid"].isdigit()
    assert row["parent_name"].strip()
    assert row["source"].startswith(("http://", "https://")) and " " not in row["source"]


@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_row_in_country(row: dict[str, str], full_gazetteer) -> None:
    lat, lon = float(row["lat"]), float(row["lon"])
    shape = full_gazetteer.country_shape(row["country_code"])
    assert shape is not None, f"no shape for {row['country_code']}"
    off = km_outside(shape, lat, lon)
    limit = GROUP_COAST_KM if row["feature_code"] == "ISLS" else COAST_KM
    assert off <= limit, f"{off:.1f} km outside {row['country_code']}"


@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_row_parent(row: dict[str, str], full_gazetteer) -> None:
    parent = full_gazetteer.get(int(row["parent_geonameid"]))
    assert parent.country_code == row["country_code"], (parent.name, parent.country_code)
    if parent.feature_code not in COUNTRY_LEVEL:
        km = haversine_km(float(row["lat"]), float(row["lon"]), parent.lat, parent.lon)
        limit = AREA_PARENT_KM if row["feature_code"] in AREA_CODES else PARENT_KM
        assert km <= limit, f"{km:.0f} km from its parent {parent.name}"


@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_row_found_by_name(row: dict[str, str], full_gazetteer) -> None:
    gid = int(row["id"])
    place = full_gazetteer.get(gid)
    assert place.name == row["name"]
    assert place.country_code == row["country_code"]
    found = full_gazetteer.search(row["name"], country=row["country_code"], limit=100)
    assert gid in [p.geonameid for p in found]
    first_variant = row["variants"].split("|")[0].strip()
    found = full_gazetteer.search(first_variant, country=row["country_code"], limit=100)
    assert gid in [p.geonameid for p in found]
