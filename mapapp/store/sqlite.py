"""SQLite incident store: the embedded default backend.

Design (see the README's "Incident store" section):

- WAL journal (readers never block the writer), ``busy_timeout`` so concurrent writers wait
  instead of failing, and every write runs in ``BEGIN IMMEDIATE`` so there is one writer at a
  time and a write transaction never has to be upgraded (which is where SQLITE_BUSY deadlocks
  come from).
- ``incidents`` keeps only the columns queries filter and sort on (layer, event_date,
  event_type, lat, lon, reviewed, article_key: ~100 bytes a row), and ``incident_docs`` the
  whole incident as a JSON document keyed by the same rowid, so a round trip is exact (``add``
  then ``get`` returns an equal ``Incident``) whatever the model grows. Keeping the ~1 KB
  documents out of ``incidents`` is what makes wide queries cheap: the exact count and the
  sort of a map viewport matching thousands of incidents read a few dozen small pages, and
  only the page that is returned reads its documents (schema version 2).
- Two R*Trees index the points for bbox queries: ``incidents_rtree`` (position and day) for
  queries with dates, ``incidents_rtree_xy`` (position only) for queries without: an
  unconstrained third dimension makes the 3-D tree visit ~50x more nodes for a plain map
  viewport.
- A map viewport without dates (the web items query) is answered from ``incidents_grid``, a
  copy of the columns it filters and sorts on clustered by 0.1 degree cell (schema version 3):
  whichever tree finds the ~2,000 matches of a 0.5 degree viewport over 10^6 incidents, reading
  their rows costs one random lookup each (3.5 ms), while in the grid they sit in a few runs of
  neighbouring pages (0.5 ms). An R*Tree's auxiliary columns were measured too and are slower
  than ``incidents`` (they live in a shadow table keyed by rowid). Taller boxes use the trees.
- Triggers keep the trees, the grid and the per-layer statistics (count, date range, bbox) in
  step with ``incidents`` inside the same transaction, so ``get_layer`` is a single-row read.
  Deletes and moves mark the statistics stale; they are recomputed on the next read.
- Opening is cheap: one ``PRAGMA user_version`` read; the schema is created only when the
  version is 0 (new file). An older file is migrated in place on first open, in one write
  transaction (all or nothing; readers see the old or the new layout, never a mix): version 1
  (documents inside ``incidents``) to 2, version 2 (no grid) to 3. A file of a newer version
  is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gazetteer.coords import to_position, validate_latlon
from mapapp.errors import (
    InvalidInput,
    InvalidQuery,
    StoreError,
    UnknownIncident,
    UnknownLayer,
)
from mapapp.incidents.model import EVENT_TYPES, Incident, Location, Source
from mapapp.store.base import (
    Article,
    BBox,
    IncidentStore,
    IngestResult,
    Layer,
    QueryResult,
    check_bbox,
)

SCHEMA_VERSION = 3
BUSY_TIMEOUT_MS = 10_000
MAX_LAYER_NAME = 64
CACHE_KIB = 32_768  # per connection page cache (SQLite's default is 2 MiB)
# Memory-mapped reads skip a read() system call per page: bbox queries that visit thousands of
# rows take a third less time. Address space only; the OS page cache holds the data.
MMAP_BYTES = 1 << 30
_EPOCH = dt.date(1970, 1, 1)
_FETCH = 1000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS layers (
    name TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    count INTEGER NOT NULL DEFAULT 0,
    min_date TEXT, max_date TEXT,
    min_lon REAL, min_lat REAL, max_lon REAL, max_lat REAL,
    stale INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS articles (
    layer TEXT NOT NULL REFERENCES layers(name) ON DELETE CASCADE,
    key TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    url TEXT, title TEXT, publisher TEXT, published TEXT,
    text TEXT NOT NULL,
    raw TEXT NOT NULL DEFAULT '{}',
    incidents INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (layer, key)
);

CREATE TABLE IF NOT EXISTS incidents (
    rid INTEGER PRIMARY KEY,
    layer TEXT NOT NULL REFERENCES layers(name) ON DELETE CASCADE,
    id TEXT NOT NULL,
    article_key TEXT,
    event_date TEXT,
    event_type TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    reviewed INTEGER NOT NULL DEFAULT 0,
    UNIQUE (layer, id)
);
-- The documents live apart so that incidents rows stay small (see the module docstring).
CREATE TABLE IF NOT EXISTS incident_docs (
    rid INTEGER PRIMARY KEY,
    doc TEXT NOT NULL
);
-- The query order is (event_date DESC, id ASC): this index serves it without a sort.
CREATE INDEX IF NOT EXISTS incidents_layer_date ON incidents (layer, event_date DESC, id);
CREATE INDEX IF NOT EXISTS incidents_layer_type ON incidents (layer, event_type, event_date DESC);
CREATE INDEX IF NOT EXISTS incidents_article ON incidents (layer, article_key);

-- Three dimensions: position and day (days since 1970-01-01; undated incidents far in the past,
-- so no date range matches them), so a bbox + date query finds its rows in the tree instead of
-- visiting every incident of the box. (A fourth, constant-per-layer dimension made the tree
-- 100x slower to search: the R* split heuristics degrade; the layer is checked on the row.)
CREATE VIRTUAL TABLE IF NOT EXISTS incidents_rtree USING rtree (
    rid, min_lon, max_lon, min_lat, max_lat, min_day, max_day
);
-- Position only, for bbox queries without dates (a 0.5 degree viewport over 10^6 incidents:
-- 0.3 ms here, 15 ms in the 3-D tree, which must visit every time slice of the area).
CREATE VIRTUAL TABLE IF NOT EXISTS incidents_rtree_xy USING rtree (
    rid, min_lon, max_lon, min_lat, max_lat
);
-- A copy of what a bbox query without dates filters and sorts on, clustered by 0.1 degree
-- cell (row-major: lat row * 3601 + lon column), so a viewport's rows are a few contiguous
-- runs of pages. Reading them through either R*Tree costs one random row lookup per match
-- (~2,000 for a 0.5 degree viewport over 10^6 incidents: 3.5 ms, against 0.5 ms here; an
-- R*Tree's auxiliary columns are no better, they live in a table keyed by rowid too).
-- Schema version 3.
CREATE TABLE IF NOT EXISTS incidents_grid (
    layer TEXT NOT NULL,
    cell INTEGER NOT NULL,
    rid INTEGER NOT NULL,
    lon REAL NOT NULL,
    lat REAL NOT NULL,
    event_date TEXT,
    id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    PRIMARY KEY (layer, cell, rid)
) WITHOUT ROWID;

-- Incidents a person deleted: re-ingesting their article must not bring them back.
CREATE TABLE IF NOT EXISTS tombstones (
    layer TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (layer, id)
);

CREATE TRIGGER IF NOT EXISTS incidents_ai AFTER INSERT ON incidents BEGIN
    INSERT INTO incidents_rtree VALUES (
        new.rid, new.lon, new.lon, new.lat, new.lat,
        coalesce(julianday(new.event_date) - 2440587.5, -1e9),
        coalesce(julianday(new.event_date) - 2440587.5, -1e9)
    );
    INSERT INTO incidents_rtree_xy VALUES (new.rid, new.lon, new.lon, new.lat, new.lat);
    INSERT INTO incidents_grid VALUES (
        new.layer, CAST((new.lat + 90) * 10 AS INTEGER) * 3601 + CAST((new.lon + 180) * 10 AS INTEGER),
        new.rid, new.lon, new.lat, new.event_date, new.id, new.event_type
    );
    UPDATE layers SET
        count = count + 1,
        min_date = CASE WHEN new.event_date IS NULL THEN min_date
                        WHEN min_date IS NULL OR new.event_date < min_date THEN new.event_date
                        ELSE min_date END,
        max_date = CASE WHEN new.event_date IS NULL THEN max_date
                        WHEN max_date IS NULL OR new.event_date > max_date THEN new.event_date
                        ELSE max_date END,
        min_lon = min(coalesce(min_lon, new.lon), new.lon),
        min_lat = min(coalesce(min_lat, new.lat), new.lat),
        max_lon = max(coalesce(max_lon, new.lon), new.lon),
        max_lat = max(coalesce(max_lat, new.lat), new.lat)
    WHERE name = new.layer;
END;

CREATE TRIGGER IF NOT EXISTS incidents_ad AFTER DELETE ON incidents BEGIN
    DELETE FROM incidents_rtree WHERE rid = old.rid;
    DELETE FROM incidents_rtree_xy WHERE rid = old.rid;
    DELETE FROM incidents_grid WHERE layer = old.layer AND rid = old.rid
        AND cell = CAST((old.lat + 90) * 10 AS INTEGER) * 3601 + CAST((old.lon + 180) * 10 AS INTEGER);
    DELETE FROM incident_docs WHERE rid = old.rid;
    UPDATE layers SET count = count - 1, stale = 1 WHERE name = old.layer;
END;

CREATE TRIGGER IF NOT EXISTS incidents_au
AFTER UPDATE OF lat, lon, event_date, event_type ON incidents BEGIN
    UPDATE incidents_rtree SET min_lon = new.lon, max_lon = new.lon,
                               min_lat = new.lat, max_lat = new.lat,
                               min_day = coalesce(julianday(new.event_date) - 2440587.5, -1e9),
                               max_day = coalesce(julianday(new.event_date) - 2440587.5, -1e9)
    WHERE rid = new.rid;
    UPDATE incidents_rtree_xy SET min_lon = new.lon, max_lon = new.lon,
                                  min_lat = new.lat, max_lat = new.lat
    WHERE rid = new.rid;
    UPDATE incidents_grid SET
        cell = CAST((new.lat + 90) * 10 AS INTEGER) * 3601 + CAST((new.lon + 180) * 10 AS INTEGER),
        lon = new.lon, lat = new.lat, event_date = new.event_date, event_type = new.event_type
    WHERE layer = old.layer AND rid = old.rid
        AND cell = CAST((old.lat + 90) * 10 AS INTEGER) * 3601 + CAST((old.lon + 180) * 10 AS INTEGER);
    UPDATE layers SET stale = 1 WHERE name = new.layer;
END;
"""

# Grid cells: 0.1 degree, row-major (the schema's triggers and ``_FILL_GRID`` spell out 10 and
# 3601). Python and SQLite compute them with the same double operations, and truncation is
# monotonic, so a box's cell range holds every point inside it.
_GRID_PER_DEGREE = 10
_GRID_COLUMNS = 360 * _GRID_PER_DEGREE + 1
# Taller boxes fall back to the R*Tree (one range scan per grid row; SQLite also caps a
# compound SELECT at 500 parts).
_GRID_MAX_ROWS = 40
# Fills ``incidents_grid`` from ``incidents i`` (callers add ORDER BY 1, 2, 3: rows inserted in
# key order fill the table's pages in sequence instead of splitting pages all over it).
_FILL_GRID = (
    "INSERT INTO incidents_grid SELECT i.layer,"
    " CAST((i.lat + 90) * 10 AS INTEGER) * 3601 + CAST((i.lon + 180) * 10 AS INTEGER),"
    " i.rid, i.lon, i.lat, i.event_date, i.id, i.event_type FROM incidents i"
)

_STAT_COLUMNS = "count(*), min(event_date), max(event_date), min(lon), min(lat), max(lon), max(lat)"

_UPDATABLE = {
    "location",
    "lat",
    "lon",
    "name",
    "event_type",
    "sub_event_type",
    "event_date",
    "date_precision",
    "date_note",
    "actors",
    "fatalities",
    "fatalities_lower_bound",
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _check_layer_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("A layer name must be non-empty text.")
    if len(name) > MAX_LAYER_NAME:
        raise InvalidInput(f"A layer name must be at most {MAX_LAYER_NAME} characters.")
    if not all(c.isalnum() or c in "-_." for c in name) or not name[0].isalnum():
        raise InvalidInput(
            "A layer name may contain letters, digits, '-', '_' and '.', "
            "and must start with a letter or digit.",
            layer=name,
        )
    return name


# -- incident <-> JSON document ------------------------------------------------------------------


def incident_to_doc(inc: Incident) -> dict[str, Any]:
    """Every field of the incident, JSON-safe (ISO dates); the inverse is ``incident_from_doc``."""
    loc, src = inc.location, inc.source
    return {
        "id": inc.id,
        "layer": inc.layer,
        "event_type": inc.event_type,
        "sub_event_type": inc.sub_event_type,
        "event_date": inc.event_date.isoformat() if inc.event_date else None,
        "date_precision": inc.date_precision,
        "date_note": inc.date_note,
        "actors": list(inc.actors),
        "fatalities": inc.fatalities,
        "fatalities_lower_bound": inc.fatalities_lower_bound,
        "location": {
            "name": loc.name,
            "lat": loc.lat,
            "lon": loc.lon,
            "geonameid": loc.geonameid,
            "feature_code": loc.feature_code,
            "admin1": loc.admin1,
            "country_code": loc.country_code,
            "geo_precision": loc.geo_precision,
        },
        "sentences": list(inc.sentences),
        "rule": inc.rule,
        "source": {
            "url": src.url,
            "title": src.title,
            "publisher": src.publisher,
            "published": src.published.isoformat() if src.published else None,
        },
        "article_id": inc.article_id,
        "created_at": inc.created_at.isoformat() if inc.created_at else None,
        "updated_at": inc.updated_at.isoformat() if inc.updated_at else None,
        "reviewed": inc.reviewed,
        "raw": inc.raw,
    }


def incident_from_doc(doc: dict[str, Any]) -> Incident:
    loc, src = doc["location"], doc["source"]
    ed, pub = doc["event_date"], src["published"]
    ca, ua = doc["created_at"], doc["updated_at"]
    return Incident(
        id=doc["id"],
        layer=doc["layer"],
        event_type=doc["event_type"],
        location=Location(**loc),
        sub_event_type=doc["sub_event_type"],
        event_date=dt.date.fromisoformat(ed) if ed else None,
        date_precision=doc["date_precision"],
        date_note=doc["date_note"],
        actors=doc["actors"],
        fatalities=doc["fatalities"],
        fatalities_lower_bound=doc["fatalities_lower_bound"],
        sentences=doc["sentences"],
        rule=doc["rule"],
        source=Source(
            url=src["url"],
            title=src["title"],
            publisher=src["publisher"],
            published=dt.date.fromisoformat(pub) if pub else None,
        ),
        article_id=doc["article_id"],
        created_at=dt.datetime.fromisoformat(ca) if ca else None,
        updated_at=dt.datetime.fromisoformat(ua) if ua else None,
        reviewed=doc["reviewed"],
        raw=doc["raw"],
    )


def feature_from_doc(doc: dict[str, Any]) -> dict[str, Any]:
    """``incident_from_doc(doc).to_feature()`` without building the ``Incident`` (exports).

    A test compares the two for varied incidents, so a change to ``Incident.properties`` that
    is not mirrored here fails loudly.
    """
    loc, src = doc["location"], doc["source"]
    return {
        "type": "Feature",
        "id": doc["id"],
        "geometry": {"type": "Point", "coordinates": to_position(loc["lat"], loc["lon"])},
        "properties": {
            "layer": doc["layer"],
            "event_date": doc["event_date"],
            "date_precision": doc["date_precision"],
            "date_note": doc["date_note"],
            "event_type": doc["event_type"],
            "sub_event_type": doc["sub_event_type"],
            "actors": doc["actors"],
            "fatalities": doc["fatalities"],
            "fatalities_lower_bound": doc["fatalities_lower_bound"],
            "location": loc["name"],
            "geonameid": loc["geonameid"],
            "feature_code": loc["feature_code"],
            "admin1": loc["admin1"],
            "country_code": loc["country_code"],
            "geo_precision": loc["geo_precision"],
            "sentences": doc["sentences"],
            "rule": doc["rule"],
            "source_url": src["url"],
            "source_title": src["title"],
            "source_publisher": src["publisher"],
            "source_published": src["published"],
            "article_id": doc["article_id"],
            "created_at": doc["created_at"],
            "updated_at": doc["updated_at"],
            "reviewed": doc["reviewed"],
        },
    }


def _dumps(doc: dict[str, Any]) -> str:
    try:
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"The incident cannot be stored as JSON: {exc}") from None


def _validate_incident(inc: Incident) -> None:
    if not isinstance(inc.id, str) or not inc.id.strip():
        raise InvalidInput("An incident needs a non-empty id.")
    _check_layer_name(inc.layer)
    if inc.event_type not in EVENT_TYPES:
        raise InvalidInput(
            f"Unknown event type {inc.event_type!r}; expected one of ACLED's: "
            + ", ".join(EVENT_TYPES),
            event_type=inc.event_type,
        )
    if inc.sub_event_type is not None and inc.sub_event_type not in EVENT_TYPES[inc.event_type]:
        raise InvalidInput(
            f"{inc.sub_event_type!r} is not a sub-event type of {inc.event_type!r}.",
            sub_event_type=inc.sub_event_type,
        )
    validate_latlon(inc.location.lat, inc.location.lon)


# -- query helpers -------------------------------------------------------------------------------


def _check_types(types: object) -> list[str]:
    """The wanted event types (empty: all); unknown ones are an ``InvalidQuery``."""
    if types is None:
        return []
    if isinstance(types, str):
        types = [types]
    wanted = [t for t in types if t]  # type: ignore[union-attr]
    bad = [t for t in wanted if t not in EVENT_TYPES]
    if bad:
        raise InvalidQuery(
            f"Unknown event type(s): {', '.join(map(repr, bad))}.",
            allowed=list(EVENT_TYPES),
        )
    return wanted


def _check_date(value: object, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise InvalidQuery(f"{name} must be a date (YYYY-MM-DD), got {value!r}.")


class SQLiteStore(IncidentStore):
    """Incident layers in one SQLite file. One instance = one connection = one thread."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout_ms: int | None = None,
        create: bool = True,
    ) -> None:
        """Open (and on first use create) the store.

        ``timeout_ms`` bounds how long one ``query``/``count`` may run (``StoreError`` after it;
        default ``MAPAPP_QUERY_TIMEOUT_MS``, 0 for none; streamed exports are not bounded);
        ``create=False`` refuses to create a missing file.
        """
        self.path = Path(path)
        if timeout_ms is None:
            from mapapp.settings import load

            timeout_ms = int(load()["QUERY_TIMEOUT_MS"])
        self.timeout_ms = timeout_ms
        if str(path) != ":memory:" and not self.path.exists():
            if not create:
                raise StoreError(
                    "The incident store does not exist; run `mapapp init-db`.",
                )
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError:
                raise StoreError("Cannot create the incident store's directory.") from None
        try:
            # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
            self._conn = sqlite3.connect(
                str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
        except sqlite3.Error:
            raise StoreError("Cannot open the incident store.") from None
        self._owner = threading.get_ident()
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            self._conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                self._create_schema()
            elif version < SCHEMA_VERSION:
                self._migrate()
            elif version > SCHEMA_VERSION:
                raise StoreError(
                    "The incident store was written by a newer version of mapapp.",
                    schema_version=version,
                )
        except sqlite3.DatabaseError:
            self._conn.close()
            raise StoreError("The incident store file is not a valid SQLite database.") from None
        except StoreError:
            self._conn.close()
            raise

    # -- plumbing ---------------------------------------------------------------------------

    def _create_schema(self) -> None:
        # WAL is a property of the file: set once, then every connection uses it.
        self._conn.execute("PRAGMA journal_mode = WAL")
        with self._write():
            if self._conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                for statement in _split_sql(_SCHEMA):
                    self._conn.execute(statement)
                self._conn.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('created_at', ?)", (_now().isoformat(),)
                )
                self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _migrate(self) -> None:
        """Bring an older file to ``SCHEMA_VERSION`` in one write transaction (all or nothing).

        Another process may be migrating the same file: BEGIN IMMEDIATE waits for it (busy
        timeout), and the version is read again inside the transaction.
        """
        try:
            with self._write() as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version == 1:
                    _migrate_1_to_2(conn)
                    version = 2
                if version == 2:
                    _migrate_2_to_3(conn)
                    version = 3
                conn.execute(f"PRAGMA user_version = {version}")
        except (StoreError, sqlite3.Error) as exc:
            reason = exc.message if isinstance(exc, StoreError) else str(exc)
            raise StoreError(
                f"The incident store has an older layout and could not be upgraded: {reason}",
                schema_version=self._conn.execute("PRAGMA user_version").fetchone()[0],
            ) from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; BEGIN IMMEDIATE takes the write lock up front."""
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc):
                raise StoreError("The incident store is read-only.") from None
            raise StoreError("The incident store is busy; try again.") from None
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    @contextmanager
    def _deadline(self) -> Iterator[None]:
        if not self.timeout_ms:
            yield
            return
        limit = time.monotonic() + self.timeout_ms / 1000
        self._conn.set_progress_handler(lambda: int(time.monotonic() > limit), 10_000)
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise StoreError(
                    "The query took too long; narrow it (bbox, dates, types).",
                    timeout_ms=self.timeout_ms,
                ) from None
            raise
        finally:
            self._conn.set_progress_handler(None, 0)

    def close(self) -> None:
        self._conn.close()

    def integrity_check(self) -> str:
        """``ok`` or SQLite's description of the damage."""
        return self._conn.execute("PRAGMA integrity_check").fetchone()[0]

    # -- layers -----------------------------------------------------------------------------

    def ensure_layer(self, name: str, *, title: str = "", description: str = "") -> Layer:
        _check_layer_name(name)
        with self._write() as conn:
            self._ensure_layer(conn, name, title=title, description=description)
        return self.get_layer(name)

    def _ensure_layer(
        self, conn: sqlite3.Connection, name: str, *, title: str = "", description: str = ""
    ) -> None:
        now = _now().isoformat()
        conn.execute(
            "INSERT INTO layers (name, title, description, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO NOTHING",
            (name, title or name, description, now, now),
        )
        if title or description:
            conn.execute(
                "UPDATE layers SET title = CASE WHEN ? != '' THEN ? ELSE title END, "
                "description = CASE WHEN ? != '' THEN ? ELSE description END WHERE name = ?",
                (title, title, description, description, name),
            )

    def get_layer(self, name: str) -> Layer:
        row = self._conn.execute(
            "SELECT name, title, description, count, min_date, max_date, min_lon, min_lat,"
            " max_lon, max_lat, created_at, updated_at, stale FROM layers WHERE name = ?",
            (name,),
        ).fetchone()
        if row is None:
            raise UnknownLayer(f"No layer named {name!r}.", layer=name)
        if row[-1]:
            stats = self._conn.execute(
                f"SELECT {_STAT_COLUMNS} FROM incidents WHERE layer = ?", (name,)
            ).fetchone()
            row = (*row[:3], *stats, *row[10:])
            try:
                with self._write() as conn:
                    conn.execute(
                        "UPDATE layers SET (count, min_date, max_date, min_lon, min_lat, max_lon,"
                        f" max_lat, stale) = (SELECT {_STAT_COLUMNS}, 0 FROM incidents"
                        " WHERE layer = ?)"
                        " WHERE name = ?",
                        (name, name),
                    )
            except StoreError:
                pass  # read-only or busy: the fresh numbers are served, cached next time
        return _layer(row)

    def list_layers(self) -> list[Layer]:
        names = [r[0] for r in self._conn.execute("SELECT name FROM layers ORDER BY name")]
        return [self.get_layer(n) for n in names]

    def delete_layer(self, name: str) -> None:
        with self._write() as conn:
            self._require_layer(conn, name)
            conn.execute("DELETE FROM incidents WHERE layer = ?", (name,))
            conn.execute("DELETE FROM articles WHERE layer = ?", (name,))
            conn.execute("DELETE FROM tombstones WHERE layer = ?", (name,))
            conn.execute("DELETE FROM layers WHERE name = ?", (name,))

    def _require_layer(self, conn: sqlite3.Connection, name: str) -> None:
        if conn.execute("SELECT 1 FROM layers WHERE name = ?", (name,)).fetchone() is None:
            raise UnknownLayer(f"No layer named {name!r}.", layer=name)

    def _touch_layer(self, conn: sqlite3.Connection, name: str) -> None:
        conn.execute("UPDATE layers SET updated_at = ? WHERE name = ?", (_now().isoformat(), name))

    # -- incidents --------------------------------------------------------------------------

    def add(self, incident: Incident) -> Incident:
        _validate_incident(incident)
        with self._write() as conn:
            self._require_layer(conn, incident.layer)
            stored = self._insert(conn, incident, article_key=incident.article_id)
            self._touch_layer(conn, incident.layer)
        return stored

    def add_many(self, incidents: Iterable[Incident], *, bulk: bool = False) -> int:
        """Insert many incidents in one transaction (all or nothing); returns how many.

        ``bulk=True`` (large imports) suspends the per-row R*Tree/statistics trigger and indexes
        the new rows in one statement at the end, several times faster for 10^5+ rows.
        """
        n = 0
        with self._write() as conn:
            layers: set[str] = set()
            first = conn.execute("SELECT coalesce(max(rid), 0) + 1 FROM incidents").fetchone()[0]
            if bulk:
                conn.execute("DROP TRIGGER incidents_ai")
            for inc in incidents:
                _validate_incident(inc)
                if inc.layer not in layers:
                    self._require_layer(conn, inc.layer)
                    layers.add(inc.layer)
                self._insert(conn, inc, article_key=inc.article_id)
                n += 1
            if bulk:
                conn.execute(
                    "INSERT INTO incidents_rtree SELECT i.rid, i.lon, i.lon, i.lat, i.lat,"
                    " coalesce(julianday(i.event_date) - 2440587.5, -1e9),"
                    " coalesce(julianday(i.event_date) - 2440587.5, -1e9)"
                    " FROM incidents i WHERE i.rid >= ?",
                    (first,),
                )
                conn.execute(
                    "INSERT INTO incidents_rtree_xy SELECT i.rid, i.lon, i.lon, i.lat, i.lat"
                    " FROM incidents i WHERE i.rid >= ?",
                    (first,),
                )
                conn.execute(f"{_FILL_GRID} WHERE i.rid >= ? ORDER BY 1, 2, 3", (first,))
                conn.execute(_statement("incidents_ai"))
                conn.executemany(
                    "UPDATE layers SET stale = 1 WHERE name = ?", [(name,) for name in layers]
                )
            for name in layers:
                self._touch_layer(conn, name)
        return n

    def _insert(
        self, conn: sqlite3.Connection, inc: Incident, *, article_key: str | None
    ) -> Incident:
        now = _now()
        doc = incident_to_doc(inc)
        doc["created_at"] = doc["created_at"] or now.isoformat()
        doc["updated_at"] = doc["updated_at"] or doc["created_at"]
        text = _dumps(doc)
        try:
            rid = conn.execute(
                "INSERT INTO incidents (layer, id, article_key, event_date, event_type, lat, lon,"
                " reviewed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    inc.layer,
                    inc.id,
                    article_key,
                    doc["event_date"],
                    inc.event_type,
                    float(inc.location.lat),
                    float(inc.location.lon),
                    int(bool(inc.reviewed)),
                ),
            ).lastrowid
        except sqlite3.IntegrityError:
            raise InvalidInput(
                f"Layer {inc.layer!r} already has an incident with id {inc.id!r}.",
                layer=inc.layer,
                id=inc.id,
            ) from None
        conn.execute("INSERT INTO incident_docs (rid, doc) VALUES (?, ?)", (rid, text))
        return incident_from_doc(doc)

    def get(self, layer: str, incident_id: str) -> Incident:
        row = self._conn.execute(
            "SELECT d.doc FROM incidents i JOIN incident_docs d ON d.rid = i.rid"
            " WHERE i.layer = ? AND i.id = ?",
            (layer, incident_id),
        ).fetchone()
        if row is None:
            self._require_layer(self._conn, layer)
            raise UnknownIncident(
                f"No incident {incident_id!r} in layer {layer!r}.", layer=layer, id=incident_id
            )
        return incident_from_doc(json.loads(row[0]))

    def update(
        self, layer: str, incident_id: str, changes: dict[str, Any], *, reviewed: bool = True
    ) -> Incident:
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise InvalidInput(
                "These fields cannot be changed: " + ", ".join(sorted(unknown)),
                allowed=sorted(_UPDATABLE),
            )
        with self._write() as conn:
            current = self.get(layer, incident_id)
            inc = _apply_changes(current, changes)
            inc.reviewed = bool(reviewed) or current.reviewed
            inc.updated_at = _now()
            _validate_incident(inc)
            doc = incident_to_doc(inc)
            text = _dumps(doc)
            rid = conn.execute(
                "UPDATE incidents SET event_date = ?, event_type = ?, lat = ?, lon = ?,"
                " reviewed = ? WHERE layer = ? AND id = ? RETURNING rid",
                (
                    doc["event_date"],
                    inc.event_type,
                    float(inc.location.lat),
                    float(inc.location.lon),
                    int(inc.reviewed),
                    layer,
                    incident_id,
                ),
            ).fetchone()[0]
            conn.execute("UPDATE incident_docs SET doc = ? WHERE rid = ?", (text, rid))
            self._touch_layer(conn, layer)
        return incident_from_doc(doc)

    def delete(self, layer: str, incident_id: str) -> None:
        with self._write() as conn:
            row = conn.execute(
                "SELECT article_key FROM incidents WHERE layer = ? AND id = ?",
                (layer, incident_id),
            ).fetchone()
            if row is None:
                self._require_layer(conn, layer)
                raise UnknownIncident(
                    f"No incident {incident_id!r} in layer {layer!r}.", layer=layer, id=incident_id
                )
            conn.execute("DELETE FROM incidents WHERE layer = ? AND id = ?", (layer, incident_id))
            if row[0] is not None:
                # A person removed an extracted incident: re-ingestion must respect that.
                conn.execute("INSERT OR IGNORE INTO tombstones VALUES (?, ?)", (layer, incident_id))
            self._touch_layer(conn, layer)

    # -- queries ----------------------------------------------------------------------------

    def _where(
        self,
        layer: str,
        bbox: Sequence[float] | None,
        start: object,
        end: object,
        types: Sequence[str] | None,
    ) -> tuple[str, list[Any]]:
        box = check_bbox(bbox)
        s, e = _check_date(start, "start"), _check_date(end, "end")
        if s and e and s > e:
            raise InvalidQuery("start is after end.", start=s, end=e)
        self._require_layer(self._conn, layer)
        clauses, params = ["i.layer = ?"], [layer]
        if box is not None:
            min_lon, min_lat, max_lon, max_lat = box
            # With a bbox the rows always come from an R*Tree: ``+i.layer`` keeps the planner
            # from scanning the layer's index instead (it does that without ANALYZE statistics,
            # and it is 10x slower for a viewport).
            clauses[0] = "+i.layer = ?"
            # The R*Tree narrows by position (and day when dates are given) at once (it stores
            # float32 rounded outward, so it may return a few extra rows); the exact tests on
            # the columns decide.
            name = "incidents_rtree" if s or e else "incidents_rtree_xy"
            tree = f"SELECT rid FROM {name} WHERE min_lat <= ? AND max_lat >= ?"
            tree_params: list[Any] = [max_lat, min_lat]
            if s:
                tree += " AND max_day >= ?"
                tree_params.append(float((dt.date.fromisoformat(s) - _EPOCH).days))
            if e:
                tree += " AND min_day <= ?"
                tree_params.append(float((dt.date.fromisoformat(e) - _EPOCH).days))
            if min_lon <= max_lon:
                clauses.append(
                    f"i.rid IN ({tree} AND min_lon <= ? AND max_lon >= ?)"
                    " AND i.lon BETWEEN ? AND ? AND i.lat BETWEEN ? AND ?"
                )
                params += [*tree_params, max_lon, min_lon]
                params += [min_lon, max_lon, min_lat, max_lat]
            else:  # crosses the antimeridian: the part east of min_lon and the part west of max_lon
                clauses.append(
                    f"i.rid IN ({tree} AND max_lon >= ? UNION ALL {tree} AND min_lon <= ?)"
                    " AND (i.lon >= ? OR i.lon <= ?) AND i.lat BETWEEN ? AND ?"
                )
                params += [*tree_params, min_lon, *tree_params, max_lon]
                params += [min_lon, max_lon, min_lat, max_lat]
        if s:
            clauses.append("i.event_date >= ?")
            params.append(s)
        if e:
            clauses.append("i.event_date <= ?")
            params.append(e)
        wanted = _check_types(types)
        if wanted:
            clauses.append(f"i.event_type IN ({', '.join('?' * len(wanted))})")
            params += wanted
        return " AND ".join(clauses), params

    def _grid_source(
        self, layer: str, bbox: Sequence[float] | None, start: object, end: object, types: object
    ) -> tuple[str, list[Any]] | None:
        """For a bbox query without dates and at most ``_GRID_MAX_ROWS`` grid rows tall: a
        ``SELECT rid, event_date, id`` of exactly the matching incidents, read from
        ``incidents_grid`` alone; None for other queries. Call after ``_where`` (validation)."""
        box = check_bbox(bbox)
        if box is None or start is not None or end is not None:
            return None
        min_lon, min_lat, max_lon, max_lat = box
        row0 = int((min_lat + 90) * _GRID_PER_DEGREE)
        row1 = int((max_lat + 90) * _GRID_PER_DEGREE)
        if row1 - row0 + 1 > _GRID_MAX_ROWS:
            return None
        col0 = int((min_lon + 180) * _GRID_PER_DEGREE)
        col1 = int((max_lon + 180) * _GRID_PER_DEGREE)
        # Crossing the antimeridian: east of min_lon, then west of max_lon (disjoint, as the
        # exact longitude tests make them, so UNION ALL counts every incident once).
        if min_lon <= max_lon:
            spans = [(col0, col1, "lon BETWEEN ? AND ?", [min_lon, max_lon])]
        else:
            spans = [
                (col0, _GRID_COLUMNS - 1, "lon >= ?", [min_lon]),
                (0, col1, "lon <= ?", [max_lon]),
            ]
        wanted = _check_types(types)
        type_test = f" AND event_type IN ({', '.join('?' * len(wanted))})" if wanted else ""
        parts, params = [], []
        for row in range(row0, row1 + 1):
            for first, last, lon_test, lon_params in spans:
                # The cells hold whole 0.1 degree squares: the exact tests decide at the edges.
                parts.append(
                    "SELECT rid, event_date, id FROM incidents_grid"
                    " WHERE layer = ? AND cell BETWEEN ? AND ?"
                    f" AND {lon_test} AND lat BETWEEN ? AND ?{type_test}"
                )
                base = row * _GRID_COLUMNS
                params += [layer, base + first, base + last, *lon_params, min_lat, max_lat]
                params += wanted
        return " UNION ALL ".join(parts), params

    def query(
        self,
        layer: str,
        *,
        bbox: BBox | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        types: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> QueryResult:
        items, matched = self._query(
            layer, bbox, start, end, types, limit, offset, decode=incident_from_doc
        )
        return QueryResult(items=items, number_matched=matched)

    def query_features(
        self,
        layer: str,
        *,
        bbox: BBox | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        types: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        """Like ``query`` but the page is GeoJSON Features (``Incident.to_feature()`` form)
        made straight from the stored documents, and the count beside it (OGC items pages)."""
        return self._query(layer, bbox, start, end, types, limit, offset, decode=feature_from_doc)

    def _query(
        self,
        layer: str,
        bbox: BBox | None,
        start: dt.date | None,
        end: dt.date | None,
        types: Sequence[str] | None,
        limit: int | None,
        offset: int,
        *,
        decode: Callable[[dict[str, Any]], Any],
    ) -> tuple[list[Any], int]:
        where, params = self._where(layer, bbox, start, end, types)
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise InvalidQuery("limit must be an integer.")
        if limit is not None and limit < 0:
            raise InvalidQuery("limit must not be negative.")
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise InvalidQuery("offset must be a non-negative integer.")
        page = [*params, -1 if limit is None else limit, offset]
        grid = self._grid_source(layer, bbox, start, end, types)
        with self._deadline():
            if grid is not None:
                # A viewport without dates: count, sort and page the grid's small rows (one
                # pass; the window is computed before LIMIT), then read the page's documents.
                src, src_params = grid
                rows = self._conn.execute(
                    "SELECT p.matched, d.doc FROM (SELECT rid, event_date, id,"
                    f" count(*) OVER () AS matched FROM ({src})"
                    " ORDER BY event_date DESC, id LIMIT ? OFFSET ?) p"
                    " JOIN incident_docs d ON d.rid = p.rid ORDER BY p.event_date DESC, p.id",
                    [*src_params, -1 if limit is None else limit, offset],
                ).fetchall()
                if rows:
                    return [decode(json.loads(r[1])) for r in rows], rows[0][0]
                if limit != 0 and offset == 0:
                    return [], 0
                matched = self._conn.execute(
                    f"SELECT count(*) FROM ({src})", src_params
                ).fetchone()[0]
                return [], matched
            if bbox is not None and limit != 0:
                # One pass over the R*Tree's matches gives both the page and the exact count
                # (the window is computed before LIMIT); sort the small rows, then read only the
                # page's documents.
                rows = self._conn.execute(
                    "SELECT p.matched, d.doc FROM (SELECT i.rid, i.event_date, i.id,"
                    f" count(*) OVER () AS matched FROM incidents i WHERE {where}"
                    " ORDER BY i.event_date DESC, i.id LIMIT ? OFFSET ?) p"
                    " JOIN incident_docs d ON d.rid = p.rid ORDER BY p.event_date DESC, p.id",
                    page,
                ).fetchall()
                if rows:
                    return [decode(json.loads(r[1])) for r in rows], rows[0][0]
            # Without a bbox the layer's date index yields the page in order (no sort), so a
            # separate count is cheaper than a window over the whole layer.
            matched = self._conn.execute(
                f"SELECT count(*) FROM incidents i WHERE {where}", params
            ).fetchone()[0]
            if limit == 0 or offset >= matched:
                return [], matched
            rows = self._conn.execute(
                "SELECT d.doc FROM (SELECT i.rid, i.event_date, i.id FROM incidents i"
                f" WHERE {where} ORDER BY i.event_date DESC, i.id LIMIT ? OFFSET ?) p"
                " JOIN incident_docs d ON d.rid = p.rid ORDER BY p.event_date DESC, p.id",
                page,
            ).fetchall()
        return [decode(json.loads(r[0])) for r in rows], matched

    def iter_query(self, layer: str, **filters: Any) -> Iterator[Incident]:
        allowed = {"bbox", "start", "end", "types", "limit"}
        unknown = set(filters) - allowed
        if unknown:
            raise InvalidQuery("Unknown filter(s): " + ", ".join(sorted(unknown)))
        limit = filters.pop("limit", None)
        where, params = self._where(layer, **{k: filters.get(k) for k in allowed - {"limit"}})
        return self._iter(where, params, limit)

    def iter_features(self, layer: str, **filters: Any) -> Iterator[dict[str, Any]]:
        """Like ``iter_query`` but yields GeoJSON Features (``Incident.to_feature()`` form)
        straight from the stored documents: the fast path for large exports."""
        allowed = {"bbox", "start", "end", "types", "limit"}
        unknown = set(filters) - allowed
        if unknown:
            raise InvalidQuery("Unknown filter(s): " + ", ".join(sorted(unknown)))
        limit = filters.pop("limit", None)
        where, params = self._where(layer, **{k: filters.get(k) for k in allowed - {"limit"}})
        return self._iter(where, params, limit, decode=feature_from_doc)

    def _iter(
        self,
        where: str,
        params: list[Any],
        limit: int | None,
        decode: Callable[[dict[str, Any]], Any] = incident_from_doc,
    ) -> Iterator[Any]:
        cur = self._conn.execute(
            f"SELECT d.doc FROM incidents i JOIN incident_docs d ON d.rid = i.rid WHERE {where}"
            " ORDER BY i.event_date DESC, i.id LIMIT ?",
            [*params, -1 if limit is None else limit],
        )
        try:
            while rows := cur.fetchmany(_FETCH):
                for (doc,) in rows:
                    yield decode(json.loads(doc))
        finally:
            cur.close()

    def count(self, layer: str, **filters: Any) -> int:
        """How many incidents match (same filters as ``query``)."""
        where, params = self._where(
            layer,
            filters.get("bbox"),
            filters.get("start"),
            filters.get("end"),
            filters.get("types"),
        )
        grid = self._grid_source(
            layer,
            filters.get("bbox"),
            filters.get("start"),
            filters.get("end"),
            filters.get("types"),
        )
        if grid is not None:
            params = grid[1]
            sql = f"SELECT count(*) FROM ({grid[0]})"
        else:
            sql = f"SELECT count(*) FROM incidents i WHERE {where}"
        with self._deadline():
            return self._conn.execute(sql, params).fetchone()[0]

    # -- articles ---------------------------------------------------------------------------

    def get_article(self, layer: str, key: str) -> Article | None:
        row = self._conn.execute(
            "SELECT key, text, content_hash, url, title, publisher, published, raw"
            " FROM articles WHERE layer = ? AND key = ?",
            (layer, key),
        ).fetchone()
        if row is None:
            return None
        return Article(
            key=row[0],
            text=row[1],
            content_hash=row[2],
            url=row[3],
            title=row[4],
            publisher=row[5],
            published=dt.date.fromisoformat(row[6]) if row[6] else None,
            raw=json.loads(row[7]),
        )

    def article_count(self, layer: str) -> int:
        return self._conn.execute(
            "SELECT count(*) FROM articles WHERE layer = ?", (layer,)
        ).fetchone()[0]

    def article_incidents(self, layer: str, key: str) -> list[Incident]:
        """The incidents an article produced (reviewed or not), in query order."""
        rows = self._conn.execute(
            "SELECT d.doc FROM incidents i JOIN incident_docs d ON d.rid = i.rid"
            " WHERE i.layer = ? AND i.article_key = ? ORDER BY i.event_date DESC, i.id",
            (layer, key),
        ).fetchall()
        return [incident_from_doc(json.loads(r[0])) for r in rows]

    def ingest(self, layer: str, article: Article, incidents: Iterable[Incident]) -> IngestResult:
        _check_layer_name(layer)
        if not article.key:
            raise InvalidInput("An article needs a key (its URL or a hash of its text).")
        incidents = list(incidents)
        for inc in incidents:
            if inc.layer != layer:
                raise InvalidInput(
                    f"Incident {inc.id!r} belongs to layer {inc.layer!r}, not {layer!r}."
                )
            _validate_incident(inc)
        now = _now().isoformat()
        with self._write() as conn:
            self._ensure_layer(conn, layer)
            row = conn.execute(
                "SELECT content_hash FROM articles WHERE layer = ? AND key = ?",
                (layer, article.key),
            ).fetchone()
            if row is not None and row[0] == article.content_hash:
                stored = conn.execute(
                    "SELECT count(*) FROM incidents WHERE layer = ? AND article_key = ?",
                    (layer, article.key),
                ).fetchone()[0]
                return IngestResult(article.key, "unchanged", stored)
            status = "added" if row is None else "updated"
            # People's corrections win: reviewed incidents are kept as they are, and incidents
            # a person deleted (tombstones) are not re-created.
            keep = {
                r[0]
                for r in conn.execute(
                    "SELECT id FROM incidents WHERE layer = ? AND article_key = ? AND reviewed = 1",
                    (layer, article.key),
                )
            }
            conn.execute(
                "DELETE FROM incidents WHERE layer = ? AND article_key = ? AND reviewed = 0",
                (layer, article.key),
            )
            tomb = {
                r[0]
                for r in conn.execute(
                    "SELECT t.id FROM tombstones t WHERE t.layer = ?"
                    " AND t.id IN (SELECT value FROM json_each(?))",
                    (layer, json.dumps([i.id for i in incidents])),
                )
            }
            seen: set[str] = set()
            for inc in incidents:
                if inc.id in keep or inc.id in tomb or inc.id in seen:
                    continue
                seen.add(inc.id)
                if inc.article_id is None:
                    inc.article_id = article.key
                # An unreviewed incident with this id from elsewhere is superseded by this one.
                conn.execute(
                    "DELETE FROM incidents WHERE layer = ? AND id = ? AND reviewed = 0",
                    (layer, inc.id),
                )
                if conn.execute(
                    "SELECT 1 FROM incidents WHERE layer = ? AND id = ?", (layer, inc.id)
                ).fetchone():
                    continue  # a reviewed incident of another article holds this id
                self._insert(conn, inc, article_key=article.key)
            total = len(keep) + len(seen)
            conn.execute(
                "INSERT INTO articles (layer, key, content_hash, url, title, publisher, published,"
                " text, raw, incidents, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(layer, key) DO UPDATE SET content_hash = excluded.content_hash,"
                " url = excluded.url, title = excluded.title, publisher = excluded.publisher,"
                " published = excluded.published, text = excluded.text, raw = excluded.raw,"
                " incidents = excluded.incidents, updated_at = excluded.updated_at",
                (
                    layer,
                    article.key,
                    article.content_hash,
                    article.url,
                    article.title,
                    article.publisher,
                    article.published.isoformat() if article.published else None,
                    article.text,
                    json.dumps(article.raw, ensure_ascii=False, default=str),
                    total,
                    now,
                    now,
                ),
            )
            self._touch_layer(conn, layer)
        return IngestResult(article.key, status, total)


def _layer(row: tuple[Any, ...]) -> Layer:
    bbox = None if row[6] is None else (row[6], row[7], row[8], row[9])
    return Layer(
        name=row[0],
        title=row[1],
        description=row[2],
        count=row[3],
        min_date=dt.date.fromisoformat(row[4]) if row[4] else None,
        max_date=dt.date.fromisoformat(row[5]) if row[5] else None,
        bbox=bbox,
        created_at=dt.datetime.fromisoformat(row[10]),
        updated_at=dt.datetime.fromisoformat(row[11]),
    )


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    """Move the documents out of ``incidents`` into ``incident_docs`` (same rowids), and add
    the position-only R*Tree.

    SQLite's recommended way to change a table (create, copy, drop, rename): the new table is
    packed, which ``ALTER TABLE DROP COLUMN`` would not give without a VACUUM. Dropping the old
    table drops its indexes and triggers; the indexes are created again here, the triggers by
    ``_migrate_2_to_3``, which always follows. The 3-D R*Tree and the statistics are keyed by
    rowid and stay valid.
    """
    conn.execute(_statement("incident_docs"))
    conn.execute("INSERT INTO incident_docs (rid, doc) SELECT rid, doc FROM incidents")
    conn.execute(_statement("incidents").replace(" incidents ", " incidents_v2 ", 1))
    columns = "rid, layer, id, article_key, event_date, event_type, lat, lon, reviewed"
    conn.execute(f"INSERT INTO incidents_v2 ({columns}) SELECT {columns} FROM incidents")
    conn.execute("DROP TABLE incidents")
    conn.execute("ALTER TABLE incidents_v2 RENAME TO incidents")
    conn.execute(_statement("incidents_rtree_xy"))
    conn.execute(
        "INSERT INTO incidents_rtree_xy SELECT rid, min_lon, max_lon, min_lat, max_lat"
        " FROM incidents_rtree"
    )
    for statement in _split_sql(_SCHEMA):
        if statement.startswith("CREATE INDEX"):
            conn.execute(statement)


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    """Add ``incidents_grid`` (version 3), filled from ``incidents`` in key order, and create
    the triggers again from the current schema so that they keep it in step."""
    for trigger in ("incidents_ai", "incidents_ad", "incidents_au"):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.execute(_statement("incidents_grid"))
    conn.execute(f"{_FILL_GRID} ORDER BY 1, 2, 3")
    for statement in _split_sql(_SCHEMA):
        if statement.startswith("CREATE TRIGGER"):
            conn.execute(statement)


def _statement(name: str) -> str:
    """The schema statement that creates ``name``."""
    for statement in _split_sql(_SCHEMA):
        if f" {name} " in statement.split("(", 1)[0] + " ":
            return statement
    raise KeyError(name)


def _split_sql(script: str) -> list[str]:
    """Split the schema script into statements (triggers contain ``;`` inside BEGIN...END)."""
    statements, buf = [], []
    for line in script.splitlines():
        if line.strip().startswith("--"):
            continue
        buf.append(line)
        text = "\n".join(buf).strip()
        if text.endswith(";") and sqlite3.complete_statement(text):
            statements.append(text)
            buf = []
    return statements


def _apply_changes(inc: Incident, changes: dict[str, Any]) -> Incident:
    doc = incident_to_doc(inc)
    loc = doc["location"]
    for key, value in changes.items():
        if key == "location":
            if isinstance(value, Location):
                value = {
                    "name": value.name,
                    "lat": value.lat,
                    "lon": value.lon,
                    "geonameid": value.geonameid,
                    "feature_code": value.feature_code,
                    "admin1": value.admin1,
                    "country_code": value.country_code,
                    "geo_precision": value.geo_precision,
                }
            if not isinstance(value, dict):
                raise InvalidInput("location must be an object with lat and lon.")
            extra = set(value) - set(loc)
            if extra:
                raise InvalidInput("Unknown location field(s): " + ", ".join(sorted(extra)))
            loc.update(value)
        elif key in ("lat", "lon"):
            loc[key] = value
        elif key == "name":
            loc["name"] = str(value)
        elif key == "event_date":
            doc["event_date"] = _check_date(value, "event_date") if value is not None else None
            if value is not None:
                doc["date_note"] = changes.get("date_note")
        elif key == "event_type":
            doc["event_type"] = value
            if "sub_event_type" not in changes and doc["sub_event_type"] not in EVENT_TYPES.get(
                value, ()
            ):
                doc["sub_event_type"] = None
        elif key == "fatalities":
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 0
            ):
                raise InvalidInput("fatalities must be a non-negative integer or null.")
            doc["fatalities"] = value
        elif key == "actors":
            if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
                raise InvalidInput("actors must be a list of names.")
            doc["actors"] = value
        elif key == "date_precision":
            if value not in (None, "day", "week", "month"):
                raise InvalidInput("date_precision must be day, week or month.")
            doc["date_precision"] = value
        else:
            doc[key] = value
    try:
        lat, lon = validate_latlon(loc["lat"], loc["lon"])
    except InvalidInput:
        raise
    loc["lat"], loc["lon"] = lat, lon
    if loc["geo_precision"] not in (1, 2, 3):
        raise InvalidInput("geo_precision must be 1, 2 or 3.")
    return incident_from_doc(doc)
