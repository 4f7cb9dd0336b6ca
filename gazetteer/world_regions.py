"""World regions made of whole countries or whole first-level subdivisions: UN M49 regions
(Northern Africa, Western Asia, Latin America and the Caribbean...), regions news names by a fixed
membership of countries (the Middle East, the Arab world, the Gulf states, the Baltic states...)
and regions made of admin-1 units (the US Census regions and divisions, New England, Donbas,
Darfur, Kashmir...).

The rows live in ``gazetteer/data/world_regions.csv`` (criteria in ``WORLD_REGIONS.md``): a name,
variants, the members (ISO 3166-1 alpha-2 country codes or ISO 3166-2 subdivision codes) and the
page that lists them. No coordinate is written down: the build places a region at the mean of its
members' reference points (on the unit sphere, so Polynesia does not average across the
antimeridian to Africa), a label point like GeoNames' region points, and keeps the members in
``raw["members"]`` so that a map or a test can treat the region as the union of their outlines.
Its population is its members' total. A region whose members are all subdivisions of one country
belongs to that country (its code, the country as parent), so the geoparser counts it as in that
country; a cross-border region (Kashmir, Patagonia) has no country code, like the regions made of
countries. Subdivisions are found by their ISO code (``build.admin1_id``, checked against the
place's ``raw["iso_code"]``): a member the gazetteer lacks leaves the region out with a build note,
never a point made of the members that happen to be there.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gazetteer.schema import WORLD_REGIONS_ID_BASE
from gazetteer.sources import read_data_csv

if TYPE_CHECKING:  # the build imports this module; the reverse import is only for types
    from gazetteer.build import _Builder

WORLD_REGIONS_PATH = Path(__file__).parent / "data" / "world_regions.csv"
SOURCE = "world-regions"
COLUMNS = ("id", "name", "variants", "members", "source")
ID_MIN = WORLD_REGIONS_ID_BASE + 1  # below the users' ids (schema.py)
ID_MAX = WORLD_REGIONS_ID_BASE + 9_999_999
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
# The forms ``build.admin1_id`` can encode: two letters, a hyphen, one to three letters or digits.
_SUBDIVISION_CODE = re.compile(r"([A-Z]{2})-[A-Z0-9]{1,3}")


def read_world_regions(path: Path | None = WORLD_REGIONS_PATH) -> list[dict[str, str]]:
    """Rows of the world-regions file (empty when absent); ``#`` lines are comments."""
    return read_data_csv(path, COLUMNS)


def members_of(row: dict[str, str]) -> list[str]:
    """The row's member codes (countries and subdivisions), in file order."""
    return (row.get("members") or "").split()


def is_subdivision_code(code: str) -> bool:
    """An ISO 3166-2 code in the form the build can look up ("US-ME", "UA-14", "AR-Q")."""
    return _SUBDIVISION_CODE.fullmatch(code) is not None


def member_countries(row: dict[str, str]) -> set[str]:
    """The countries the row's members lie in (a subdivision's country is its code's prefix)."""
    return {code[:2] for code in members_of(row)}


def row_problems(row: dict[str, str]) -> list[str]:
    """What is wrong with one row (empty when it is valid)."""
    problems = []
    try:
        gid = int(row.get("id") or "")
        if not ID_MIN <= gid <= ID_MAX:
            problems.append(f"id {gid} outside {ID_MIN}..{ID_MAX}")
    except ValueError:
        problems.append(f"id {row.get('id')!r} is not an integer")
    if not (row.get("name") or "").strip():
        problems.append("no name")
    members = members_of(row)
    if len(members) < 2:
        problems.append("a region needs at least two members")
    bad = [
        code
        for code in members
        if not _COUNTRY_CODE.fullmatch(code) and not is_subdivision_code(code)
    ]
    if bad:
        problems.append(f"members not ISO 3166-1 alpha-2 or ISO 3166-2 codes: {', '.join(bad)}")
    if len(set(members)) != len(members):
        problems.append("a member is listed twice")
    # A subdivision of a member country would count that part twice (population, mean point).
    inside = sorted(c for c in members if is_subdivision_code(c) and c[:2] in members)
    if inside:
        problems.append(f"subdivisions of member countries: {', '.join(inside)}")
    if not (row.get("source") or "").startswith(("https://", "http://")):
        problems.append("source is not an http(s) address")
    return problems


def mean_point(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The mean of (lat, lon) points on the unit sphere, as (lat, lon) in degrees."""
    x = y = z = 0.0
    for lat, lon in points:
        phi, lam = math.radians(lat), math.radians(lon)
        x += math.cos(phi) * math.cos(lam)
        y += math.cos(phi) * math.sin(lam)
        z += math.sin(phi)
    hyp = math.hypot(x, y)
    return round(math.degrees(math.atan2(z, hyp)), 5), round(math.degrees(math.atan2(y, x)), 5)


def _subdivision(builder: _Builder, code: str) -> list | None:
    """The admin-1 (or ADM2) place row of an ISO 3166-2 code, or None. The synthetic id is
    derived from the code; the place's own ``raw["iso_code"]`` must agree, so a point is never
    borrowed from another place. US states are the same ADM1 rows (the us-atlas step has moved
    their points to their polygons' reference points by now)."""
    from gazetteer.build import admin1_id

    row = builder.places.get(admin1_id(code))
    if row is None or row[11] != "admin1":
        return None
    raw = row[12] if isinstance(row[12], dict) else {}
    return row if raw.get("iso_code") == code else None


def _members(builder: _Builder, row: dict[str, str]) -> list[tuple[str, list]] | None:
    """``(code, place row)`` of the row's members the gazetteer has, or None when the region is
    left out: a subdivision member it lacks (with a note when the subdivision's country is in
    the gazetteer: a data problem worth reading, not a small test world) or fewer than two
    members. Absent member countries are skipped, as before subdivisions were members."""
    found: list[tuple[str, list]] = []
    missing: list[str] = []
    for code in members_of(row):
        if is_subdivision_code(code):
            place = _subdivision(builder, code)
            if place is None:
                missing.append(code)
            else:
                found.append((code, place))
        elif code in builder.country_ids and builder.country_ids[code] in builder.places:
            found.append((code, builder.places[builder.country_ids[code]]))
    if missing:
        if any(code[:2] in builder.country_ids for code in missing):
            builder.notes.append(
                f"world regions: {row['name'].strip()!r} left out: the gazetteer has no "
                f"subdivision {', '.join(missing)}"
            )
        return None
    return found if len(found) >= 2 else None


def add_world_regions(builder: _Builder, rows: Iterable[dict[str, str]] | None = None) -> int:
    """The build step (after the countries, admin-1 regions and US states): one ``RGN`` place per
    valid row whose members the gazetteer has. Returns the number of places added."""
    from gazetteer.normalize import ascii_name

    if rows is None:
        rows = read_world_regions(builder.sources.world_regions_path)
    added = 0
    for row in rows:
        if row_problems(row):
            builder.notes.append(f"world regions: skipped bad row {row.get('name')!r}")
            continue
        members = _members(builder, row)
        if members is None:
            continue  # a small test world without the members, or a noted gap
        lat, lon = mean_point([(p[3], p[4]) for _code, p in members])
        # Subdivisions of one country only: the region lies in that country.
        countries = member_countries(row)
        cc = ""
        if len(countries) == 1 and all(is_subdivision_code(c) for c, _p in members):
            cc = next(iter(countries))
        parent = builder.country_ids.get(cc) if cc else None
        name = row["name"].strip()
        names = [(name, "name"), (ascii_name(name), "ascii")]
        names += [(v.strip(), "alt") for v in (row.get("variants") or "").split("|") if v.strip()]
        codes = [p[7] if not is_subdivision_code(c) else c for c, p in members]
        raw = {"members": codes, "source": row["source"]}
        population = sum(p[9] or 0 for _code, p in members)
        builder.add_place(
            [int(row["id"]), name, ascii_name(name), lat, lon, "L", "RGN", cc, "", population,
             parent, SOURCE, raw],
            names,
        )  # fmt: skip
        added += 1
    return added
