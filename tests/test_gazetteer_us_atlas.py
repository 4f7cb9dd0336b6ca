"""US counties and state points from us-atlas: a tiny synthetic TopoJSON, then the real build."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

import pytest
import shapely

from gazetteer import Gazetteer
from gazetteer.build import admin1_id, build_database
from gazetteer.coords import haversine_km
from gazetteer.testing import MARYLAND_BOX, tiny_sources
from gazetteer.us_atlas import (
    COUNTY_ID_BASE,
    US_ATLAS_PATH,
    county_name,
    read_us_atlas,
    reference_point,
)

BALTIMORE_CITY_BOX = (-76.72, 39.19, -76.52, 39.38)  # holds the tiny world's Baltimore
MONTGOMERY_BOX = (-77.55, 38.93, -76.88, 39.36)  # holds Damascus, Maryland
BALTIMORE_COUNTY_BOX = (-76.9, 39.4, -76.3, 39.72)  # no town of the tiny world
# Two parts whose area centroid falls between them (at sea): the point goes to the nearer part.
WORCESTER_SMALL = (-75.9, 38.0, -75.7, 38.2)
WORCESTER_BIG = (-75.3, 38.0, -75.05, 38.25)


def _ring(box: tuple[float, float, float, float]) -> list[list[float]]:
    x0, y0, x1, y1 = box
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def write_topojson(path: Path) -> Path:
    """A TopoJSON shaped like us-atlas' counties-10m.json: ``states`` and ``counties`` objects,
    ``id`` = FIPS code, ``properties.name`` = the bare Census name (absolute coordinates)."""
    boxes = [MARYLAND_BOX, BALTIMORE_CITY_BOX, MONTGOMERY_BOX, BALTIMORE_COUNTY_BOX,
             WORCESTER_SMALL, WORCESTER_BIG, (10.0, 10.0, 10.5, 10.5)]  # fmt: skip
    topo = {
        "type": "Topology",
        "arcs": [_ring(b) for b in boxes],
        "objects": {
            "counties": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[1]], "id": "24510",
                     "properties": {"name": "Baltimore"}},
                    {"type": "Polygon", "arcs": [[2]], "id": "24031",
                     "properties": {"name": "Montgomery"}},
                    {"type": "Polygon", "arcs": [[3]], "id": "24005",
                     "properties": {"name": "Baltimore"}},
                    {"type": "MultiPolygon", "arcs": [[[4]], [[5]]], "id": "24047",
                     "properties": {"name": "Worcester"}},
                    {"type": "Polygon", "arcs": [[6]], "id": "98001",
                     "properties": {"name": "Nowhere"}},
                ],
            },
            "states": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0]], "id": "24",
                     "properties": {"name": "Maryland"}},
                ],
            },
        },
    }  # fmt: skip
    path.write_text(json.dumps(topo))
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Gazetteer, tuple[str, ...]]:
    root = tmp_path_factory.mktemp("us-atlas")
    sources = tiny_sources(root / "src")
    sources.us_atlas_path = write_topojson(root / "us.json")
    report = build_database(root / "g.sqlite", sources=sources)
    gaz = Gazetteer(root / "g.sqlite", auto_build=False)
    yield gaz, report.notes
    gaz.close()


# --------------------------------------------------------------------------- synthetic


def test_counties_sit_under_their_state(tiny):
    gaz, _notes = tiny
    maryland = admin1_id("US-MD")
    city = gaz.get(COUNTY_ID_BASE + 24510)
    assert (city.name, city.feature_code, city.country_code, city.admin1) == (
        "Baltimore city",
        "ADM2",
        "US",
        "MD",
    )
    assert city.parent_id == maryland and city.source == "us-atlas"
    assert city.raw["fips"] == "24510" and city.raw["name"] == "Baltimore"
    assert city.raw["kind"] == "city"
    county = gaz.get(COUNTY_ID_BASE + 24005)
    assert county.name == "Baltimore County" and county.raw["kind"] == "county"
    assert [p.geonameid for p in gaz.hierarchy(county)][1:] == [maryland, 6252001]


def test_population_is_the_towns_inside(tiny):
    gaz, _notes = tiny
    assert gaz.get(COUNTY_ID_BASE + 24510).population == 585708  # Baltimore
    assert gaz.get(COUNTY_ID_BASE + 24031).population == 15257  # Damascus, Maryland
    assert gaz.get(COUNTY_ID_BASE + 24005).population == 0


def test_point_is_the_centroid_or_in_the_nearest_part(tiny):
    gaz, _notes = tiny
    montgomery = gaz.get(COUNTY_ID_BASE + 24031)
    assert shapely.box(*MONTGOMERY_BOX).contains(shapely.Point(montgomery.lon, montgomery.lat))
    assert montgomery.raw["point"] == "centroid"
    worcester = gaz.get(COUNTY_ID_BASE + 24047)
    assert worcester.raw["point"] == "nearest part"
    assert shapely.box(*WORCESTER_BIG).contains(shapely.Point(worcester.lon, worcester.lat))


def test_unknown_state_is_left_out_with_a_note(tiny):
    gaz, notes = tiny
    with pytest.raises(LookupError):
        gaz.get(COUNTY_ID_BASE + 98001)
    assert any("98001" in n and "unknown state" in n for n in notes)


def test_state_point_moves_to_its_polygon(tiny):
    gaz, _notes = tiny
    maryland = gaz.get(admin1_id("US-MD"))
    x0, y0, x1, y1 = MARYLAND_BOX
    # Area centroid on the equal-area cylinder: the mean of sin(lat), not of lat.
    lat = math.degrees(math.asin((math.sin(math.radians(y0)) + math.sin(math.radians(y1))) / 2))
    assert maryland.lon == pytest.approx((x0 + x1) / 2, abs=1e-4)
    assert maryland.lat == pytest.approx(lat, abs=1e-4)
    ref = maryland.raw["reference_point"]
    assert ref["replaced"]["lat"] == 39.0458 and "us-atlas" in ref["source"]
    assert maryland.population > 0 and maryland.name == "Maryland"  # the rest is kept


def test_search_tells_city_from_county(tiny):
    gaz, _notes = tiny
    assert gaz.search("Baltimore city")[0].geonameid == COUNTY_ID_BASE + 24510
    assert gaz.search("Baltimore County")[0].geonameid == COUNTY_ID_BASE + 24005
    assert gaz.search("Baltimore")[0].feature_class == "P"  # the bare name stays the town's


def test_build_without_the_file_adds_nothing(tmp_path):
    path = build_database(tmp_path / "g.sqlite", sources=tiny_sources(tmp_path / "src")).path
    with Gazetteer(path, auto_build=False) as gaz:
        assert gaz.search("Baltimore city") == []


def test_names_by_rule_when_the_census_list_lacks_the_code():
    assert county_name("22071", "Orleans", {}) == ("Orleans Parish", "parish")
    assert county_name("51510", "Alexandria", {}) == ("Alexandria city", "city")
    assert county_name("51059", "Fairfax", {}) == ("Fairfax County", "county")
    assert county_name("29510", "St. Louis", {}) == ("St. Louis city", "city")
    assert county_name("02261", "Valdez-Cordova", {}) == ("Valdez-Cordova", "")
    census = {"02020": ("Anchorage Municipality", "AK")}
    assert county_name("02020", "Anchorage", census) == ("Anchorage Municipality", "municipality")


def test_reference_point_across_the_antimeridian():
    # An island group on both sides of 180°: its point lies near 180°, not near 0°.
    geom = shapely.MultiPolygon(
        [shapely.box(178.0, 51.0, 179.9, 52.0), shapely.box(-179.9, 51.0, -178.0, 52.0)]
    )
    lat, lon, _method = reference_point(geom)
    assert abs(lon) > 178.0 and 51.0 <= lat <= 52.0


# --------------------------------------------------------------------------- the real build


@pytest.fixture(scope="module")
def polygons() -> dict[str, shapely.Geometry]:
    return {fips: geom for fips, _name, geom in read_us_atlas(US_ATLAS_PATH, "counties")}


def _places(gaz: Gazetteer, path: Path, where: str) -> list:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        ids = [r[0] for r in conn.execute(f"SELECT geonameid FROM place WHERE {where}")]
    finally:
        conn.close()
    return [gaz.get(i) for i in ids]


@pytest.fixture(scope="module")
def counties(full_gazetteer, full_gazetteer_path) -> list:
    return _places(full_gazetteer, full_gazetteer_path, "source = 'us-atlas'")


def test_every_county_point_lies_in_its_polygon(counties, polygons):
    us = [p for p in counties if p.country_code == "US"]
    assert len(us) > 3100
    for place in counties:
        geom = polygons[place.raw["fips"]]
        lon = place.lon + 360.0 if place.lon < 0 and geom.bounds[2] > 180 else place.lon
        assert geom.buffer(1e-6).contains(shapely.Point(lon, place.lat)), place.name


def test_counties_have_their_states(full_gazetteer):
    gaz = full_gazetteer
    cuyahoga = gaz.search("Cuyahoga County")[0]
    assert (cuyahoga.country_code, cuyahoga.admin1, cuyahoga.feature_code) == ("US", "OH", "ADM2")
    assert gaz.get(cuyahoga.parent_id).name == "Ohio"
    assert haversine_km(cuyahoga.lat, cuyahoga.lon, 41.4993, -81.6944) < 30  # Cleveland
    montgomery = [p for p in gaz.search("Montgomery County", limit=50) if p.source == "us-atlas"]
    states = {p.admin1 for p in montgomery}
    assert {"MD", "PA", "OH", "IA", "TX", "AL"} <= states and len(states) == len(montgomery)


def test_louisiana_has_parishes_and_virginia_cities(full_gazetteer, counties):
    louisiana = [p for p in counties if p.admin1 == "LA" and p.country_code == "US"]
    assert len(louisiana) == 64 and all(p.name.endswith(" Parish") for p in louisiana)
    cities = [p for p in counties if p.raw["fips"].startswith("51") and p.raw["fips"] >= "51500"]
    assert len(cities) > 30
    assert all("County" not in p.name and p.raw["kind"] == "city" for p in cities)
    fairfax = {p.name for p in full_gazetteer.search("Fairfax", limit=50)}
    assert {"Fairfax County", "Fairfax city"} <= {
        p.name for p in counties if p.raw["name"] == "Fairfax"
    }
    assert "Fairfax" in fairfax  # the town keeps its name
    baltimore = {p.name for p in counties if p.raw["fips"] in ("24510", "29510")}
    assert baltimore == {"Baltimore city", "St. Louis city"}


def test_alaska_keeps_its_kinds_and_territories_their_country(counties):
    alaska = [p for p in counties if p.admin1 == "AK" and p.country_code == "US"]
    assert len(alaska) == 29 and not any(p.name.endswith(" County") for p in alaska)
    assert {"borough", "census area", "municipality", "city and borough"} <= {
        p.raw["kind"] for p in alaska
    }
    san_juan = [p for p in counties if p.raw["fips"] == "72127"][0]
    assert (san_juan.country_code, san_juan.feature_code, san_juan.admin1) == ("PR", "ADM1", "127")
    assert not [p for p in counties if p.name in ("District of Columbia", "Guam")]


def test_state_points_come_from_the_polygons(full_gazetteer, full_gazetteer_path):
    states = {fips: geom for fips, _name, geom in read_us_atlas(US_ATLAS_PATH, "states")}
    moved = [
        p
        for p in _places(full_gazetteer, full_gazetteer_path, "country_code = 'US' AND "
                         "feature_code = 'ADM1'")
        if "us-atlas" in str(p.raw.get("reference_point", {}).get("source"))
    ]  # fmt: skip
    assert len(moved) == 51
    by_name = {name: fips for fips, name, _geom in read_us_atlas(US_ATLAS_PATH, "states")}
    for p in moved:
        old = p.raw["reference_point"]["replaced"]
        assert (p.lat, p.lon) != (old["lat"], old["lon"])
        geom = states[by_name[p.name]]
        lon = p.lon + 360.0 if p.lon < 0 and geom.bounds[2] > 180 else p.lon
        assert geom.buffer(1e-6).contains(shapely.Point(lon, p.lat)), p.name
    hawaii = next(p for p in moved if p.admin1 == "HI")
    # The archipelago's centroid is at sea: the point goes to the island nearest to it, not to
    # the Big Island's middle (166 km from GeoNames' Hawaii, 20.788N 156.386W).
    assert haversine_km(hawaii.lat, hawaii.lon, 20.788, -156.386) < 50


def test_geoparser_resolves_counties_by_their_state(full_gazetteer):
    from mapapp.geoparse import geoparse

    text = (
        "Floods closed roads in Montgomery County, Iowa, on Tuesday. Officials in "
        "Cuyahoga County said the storm would reach Cleveland by night."
    )
    found = {m.text: m.place for m in geoparse(text, gazetteer=full_gazetteer) if m.place}
    assert (found["Montgomery County"].admin1, found["Montgomery County"].source) == (
        "IA",
        "us-atlas",
    )
    assert found["Cuyahoga County"].admin1 == "OH"


def test_geoparser_finds_hawaii_at_its_new_point(full_gazetteer):
    from mapapp.geoparse import geoparse

    [mention] = [m for m in geoparse("Lava flows on Hawaii.", gazetteer=full_gazetteer)]
    assert mention.place is not None and mention.place.admin1 == "HI"
    assert haversine_km(mention.place.lat, mention.place.lon, 20.788, -156.386) < 161
