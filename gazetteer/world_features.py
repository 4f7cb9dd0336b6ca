"""World physical and regional features that belong to no single country: oceans, seas, gulfs,
straits, rivers, mountain ranges, deserts, peninsulas and world regions.

The rows live in ``gazetteer/data/world_features.csv`` (documented, with the selection criteria
and sources, in ``gazetteer/data/WORLD_FEATURES.md``). The build loads each valid row as a place
of source ``"world-features"``; ``country_code`` is empty unless the feature lies in one country.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gazetteer.schema import WORLD_FEATURES_ID_BASE
from gazetteer.sources import read_data_csv

if TYPE_CHECKING:  # the build imports this module; the reverse import is only for types
    from gazetteer.build import _Builder

DATA_DIR = Path(__file__).parent / "data"
WORLD_FEATURES_PATH = DATA_DIR / "world_features.csv"
SOURCE = "world-features"
COLUMNS = ("id", "name", "variants", "lat", "lon", "feature_code", "country_code", "source")
# Synthetic ids of their own range (schema.py), below the users' ids: a user's place never
# takes one.
ID_MIN = WORLD_FEATURES_ID_BASE + 1
ID_MAX = WORLD_FEATURES_ID_BASE + 9_999_999
# GeoNames feature codes a world feature may have, with their GeoNames feature class. OCN, STRT
# and CHN are water (H) in GeoNames; the build's generic table does not list them.
FEATURE_CLASSES: dict[str, str] = {
    **dict.fromkeys(("OCN", "SEA", "GULF", "BAY", "STRT", "CHN", "CNL", "STM", "LK", "LKS"), "H"),
    **dict.fromkeys(("MTS", "DSRT", "PEN", "ISL", "ISLS", "PLN", "PLAT", "VAL", "UPLD"), "T"),
    **dict.fromkeys(("RGN", "AREA"), "L"),
    "FRST": "V",
}  # fmt: skip


def read_world_features(path: Path | None = WORLD_FEATURES_PATH) -> list[dict[str, str]]:
    """Rows of the world-features file (empty when it is absent); ``#`` lines are comments.

    Raises ``ImportFormatError`` when a column is missing; single bad rows are reported by
    ``row_problems`` and skipped by the build.
    """
    return read_data_csv(path, COLUMNS)


def variants_of(row: dict[str, Any]) -> list[str]:
    """The row's ``|``-separated variant spellings (empty ones dropped)."""
    return [v.strip() for v in str(row.get("variants") or "").split("|") if v.strip()]


def row_problems(row: dict[str, Any]) -> list[str]:
    """What is wrong with one row (empty when it is valid)."""
    problems = []
    if None in row or any(row.get(c) is None for c in COLUMNS):
        return ["wrong number of fields"]
    gid = str(row["id"]).strip()
    if not gid.isdigit() or not ID_MIN <= int(gid) <= ID_MAX:
        problems.append(f"id {gid!r} outside {ID_MIN}..{ID_MAX}")
    name = str(row["name"])
    if not name.strip() or name != name.strip():
        problems.append("name empty or padded")
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except ValueError:
        problems.append("lat/lon not numbers")
    else:
        if not (
            math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180
        ):
            problems.append(f"lat/lon out of range: {lat}, {lon}")
    if row["feature_code"] not in FEATURE_CLASSES:
        problems.append(f"unknown feature code {row['feature_code']!r}")
    cc = str(row["country_code"])
    if cc and not (len(cc) == 2 and cc.isascii() and cc.isalpha() and cc.isupper()):
        problems.append(f"country code {cc!r} is not ISO alpha-2")
    source = str(row["source"])
    if not source.startswith(("http://", "https://")) or any(c.isspace() for c in source):
        problems.append("source is not an http(s) address")
    return problems


def feature_class(code: str) -> str:
    """GeoNames feature class of one of ``FEATURE_CLASSES``' codes."""
    return FEATURE_CLASSES[code]


def add_world_features(builder: _Builder, rows: Iterable[dict[str, str]] | None = None) -> int:
    """The build step: every valid row becomes a place (``source="world-features"``); the parent
    is the row's country when it has one. Returns the number of places added."""
    from gazetteer.normalize import ascii_name

    if rows is None:
        rows = read_world_features(builder.sources.world_features_path)
    added = 0
    skipped = []
    for row in rows:
        if row_problems(row):
            skipped.append(str(row.get("name")))
            continue  # the world-features test names the bad rows; the build stays usable
        gid = int(row["id"])
        code = row["feature_code"]
        cc = row["country_code"]
        name = row["name"]
        names = [(name, "name"), (ascii_name(name), "ascii")]
        names += [(v, "alt") for v in variants_of(row)]
        raw = {c: row[c] for c in COLUMNS}
        builder.add_place(
            [gid, name, ascii_name(name), float(row["lat"]), float(row["lon"]), feature_class(code),
             code, cc, "", 0, builder.country_ids.get(cc) if cc else None, SOURCE, raw],
            names,
        )  # fmt: skip
        added += 1
    if skipped:
        builder.notes.append(
            f"world features: skipped {len(skipped)} bad rows ({', '.join(skipped[:5])})"
        )
    return added
