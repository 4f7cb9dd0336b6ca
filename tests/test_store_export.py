"""Exports: RFC 7946 GeoJSON (validated by geojson-validator, read by geopandas), ACLED-like CSV,
GeoPackage and KML through GDAL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import geojson_validator
import geopandas as gpd
import pytest

from mapapp.errors import InvalidInput
from mapapp.store.export import CSV_COLUMNS, export_layer, iter_geojson, write_csv, write_geojson
from mapapp.store.sqlite import SQLiteStore
from tests.test_store_sqlite import make_incident


@pytest.fixture
def store(tmp_path: Path):
    s = SQLiteStore(tmp_path / "s.sqlite")
    s.ensure_layer("syria")
    s.add(make_incident("mazzeh", lat=33.50123456789, lon=36.25987654321))
    s.add(make_incident("aleppo", lat=36.2, lon=37.15, date=dt.date(2024, 11, 1)))
    inj = make_incident("formula", lat=35.0, lon=38.0, date=None)
    inj.sentences = ['=HYPERLINK("http://evil")', 'Second, sentence "quoted".']
    inj.actors = ["-Mob", "+Army"]
    inj.fatalities = None
    inj.location.country_code = "LB"
    s.add(inj)
    yield s
    s.close()


def test_geojson_is_rfc7946(store: SQLiteStore, tmp_path: Path) -> None:
    path = tmp_path / "out.geojson"
    assert export_layer(store, "syria", "geojson", path) == 3
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and "crs" not in data
    assert geojson_validator.validate_structure(data, check_crs=True) == {}
    checked = geojson_validator.validate_geometries(data)
    assert (checked["invalid"], checked["problematic"]) == ({}, {})
    assert checked["count_geometry_types"] == {"Point": 3}
    assert data["bbox"] == [36.259877, 33.501235, 38.0, 36.2]
    ids = [f["id"] for f in data["features"]]
    assert ids == ["mazzeh", "aleppo", "formula"]  # query order: newest first, undated last
    first = data["features"][0]
    assert first["geometry"]["coordinates"] == [36.259877, 33.501235]  # [lon, lat], 6 dp
    assert first["properties"]["event_date"] == "2024-11-14"
    # No raw coordinate anywhere carries more than 6 decimals.
    for f in data["features"]:
        for v in f["geometry"]["coordinates"]:
            assert round(v, 6) == v


def test_geojson_round_trips_through_geopandas(store: SQLiteStore, tmp_path: Path) -> None:
    path = tmp_path / "out.geojson"
    export_layer(store, "syria", "geojson", path)
    frame = gpd.read_file(path)
    assert len(frame) == 3
    assert frame.crs.to_epsg() == 4326
    row = frame.set_index("id").loc["aleppo"]
    assert (row.geometry.x, row.geometry.y) == (37.15, 36.2)
    assert row["event_type"] == "Explosions/Remote violence"


def test_geojson_streams_in_chunks_and_bbox_given(store: SQLiteStore) -> None:
    incidents = [make_incident(f"i{n}", lat=30 + n / 1000, lon=35.0) for n in range(1200)]
    chunks = list(iter_geojson(incidents, bbox=(35, 30, 36, 32), extra={"name": "x"}))
    assert len(chunks) > 3  # written as it goes, not built in memory
    data = json.loads("".join(chunks))
    assert len(data["features"]) == 1200 and data["bbox"] == [35, 30, 36, 32]
    assert data["name"] == "x"
    assert len({f["id"] for f in data["features"]}) == 1200
    empty = json.loads("".join(iter_geojson([])))
    assert empty == {"type": "FeatureCollection", "features": []}
    with pytest.raises(InvalidInput):
        list(iter_geojson([], extra={"crs": {"type": "name"}}))
    buf = io.StringIO()
    assert write_geojson(incidents[:5], buf) == 5
    assert len(json.loads(buf.getvalue())["features"]) == 5


def test_csv_is_acled_like_and_safe(store: SQLiteStore, tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    assert export_layer(store, "syria", "csv", path) == 3
    with open(path, encoding="utf-8", newline="") as fp:
        rows = list(csv.DictReader(fp))
    assert tuple(rows[0]) == CSV_COLUMNS
    m = rows[0]
    assert m["event_id_cnty"] == "mazzeh"
    assert (m["event_date"], m["year"], m["time_precision"]) == ("2024-11-14", "2024", "1")
    assert (m["country"], m["iso"], m["admin1"], m["location"]) == (
        "Syria",
        "760",
        "Damascus",
        "Mazzeh",
    )
    assert (float(m["latitude"]), float(m["longitude"])) == (33.501235, 36.259877)
    assert m["notes"].startswith("Israeli airstrikes") and m["fatalities"] == "3"
    assert m["disorder_type"] == "Political violence"
    f = rows[2]
    assert f["event_date"] == "" and f["year"] == "" and f["fatalities"] == ""
    assert f["date_note"] == "no date in the text"
    assert f["country"] == "Lebanon"
    # Spreadsheet formulas from article text are neutralised, quotes survive.
    assert f["notes"].startswith("'=HYPERLINK") and '"quoted"' in f["notes"]
    assert (f["actor1"], f["actor2"]) == ("'-Mob", "'+Army")


def test_csv_writer_counts(store: SQLiteStore) -> None:
    buf = io.StringIO(newline="")
    assert write_csv(store.iter_query("syria"), buf) == 3
    assert buf.getvalue().count("\r\n") == 4


@pytest.mark.parametrize("fmt", ["gpkg", "kml"])
def test_gdal_formats_read_back(store: SQLiteStore, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"out.{fmt}"
    assert export_layer(store, "syria", fmt, path) == 3
    frame = gpd.read_file(path, engine="pyogrio")
    assert len(frame) == 3
    assert sorted(frame["event_id_cnty"]) == ["aleppo", "formula", "mazzeh"]
    row = frame.set_index("event_id_cnty").loc["aleppo"]
    assert (round(row.geometry.x, 6), round(row.geometry.y, 6)) == (37.15, 36.2)
    assert row["location"] == "Mazzeh"
    if fmt == "kml":
        assert row["Name"] == "Mazzeh"  # the placemark's name
    # Exporting again replaces the file instead of appending a second copy.
    export_layer(store, "syria", fmt, path)
    assert len(gpd.read_file(path, engine="pyogrio")) == 3


def test_filtered_and_bad_exports(store: SQLiteStore, tmp_path: Path) -> None:
    path = tmp_path / "f.geojson"
    assert export_layer(store, "syria", "geojson", path, bbox=(36, 33, 37, 34)) == 1
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [f["id"] for f in data["features"]] == ["mazzeh"]
    assert data["bbox"] == [36.259877, 33.501235, 36.259877, 33.501235]
    with pytest.raises(InvalidInput):
        export_layer(store, "syria", "shp", tmp_path / "x.shp")
    assert export_layer(store, "syria", "gpkg", tmp_path / "e.gpkg", types=["Battles"]) == 0


def test_fast_features_equal_incident_features(store: SQLiteStore) -> None:
    odd = make_incident("odd", date=None)
    odd.sub_event_type = None
    odd.actors, odd.sentences, odd.fatalities = [], [], None
    odd.location.geonameid = odd.location.admin1 = odd.location.country_code = None
    odd.source.published = None
    store.add(odd)
    store.update("syria", "aleppo", {"lat": 36.21, "event_type": "Battles"})
    slow = [i.to_feature() for i in store.iter_query("syria")]
    fast = list(store.iter_features("syria"))
    assert len(fast) == 4 and fast == slow
    assert list(store.iter_features("syria", types=["Battles"])) == [
        f for f in slow if f["properties"]["event_type"] == "Battles"
    ]
    # Both kinds of item stream to the same document.
    assert "".join(iter_geojson(fast)) == "".join(iter_geojson(store.iter_query("syria")))
