"""World regions made of whole countries: UN M49 regions (Northern Africa, Western Asia, Latin
America and the Caribbean...) and regions news names by a fixed membership (the Middle East, the
Arab world, the Gulf states, the Baltic states...).

The rows live in ``gazetteer/data/world_regions.csv`` (criteria in ``WORLD_REGIONS.md``): a name,
variants, the member countries (ISO 3166-1 alpha-2) and the page that lists them. No coordinate
is written down: the build places a region at the mean of its members' reference points (on the
unit sphere, so Polynesia does not average across the antimeridian to Africa), a label point like
GeoNames' region points, and keeps the members in ``raw["members"]`` so that a map or a test can
treat the region as the union of their outlines. Its population is its members' total.
"""

from __future__ import annotations

import math
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


def read_world_regions(path: Path | None = WORLD_REGIONS_PATH) -> list[dict[str, str]]:
    """Rows of the world-regions file (empty when absent); ``#`` lines are comments."""
    return read_data_csv(path, COLUMNS)


def members_of(row: dict[str, str]) -> list[str]:
    """The row's member country codes, in file order."""
    return (row.get("members") or "").split()


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
        problems.append("a region needs at least two member countries")
    bad = [cc for cc in members if len(cc) != 2 or not cc.isalpha() or not cc.isupper()]
    if bad:
        problems.append(f"members not ISO alpha-2 codes: {', '.join(bad)}")
    if len(set(members)) != len(members):
        problems.append("a member is listed twice")
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


def add_world_regions(builder: _Builder, rows: Iterable[dict[str, str]] | None = None) -> int:
    """The build step (after the countries): one ``RGN`` place per valid row whose members the
    gazetteer has. Returns the number of places added."""
    from gazetteer.normalize import ascii_name

    if rows is None:
        rows = read_world_regions(builder.sources.world_regions_path)
    added = 0
    for row in rows:
        if row_problems(row):
            builder.notes.append(f"world regions: skipped bad row {row.get('name')!r}")
            continue
        countries = [
            builder.places[builder.country_ids[cc]]
            for cc in members_of(row)
            if cc in builder.country_ids and builder.country_ids[cc] in builder.places
        ]
        if len(countries) < 2:
            continue  # a small test world without the members
        lat, lon = mean_point([(c[3], c[4]) for c in countries])
        name = row["name"].strip()
        names = [(name, "name"), (ascii_name(name), "ascii")]
        names += [(v.strip(), "alt") for v in (row.get("variants") or "").split("|") if v.strip()]
        raw = {"members": [c[7] for c in countries], "source": row["source"]}
        population = sum(c[9] or 0 for c in countries)
        builder.add_place(
            [int(row["id"]), name, ascii_name(name), lat, lon, "L", "RGN", "", "", population,
             None, SOURCE, raw],
            names,
        )  # fmt: skip
        added += 1
    return added
