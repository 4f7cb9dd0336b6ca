"""Every row of the world-features supplement (gazetteer/data/world_features.csv), and its loading
by the build.

The file is hand-made (see gazetteer/data/WORLD_FEATURES.md), so each row is checked on its own:
fields and types, id range, a known feature code, a web address as source, that a row tagged
with a country lies in that country, and that the built gazetteer finds it by name and variant.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from gazetteer.coords import km_outside
from gazetteer.errors import ImportFormatError
from gazetteer.normalize import normalize
from gazetteer.world_features import (
    COLUMNS,
    FEATURE_CLASSES,
    ID_MAX,
    ID_MIN,
    SOURCE,
    WORLD_FEATURES_PATH,
    read_world_features,
    row_problems,
    variants_of,
)

ROWS = read_world_features(WORLD_FEATURES_PATH)
ROW_IDS = [f"{r.get('id')}-{r.get('name')}" for r in ROWS]
COAST_KM = 5.0  # a coastal point may sit just off the country's generalised outline
# A river's mouth or a strait's point lies on the water, off the generalised coastline.
WATER_KM = 25.0
COUNTRY_LEVEL = {"PCLI", "PCLD", "PCLIX", "PCLS", "PCLF", "PCL", "TERR"}
# Names that are meant to share a name with an admin-1 region or country (the region was named
# after the feature): the geoparser ranks the senses, the gazetteer keeps both.
SHARED_NAMES = {"red sea"}


def test_header() -> None:
    with open(WORLD_FEATURES_PATH, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(line for line in fh if not line.startswith("#")))
    assert tuple(header) == COLUMNS


def test_file_has_rows() -> None:
    assert len(ROWS) >= 25


def test_ids_unique() -> None:
    ids = [r["id"] for r in ROWS]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_names_unique() -> None:
    keys = [normalize(r["name"]) for r in ROWS]
    assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1})


def test_variants_name_one_feature() -> None:
    """No spelling (name or variant) is claimed by two rows: that would make one ambiguous."""
    owner: dict[str, str] = {}
    clashes = []
    for row in ROWS:
        for form in {normalize(n) for n in [row["name"], *variants_of(row)]}:
            if form in owner and owner[form] != row["id"]:
                clashes.append((form, owner[form], row["id"]))
            owner[form] = row["id"]
    assert not clashes, clashes


@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_row_valid(row: dict[str, str]) -> None:
    assert row_problems(row) == []
    assert ID_MIN <= int(row["id"]) <= ID_MAX
    assert row["feature_code"] in FEATURE_CLASSES
    assert row["source"].startswith(("http://", "https://"))
    assert all(v == v.strip() and v for v in row["variants"].split("|") if row["variants"])


def test_row_problems_reports_bad_rows() -> None:
    good = dict(ROWS[0])
    assert row_problems(good) == []
    cases = {
        "id": "2100000001",  # the curated supplement's range
        "lat": "91",
        "lon": "east",
        "feature_code": "XYZ",
        "country_code": "syria",
        "source": "wikipedia",
        "name": " padded",
    }
    for column, value in cases.items():
        assert row_problems({**good, column: value}), column
    assert row_problems({k: v for k, v in good.items() if k != "source"})


def test_missing_column_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "wf.csv"
    path.write_text("id,name,lat,lon\n1,Sea,0,0\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="missing columns"):
        read_world_features(path)
    assert read_world_features(tmp_path / "absent.csv") == []


COUNTRY_ROWS = [r for r in ROWS if r["country_code"]]


@pytest.mark.parametrize("row", COUNTRY_ROWS, ids=[f"{r['id']}-{r['name']}" for r in COUNTRY_ROWS])
def test_country_row_in_country(row: dict[str, str], full_gazetteer) -> None:
    shape = full_gazetteer.country_shape(row["country_code"])
    assert shape is not None, f"no shape for {row['country_code']}"
    off = km_outside(shape, float(row["lat"]), float(row["lon"]))
    limit = WATER_KM if FEATURE_CLASSES[row["feature_code"]] == "H" else COAST_KM
    assert off <= limit, f"{off:.1f} km outside {row['country_code']}"


@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_row_loaded_and_found(row: dict[str, str], full_gazetteer) -> None:
    gid = int(row["id"])
    place = full_gazetteer.get(gid)
    assert place.name == row["name"]
    assert place.source == SOURCE
    assert place.feature_code == row["feature_code"]
    assert place.feature_class == FEATURE_CLASSES[row["feature_code"]]
    assert place.country_code == row["country_code"]
    assert abs(place.lat - float(row["lat"])) < 1e-6 and abs(place.lon - float(row["lon"])) < 1e-6
    if row["country_code"]:
        assert place.parent_id == full_gazetteer.country(row["country_code"]).geonameid
    for form in [row["name"], *variants_of(row)]:
        found = full_gazetteer.search(form, limit=200)
        assert gid in [p.geonameid for p in found], form


@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_no_unintended_clash_with_countries_or_regions(row: dict[str, str], full_gazetteer) -> None:
    """A feature's own name must not also be a country or admin-1 name, unless listed above."""
    key = normalize(row["name"])
    if key in SHARED_NAMES:
        return
    others = [
        p
        for p in full_gazetteer.candidates(key)
        if p.geonameid != int(row["id"])
        and (p.feature_code in COUNTRY_LEVEL or p.feature_code.startswith("ADM1"))
    ]
    assert not others, [(p.name, p.feature_code, p.country_code) for p in others]
