"""The ``Gazetteer``: ranked name search, reverse lookup and the admin hierarchy over the SQLite
database that ``gazetteer.build`` makes.

Connections are read-only (``mode=ro``), one per thread, so one object can serve a threaded Flask
app. Name lookups are LRU-cached per object; country polygons are loaded on the first reverse
lookup into a shapely ``STRtree`` of prepared geometries.

Ranking (``search`` and ``candidates``): ``score = level + kind + 5 * log10(population + 1)``
where ``level`` favours continents (``CONT``) and countries (60) > Palestine's regions (50) >
capitals (40) > admin-1 (32) > admin seats (28) > ISO governorates ADM2 (5: they carry no
population) > towns (0) > neighbourhoods and camps (-5), and ``kind`` favours a match on the
primary or official name (30) over an ASCII form (29), an alternate name (24), an abbreviation
(12) or a name matched only after dropping its article (0, and half the level: "Fasher" still
finds El Fasher). Admin areas and continents weigh population by 4, not 5: theirs is a sum.
Ties: population, then id.
The ranking knows no context; the geoparser brings that.
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from gazetteer.coords import EARTH_RADIUS_KM, validate_latlon
from gazetteer.errors import (
    GazetteerUnavailable,
    InvalidInput,
    InvalidName,
    UnknownCountry,
    UnknownPlace,
)
from gazetteer.model import COUNTRY_CODES, Place
from gazetteer.normalize import name_keys
from gazetteer.paths import default_db_path
from gazetteer.schema import SCHEMA_VERSION

MAX_NAME_CHARS = 200
MAX_LIMIT = 1000
COAST_TOLERANCE_DEG = 0.02
FEATURE_CLASSES = frozenset("AHLPRSTUV")
_COLUMNS = (
    "geonameid, name, asciiname, lat, lon, feature_class, feature_code, country_code, admin1, "
    "population, parent_id, source, raw"
)
_PLACE_SQL = f"SELECT {_COLUMNS} FROM place"
_LOOKUP_SQL = (
    "SELECT p.geonameid, p.name, p.asciiname, p.lat, p.lon, p.feature_class, p.feature_code, "
    "p.country_code, p.admin1, p.population, p.parent_id, p.source, p.raw, n.kind "
    "FROM place_name AS n JOIN place AS p ON p.geonameid = n.geonameid WHERE n.norm = ?"
)
LEVEL = {
    "CONT": 60, "PCLI": 60, "PCLD": 55, "PCLIX": 55, "PCLS": 55, "PCLF": 55, "PCL": 55, "TERR": 55,
    "RGN": 50, "PPLC": 40, "ADM1": 32, "ADM1H": 28, "PPLA": 28, "ADM2": 5, "PPLG": 20,
    "PPLA2": 15, "PPLA3": 10, "ADMD": 10, "ADM3": 8, "PPLA4": 5, "PPL": 0, "PPLL": -2,
    "PPLX": -5, "CMPRF": -5,
}  # fmt: skip
# Admin areas' populations are sums over their towns: weigh them less than a town's own.
AREA_CODES = frozenset({"CONT", "ADM1", "ADM1H", "ADM2", "ADM3", "ADMD", "RGN"})
CONTINENT_CODE = "CONT"  # GeoNames continents: class L, no country code
KIND = {
    "name": 30,
    "official": 30,
    "ascii": 29,
    "alt": 24,
    "variant": 22,
    "abbr": 12,
    "stripped": 0,
}


@dataclass(frozen=True, slots=True)
class ReverseResult:
    """Answer of ``Gazetteer.reverse``: the containing country (None at sea), its admin-1 (or
    Palestine's region), the nearest place and its great-circle distance."""

    country: Place | None
    admin1: Place | None
    nearest: Place
    distance_km: float
    region: Place | None = None  # Gaza Strip / West Bank when the point lies in one

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": self.country.to_dict() if self.country else None,
            "admin1": self.admin1.to_dict() if self.admin1 else None,
            "region": self.region.to_dict() if self.region else None,
            "nearest": self.nearest.to_dict(),
            "distance_km": round(self.distance_km, 3),
        }


def score(place: Place, kind: str) -> float:
    """Rank of a place matched through a name of ``kind`` (higher is better)."""
    level = LEVEL.get(place.feature_code, 0)
    if kind == "stripped":
        level /= 2
    weight = 4.0 if place.feature_code in AREA_CODES else 5.0
    return level + KIND.get(kind, 10) + weight * math.log10(max(place.population, 0) + 1)


def _haversine_np(lat: float, lon: float, lats: Any, lons: Any) -> Any:
    """Great-circle distances (km) from one point to arrays of points (as ``coords.haversine_km``)."""
    import numpy as np

    p1, p2 = math.radians(lat), np.radians(lats)
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * np.cos(p2) * np.sin(np.radians(lons - lon) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def check_name(name: object) -> str:
    """The name itself, or ``InvalidName`` for non-text, blank or absurdly long names."""
    if not isinstance(name, str):
        raise InvalidName(f"A place name must be text, not {type(name).__name__}.")
    if not name.strip():
        raise InvalidName("A place name must not be empty.")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidName(
            f"A place name must be at most {MAX_NAME_CHARS} characters, got {len(name)}."
        )
    return name


def _row_place(row: tuple) -> Place:
    raw = row[12]
    return Place(
        geonameid=row[0],
        name=row[1],
        asciiname=row[2] or "",
        lat=row[3],
        lon=row[4],
        feature_class=row[5],
        feature_code=row[6],
        country_code=row[7] or "",
        admin1=row[8] or "",
        population=row[9] or 0,
        parent_id=row[10],
        source=row[11],
        raw=json.loads(raw) if raw else {},
    )


class Gazetteer:
    """Read-only access to the gazetteer database (built on first use when ``auto_build``)."""

    def __init__(self, path: Path | str | None = None, *, auto_build: bool = True) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        if not self.path.is_file():
            if not auto_build:
                raise GazetteerUnavailable(
                    "The gazetteer database does not exist; run `gazetteer build`."
                )
            from gazetteer.build import build_database

            build_database(self.path)
        self._local = threading.local()
        self._lock = threading.RLock()  # re-entered: index loaders open connections
        self._connections: list[sqlite3.Connection] = []
        self._countries: dict[str, Place] | None = None
        self._shapes: dict[str, Any] | None = None
        self._admin1_map: dict[tuple[str, str], int] | None = None
        self._points: dict[str, Any] | None = None
        self._lookup = lru_cache(maxsize=65536)(self._fetch)
        self._get = lru_cache(maxsize=16384)(self._fetch_place)
        self.meta = self._read_meta()
        if self.meta.get("schema_version") != str(SCHEMA_VERSION):
            # A file from another version of this package: its tables may not match the code.
            self.close()
            if not auto_build:
                raise GazetteerUnavailable(
                    "The gazetteer database was built by another version; run `gazetteer build`."
                )
            from gazetteer.build import build_database

            build_database(self.path, force=True)
            self.meta = self._read_meta()

    def _read_meta(self) -> dict[str, str]:
        try:
            return dict(self._conn().execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error as exc:
            self.close()
            raise GazetteerUnavailable(
                "The gazetteer database is unreadable; rebuild it with `gazetteer build --force`."
            ) from exc

    @classmethod
    def open(cls, path: Path | str | None = None, *, auto_build: bool = True) -> Gazetteer:
        return cls(path, auto_build=auto_build)

    # -- connections
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA busy_timeout = 5000")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def close(self) -> None:
        """Close every connection this object opened (in any thread)."""
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def clear_cache(self) -> None:
        """Forget cached lookups (after places were added through ``build.insert_places``)."""
        self._lookup.cache_clear()
        self._get.cache_clear()
        self._countries = None
        self._admin1_map = None
        self._points = None

    # -- names
    def _fetch(self, norm: str) -> tuple[tuple[Place, str], ...]:
        best: dict[int, tuple[Place, str]] = {}
        for row in self._conn().execute(_LOOKUP_SQL, (norm,)):
            place = _row_place(row)
            best[place.geonameid] = (place, row[13])
        ranked = sorted(
            best.values(), key=lambda pk: (-score(pk[0], pk[1]), -pk[0].population, pk[0].geonameid)
        )
        return tuple(ranked)

    def candidates(self, norm_name: str) -> list[Place]:
        """All places with a name whose normalised form is ``norm_name``, best ranked first."""
        if not isinstance(norm_name, str):
            raise InvalidName("A normalised name must be text.")
        return [place for place, _kind in self._lookup(norm_name)]

    def name_counts(self, geonameids: Iterable[int]) -> dict[int, int]:
        """How many distinct names (spellings, translations) each place has: a measure of how
        widely known it is (Cambridge, England has 50, Cambridge, Maryland 17)."""
        ids = sorted({int(g) for g in geonameids})
        counts: dict[int, int] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ", ".join("?" * len(chunk))
            counts.update(
                self._conn().execute(
                    # Generated spellings say nothing of how widely a place is known.
                    f"SELECT geonameid, COUNT(*) FROM place_name WHERE geonameid IN ({marks}) "
                    "AND kind != 'variant' GROUP BY geonameid",
                    chunk,
                )
            )
        return counts

    def matches(self, name: str) -> list[tuple[Place, str, float]]:
        """``(place, kind of the matched name, score)`` for a raw name, best first."""
        check_name(name)
        full, stripped = name_keys(name)
        if not stripped:
            raise InvalidName("A place name must contain letters or digits.")
        best: dict[int, tuple[Place, str, float]] = {}
        for norm in dict.fromkeys((full, stripped)):
            for place, kind in self._lookup(norm):
                s = score(place, kind)
                old = best.get(place.geonameid)
                if old is None or s > old[2]:
                    best[place.geonameid] = (place, kind, s)
        return sorted(best.values(), key=lambda m: (-m[2], -m[0].population, m[0].geonameid))

    def search(
        self,
        name: str,
        *,
        country: str | None = None,
        feature_classes: Iterable[str] | None = None,
        limit: int = 10,
    ) -> list[Place]:
        """Places called ``name`` (any spelling the gazetteer knows), best ranked first."""
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise InvalidInput("limit must be a positive integer.", limit=repr(limit))
        limit = min(limit, MAX_LIMIT)
        cc = self.country(country).country_code if country is not None else None
        classes = self._check_classes(feature_classes)
        out = []
        for place, _kind, _score in self.matches(name):
            if cc is not None and place.country_code != cc:
                continue
            if classes is not None and place.feature_class not in classes:
                continue
            out.append(place)
            if len(out) >= limit:
                break
        return out

    @staticmethod
    def _check_classes(feature_classes: Iterable[str] | None) -> frozenset[str] | None:
        if feature_classes is None:
            return None
        if isinstance(feature_classes, str):
            feature_classes = [feature_classes] if len(feature_classes) == 1 else feature_classes
        try:
            classes = frozenset(str(c).upper() for c in feature_classes)
        except TypeError:
            raise InvalidInput("feature_classes must be GeoNames class letters.") from None
        bad = sorted(classes - FEATURE_CLASSES)
        if bad:
            raise InvalidInput(
                f"Unknown feature class {bad[0]!r}; use GeoNames classes (A, P, L, S...).",
                feature_classes=sorted(classes),
            )
        return classes

    def iter_names(
        self, *, kinds: Iterable[str] | None = None, with_spelling: bool = False
    ) -> Iterator[tuple]:
        """Every ``(normalised name, geonameid)`` pair (optionally only names of ``kinds``);
        with ``with_spelling``, ``(normalised name, geonameid, original spelling)``."""
        conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        columns = "norm, geonameid, name" if with_spelling else "norm, geonameid"
        try:
            if kinds is None:
                cursor = conn.execute(f"SELECT {columns} FROM place_name")
            else:
                wanted = list(kinds)
                marks = ", ".join("?" * len(wanted))
                cursor = conn.execute(
                    f"SELECT {columns} FROM place_name WHERE kind IN ({marks})", wanted
                )
            yield from cursor
        finally:
            conn.close()

    # -- places
    def _fetch_place(self, geonameid: int) -> Place | None:
        row = self._conn().execute(f"{_PLACE_SQL} WHERE geonameid = ?", (geonameid,)).fetchone()
        return _row_place(row) if row else None

    def get(self, geonameid: int) -> Place:
        """The place with this id; ``UnknownPlace`` when there is none."""
        if isinstance(geonameid, bool):
            raise InvalidInput("A place id must be an integer.")
        try:
            gid = int(geonameid)
        except (TypeError, ValueError):
            raise InvalidInput(
                "A place id must be an integer.", geonameid=repr(geonameid)
            ) from None
        place = self._get(gid)
        if place is None:
            raise UnknownPlace(f"No place with id {gid} in the gazetteer.", geonameid=gid)
        return place

    def _country_table(self) -> dict[str, Place]:
        if self._countries is None:
            marks = ", ".join("?" * len(COUNTRY_CODES))
            # An imported GeoNames dump replaces built countries with its own rows (same ids):
            # they are still the countries. Built rows win when both exist (ordered last).
            rows = self._conn().execute(
                f"{_PLACE_SQL} WHERE source IN ('country', 'geonames-dump') "
                f"AND feature_code IN ({marks}) AND country_code != '' "
                "ORDER BY source = 'country', geonameid",
                sorted(COUNTRY_CODES),
            )
            self._countries = {p.country_code: p for p in map(_row_place, rows)}
        return self._countries

    def country(self, cc: str) -> Place:
        """The country with ISO 3166-1 alpha-2 code ``cc``; ``UnknownCountry`` otherwise."""
        if not isinstance(cc, str) or len(cc.strip()) != 2:
            raise UnknownCountry(
                f"A country must be an ISO 3166-1 alpha-2 code such as 'SY', not {cc!r}."[:200]
            )
        place = self._country_table().get(cc.strip().upper())
        if place is None:
            raise UnknownCountry(f"Unknown country code {cc.strip().upper()!r}.")
        return place

    def countries(self) -> list[Place]:
        """All countries and territories, by name."""
        return sorted(self._country_table().values(), key=lambda p: p.name)

    def _admin1_table(self) -> dict[tuple[str, str], int]:
        if self._admin1_map is None:
            rows = self._conn().execute("SELECT country_code, admin1, geonameid FROM admin1_map")
            self._admin1_map = {(cc, code): gid for cc, code, gid in rows}
        return self._admin1_map

    def admin1_of(self, place: Place) -> Place | None:
        """The admin-1 region (or Palestine's region) a place lies in, when known."""
        gid = self._admin1_table().get((place.country_code, place.admin1))
        if gid is None or gid == place.geonameid:
            return None
        return self._get(gid)

    def hierarchy(self, place: Place | int) -> list[Place]:
        """``[place, ..., admin-1, country]``: the place and those of its parents that exist."""
        if not isinstance(place, Place):
            place = self.get(place)
        chain = [place]
        seen = {place.geonameid}
        current = place
        while current.parent_id is not None and current.parent_id not in seen and len(chain) < 8:
            parent = self._get(current.parent_id)
            if parent is None:
                break
            chain.append(parent)
            seen.add(parent.geonameid)
            current = parent
        if not any(p.is_admin1 or p.feature_code == "RGN" or p.is_country for p in chain[1:]):
            admin1 = self.admin1_of(place) if not place.is_country else None
            if admin1 is not None and admin1.geonameid not in seen:
                chain.append(admin1)
                seen.add(admin1.geonameid)
        if not chain[-1].is_country and place.country_code:
            country = self._country_table().get(place.country_code)
            if country is not None and country.geonameid not in seen:
                chain.append(country)
        return chain

    # -- reverse
    def _shape_index(self) -> dict[str, Any]:
        with self._lock:
            if self._shapes is None:
                import shapely

                conn = self._conn()
                keys, geoms = [], []
                for cc, wkb in conn.execute("SELECT country_code, wkb FROM country_shape"):
                    keys.append(("country", cc))
                    geoms.append(shapely.from_wkb(wkb))
                for gid, wkb in conn.execute("SELECT geonameid, wkb FROM region_shape"):
                    keys.append(("region", gid))
                    geoms.append(shapely.from_wkb(wkb))
                shapely.prepare(geoms)
                self._shapes = {
                    "keys": keys,
                    "geoms": geoms,
                    "tree": shapely.STRtree(geoms) if geoms else None,
                    "areas": [g.area for g in geoms],
                    "by_cc": {
                        k[1]: g for k, g in zip(keys, geoms, strict=True) if k[0] == "country"
                    },
                }
        return self._shapes

    def country_shape(self, cc: str) -> Any:
        """The country's boundary (shapely geometry, lon/lat) or ``None`` when it has none."""
        code = self.country(cc).country_code
        return self._shape_index()["by_cc"].get(code)

    def containing(self, lat: float, lon: float) -> tuple[Place | None, Place | None]:
        """``(country, region)`` whose polygons contain the point (either may be None).

        The 1:10m coastline is generalised (harbours, beaches and small islands can fall just
        outside it), so a point in no polygon takes the nearest one within ``COAST_TOLERANCE_DEG``
        (about 2 km).
        """
        import shapely

        lat, lon = validate_latlon(lat, lon)
        index = self._shape_index()
        if index["tree"] is None:
            return None, None
        point = shapely.Point(lon, lat)
        # Bounding-box candidates from the tree, then the prepared polygons themselves (faster
        # than a tree query with a predicate, which prepares the point instead).
        hits = [
            i
            for i in index["tree"].query(point)
            if shapely.contains_xy(index["geoms"][i], lon, lat)
        ]
        if not any(index["keys"][i][0] == "country" for i in hits):
            hits = list(
                index["tree"].query_nearest(
                    point, max_distance=COAST_TOLERANCE_DEG, all_matches=True
                )
            )
        country = region = None
        best_area = math.inf
        for i in hits:
            kind, key = index["keys"][i]
            if kind == "region":
                region = self._get(key)
                continue
            area = index["areas"][i]
            if area < best_area:  # overlapping shapes: the smaller one is the more specific
                best_area = area
                country = self._country_table().get(key)
        return country, region

    def _point_index(self) -> dict[str, Any]:
        """Every place as a point in a shapely ``STRtree`` (GEOS, in C) with numpy coordinates:
        about 10x faster per query than the database's R*Tree through Python."""
        with self._lock:
            if self._points is None:
                import numpy as np
                import shapely

                # A continent's point is no answer to "what is near here".
                rows = (
                    self._conn()
                    .execute(
                        "SELECT geonameid, lat, lon FROM place WHERE feature_code != ?",
                        (CONTINENT_CODE,),
                    )
                    .fetchall()
                )
                ids = np.array([r[0] for r in rows], dtype=np.int64)
                lats = np.array([r[1] for r in rows], dtype=np.float64)
                lons = np.array([r[2] for r in rows], dtype=np.float64)
                tree = shapely.STRtree(shapely.points(lons, lats)) if rows else None
                self._points = {"ids": ids, "lats": lats, "lons": lons, "tree": tree}
        return self._points

    def nearest(self, lat: float, lon: float, *, limit: int = 1) -> list[tuple[Place, float]]:
        """The ``limit`` nearest places with their great-circle distances in km, nearest first."""
        import numpy as np
        import shapely

        lat, lon = validate_latlon(lat, lon)
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise InvalidInput("limit must be a positive integer.", limit=repr(limit))
        index = self._point_index()
        if index["tree"] is None:
            return []
        d = 0.25
        while True:
            if abs(lat) + d >= 89.0 or d >= 90.0:
                idx = np.arange(len(index["ids"]))
                if d < 90.0:
                    idx = idx[np.abs(index["lats"] - lat) <= d]
                guaranteed = d * 111.19 if d < 90.0 else math.inf
            else:
                # Widen longitudes by the box's most poleward latitude so the circle of radius
                # d degrees of latitude fits inside; wrap across the antimeridian.
                dlon = d / math.cos(math.radians(abs(lat) + d))
                lo, hi = lon - dlon, lon + dlon
                boxes = [shapely.box(max(lo, -180.0), lat - d, min(hi, 180.0), lat + d)]
                if lo < -180.0:
                    boxes.append(shapely.box(lo + 360.0, lat - d, 180.0, lat + d))
                if hi > 180.0:
                    boxes.append(shapely.box(-180.0, lat - d, hi - 360.0, lat + d))
                # A mask, not np.unique: far at sea the boxes hold most of the world's places
                # and hashing them cost ~0.4 s per lookup.
                mask = np.zeros(len(index["ids"]), dtype=bool)
                mask[index["tree"].query(boxes)[1]] = True
                idx = np.flatnonzero(mask)
                guaranteed = d * 111.19
            if len(idx) >= limit or d >= 90.0:
                dist = _haversine_np(lat, lon, index["lats"][idx], index["lons"][idx])
                if len(dist) > limit:
                    # Partition first: a full sort of a world's distances is the slow part.
                    kth = np.partition(dist, limit - 1)[limit - 1]
                    tie = np.flatnonzero(dist <= kth)  # ties keep index order, as a stable sort
                    order = tie[np.argsort(dist[tie], kind="stable")][:limit]
                else:
                    order = np.argsort(dist, kind="stable")[:limit]
                if len(order) and (dist[order[-1]] <= guaranteed or d >= 90.0):
                    out = []
                    for k in order:
                        place = self._get(int(index["ids"][idx[k]]))
                        if place is not None:
                            out.append((place, float(dist[k])))
                    return out
            d *= 4 if d < 4 else 2  # finer steps once the boxes hold many places

    def _admin1_near(self, country: Place, place: Place) -> Place | None:
        if place.country_code != country.country_code or not place.admin1:
            return None
        return place if place.is_admin1 else self.admin1_of(place)

    def reverse(self, lat: float, lon: float) -> ReverseResult:
        """Containing country (point in polygon), admin-1/region and the nearest place."""
        lat, lon = validate_latlon(lat, lon)
        country, region = self.containing(lat, lon)
        near = self.nearest(lat, lon, limit=1)
        if not near:
            raise GazetteerUnavailable("The gazetteer holds no places.")
        nearest, dist = near[0]
        admin1 = region
        if admin1 is None and country is not None:
            admin1 = self._admin1_near(country, nearest)
            if admin1 is None:
                # The nearest place may lie across a border: try the next few.
                for place, _d in self.nearest(lat, lon, limit=8)[1:]:
                    admin1 = self._admin1_near(country, place)
                    if admin1 is not None:
                        break
        return ReverseResult(country, admin1, nearest, dist, region)

    def __repr__(self) -> str:
        return f"Gazetteer({str(self.path)!r})"
