"""SQLiteStore: round trips, queries, layer statistics, idempotent ingestion, corrections."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from mapapp.errors import (
    InvalidInput,
    InvalidQuery,
    MisconfiguredError,
    StoreError,
    UnknownIncident,
    UnknownLayer,
)
from mapapp.incidents.model import Incident, Location
from mapapp.store.base import Article, open_store
from mapapp.store.sqlite import SQLiteStore
from tests import helpers
from tests.helpers import assert_error_shape

D = dt.date


# Every field filled (and nested raw JSON), so a round trip that drops or mangles any column fails.
FULL = {
    "sub": "Air/drone strike",
    "place": "Mazzeh",
    "geonameid": 170654,
    "feature_code": "PPLX",
    "admin1": "Damascus",
    "actors": ["Israel"],
    "fatalities": 3,
    "lower_bound": True,
    "sentence": "Israeli airstrikes hit two residential buildings in Mazzeh.",
    "rule": "explosions.airstrike",
    "url": "https://example.org/a",
    "title": "T",
    "publisher": "P",
    "published": D(2024, 11, 14),
    "raw": {"nested": [1, "two", None]},
}


def make_incident(iid: str, **overrides: Any) -> Incident:
    # Kept as a wrapper: the store tests (and test_store_cli/test_store_export) need FULL by default.
    return helpers.make_incident(iid, **{**FULL, **overrides})


@pytest.fixture
def store(tmp_path: Path):
    s = SQLiteStore(tmp_path / "store.sqlite")
    s.ensure_layer("syria", title="Syria")
    yield s
    s.close()


def test_add_get_round_trip_is_exact(store: SQLiteStore) -> None:
    inc = make_incident("a1", lat=33.123456789, lon=36.987654321)
    stored = store.add(inc)
    assert stored.created_at is not None and stored.created_at.tzinfo is not None
    assert store.get("syria", "a1") == stored
    # Apart from the timestamps the store sets, it is the incident we gave it.
    assert dataclasses.replace(stored, created_at=None, updated_at=None) == inc
    assert inc.created_at is None  # the caller's object is not mutated


def test_round_trip_with_empty_optionals(store: SQLiteStore) -> None:
    inc = Incident(id="bare", layer="syria", event_type="Battles", location=Location("X", 0, 0))
    stored = store.add(inc)
    assert store.get("syria", "bare") == stored


def test_wal_and_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    SQLiteStore(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert {"incidents", "incidents_rtree", "layers", "articles"} <= names
    conn.close()


def test_open_store_urls(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'a.sqlite'}") as s:
        assert s.list_layers() == []
    with pytest.raises(MisconfiguredError):
        open_store("postgresql://x/y")


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError) as exc:
        SQLiteStore(bad)
    assert_error_shape(exc.value.to_dict(), 500)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    SQLiteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        SQLiteStore(path)


# Version 1 kept the JSON document inside ``incidents`` (the layout of mapapp 0.1's stores).
_V1_INCIDENTS = """
CREATE TABLE incidents_v1 (
    rid INTEGER PRIMARY KEY,
    layer TEXT NOT NULL REFERENCES layers(name) ON DELETE CASCADE,
    id TEXT NOT NULL, article_key TEXT, event_date TEXT, event_type TEXT NOT NULL,
    lat REAL NOT NULL, lon REAL NOT NULL, reviewed INTEGER NOT NULL DEFAULT 0,
    doc TEXT NOT NULL, UNIQUE (layer, id)
);
INSERT INTO incidents_v1 SELECT i.rid, i.layer, i.id, i.article_key, i.event_date, i.event_type,
    i.lat, i.lon, i.reviewed, d.doc FROM incidents i JOIN incident_docs d ON d.rid = i.rid;
DROP TABLE incidents;
DROP TABLE incident_docs;
DROP TABLE incidents_rtree_xy;
DROP TABLE incidents_grid;
ALTER TABLE incidents_v1 RENAME TO incidents;
CREATE INDEX incidents_layer_date ON incidents (layer, event_date DESC, id);
CREATE INDEX incidents_layer_type ON incidents (layer, event_type, event_date DESC);
CREATE INDEX incidents_article ON incidents (layer, article_key);
CREATE TRIGGER incidents_ad AFTER DELETE ON incidents BEGIN
    DELETE FROM incidents_rtree WHERE rid = old.rid;
    UPDATE layers SET count = count - 1, stale = 1 WHERE name = old.layer;
END;
PRAGMA user_version = 1;
"""


def _as_version_1(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript("BEGIN;" + _V1_INCIDENTS + "COMMIT;")
    conn.close()


def test_version_1_store_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with SQLiteStore(path) as s:
        s.ensure_layer("syria")
        s.ingest("syria", article("v1"), [make_incident("i1"), make_incident("i2", lat=34.0)])
        s.ingest("syria", article("x", key="k2"), [make_incident("i3", article="k2", lat=35.0)])
        corrected = s.update("syria", "i1", {"event_type": "Battles"})
        s.delete("syria", "i3")
        before = s.query("syria")
        boxed = s.query("syria", bbox=(36, 33.9, 37, 34.1)).items
    _as_version_1(path)
    conn = sqlite3.connect(path)
    assert "doc" in {r[1] for r in conn.execute("PRAGMA table_info(incidents)")}
    conn.close()

    with SQLiteStore(path) as s:
        conn = s._conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
        assert "doc" not in {r[1] for r in conn.execute("PRAGMA table_info(incidents)")}
        assert s.integrity_check() == "ok"
        assert s.query("syria") == before
        assert s.query("syria", bbox=(36, 33.9, 37, 34.1)).items == boxed
        assert s.get("syria", "i1") == corrected
        # The triggers are back: the tree, the documents and the statistics follow writes.
        s.add(make_incident("new", lat=10.0, lon=10.0))
        assert [i.id for i in s.query("syria", bbox=(9, 9, 11, 11)).items] == ["new"]
        s.delete("syria", "new")
        assert s.query("syria", bbox=(9, 9, 11, 11)).number_matched == 0
        docs = conn.execute("SELECT count(*) FROM incident_docs").fetchone()[0]
        assert docs == conn.execute("SELECT count(*) FROM incidents").fetchone()[0] == 2
        # Corrections and deletions still survive re-ingestion.
        s.ingest("syria", article("v2"), [make_incident("i1"), make_incident("i4")])
        s.ingest("syria", article("y", key="k2"), [make_incident("i3", article="k2")])
        assert s.get("syria", "i1") == corrected
        with pytest.raises(UnknownIncident):
            s.get("syria", "i3")
        assert s.get_layer("syria").count == 2
    with SQLiteStore(path) as s:  # opening again migrates nothing
        assert s.get("syria", "i1") == corrected


def test_failed_migration_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with SQLiteStore(path) as s:
        s.ensure_layer("syria")
        s.add(make_incident("i1"))
    _as_version_1(path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE incident_docs (x)")  # in the way of the migration
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="could not be upgraded") as exc:
        SQLiteStore(path)
    assert_error_shape(exc.value.to_dict(), 500)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM incidents WHERE doc LIKE '%i1%'").fetchone()[0] == 1
    conn.close()


# Version 2 had no ``incidents_grid`` (its triggers, shortened here, did not write to it).
_V2_NO_GRID = """
DROP TRIGGER incidents_ai;
DROP TRIGGER incidents_au;
DROP TRIGGER incidents_ad;
DROP TABLE incidents_grid;
CREATE TRIGGER incidents_ai AFTER INSERT ON incidents BEGIN
    INSERT INTO incidents_rtree_xy VALUES (new.rid, new.lon, new.lon, new.lat, new.lat);
END;
CREATE TRIGGER incidents_ad AFTER DELETE ON incidents BEGIN
    DELETE FROM incidents_rtree_xy WHERE rid = old.rid;
END;
CREATE TRIGGER incidents_au AFTER UPDATE OF lat, lon, event_date ON incidents BEGIN
    UPDATE incidents_rtree_xy SET min_lon = new.lon, max_lon = new.lon,
                                  min_lat = new.lat, max_lat = new.lat WHERE rid = new.rid;
END;
PRAGMA user_version = 2;
"""


def _as_version_2(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript("BEGIN;" + _V2_NO_GRID + "COMMIT;")
    conn.close()


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}


_V2_QUERIES: list[dict] = [
    {},
    {"bbox": (36, 33, 37, 34)},
    {"bbox": (36, 33, 37, 34), "types": ["Battles"]},
    {"bbox": (36, 33, 37, 34), "limit": 2, "offset": 1},
    {"bbox": (170, -20, -170, -10)},
    {"bbox": (36, 33, 37, 34), "start": D(2024, 11, 1)},
]


def test_version_2_store_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with SQLiteStore(path) as s:
        s.ensure_layer("syria")
        s.ensure_layer("other")
        s.add_many(
            [
                make_incident("a", lat=33.5, lon=36.3),
                make_incident("b", lat=33.6, lon=36.4, date=D(2024, 11, 1)),
                make_incident("c", lat=33.7, lon=36.5, event_type="Battles", sub=None),
                make_incident("d", lat=33.8, lon=36.6, date=None),
                make_incident("fiji", lat=-17.7, lon=178.0),
                make_incident("samoa", lat=-13.8, lon=-172.0),
                make_incident("o", layer="other", lat=33.5, lon=36.3),
            ]
        )
        before = [s.query("syria", **q) for q in _V2_QUERIES]
        counts = [s.count("syria", **q) for q in _V2_QUERIES if "limit" not in q]
    _as_version_2(path)
    conn = sqlite3.connect(path)
    assert "incidents_grid" not in _tables(conn)
    conn.close()

    with SQLiteStore(path) as s:
        conn = s._conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
        assert "incidents_grid" in _tables(conn)
        assert s.integrity_check() == "ok"
        assert [s.query("syria", **q) for q in _V2_QUERIES] == before
        assert [s.count("syria", **q) for q in _V2_QUERIES if "limit" not in q] == counts
        # The version-3 triggers are in place: the grid follows inserts, changes of type, date
        # and position, and deletes; the R*Trees and the statistics still follow too.
        s.add(make_incident("new", lat=10.0, lon=10.0))
        box = (9, 9, 11, 11)
        assert [i.id for i in s.query("syria", bbox=box).items] == ["new"]
        assert s.query("syria", bbox=box, start=D(2024, 11, 14)).number_matched == 1
        s.update("syria", "new", {"event_type": "Battles", "event_date": D(2025, 1, 2)})
        hit = s.query("syria", bbox=box, types=["Battles"])
        assert [(i.id, i.event_date) for i in hit.items] == [("new", D(2025, 1, 2))]
        assert s.count("syria", bbox=box, types=["Protests"]) == 0
        s.update("syria", "new", {"lat": 20.0, "lon": 20.0})
        assert s.count("syria", bbox=box) == 0
        assert s.count("syria", bbox=(19, 19, 21, 21)) == 1
        s.delete("syria", "new")
        assert s.count("syria", bbox=(19, 19, 21, 21)) == 0
        assert s.get_layer("syria").count == 6
        grid = conn.execute("SELECT count(*) FROM incidents_grid").fetchone()[0]
        assert grid == conn.execute("SELECT count(*) FROM incidents").fetchone()[0] == 7
    with SQLiteStore(path) as s:  # opening again migrates nothing
        assert s.query("syria", **_V2_QUERIES[1]) == before[1]


def test_failed_version_2_migration_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with SQLiteStore(path) as s:
        s.ensure_layer("syria")
        s.add(make_incident("i1"))
    _as_version_2(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE incidents_grid (x)")  # in the way of the migration
    conn.close()
    with pytest.raises(StoreError, match="could not be upgraded") as exc:
        SQLiteStore(path)
    assert_error_shape(exc.value.to_dict(), 500)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema")}
    assert {"incidents_ai", "incidents_au", "incidents_ad"} <= names
    assert [r[1] for r in conn.execute("PRAGMA table_info(incidents_grid)")] == ["x"]
    assert conn.execute("SELECT count(*) FROM incidents_grid").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM incidents").fetchone()[0] == 1
    conn.close()


def test_bbox_queries_match_brute_force(tmp_path: Path) -> None:
    """No-date bbox queries answered from ``incidents_grid`` give exactly what a filter over every
    incident gives: layer, inclusive edges, antimeridian, types, order with ties, pages."""
    import random

    rnd = random.Random(7)
    types = ["Battles", "Protests", "Explosions/Remote violence"]
    incidents = []
    for n in range(600):
        # Coarse coordinates and dates: many points on box edges and many date ties. Longitudes
        # near both sides of the antimeridian, and values float32 cannot represent exactly.
        lon = rnd.choice(
            [rnd.randint(-3600, -3500), rnd.randint(3500, 3600), rnd.randint(600, 800)]
        )
        lon = rnd.choice([lon / 20, rnd.randint(-1800, 1800) / 10])
        lat = rnd.choice(
            [rnd.randint(-40, 40) / 20, rnd.randint(-40, 40) / 20, rnd.uniform(-30, 30)]
        )
        date = rnd.choice([None, D(2024, 1, 1) + dt.timedelta(days=rnd.randint(0, 5))])
        layer = rnd.choice(["syria", "syria", "other"])
        etype = rnd.choice(types)
        sub = None
        incidents.append(
            make_incident(
                f"i{rnd.randint(0, 10**6):07d}-{n}",
                layer=layer,
                lat=lat,
                lon=lon,
                date=date,
                event_type=etype,
                sub=sub,
            )
        )
    s = SQLiteStore(tmp_path / "brute.sqlite")
    s.ensure_layer("syria")
    s.ensure_layer("other")
    s.add_many(incidents[:300], bulk=True)  # both write paths fill the tree's copies
    s.add_many(incidents[300:])

    def expected(box, wanted):
        x0, y0, x1, y1 = box
        hits = [
            i
            for i in incidents
            if i.layer == "syria"
            and y0 <= i.location.lat <= y1
            and (
                x0 <= i.location.lon <= x1
                if x0 <= x1
                else (i.location.lon >= x0 or i.location.lon <= x1)
            )
            and (not wanted or i.event_type in wanted)
        ]
        hits.sort(key=lambda i: i.id)
        hits.sort(key=lambda i: i.event_date or D.min, reverse=True)  # stable: ties by id
        return [i.id for i in hits]

    boxes = [
        (-180, -90, 180, 90),
        (170, -20, -170, 20),
        (179.5, -30, -179.5, 30),
        (180, -30, -180, 30),
    ]
    for _ in range(20):  # tall: answered through the R*Tree
        x0, x1 = rnd.randint(-1800, 1800) / 10, rnd.randint(-1800, 1800) / 10
        y0, y1 = sorted((rnd.randint(-300, 300) / 10, rnd.randint(-300, 300) / 10))
        boxes.append((x0, y0, x1, y1))
    for _ in range(80):  # viewports (under 4 degrees tall): answered from the grid
        x0 = rnd.choice([-180, 175, 30, rnd.uniform(-180, 180)]) + rnd.randint(0, 100) / 20
        x1 = x0 + rnd.randint(0, 80) / 20
        x0, x1 = (x - 360 if x > 180 else x for x in (x0, x1))  # may cross the antimeridian
        y0 = rnd.choice([rnd.randint(-60, 40) / 20, rnd.uniform(-3, 2)])
        boxes.append(
            (x0, y0, x1, y0 + rnd.choice([0, rnd.randint(1, 76) / 20, rnd.uniform(0, 3.8)]))
        )
    checked = 0
    for box in boxes:
        for wanted in ([], ["Battles"], ["Protests", "Battles"]):
            want = expected(box, wanted)
            checked += bool(want)
            assert s.count("syria", bbox=box, types=wanted or None) == len(want)
            for limit, offset in (
                (None, 0),
                (7, 0),
                (7, 5),
                (3, len(want)),
                (0, 0),
                (5, len(want) + 3),
            ):
                items, matched = s.query_features(
                    "syria", bbox=box, types=wanted or None, limit=limit, offset=offset
                )
                assert matched == len(want), (box, wanted, limit, offset)
                end = None if limit is None else offset + limit
                assert [f["id"] for f in items] == want[offset:end], (box, wanted, limit, offset)
    assert checked > 100  # the boxes are not all empty
    s.close()


def test_deleting_incidents_deletes_their_documents(store: SQLiteStore) -> None:
    store.ingest("syria", article(), [make_incident("i1"), make_incident("i2")])
    store.add(make_incident("solo"))
    store.delete("syria", "solo")
    conn = store._conn
    assert conn.execute("SELECT count(*) FROM incident_docs").fetchone()[0] == 2
    store.ingest("syria", article("changed"), [make_incident("i1")])
    assert conn.execute("SELECT count(*) FROM incident_docs").fetchone()[0] == 1
    store.delete_layer("syria")
    assert conn.execute("SELECT count(*) FROM incident_docs").fetchone()[0] == 0


def test_create_false_refuses_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="init-db"):
        SQLiteStore(tmp_path / "missing.sqlite", create=False)
    assert not (tmp_path / "missing.sqlite").exists()


def test_layers(store: SQLiteStore) -> None:
    store.ensure_layer("gaza")
    assert [layer.name for layer in store.list_layers()] == ["gaza", "syria"]
    assert store.get_layer("syria").title == "Syria"
    assert store.ensure_layer("syria").title == "Syria"  # ensure does not reset
    with pytest.raises(UnknownLayer) as exc:
        store.get_layer("nope")
    assert exc.value.status == 404
    for bad in ["", "a b", "../x", "x" * 65, "-x"]:
        with pytest.raises(InvalidInput):
            store.ensure_layer(bad)
    store.add(make_incident("g1", layer="gaza"))
    store.delete_layer("gaza")
    assert [layer.name for layer in store.list_layers()] == ["syria"]
    with pytest.raises(UnknownLayer):
        store.get("gaza", "g1")


def test_layer_stats_follow_adds_updates_deletes(store: SQLiteStore) -> None:
    store.add(make_incident("a", lat=33.0, lon=36.0, date=D(2024, 1, 5)))
    store.add(make_incident("b", lat=35.0, lon=38.0, date=D(2024, 3, 1)))
    store.add(make_incident("c", lat=34.0, lon=37.0, date=None))
    layer = store.get_layer("syria")
    assert (layer.count, layer.min_date, layer.max_date) == (3, D(2024, 1, 5), D(2024, 3, 1))
    assert layer.bbox == (36.0, 33.0, 38.0, 35.0)
    store.delete("syria", "b")
    layer = store.get_layer("syria")
    assert (layer.count, layer.max_date, layer.bbox) == (2, D(2024, 1, 5), (36.0, 33.0, 37.0, 34.0))
    store.update("syria", "a", {"lat": 32.0, "event_date": "2023-12-31"})
    layer = store.get_layer("syria")
    assert layer.bbox == (36.0, 32.0, 37.0, 34.0)
    assert layer.min_date == D(2023, 12, 31)


def test_add_errors(store: SQLiteStore) -> None:
    store.add(make_incident("a"))
    with pytest.raises(InvalidInput, match="already has"):
        store.add(make_incident("a"))
    with pytest.raises(UnknownLayer):
        store.add(make_incident("x", layer="other"))
    with pytest.raises(InvalidInput, match="event type"):
        store.add(make_incident("x", event_type="Parade", sub=None))
    with pytest.raises(InvalidInput):
        store.add(make_incident("x", sub="Peaceful protest"))
    with pytest.raises(InvalidInput):
        store.add(make_incident("x", lat=95.0))
    with pytest.raises(UnknownIncident):
        store.get("syria", "missing")
    with pytest.raises(UnknownLayer):
        store.get("missing", "a")
    assert store.get_layer("syria").count == 1


def test_query_filters_and_order(store: SQLiteStore) -> None:
    store.add(make_incident("d1", date=D(2024, 1, 1), lat=33.5, lon=36.3))
    store.add(make_incident("d3b", date=D(2024, 1, 3), lat=36.2, lon=37.1))  # Aleppo
    store.add(make_incident("d3a", date=D(2024, 1, 3), lat=33.5, lon=36.3))
    store.add(make_incident("d2", date=D(2024, 1, 2), event_type="Battles", sub="Armed clash"))
    store.add(make_incident("nodate", date=None))
    ids = lambda r: [i.id for i in r.items]  # noqa: E731
    everything = store.query("syria")
    assert ids(everything) == ["d3a", "d3b", "d2", "d1", "nodate"]
    assert everything.number_matched == 5
    # start/end inclusive
    r = store.query("syria", start=D(2024, 1, 2), end="2024-01-03")
    assert ids(r) == ["d3a", "d3b", "d2"]
    # bbox around Damascus only
    r = store.query("syria", bbox=(36.0, 33.0, 36.5, 34.0))
    assert set(ids(r)) == {"d1", "d3a", "d2", "nodate"}
    r = store.query("syria", bbox=(36.0, 33.0, 36.5, 34.0), start=D(2024, 1, 3))
    assert ids(r) == ["d3a"]
    # types
    assert ids(store.query("syria", types=["Battles"])) == ["d2"]
    # paging: number_matched is the total, pages are stable and disjoint
    p1 = store.query("syria", limit=2)
    p2 = store.query("syria", limit=2, offset=2)
    p3 = store.query("syria", limit=2, offset=4)
    assert ids(p1) + ids(p2) + ids(p3) == ids(everything)
    assert p1.number_matched == p2.number_matched == 5
    assert store.query("syria", limit=2, offset=10).items == []
    assert store.query("syria", limit=0).number_matched == 5
    # iter_query streams the same order
    assert [i.id for i in store.iter_query("syria")] == ids(everything)
    assert [i.id for i in store.iter_query("syria", types=["Battles"])] == ["d2"]
    assert store.count("syria", bbox=(36.0, 33.0, 36.5, 34.0)) == 4


def test_bbox_edges_are_inclusive(store: SQLiteStore) -> None:
    store.add(make_incident("edge", lat=33.5, lon=36.3))
    assert store.query("syria", bbox=(36.3, 33.5, 36.3, 33.5)).number_matched == 1
    assert store.query("syria", bbox=(36.300001, 33.0, 37.0, 34.0)).number_matched == 0


def test_antimeridian_bbox(store: SQLiteStore) -> None:
    store.add(make_incident("fiji", lat=-17.7, lon=178.0))
    store.add(make_incident("samoa", lat=-13.8, lon=-172.0))
    store.add(make_incident("damascus", lat=33.5, lon=36.3))
    r = store.query("syria", bbox=(170.0, -20.0, -170.0, -10.0))
    assert sorted(i.id for i in r.items) == ["fiji", "samoa"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"bbox": (36, 34, 37, 33)},  # min_lat > max_lat
        {"bbox": (36, 33, 37)},
        {"bbox": (36, 33, 37, 95)},
        {"bbox": (-190, 33, 37, 34)},
        {"bbox": ("a", 33, 37, 34)},
        {"bbox": (float("nan"), 33, 37, 34)},
        {"start": "2024-13-01"},
        {"start": D(2024, 2, 1), "end": D(2024, 1, 1)},
        {"types": ["Parade"]},
        {"limit": -1},
        {"offset": -1},
        {"limit": "10"},
    ],
)
def test_bad_queries_raise_invalid_query(store: SQLiteStore, kwargs: dict) -> None:
    with pytest.raises(InvalidQuery) as exc:
        store.query("syria", **kwargs)
    assert_error_shape(exc.value.to_dict(), 400, "invalid_query")


def test_query_unknown_layer(store: SQLiteStore) -> None:
    with pytest.raises(UnknownLayer):
        store.query("nope")
    with pytest.raises(UnknownLayer):
        store.iter_query("nope")


def test_update_marks_reviewed_and_validates(store: SQLiteStore) -> None:
    store.add(make_incident("a"))
    moved = store.update(
        "syria",
        "a",
        {
            "location": {"name": "Kafr Sousa", "lat": 33.49, "lon": 36.27},
            "event_type": "Battles",
            "event_date": D(2024, 11, 13),
        },
    )
    assert moved.reviewed and moved.location.name == "Kafr Sousa"
    assert moved.sub_event_type is None  # Air/drone strike is not a kind of battle
    assert moved.updated_at > moved.created_at
    assert store.get("syria", "a") == moved
    assert store.query("syria", bbox=(36.26, 33.48, 36.28, 33.5)).number_matched == 1
    for bad in [
        {"lat": 200},
        {"event_type": "Parade"},
        {"colour": "red"},
        {"fatalities": -1},
        {"event_date": "yesterday"},
    ]:
        with pytest.raises(InvalidInput):
            store.update("syria", "a", bad)
    assert store.get("syria", "a") == moved  # failed updates change nothing
    with pytest.raises(UnknownIncident):
        store.update("syria", "zzz", {"lat": 1})


def test_delete(store: SQLiteStore) -> None:
    store.add(make_incident("a"))
    store.delete("syria", "a")
    with pytest.raises(UnknownIncident):
        store.get("syria", "a")
    with pytest.raises(UnknownIncident):
        store.delete("syria", "a")
    assert store.query("syria", bbox=(36, 33, 37, 34)).number_matched == 0


# -- ingestion ------------------------------------------------------------------------------


def article(text: str = "Strikes hit Mazzeh.", key: str = "https://example.org/a") -> Article:
    import hashlib

    return Article(
        key=key,
        text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        url=key,
        title="T",
        published=D(2024, 11, 14),
    )


def test_ingest_is_idempotent(store: SQLiteStore) -> None:
    a = article()
    incs = [make_incident("i1"), make_incident("i2", lat=34.0)]
    r1 = store.ingest("syria", a, incs)
    assert (r1.status, r1.incidents) == ("added", 2)
    before = store.query("syria").items
    r2 = store.ingest("syria", a, [make_incident("i1"), make_incident("i2", lat=34.0)])
    assert (r2.status, r2.incidents) == ("unchanged", 2)
    assert store.query("syria").items == before  # not even timestamps changed
    assert store.article_count("syria") == 1
    assert all(i.article_id == a.key for i in before)
    assert store.get_article("syria", a.key).text == a.text


def test_ingest_creates_layer(store: SQLiteStore) -> None:
    store.ingest("new", article(), [make_incident("i1", layer="new")])
    assert store.get_layer("new").count == 1


def test_updated_article_replaces_unreviewed_keeps_corrections(store: SQLiteStore) -> None:
    a1 = article("v1")
    store.ingest("syria", a1, [make_incident("i1"), make_incident("i2"), make_incident("i3")])
    corrected = store.update("syria", "i1", {"lat": 33.51, "lon": 36.28, "event_type": "Battles"})
    store.delete("syria", "i3")  # a person says i3 is not an incident
    a2 = article("v2")
    r = store.ingest(
        "syria",
        a2,
        [make_incident("i1"), make_incident("i3"), make_incident("i4", date=D(2024, 11, 15))],
    )
    assert r.status == "updated"
    ids = sorted(i.id for i in store.article_incidents("syria", a2.key))
    assert ids == ["i1", "i4"]  # i2 gone (no longer extracted), i3 stays deleted
    assert store.get("syria", "i1") == corrected
    assert r.incidents == 2
    assert store.get_layer("syria").count == 2
    # the same updated article again: unchanged
    assert store.ingest("syria", a2, [make_incident("i4")]).status == "unchanged"


def test_ingest_is_atomic(store: SQLiteStore) -> None:
    bad = make_incident("bad", lat=33.5)
    bad.event_type = "Parade"
    with pytest.raises(InvalidInput):
        store.ingest("syria", article(), [make_incident("ok"), bad])
    assert store.article_count("syria") == 0
    assert store.get_layer("syria").count == 0


def test_ingest_rejects_foreign_layer(store: SQLiteStore) -> None:
    with pytest.raises(InvalidInput):
        store.ingest("syria", article(), [make_incident("x", layer="gaza")])


def test_concurrent_writers_wait_instead_of_failing(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    SQLiteStore(path).ensure_layer("syria")
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with SQLiteStore(path) as s:
                for k in range(25):
                    s.ingest(
                        "syria",
                        article(f"{n}-{k}", key=f"k{n}-{k}"),
                        [make_incident(f"{n}-{k}")],
                    )
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    with SQLiteStore(path) as reader:
        while any(t.is_alive() for t in threads):
            reader.query("syria", limit=5)
    for t in threads:
        t.join()
    assert errors == []
    with SQLiteStore(path) as s:
        assert s.get_layer("syria").count == 100
        assert s.article_count("syria") == 100
        assert s.integrity_check() == "ok"


def test_bulk_add_many_matches_add(tmp_path: Path) -> None:
    incidents = [
        make_incident(f"b{n}", lat=30 + n % 7, lon=35 + n % 5, date=D(2024, 1, 1 + n % 28))
        for n in range(200)
    ]
    incidents.append(make_incident("undated", date=None))
    results = []
    for bulk in (False, True):
        with SQLiteStore(tmp_path / f"{bulk}.sqlite") as s:
            s.ensure_layer("syria")
            s.ensure_layer("other")
            s.add(make_incident("x", layer="other", lat=33, lon=36))
            assert s.add_many(incidents, bulk=bulk) == 201
            s.add(make_incident("after", lat=31.5, lon=36.5))  # the trigger is back
            layer = s.get_layer("syria")
            q = s.query("syria", bbox=(36, 31, 38, 34), start=D(2024, 1, 5), end=D(2024, 1, 20))
            results.append(
                (
                    layer.count,
                    layer.bbox,
                    layer.min_date,
                    [i.id for i in q.items],
                    s.query("syria", bbox=(36, 31, 37, 32)).number_matched,
                    s.query("other", bbox=(35, 30, 40, 37)).number_matched,
                    s.integrity_check(),
                )
            )
    assert results[0] == results[1]
    assert results[0][0] == 202 and results[0][5] == 1
    with SQLiteStore(tmp_path / "dup.sqlite") as s:
        s.ensure_layer("syria")
        with pytest.raises(InvalidInput):
            s.add_many([make_incident("d"), make_incident("d")], bulk=True)
        assert s.get_layer("syria").count == 0
        s.add(make_incident("e"))  # the trigger survived the rollback
        assert s.query("syria", bbox=(36, 33, 37, 34)).number_matched == 1


def test_read_only_store_still_answers(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite"
    with SQLiteStore(path) as s:
        s.ensure_layer("syria")
        s.add(make_incident("a", lat=33.0))
        s.add(make_incident("b", lat=34.0))
        s.delete("syria", "b")  # statistics now stale
    with SQLiteStore(path) as s:
        # query_only: every write fails as on a read-only file (chmod does not stop root).
        s._conn.execute("PRAGMA query_only = ON")
        layer = s.get_layer("syria")  # recomputed and served, just not cached
        assert (layer.count, layer.bbox) == (1, (36.3, 33.0, 36.3, 33.0))
        with pytest.raises(StoreError, match="read-only"):
            s.add(make_incident("c"))


def test_query_timeout(store: SQLiteStore) -> None:
    store.add_many([make_incident(f"t{n}", lat=30 + n / 1000) for n in range(3000)])
    slow = SQLiteStore(store.path, timeout_ms=1)
    # A progress handler fires every 10,000 VM steps; a 1 ms budget cannot hold this query.
    slow._conn.create_function("sleepy", 1, lambda x: __import__("time").sleep(0.001) or x)
    with pytest.raises(StoreError, match="too long"), slow._deadline():
        slow._conn.execute("SELECT sum(sleepy(lat)) FROM incidents").fetchone()
    assert slow.query("syria", limit=1).number_matched == 3000  # handler removed afterwards
    slow.close()


def test_query_features_equal_query_pages(store: SQLiteStore) -> None:
    for n in range(12):
        store.add(
            make_incident(
                f"q{n:02d}",
                lat=33.0 + n * 0.1,
                lon=36.0 + (n % 4) * 0.1,
                date=D(2024, 11, 1 + n % 5) if n % 6 else None,
                event_type="Battles" if n % 3 else "Protests",
                sub=None,
            )
        )
    for filters in (
        {},
        {"bbox": (36.05, 33.05, 36.25, 33.95)},
        {"bbox": (36.05, 33.05, 36.25, 33.95), "start": D(2024, 11, 2)},
        {"bbox": (36.0, 33.0, 37.0, 34.5), "types": ["Battles"], "end": D(2024, 11, 3)},
    ):
        for limit, offset in ((None, 0), (3, 0), (3, 2), (0, 0), (5, 100)):
            page = store.query("syria", **filters, limit=limit, offset=offset)
            features, matched = store.query_features("syria", **filters, limit=limit, offset=offset)
            assert matched == page.number_matched, (filters, limit, offset)
            assert features == [i.to_feature() for i in page.items], (filters, limit, offset)
    everything = store.query("syria", bbox=(36.05, 33.05, 36.25, 33.95))
    expected = [
        i
        for i in store.query("syria").items
        if 36.05 <= i.location.lon <= 36.25 and 33.05 <= i.location.lat <= 33.95
    ]
    assert everything.items == expected
    assert everything.number_matched == len(expected) > 3
