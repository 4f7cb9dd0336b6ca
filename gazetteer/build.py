"""Build the gazetteer's SQLite database from ``gazetteer.sources``.

``build_database`` is idempotent (a fingerprint of the sources is kept in ``meta``; an up-to-date
file is left alone) and atomic (the new database is written to a temporary file in the same
directory and moved over the old one with ``os.replace``, so open readers keep a consistent file).
Builds are serialised with a lock file next to the database. Rows that users added
(``schema.USER_SOURCES``) are copied from the old file into the new one.

Derived data and the heuristics behind it
-----------------------------------------
* Feature codes. ``cities500`` has none. ``PPLC``: the town of the country whose name or
  alternate name equals the capital named in the GeoNames country table (most populous on ties).
  ``PPLA``: per GeoNames admin-1 code without the capital, the town sharing a name with the
  matched ISO 3166-2 subdivision, else the most populous town of that admin-1 code (so some
  seats are wrong: New York City, not Albany). Everything else ``PPL``.
* Admin-1 regions come from ``iso3166-2`` (top-level subdivisions). They are matched to the
  GeoNames admin-1 codes that towns carry by a greedy one-to-one assignment per country on the
  distance between the ISO centroid and the population-weighted centroid of the towns of each
  code; a pair whose names agree (the subdivision's name or local names equal a name of one of
  the code's three largest towns) costs a fifth of its distance, so ``SY-DI`` (Dimashq) takes
  code ``13`` (Damascus). ``admin1_map.method`` records ``name`` or ``centroid``.
* Designator names of admin-1 regions (``gazetteer/designators.py``, kind ``variant``: generated,
  so not counted as known names). News names a region with an English designator ("Kharkiv
  Oblast", "the Sumy region", "Idlib province", "Shan State"), but ISO's names are often local or
  adjectival ("Kharkivska oblast", "Kurskaja oblast'"). The region's short names are (a) its ISO
  names (name, bracket variant, Latin-script local names) with a leading or trailing designator
  stripped ("Gorod Minsk", "Dagestan, Respublika", "Beijing Shi", "Kyiv City"), dropping
  nicknames ("Land of Beauty", "The Evergreen State"), abbreviations, names of only compass or
  position words ("Central", "North East": "Central District" and "Northern Province" name parts
  of many countries, and courts and streets), and Slavic adjectives left by a local designator
  ("Kharkivska", "Kurskaja", "Krasnodarskij"); and
  (b) the name of its seat town (``PPLA``, or ``PPLC`` for the capital's region) when such an
  adjective is made from it: once the two are romanised alike (kh/h, zh/z, j/y), they share at
  least 3 first letters covering 70% of the seat's name, and at most 5 letters of the adjective
  are left (Kharkiv/Kharkivska, Sumy/Sumska, Kursk/Kurskaja, Zaporizhzhia/Zaporizka; not
  Dnipro/Dnipropetrovska, a renamed city, nor Moscow/Moskovskaja). Each short name S gets the
  designators of the region's ISO type (``ADMIN1_TYPE_DESIGNATORS``: "S Province", "S State",
  "S Governorate", "Republic of S"...; an Arab country's province is also a governorate: "Idlib
  Governorate"), those its names imply ("oblast", "voblasć", "oblysy": "S Oblast"; "kraj": "S
  Krai"; "City", "Shi", "Gorod": "S City"), and "S region" and "S province", except for cities
  and nations (ISO types with city, municipality, capital, town, country...: "the Kyiv region"
  is Kyiv Oblast, not Kyiv City) and where S is a country's name ("the Georgia region"). The
  bare short name is never added: bare "Kharkiv" and "Sumy" stay the cities (where ISO lists
  the bare name as a local name, it already was an ``alt`` name). ADM2 places get none.
* Second-level ISO subdivisions whose parent is a top-level one (English counties, French
  départements, Italian/Spanish provinces...) become ``ADM2`` places at their ISO centroids,
  without population, under their admin-1 place.
* Country points: the conventional reference point (CIA World Factbook via ``countryinfo``) when
  it lies inside the country's polygon, within 25 km of it, or at sea within 100 km (never
  inside another country beyond 25 km); else the representative point. ``raw.reference_point``
  says which, and the build report's notes list the rejected ones and why.
* Continents: GeoNames' ``CONT`` records (class L, no country code) with their names.
* Antimeridian: polygon rings that jump across 180° (world-atlas' Fiji, Wrangel Island) are
  split into their parts on either side.
* Palestine: the Natural Earth multipolygon is split into Gaza Strip (the part west of 34.6°E)
  and West Bank, places of feature code ``RGN`` with parent PS that stand for GeoNames' PS admin-1
  codes ``GZ`` and ``WE``; the ISO governorates become ``ADM2`` places under them.
* Natural Earth parts holding (within ~5 km: coastal towns) the towns of a country that has no
  shape of its own (French Guiana, Réunion, Mayotte, Christmas Island...) are given to that
  country when its towns outnumber the owner's towns there. Svalbard stays with Norway, as in
  Natural Earth (GeoNames puts Norwegian places there too).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import sqlite3
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from gazetteer.airports import add_airports
from gazetteer.arabic import ARABIC_NAME_COUNTRIES, arabic_spelling_variants
from gazetteer.coords import haversine_km, km_outside
from gazetteer.designators import admin1_designator_names
from gazetteer.errors import GazetteerUnavailable
from gazetteer.model import Place
from gazetteer.normalize import ascii_name, name_keys
from gazetteer.paths import default_db_path
from gazetteer.schema import (
    ADMIN1_ID_BASE,
    DDL,
    NAME_KINDS,
    REGION_ID_BASE,
    SCHEMA_VERSION,
    USER_ID_BASE,
    USER_SOURCES,
)
from gazetteer.sources import (
    CURATED_COLUMNS,
    DEPENDENT_TERRITORIES,
    OBSOLETE_COUNTRIES,
    REGIONS,
    SHAPE_NAME_CODES,
    TERRITORIES,
    Sources,
    cldr_country_names,
    default_sources,
    iso_country_names,
    read_curated,
    read_shapes,
    split_local_names,
)
from gazetteer.us_atlas import add_us_atlas
from gazetteer.world_features import add_world_features
from gazetteer.world_regions import add_world_regions

MAX_NAME_CHARS = 200
# A conventional reference point farther than this outside its country's polygon (or, for a
# country without one, from its nearest town) is a data error: the representative point stays.
MAX_REFERENCE_OUTSIDE_KM = 100.0
# Within this distance of the polygon a point is accepted even inside a neighbour (the Factbook
# rounds small countries' points to minutes: Liechtenstein, San Marino); farther out, only at sea
# (Kuwait's 29.5N 45.75E lies in Iraq: a known error).
NEAR_BORDER_KM = 25.0
REFERENCE_SOURCE = "countryinfo (CIA World Factbook geographic coordinates)"
# GeoNames alternate-name "languages" that are not names (links, Wikidata ids) or name more than
# one continent ("cai": Abya Yala, the Americas).
_NOT_NAME_LANGS = frozenset({"link", "wkdt", "post", "iata", "icao", "faac", "unlc", "cai"})
_ISO_CODE_RE = re.compile(r"\b[A-Z]{2}-[A-Z0-9]{1,3}\b")
_KIND_RANK = {kind: i for i, kind in enumerate(NAME_KINDS)}
PLACE_COLUMNS = (
    "geonameid",
    "name",
    "asciiname",
    "lat",
    "lon",
    "feature_class",
    "feature_code",
    "country_code",
    "admin1",
    "population",
    "parent_id",
    "source",
    "raw",
)
_PLACE_INSERT = (
    f"INSERT OR REPLACE INTO place ({', '.join(PLACE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(PLACE_COLUMNS))})"
)


@dataclass(frozen=True)
class BuildReport:
    """What ``build_database`` did."""

    path: Path
    built: bool  # False when the database was already up to date
    seconds: float
    places: int
    names: int
    countries: int
    carried_over: int
    size_bytes: int
    fingerprint: str
    # Decisions of the build worth reading (e.g. reference points rejected and why).
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["path"] = str(self.path)
        data["notes"] = list(self.notes)
        return data


# --------------------------------------------------------------------------- public helpers


_CLASS_OF = {
    **dict.fromkeys(("TERR", "ZN", "ZNB", "PRSH"), "A"),
    **dict.fromkeys(
        ("CONT", "RGN", "RGNE", "AREA", "RESV", "LCTY", "OAS", "PRK", "CMN", "MILB"), "L"
    ),
    **dict.fromkeys(
        (
            "MT",
            "MTS",
            "HLL",
            "HLLS",
            "VAL",
            "ISL",
            "ISLS",
            "PASS",
            "DSRT",
            "PLN",
            "PLAT",
            "CAPE",
            "PEN",
            "RDGE",
            "GRGE",
        ),
        "T",
    ),  # fmt: skip
    **dict.fromkeys(("STM", "LK", "BAY", "GULF", "SEA", "CNL", "RSV", "WAD", "SPNG"), "H"),
    **dict.fromkeys(("FRST", "GRVO"), "V"),
    **dict.fromkeys(("RD", "RR", "TNL", "ST"), "R"),
}


def feature_class_for(code: str) -> str:
    """GeoNames feature class of a feature code (P populated place, A admin, L area, T terrain,
    H water, V vegetation, R road; every other code, such as camps, crossings, mines and
    buildings, is S, spot)."""
    code = (code or "").strip().upper()
    if code.startswith("PPL"):
        return "P"
    if code.startswith(("ADM", "PCL")):
        return "A"
    return _CLASS_OF.get(code, "S")


def admin1_id(iso_code: str) -> int:
    """Stable synthetic id of an ISO 3166-2 subdivision: the code itself in base 37."""
    cc, _, sub = iso_code.upper().partition("-")
    alphabet = " 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if (
        len(cc) != 2
        or not cc.isalpha()
        or not 1 <= len(sub) <= 3
        or any(c not in alphabet for c in sub)
    ):
        raise ValueError(f"not an ISO 3166-2 code: {iso_code!r}")
    country = (ord(cc[0]) - 65) * 26 + (ord(cc[1]) - 65)
    value = 0
    for ch in sub.rjust(3):
        value = value * 37 + alphabet.index(ch)
    return ADMIN1_ID_BASE + country * 37**3 + value


def name_rows(geonameid: int, names: Iterable[tuple[str, ...]]) -> list[tuple[str, int, str, str]]:
    """``place_name`` rows for ``(name, kind)`` pairs (or ``(name, kind, full, stripped)`` with
    the keys precomputed): both the full and the article-stripped normalised forms, one row per
    distinct form (the best kind wins)."""
    best: dict[str, tuple[str, str]] = {}
    for item in names:
        name, kind = item[0], item[1]
        if not name or len(name) > MAX_NAME_CHARS:
            continue
        full, stripped = (item[2], item[3]) if len(item) == 4 else name_keys(name)
        forms = [(full, kind)] if stripped == full else [(full, kind), (stripped, "stripped")]
        for norm, k in forms:
            if not norm:
                continue
            old = best.get(norm)
            if old is None or _KIND_RANK[k] < _KIND_RANK[old[1]]:
                best[norm] = (name, k)
    return [(norm, geonameid, name, kind) for norm, (name, kind) in best.items()]


def connect_rw(path: Path | str | None = None) -> sqlite3.Connection:
    """A read-write connection to the gazetteer (built first when missing), for writers such as
    ``gazetteer add``/``import``. Hold ``write_lock(path)`` while writing so a concurrent
    rebuild cannot drop the rows."""
    db = Path(path) if path is not None else default_db_path()
    if not db.exists():
        build_database(db)
    conn = sqlite3.connect(db, timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    # Imports insert into indexes of ~1M rows: a 64 MiB page cache (default 2 MiB) saves re-reads.
    conn.execute("PRAGMA cache_size = -65536")
    return conn


@contextlib.contextmanager
def write_lock(path: Path | str | None = None) -> Iterator[None]:
    """Exclusive lock shared by builds and writers of one database file (no-op without fcntl)."""
    db = Path(path) if path is not None else default_db_path()
    db.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: builds are rare, accept the race
        yield
        return
    with open(db.with_name(db.name + ".lock"), "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def next_user_id(conn: sqlite3.Connection) -> int:
    """The next free synthetic id for a user place (>= ``schema.USER_ID_BASE``)."""
    row = conn.execute(
        "SELECT MAX(geonameid) FROM place WHERE geonameid >= ?", (USER_ID_BASE,)
    ).fetchone()
    return max(USER_ID_BASE, (row[0] or 0) + 1)


class PlaceWriter:
    """Batched writes of places with their names (``executemany`` per batch of rows), inside a
    transaction the caller manages: ``add`` buffers, ``flush`` writes (also when the buffer
    fills). Rows buffered but not flushed are invisible to queries on the same connection: call
    ``flush()`` before reading rows this writer may hold (``pending`` tells which ids)."""

    def __init__(self, conn: sqlite3.Connection, *, batch_size: int = 2000) -> None:
        self.conn = conn
        self.batch_size = max(1, int(batch_size))
        self.count = 0
        self._places: dict[int, tuple] = {}  # geonameid -> place row (last one wins)
        self._names: dict[int, list[tuple[str, int, str, str]]] = {}

    @property
    def pending(self) -> frozenset[int]:
        """Ids added but not yet written."""
        return frozenset(self._places)

    def add(self, place: Place, other_names: Iterable[str] = ()) -> None:
        """Buffer one place (replacing any row of the same id) with its extra names."""
        gid = int(place.geonameid)
        names = [(place.name, "name")]
        if place.asciiname:
            names.append((place.asciiname, "ascii"))
        names.extend((n, "alt") for n in other_names if isinstance(n, str))
        self._places[gid] = _place_row(place)
        self._names[gid] = name_rows(gid, names)
        self.count += 1
        if len(self._places) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows (no commit: the caller owns the transaction)."""
        if not self._places:
            return
        ids = [(gid,) for gid in self._places]
        conn = self.conn
        # A row replacing a built place (a GeoNames dump's Syria over the built Syria) keeps the
        # built names beside its own (press variants, CLDR names); a user's row replacing a
        # user's row takes only its new names. Decided before the row itself is replaced.
        marks = ", ".join("?" * len(USER_SOURCES))
        conn.executemany(
            "DELETE FROM place_name WHERE geonameid = ? AND NOT EXISTS (SELECT 1 FROM place "
            f"WHERE geonameid = ? AND source NOT IN ({marks}))",
            ((gid, gid, *USER_SOURCES) for gid in self._places),
        )
        conn.executemany(_PLACE_INSERT, self._places.values())
        conn.executemany(
            "INSERT OR REPLACE INTO place_name VALUES (?, ?, ?, ?)",
            (row for rows in self._names.values() for row in rows),
        )
        conn.executemany("DELETE FROM place_rtree WHERE id = ?", ids)
        conn.executemany(
            "INSERT INTO place_rtree VALUES (?, ?, ?, ?, ?)",
            ((r[0], r[3], r[3], r[4], r[4]) for r in self._places.values()),
        )
        self._places.clear()
        self._names.clear()


def insert_places(
    conn: sqlite3.Connection,
    items: Iterable[tuple[Place, Iterable[str]]],
    *,
    writer: PlaceWriter | None = None,
) -> int:
    """Insert (or replace) places with their extra names in one transaction; returns the count.

    Each item is ``(place, other_names)``; ``place.name`` and ``place.asciiname`` are indexed
    too, every name normalised exactly as the build does. A row replacing a built place keeps
    the built place's names as well. ``place.source`` should be one of
    ``schema.USER_SOURCES`` so the rows survive rebuilds; ``place.raw`` is stored as JSON.
    Rows are written in batches (``writer``, default a new ``PlaceWriter``; pass your own when
    the code producing ``items`` reads the table and must ``flush`` first). Any error rolls the
    whole transaction back. Readers that cached lookups should call
    ``Gazetteer.clear_cache()`` afterwards.
    """
    writer = writer if writer is not None else PlaceWriter(conn)
    start = writer.count
    with conn:
        for place, others in items:
            writer.add(place, others)
        writer.flush()
    return writer.count - start


def _place_row(place: Place) -> tuple:
    return (
        int(place.geonameid),
        place.name,
        place.asciiname or ascii_name(place.name),
        float(place.lat),
        float(place.lon),
        place.feature_class or feature_class_for(place.feature_code),
        place.feature_code,
        place.country_code or "",
        place.admin1 or "",
        int(place.population or 0),
        place.parent_id,
        place.source,
        json.dumps(place.raw, ensure_ascii=False, default=str) if place.raw else None,
    )


def read_fingerprint(path: Path) -> str | None:
    """The fingerprint stored in a database, or ``None`` when it is missing or unreadable."""
    if not Path(path).is_file():
        return None
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


# --------------------------------------------------------------------------- the build


def build_database(
    path: Path | str | None = None, *, force: bool = False, sources: Sources | None = None
) -> BuildReport:
    """Build the gazetteer at ``path`` (default ``paths.default_db_path()``) unless it is up to
    date. ``sources`` replaces the real inputs (tests build from tiny synthetic data)."""
    start = time.perf_counter()
    db = Path(path) if path is not None else default_db_path()
    db.parent.mkdir(parents=True, exist_ok=True)
    sources = sources or default_sources()
    fingerprint = sources.fingerprint()
    if not force and read_fingerprint(db) == fingerprint:
        return _report(db, False, start, fingerprint)
    with write_lock(db):
        # Another process may have finished the same build while we waited for the lock.
        if not force and read_fingerprint(db) == fingerprint:
            return _report(db, False, start, fingerprint)
        # Under the lock no other build of this file runs: temp files left here were abandoned
        # by a killed build.
        for stale in db.parent.glob(f".{db.name}.*.tmp"):
            stale.unlink(missing_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{db.name}.", suffix=".tmp", dir=db.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            conn = sqlite3.connect(tmp)
            try:
                conn.execute("PRAGMA journal_mode = OFF")
                conn.execute("PRAGMA synchronous = OFF")
                conn.execute(
                    "PRAGMA cache_size = -131072"
                )  # 128 MiB: keeps the index inserts in memory
                conn.executescript(DDL)
                builder = _Builder(conn, sources)
                builder.run()
                carried = _carry_over(conn, db)
                _write_meta(conn, fingerprint, carried, builder.notes)
                conn.commit()
                conn.execute("ANALYZE")
                conn.commit()
            finally:
                conn.close()
            os.chmod(tmp, 0o644)
            os.replace(tmp, db)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return _report(db, True, start, fingerprint)


def _report(db: Path, built: bool, start: float, fingerprint: str) -> BuildReport:
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise GazetteerUnavailable(
            "The gazetteer database could not be read after the build."
        ) from exc
    return BuildReport(
        path=db,
        built=built,
        seconds=round(time.perf_counter() - start, 2),
        places=int(meta.get("places", 0)),
        names=int(meta.get("names", 0)),
        countries=int(meta.get("countries", 0)),
        carried_over=int(meta.get("carried_over", 0)),
        size_bytes=db.stat().st_size,
        fingerprint=fingerprint,
        notes=tuple(_json_list(meta.get("notes"))),
    )


def _json_list(text: str | None) -> list[str]:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def _write_meta(
    conn: sqlite3.Connection, fingerprint: str, carried: int, notes: Iterable[str] = ()
) -> None:
    counts = {
        "places": conn.execute("SELECT COUNT(*) FROM place").fetchone()[0],
        "names": conn.execute("SELECT COUNT(*) FROM place_name").fetchone()[0],
        "countries": conn.execute("SELECT COUNT(*) FROM country_shape").fetchone()[0],
    }
    meta = {
        "schema_version": str(SCHEMA_VERSION),
        "fingerprint": fingerprint,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "carried_over": str(carried),
        "attribution": "GeoNames (CC BY 4.0), Natural Earth (public domain), Unicode CLDR, "
        "ISO 3166, CIA World Factbook via countryinfo",
        "notes": json.dumps(list(notes), ensure_ascii=False),
        **{k: str(v) for k, v in counts.items()},
    }
    conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())


def _carry_over(conn: sqlite3.Connection, old: Path) -> int:
    """Copy the users' rows (``USER_SOURCES``) from the previous database; they win over built
    rows with the same id (an imported GeoNames dump carries real feature codes)."""
    if not old.is_file():
        return 0
    conn.commit()
    conn.execute("ATTACH DATABASE ? AS old", (f"{old.resolve().as_uri()}?mode=ro",))
    try:
        marks = ", ".join("?" * len(USER_SOURCES))
        cols = ", ".join(PLACE_COLUMNS)
        try:
            ids = [
                r[0]
                for r in conn.execute(
                    f"SELECT geonameid FROM old.place WHERE source IN ({marks})", USER_SOURCES
                )
            ]
        except sqlite3.DatabaseError:
            return 0  # not a gazetteer we can read: nothing of the users' to keep
        if not ids:
            return 0
        conn.execute("CREATE TEMP TABLE carried (geonameid INTEGER PRIMARY KEY)")
        conn.executemany("INSERT INTO carried VALUES (?)", ((i,) for i in ids))
        conn.execute(
            f"INSERT OR REPLACE INTO place ({cols}) SELECT {cols} FROM old.place "
            "WHERE geonameid IN (SELECT geonameid FROM carried)"
        )
        conn.execute("DELETE FROM place_name WHERE geonameid IN (SELECT geonameid FROM carried)")
        conn.execute(
            "INSERT OR REPLACE INTO place_name (norm, geonameid, name, kind) "
            "SELECT norm, geonameid, name, kind FROM old.place_name "
            "WHERE geonameid IN (SELECT geonameid FROM carried)"
        )
        conn.execute("DELETE FROM place_rtree WHERE id IN (SELECT geonameid FROM carried)")
        conn.execute(
            "INSERT INTO place_rtree SELECT geonameid, lat, lat, lon, lon FROM place "
            "WHERE geonameid IN (SELECT geonameid FROM carried)"
        )
        conn.execute("DROP TABLE carried")
        conn.commit()
        return len(ids)
    finally:
        conn.execute("DETACH DATABASE old")


def _split_antimeridian(poly: Any) -> list:
    """A polygon whose ring jumps across the antimeridian (world-atlas stores Fiji's islands and
    Wrangel Island so; read flat, such a ring wraps the globe and "contains" points in the
    Indian Ocean) as its parts on either side. Only parts lying wholly near the antimeridian
    (|lon| > 90) are touched: Russia's and Antarctica's big rings are valid as they are."""
    import numpy as np
    import shapely

    ring = np.asarray(poly.exterior.coords)
    if not (np.abs(np.diff(ring[:, 0])) > 180).any() or (np.abs(ring[:, 0]) <= 90).any():
        return [poly]

    def east(coords: Any) -> Any:
        c = np.asarray(coords).copy()
        c[:, 0] = np.where(c[:, 0] < 0, c[:, 0] + 360.0, c[:, 0])
        return c

    shifted = shapely.make_valid(
        shapely.Polygon(east(poly.exterior.coords), [east(r.coords) for r in poly.interiors])
    )
    west_half = shapely.intersection(shifted, shapely.box(0.0, -90.0, 180.0, 90.0))
    east_half = shapely.transform(
        shapely.intersection(shifted, shapely.box(180.0, -90.0, 540.0, 90.0)),
        lambda xy: xy - np.array([360.0, 0.0]),
    )
    return [
        p
        for half in (west_half, east_half)
        for p in shapely.get_parts(half)
        if p.geom_type == "Polygon" and p.area > 0
    ]


class _ReferenceCheck:
    """Sanity check of conventional country reference points against the build's own data."""

    def __init__(self, shapes: dict, cities: dict[str, list[dict]]) -> None:
        self.shapes = shapes
        self.cities = cities
        self._tree: Any = None
        self._keys: list[str] = []

    def _others(self) -> tuple[Any, list[str]]:
        if self._tree is None:
            import shapely

            self._keys = [k for k in self.shapes if len(k) == 2]  # not "PS-GAZA"/"PS-WB"
            self._tree = shapely.STRtree([self.shapes[k] for k in self._keys])
        return self._tree, self._keys

    def problem(self, cc: str, lat: float, lon: float) -> str | None:
        """Why the point ``(lat, lon)`` cannot stand for ``cc`` (None when it can)."""
        import shapely

        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return "is not a coordinate"
        geom = self.shapes.get(cc)
        point = shapely.Point(lon, lat)
        if geom is None:
            towns = self.cities.get(cc) or []
            if not towns:
                return None
            nearest = min(haversine_km(lat, lon, c["lat"], c["lon"]) for c in towns)
            if nearest > MAX_REFERENCE_OUTSIDE_KM:
                return f"lies {nearest:.0f} km from the country's nearest town"
            return None
        outside = km_outside(geom, lat, lon)
        if outside == 0.0:
            return None
        if outside > MAX_REFERENCE_OUTSIDE_KM:
            return f"lies {outside:.0f} km outside the country's polygon"
        if outside <= NEAR_BORDER_KM:
            return None  # a small country's rounded point just across a generalised border
        tree, keys = self._others()
        for i in tree.query(point, predicate="intersects"):
            if keys[i] != cc:
                return f"lies {outside:.0f} km outside the country, inside {keys[i]}"
        return None  # at sea off the coast: an island state's point between its islands


class _Builder:
    """Turns ``Sources`` into rows. One instance per build."""

    def __init__(self, conn: sqlite3.Connection, sources: Sources) -> None:
        self.conn = conn
        self.sources = sources
        self.places: dict[int, list] = {}  # geonameid -> row (list, PLACE_COLUMNS order)
        # Names go straight to the table (kept in memory they cost ~1 GB): later steps find
        # towns by name with SQL.
        self.name_buffer: list[tuple[str, int, str, str]] = []
        self.country_ids: dict[str, int] = {}
        self.admin1_places: dict[tuple[str, str], int] = {}  # (cc, geonames admin1) -> id
        self.notes: list[str] = []  # decisions worth a line in the build report
        self._country_names: frozenset[str] | None = None

    # -- helpers
    def add_place(self, row: list, names: Iterable[tuple[str, ...]]) -> None:
        self.places[row[0]] = row
        self.add_names(row[0], names)

    def add_names(self, gid: int, names: Iterable[tuple[str, ...]]) -> None:
        self.name_buffer.extend(name_rows(gid, names))
        if len(self.name_buffer) >= 50_000:
            self.flush_names()

    def flush_names(self) -> None:
        self.conn.executemany("INSERT INTO place_name VALUES (?, ?, ?, ?)", self.name_buffer)
        self.name_buffer.clear()

    def ids_named(self, names: Iterable[str]) -> set[int]:
        """Ids of the places (so far) with one of these names, matched on normalised forms."""
        self.flush_names()
        norms = {k for n in names if n for k in name_keys(n) if k}
        if not norms:
            return set()
        marks = ", ".join("?" * len(norms))
        rows = self.conn.execute(
            f"SELECT geonameid FROM place_name WHERE norm IN ({marks})", sorted(norms)
        )
        return {r[0] for r in rows}

    def country_names(self) -> frozenset[str]:
        """Normalised names of the countries (after ``_countries``)."""
        if self._country_names is None:
            self.flush_names()
            ids = sorted(set(self.country_ids.values()))
            marks = ", ".join("?" * len(ids))
            rows = self.conn.execute(
                f"SELECT norm FROM place_name WHERE geonameid IN ({marks})", ids
            )
            self._country_names = frozenset(r[0] for r in rows)
        return self._country_names

    def run(self) -> None:
        countries = {
            cc: rec
            for cc, rec in self.sources.country_table().items()
            if cc not in OBSOLETE_COUNTRIES and rec.get("geonameid")
        }
        self.country_ids = {cc: int(rec["geonameid"]) for cc, rec in countries.items()}
        cities = self._load_cities(countries)
        shapes = self._country_shapes(countries, cities)
        self._towns(countries, cities)
        self._countries(countries, shapes, cities)
        self._continents()
        self._regions_and_admin1(countries, shapes, cities)
        add_us_atlas(self, cities)
        self._curated()
        add_world_features(self)
        add_world_regions(self)
        add_airports(self, shapes)
        self._write(shapes)

    # -- towns
    def _load_cities(self, countries: dict[str, dict]) -> dict[str, list[dict]]:
        by_country: dict[str, list[dict]] = defaultdict(list)
        for rec in self.sources.iter_cities():
            try:
                gid = int(rec["geonameid"])
                lat, lon = float(rec["latitude"]), float(rec["longitude"])
            except (KeyError, TypeError, ValueError):
                continue
            if not (-90 <= lat <= 90 and -180 <= lon <= 180) or gid in self.country_ids.values():
                continue
            cc = (rec.get("countrycode") or "").upper()
            name = str(rec.get("name") or "").strip()
            if not name:
                continue
            ascii_ = ascii_name(name)
            forms = [(name, "name")]
            if ascii_ and ascii_ != name:
                forms.append((ascii_, "ascii"))
            for alt in rec.get("alternatenames") or ():
                if not isinstance(alt, str) or not alt.strip():
                    continue
                # IATA/ICAO-like all-capital codes are kept as abbreviations, not as names.
                kind = "abbr" if alt.isascii() and alt.isupper() and len(alt) <= 4 else "alt"
                forms.append((alt, kind))
            if cc in ARABIC_NAME_COUNTRIES:
                forms += [
                    (variant, "variant")
                    for form, kind in forms
                    if kind != "abbr"
                    for variant in arabic_spelling_variants(form)
                ]
            self.add_names(gid, forms)
            raw = {k: v for k, v in rec.items() if k != "alternatenames"}
            by_country[cc].append(
                {
                    "id": gid,
                    "name": name,
                    "lat": lat,
                    "lon": lon,
                    "cc": cc,
                    "admin1": str(rec.get("admin1code") or ""),
                    "pop": int(rec.get("population") or 0),
                    "ascii": ascii_,
                    "code": "PPL",
                    "raw": json.dumps(raw, ensure_ascii=False, default=str),
                }
            )
        return by_country

    def _towns(self, countries: dict[str, dict], cities: dict[str, list[dict]]) -> None:
        # Capitals from the country table.
        for cc, rec in countries.items():
            capital = (rec.get("capital") or "").strip()
            if not capital or not cities.get(cc):
                continue
            ids = self.ids_named([capital])
            matches = [c for c in cities[cc] if c["id"] in ids]
            if matches:
                max(matches, key=lambda c: c["pop"])["code"] = "PPLC"

    def _mark_seats(self, cities: list[dict], named_ids: set[int]) -> None:
        """PPLA for the admin-1 seat of one group of towns (see the module docstring)."""
        pool = [c for c in cities if c["code"] == "PPL"]
        # A capital is its own region's seat.
        if not pool or any(c["code"] in ("PPLA", "PPLC") for c in cities):
            return
        named = [c for c in pool if c["id"] in named_ids]
        seat = max(named or pool, key=lambda c: c["pop"])
        seat["code"] = "PPLA"

    # -- countries and shapes
    def _country_shapes(self, countries: dict[str, dict], cities: dict[str, list[dict]]) -> dict:
        """``cc -> shapely (Multi)Polygon``; regions split from PS under ``"PS-GAZA"``/``"PS-WB"``."""
        if self.sources.shapes_path is None or not Path(self.sources.shapes_path).is_file():
            return {}
        import numpy as np
        import shapely

        numeric = {
            int(rec["isonumeric"]): cc for cc, rec in countries.items() if rec.get("isonumeric")
        }
        parts: list[list] = []  # [owner cc or None, polygon, feature name]
        for fid, label, wkb in read_shapes(Path(self.sources.shapes_path)):
            cc = None
            if fid is not None and fid.strip().isdigit():
                cc = numeric.get(int(fid))
            cc = cc or SHAPE_NAME_CODES.get(label)
            for part in shapely.get_parts(shapely.from_wkb(wkb)):
                for poly in _split_antimeridian(part):
                    if not poly.is_empty and poly.area > 0:
                        parts.append([cc, poly, label])
        if not parts:
            return {}
        # Give parts to countries without a shape whose towns they hold. Towns on the coast
        # often lie just outside the generalised 1:10m outline: count those within ~5 km.
        have = {p[0] for p in parts}
        missing = [cc for cc in countries if cc not in have and cities.get(cc)]
        tree = shapely.STRtree([p[1] for p in parts])
        near = 0.05  # degrees
        for cc in missing:
            xs = np.array([c["lon"] for c in cities[cc]])
            ys = np.array([c["lat"] for c in cities[cc]])
            hits = tree.query(shapely.points(xs, ys), predicate="dwithin", distance=near)[1]
            for idx in set(hits.tolist()):
                owner, poly, _label = parts[idx]
                theirs = int(np.count_nonzero(hits == idx))
                mine = 0
                if owner is not None and cities.get(owner):
                    ox = np.array([c["lon"] for c in cities[owner]])
                    oy = np.array([c["lat"] for c in cities[owner]])
                    mine = int(
                        np.count_nonzero(shapely.dwithin(poly, shapely.points(ox, oy), near))
                    )
                if theirs > mine:
                    parts[idx][0] = cc
        by_cc: dict[str, list] = defaultdict(list)
        for owner, poly, _label in parts:
            if owner is not None:
                by_cc[owner].append(poly)
        shapes = {}
        for cc, polys in by_cc.items():
            if cc == "PS":
                for region in REGIONS:
                    if region["west_of"] is not None:
                        mine = [p for p in polys if p.centroid.x < region["west_of"]]
                    else:
                        mine = [p for p in polys if p.centroid.x >= REGIONS[0]["west_of"]]
                    if mine:
                        shapes[region["key"]] = shapely.MultiPolygon(mine)
            shapes[cc] = shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0]
        return shapes

    @staticmethod
    def _rep_point(geom) -> tuple[float, float]:
        """(lat, lon) of a shape: centroid of its largest part when inside it."""
        import shapely

        parts = list(shapely.get_parts(geom))
        largest = max(parts, key=lambda p: p.area)
        point = largest.centroid
        if not largest.contains(point):
            point = largest.representative_point()
        return round(point.y, 5), round(point.x, 5)

    def _countries(self, countries: dict[str, dict], shapes: dict, cities: dict) -> None:
        cldr = cldr_country_names(countries) if self.sources.cldr else {}
        from gazetteer.sources import (
            ABBREVIATIONS,
            COUNTRY_VARIANTS,
            EXTRA_ABBREVIATIONS,
        )

        references = self.sources.reference_point_table()
        checker = _ReferenceCheck(shapes, cities)
        for cc, rec in countries.items():
            gid = self.country_ids[cc]
            if cc in shapes:
                lat, lon = self._rep_point(shapes[cc])
                fallback = "natural-earth representative point"
            else:
                capital = [c for c in cities.get(cc, []) if c["code"] == "PPLC"]
                towns = capital or cities.get(cc, [])
                if not towns:
                    continue  # nowhere to put it (uninhabited, shapeless)
                lat = round(sum(c["lat"] for c in towns) / len(towns), 5)
                lon = round(sum(c["lon"] for c in towns) / len(towns), 5)
                fallback = "capital" if capital else "centroid of towns"
            point: dict[str, Any] = {"source": fallback}
            ref = references.get(cc)
            if ref is None:
                point["note"] = "no conventional reference point in countryinfo"
            else:
                problem = checker.problem(cc, ref[0], ref[1])
                if problem is None:
                    lat, lon = round(float(ref[0]), 5), round(float(ref[1]), 5)
                    point = {"source": REFERENCE_SOURCE}
                else:
                    point["rejected"] = {"lat": ref[0], "lon": ref[1], "why": problem}
                    self.notes.append(
                        f"{cc}: kept the {fallback}, the countryinfo reference point "
                        f"({ref[0]}, {ref[1]}) {problem}"
                    )
            code = (
                "PCLD" if cc in DEPENDENT_TERRITORIES else "TERR" if cc in TERRITORIES else "PCLI"
            )
            name = rec.get("name") or cc
            names: list[tuple[str, str]] = [(name, "name"), (ascii_name(name), "ascii")]
            names += iso_country_names(cc) if self.sources.cldr else []
            names += [(n, "alt") for n in cldr.get(cc, [])]
            names += [
                (n, "abbr" if n in ABBREVIATIONS else "alt") for n in COUNTRY_VARIANTS.get(cc, ())
            ]
            names += [(n, "abbr") for n in EXTRA_ABBREVIATIONS.get(cc, ())]
            raw = dict(rec)
            raw["reference_point"] = {"lat": lat, "lon": lon, **point}
            self.add_place(
                [gid, name, ascii_name(name), lat, lon, "A", code, cc, "",
                 int(rec.get("population") or 0), None, "country", raw],
                names,
            )  # fmt: skip

    # -- continents
    def _continents(self) -> None:
        """GeoNames' continent records (``CONT``, class L): their ids, points and names."""
        for rec in self.sources.continent_table():
            try:
                gid = int(rec["geonameId"])
                lat, lon = float(rec["lat"]), float(rec["lng"])
                name = str(rec.get("name") or rec.get("toponymName") or "").strip()
            except (KeyError, TypeError, ValueError):
                continue
            if not name or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                continue
            names: list[tuple[str, str]] = [(name, "name"), (ascii_name(name), "ascii")]
            toponym = str(rec.get("toponymName") or "").strip()
            if toponym and toponym != name:
                names.append((toponym, "official"))
            for alt in rec.get("alternateNames") or ():
                if not isinstance(alt, dict) or alt.get("lang") in _NOT_NAME_LANGS:
                    continue
                text = str(alt.get("name") or "").strip()
                if text and "://" not in text:
                    names.append((text, "alt"))
            try:
                population = int(rec.get("population") or 0)
            except (TypeError, ValueError):
                population = 0
            raw = {k: v for k, v in rec.items() if k != "alternateNames"}
            self.add_place(
                [gid, name, ascii_name(name), round(lat, 5), round(lon, 5), "L", "CONT", "", "",
                 population, None, "continent", raw],
                names,
            )  # fmt: skip

    # -- admin-1 and Palestine's regions
    def _regions_and_admin1(self, countries: dict, shapes: dict, cities: dict) -> None:
        subdivisions = self.sources.subdivision_table()
        for cc in sorted(set(cities) | set(countries)):
            towns = cities.get(cc, [])
            groups: dict[str, list[dict]] = defaultdict(list)
            for c in towns:
                if c["admin1"] and c["admin1"] != "00":
                    groups[c["admin1"]].append(c)
            subs = {
                code: rec
                for code, rec in (subdivisions.get(cc) or {}).items()
                if not rec.get("parentCode")
            } or dict(subdivisions.get(cc) or {})
            country_id = self.country_ids.get(cc)
            if cc == "PS" and country_id is not None:
                self._palestine(subs, groups, shapes, country_id)
            else:
                self._admin1(cc, subs, groups, country_id)
                if len(subs) < len(subdivisions.get(cc) or {}):
                    self._admin2(cc, subdivisions.get(cc) or {}, subs, country_id, groups)
            for c in towns:
                parent = self.admin1_places.get((cc, c["admin1"]), country_id)
                self._add_town(c, parent)

    def _add_town(self, c: dict, parent: int | None) -> None:
        self.add_place(
            [c["id"], c["name"], c["ascii"], c["lat"], c["lon"], "P", c["code"],
             c["cc"], c["admin1"], c["pop"], parent, "geonames", c["raw"]],
            (),
        )  # fmt: skip

    @staticmethod
    def _group_centroid(group: list[dict]) -> tuple[float, float]:
        weights = [math.log10(c["pop"] + 10) for c in group]
        total = sum(weights)
        lat = sum(c["lat"] * w for c, w in zip(group, weights, strict=True)) / total
        lon = sum(c["lon"] * w for c, w in zip(group, weights, strict=True)) / total
        return lat, lon

    @staticmethod
    def _sub_names(code: str, rec: dict) -> list[str]:
        # ISO gives a second official form in brackets: "Wales [Cymru GB-CYM]",
        # "Girona [Gerona]": the first is the name, the bracket (less its code) a variant.
        name = (rec.get("name") or code).strip()
        names = [name]
        if name.endswith("]") and " [" in name:
            head, _, bracket = name[:-1].partition(" [")
            variant = _ISO_CODE_RE.sub("", bracket).strip()
            names = [head.strip() or name] + ([variant] if variant else [])
        # News says "County Durham" (ISO: "Durham, County") and "County Cork" / "Co. Cork".
        if names[0].endswith(", County"):
            names.append(f"County {names[0][: -len(', County')]}")
        elif code.startswith("IE-") and rec.get("type") == "County":
            names += [f"County {names[0]}", f"Co. {names[0]}"]
        return [*names, *split_local_names(rec.get("localOtherName"))]

    def _admin2(
        self, cc: str, every: dict, top: dict, country_id: int | None, groups: dict | None = None
    ) -> None:
        """ISO second-level subdivisions under a top-level one (counties of England, French
        départements, Italian and Spanish provinces...) as ``ADM2`` places at their ISO
        centroids, under their admin-1 place. Their population is estimated from the towns of
        their admin-1 region nearest to their centroid (no outlines are packaged): enough to tell
        Kent, England, from Kent, Washington."""
        added: list[list] = []
        for iso, rec in every.items():
            parent_code = rec.get("parentCode")
            lat_lon = rec.get("latLng")
            if not parent_code or parent_code not in top or not lat_lon:
                continue
            gid = admin1_id(iso)
            if gid in self.places:
                continue
            parent_id = admin1_id(parent_code)
            parent = self.places.get(parent_id)
            admin1 = parent[8] if parent is not None else ""
            names = [
                (n, "name" if i == 0 else "alt") for i, n in enumerate(self._sub_names(iso, rec))
            ]
            raw = {"iso_code": iso, **{k: v for k, v in rec.items() if k != "history"}}
            self.add_place(
                [gid, names[0][0], ascii_name(names[0][0]), float(lat_lon[0]), float(lat_lon[1]),
                 "A", "ADM2", cc, admin1, 0, parent_id if parent is not None else country_id,
                 "admin1", raw],
                names,
            )  # fmt: skip
            added.append(self.places[gid])
        self._admin2_population(added, groups or {})

    @staticmethod
    def _admin2_population(rows: list[list], groups: dict[str, list[dict]]) -> None:
        """Each town of an admin-1 region counts for the nearest of that region's ADM2 places."""
        by_admin1: dict[str, list[list]] = defaultdict(list)
        for row in rows:
            if row[8]:
                by_admin1[row[8]].append(row)
        for admin1, places in by_admin1.items():
            for town in groups.get(admin1, ()):
                nearest = min(
                    places, key=lambda p: haversine_km(town["lat"], town["lon"], p[3], p[4])
                )
                nearest[9] += town["pop"]

    def _admin1(self, cc: str, subs: dict, groups: dict[str, list[dict]], country_id) -> None:
        centroids = {code: self._group_centroid(g) for code, g in groups.items()}
        big = {
            code: {c["id"] for c in sorted(g, key=lambda c: -c["pop"])[:3]}
            for code, g in groups.items()
        }
        sub_keys = {iso: self.ids_named(self._sub_names(iso, rec)) for iso, rec in subs.items()}
        pairs = []
        for iso, rec in subs.items():
            lat_lon = rec.get("latLng")
            if not lat_lon:
                continue
            for code, (glat, glon) in centroids.items():
                dist = haversine_km(lat_lon[0], lat_lon[1], glat, glon)
                named = bool(sub_keys[iso] & big[code])
                pairs.append((dist * (0.2 if named else 1.0), iso, code, named))
        pairs.sort()
        assigned: dict[str, tuple[str, str]] = {}
        used: set[str] = set()
        for _cost, iso, code, named in pairs:
            if iso in assigned or code in used:
                continue
            assigned[iso] = (code, "name" if named else "centroid")
            used.add(code)
        for code, group in groups.items():
            if code not in used:
                self._mark_seats(group, set())
        for iso, rec in subs.items():
            code, method = assigned.get(iso, ("", ""))
            group = groups.get(code, [])
            if group:
                self._mark_seats(group, sub_keys[iso])
            lat_lon = rec.get("latLng") or (centroids[code] if code else None)
            if not lat_lon:
                continue
            gid = admin1_id(iso)
            if code:
                self.admin1_places[(cc, code)] = gid
                self.conn.execute(
                    "INSERT OR REPLACE INTO admin1_map VALUES (?, ?, ?, ?, ?)",
                    (cc, code, iso, gid, method),
                )
            sub_names = self._sub_names(iso, rec)
            names = [(n, "name" if i == 0 else "alt") for i, n in enumerate(sub_names)]
            seat = next((c for c in group if c["code"] in ("PPLA", "PPLC")), None)
            names += [
                (n, "variant")
                for n in admin1_designator_names(
                    sub_names,
                    rec.get("type"),
                    (seat["name"], seat["ascii"]) if seat else (),
                    self.country_names(),
                    cc,
                )
            ]
            raw = {"iso_code": iso, **{k: v for k, v in rec.items() if k != "history"}}
            self.add_place(
                [gid, names[0][0], ascii_name(names[0][0]), float(lat_lon[0]), float(lat_lon[1]),
                 "A", "ADM1", cc, code, sum(c["pop"] for c in group), country_id, "admin1", raw],
                names,
            )  # fmt: skip

    def _palestine(self, subs: dict, groups: dict, shapes: dict, country_id: int) -> None:
        import shapely

        region_ids = {}
        for i, region in enumerate(REGIONS, start=1):
            gid = REGION_ID_BASE + i
            group = groups.get(region["admin1"], [])
            shape = shapes.get(region["key"])
            if shape is not None:
                lat, lon = self._rep_point(shape)
            elif group:
                lat, lon = self._group_centroid(group)
            else:
                continue
            region_ids[region["key"]] = gid
            self.admin1_places[("PS", region["admin1"])] = gid
            self.conn.execute(
                "INSERT OR REPLACE INTO admin1_map VALUES (?, ?, ?, ?, ?)",
                ("PS", region["admin1"], region["key"], gid, "region"),
            )
            names = [(region["name"], "name"), *((n, "alt") for n in region["variants"])]
            self.add_place(
                [gid, region["name"], region["name"], lat, lon, "L", "RGN", "PS", region["admin1"],
                 sum(c["pop"] for c in group), country_id, "region", {"key": region["key"]}],
                names,
            )  # fmt: skip
            self._mark_seats(group, self.ids_named([region["name"]]))
        # ISO governorates sit below the two regions.
        for iso, rec in subs.items():
            lat, lon = rec["latLng"]
            region = REGIONS[0] if lon < REGIONS[0]["west_of"] else REGIONS[1]
            gaza = shapes.get(REGIONS[0]["key"])
            if gaza is not None:
                region = REGIONS[0] if gaza.distance(shapely.Point(lon, lat)) < 0.05 else REGIONS[1]
            names = [
                (n, "name" if i == 0 else "alt") for i, n in enumerate(self._sub_names(iso, rec))
            ]
            raw = {"iso_code": iso, **{k: v for k, v in rec.items() if k != "history"}}
            self.add_place(
                [admin1_id(iso), names[0][0], ascii_name(names[0][0]), lat, lon, "A", "ADM2", "PS",
                 region["admin1"], 0, region_ids.get(region["key"], country_id), "admin1", raw],
                names,
            )  # fmt: skip

    # -- curated supplement
    def _curated(self) -> None:
        rows = read_curated(self.sources.curated_path)
        pending = []
        for row in rows:
            try:
                gid = int(row["id"])
                lat, lon = float(row["lat"]), float(row["lon"])
            except (TypeError, ValueError):
                continue  # the curated-data test reports bad rows; the build stays usable
            parent = (
                int(row["parent_geonameid"])
                if (row.get("parent_geonameid") or "").strip().isdigit()
                else None
            )
            pending.append((gid, lat, lon, parent, row))
        # Parents may be other curated rows: resolve admin-1 codes after all rows are known.
        for gid, lat, lon, parent, row in pending:
            code = (row.get("feature_code") or "PPLX").strip().upper()
            cc = (row.get("country_code") or "").strip().upper()
            name = row["name"].strip()
            names = [(name, "name"), (ascii_name(name), "ascii")]
            names += [
                (v.strip(), "alt") for v in (row.get("variants") or "").split("|") if v.strip()
            ]
            raw = {k: row.get(k) for k in CURATED_COLUMNS}
            self.add_place(
                [gid, name, ascii_name(name), lat, lon, feature_class_for(code), code, cc, "", 0,
                 parent, "curated", raw],
                names,
            )  # fmt: skip
        for gid, _lat, _lon, parent, _row in pending:
            seen = set()
            while parent is not None and parent in self.places and parent not in seen:
                seen.add(parent)
                prow = self.places[parent]
                if prow[8]:
                    self.places[gid][8] = prow[8]
                    break
                parent = prow[10]

    # -- output
    def _write(self, shapes: dict) -> None:
        conn = self.conn
        rows = []
        for row in self.places.values():
            out = list(row)
            if row[12] and not isinstance(row[12], str):
                out[12] = json.dumps(row[12], ensure_ascii=False, default=str)
            rows.append(out)
        conn.executemany(_PLACE_INSERT, rows)
        conn.executemany(
            "INSERT INTO place_rtree VALUES (?, ?, ?, ?, ?)",
            ((r[0], r[3], r[3], r[4], r[4]) for r in rows),
        )
        self.flush_names()
        if shapes:
            import shapely

            region_ids = {r["key"]: REGION_ID_BASE + i for i, r in enumerate(REGIONS, start=1)}
            for key, geom in shapes.items():
                wkb = shapely.to_wkb(geom)
                if key in region_ids:
                    if region_ids[key] in self.places:
                        conn.execute(
                            "INSERT INTO region_shape VALUES (?, ?, ?)",
                            (region_ids[key], "PS", wkb),
                        )
                elif key in self.country_ids:
                    conn.execute(
                        "INSERT INTO country_shape VALUES (?, ?, ?)",
                        (key, self.country_ids[key], wkb),
                    )
