"""Airports and air bases from ``airportsdata`` (gazetteer/airports.py): the selection rule, the
names, the ids, the build step on the tiny world (curated duplicates, bad rows, parents), and
the real gazetteer (search, country outlines, the geoparser)."""

from __future__ import annotations

import dataclasses
import random
import sqlite3
from pathlib import Path

import pytest

from gazetteer import Gazetteer
from gazetteer.airports import (
    ID_BASE,
    ID_MAX,
    REVISION,
    SOURCE,
    airport_id,
    airport_names,
    country_of,
    feature_code_of,
    fingerprint_part,
    load_airports,
    selected,
)
from gazetteer.build import build_database
from gazetteer.coords import haversine_km
from gazetteer.model import Place
from gazetteer.normalize import normalize
from gazetteer.schema import USER_ID_BASE, WORLD_REGIONS_ID_BASE
from gazetteer.testing import CURATED, tiny_sources, write_curated


def _row(icao: str, iata: str, name: str, city: str, cc: str, lat: float, lon: float, **kw):
    return {"icao": icao, "iata": iata, "name": name, "city": city, "subd": kw.get("subd", ""),
            "country": cc, "elevation": 100.0, "lat": lat, "lon": lon, "tz": "", "lid": ""}  # fmt: skip


# --------------------------------------------------------------------------- selection


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (_row("OSDI", "DAM", "Damascus International Airport", "Damascus", "SY", 33.4, 36.5), True),
        (_row("OS65", "", "Shayrat Air Base", "Shayrat", "SY", 34.49, 36.91), True),
        (_row("ETAR", "", "Ramstein Airbase", "Ramstein", "DE", 49.4, 7.6), True),
        (_row("KAYX", "", "Arnold Afb Airport", "Tullahoma", "US", 35.4, -86.1), True),
        (_row("VIAM", "", "Ambala Air Force Station", "", "IN", 30.4, 76.8), True),
        (_row("UKON", "", "Mykolaiv International Airport", "Mykolaiv", "UA", 47.06, 31.9), True),
        # private strips and local fields: no IATA code, no military or international name
        (_row("00AK", "", "Lowell Field", "Anchor Point", "US", 59.9, -151.7), False),
        (_row("OS67", "", "Mezze Airport", "", "SY", 33.48, 36.22), False),
        # a US FAA identifier with digits is a private strip, whatever its name says
        (_row("5NC1", "", "Tara Airbase Airport", "Mocksville", "US", 35.9, -80.6), False),
        (_row("7XS9", "", "Inshallah International Airport", "", "US", 30.0, -97.0), False),
        (_row("_LSG", "LZG", "Leshan Airport (under construction)", "Leshan", "CN", 29.5, 103.7), False),
    ],
)  # fmt: skip
def test_selection_rule(row: dict, expected: bool) -> None:
    assert selected(row) is expected


def test_selection_on_the_package() -> None:
    rows = load_airports()
    chosen = [r for r in rows if selected(r)]
    with_iata = [r for r in rows if r["iata"]]
    assert len(rows) > 25_000
    # Every IATA airport is in (but the unusable ones); most of the package is left out.
    assert len(with_iata) - 20 <= len(chosen) < len(rows) / 2
    bases = [r for r in chosen if feature_code_of(r) == "AIRB"]
    assert len(bases) > 300
    names = {r["name"] for r in chosen}
    assert {"Shayrat Air Base", "Nevatim Air Base", "London Heathrow Airport"} <= names
    assert "Lowell Field" not in names


def test_feature_codes() -> None:
    assert feature_code_of({"name": "Hatzerim Air Base"}) == "AIRB"
    assert feature_code_of({"name": "Dyess AFB"}) == "AIRB"
    assert feature_code_of({"name": "Al Taji Army Air Field"}) == "AIRB"
    assert feature_code_of({"name": "London Heathrow Airport"}) == "AIRP"
    assert feature_code_of({"name": "Nasiriyah Airport"}) == "AIRP"  # "nas" only as a word


def test_subdivision_countries() -> None:
    sju = _row("TJSJ", "SJU", "Luis Munoz Marin International Airport", "San Juan", "US", 18.4,
               -66.0, subd="Puerto Rico")  # fmt: skip
    assert country_of(sju) == "PR"
    assert country_of(_row("KJFK", "JFK", "JFK", "New York", "US", 40.6, -73.8)) == "US"


# --------------------------------------------------------------------------- names and ids


def test_names_drop_city_and_international() -> None:
    names = airport_names("Washington Dulles International Airport", "Washington")
    assert names[0] == "Washington Dulles International Airport"
    assert {"Dulles International Airport", "Dulles Airport", "Washington Dulles Airport"} <= set(
        names
    )
    assert "Dulles" not in names  # bare cores are no names
    assert airport_names("London Heathrow Airport", "London")[:2] == [
        "London Heathrow Airport",
        "Heathrow Airport",
    ]
    assert "Orly Airport" in airport_names("Paris-Orly Airport", "Paris")
    assert "Schiphol Airport" in airport_names("Amsterdam Airport Schiphol", "Amsterdam")


def test_names_never_generic_or_codes() -> None:
    generic = {"city airport", "international airport", "airport", "london airport"}
    for name, city in [
        ("London City Airport", "London"),
        ("Tokyo International Airport", "Tokyo"),
        ("Damascus International Airport", "Damascus"),
    ]:
        forms = {normalize(f) for f in airport_names(name, city)}
        assert not forms & generic, (name, forms & generic)
    names = airport_names("Damascus International Airport", "Damascus")
    assert names == ["Damascus International Airport", "Damascus Airport"]
    assert all(len(n) > 4 for n in names)  # no IATA/ICAO codes


def test_names_variants() -> None:
    assert "Shayrat Airbase" in airport_names("Shayrat Air Base", "Shayrat")
    assert "Ronald Reagan Washington National Airport" in airport_names(
        "Ronald Reagan Washington Ntl Airport", "Washington"
    )
    assert "Be'er Sheva Airport" in airport_names("Be'er Sheva (Teyman) Airport", "Beersheva")
    with_city = airport_names("Hamad International Airport", "Doha", city_form=True)
    assert {"Hamad Airport", "Doha Airport", "Doha International Airport"} <= set(with_city)
    assert "Doha Airport" not in airport_names("Hamad International Airport", "Doha")


def test_names_never_a_bare_town_name() -> None:
    # airportsdata names a few airports like their town: indexed only with "Airport".
    assert airport_names("Ganzhou", "Zhangye") == ["Ganzhou Airport"]
    assert "San Carlos" not in airport_names("San Carlos", "San Carlos", city_form=True)
    assert "Merowe" not in airport_names("Merowe (Merowe New)", "")
    # The city form is for international airports only ("Odessa Airport" stays Odesa's).
    assert "Odessa Airport" not in airport_names(
        "Odessa-Schlemeyer Field", "Odessa", city_form=True
    )


def test_ids_stable_unique_in_range() -> None:
    assert airport_id("EGLL") == airport_id("egll") == airport_id(" EGLL ")
    assert airport_id("EGLL") != airport_id("EGLC")
    assert ID_BASE <= airport_id("_MLH") < airport_id("0000") < airport_id("ZZZZ") == ID_MAX
    # Inside the build's synthetic range, below the users' ids and above the world regions'.
    assert WORLD_REGIONS_ID_BASE + 10_000_000 <= ID_BASE and ID_MAX < USER_ID_BASE
    codes = {r["icao"] for r in load_airports()}
    assert len({airport_id(c) for c in codes}) == len(codes)
    with pytest.raises(ValueError):
        airport_id("EG-LL")
    with pytest.raises(ValueError):
        airport_id("TOOLONG")


# --------------------------------------------------------------------------- the build step

AIRPORTS = [
    _row("OSDI", "DAM", "Damascus International Airport", "Damascus", "SY", 33.4115, 36.5156),
    _row("OS65", "", "Shayrat Air Base", "Shayrat", "SY", 34.4903, 36.909),
    _row("OSAP", "ALP", "Aleppo International Airport", "Aleppo", "SY", 36.1807, 37.2244),
    _row("KBWI", "BWI", "Baltimore/Washington International Airport", "Baltimore", "US", 39.1754,
         -76.6683),
    _row("00AK", "", "Lowell Field", "Anchor Point", "US", 39.2, -76.7),
    _row("OS67", "", "Mezze Airport", "", "SY", 33.4775, 36.2234),
    _row("OSXX", "XXA", "Swapped Airport", "", "SY", 136.5, 33.4),
    _row("OSZZ", "XXB", "Null Island Airport", "", "SY", 0.0, 0.0),
    _row("OSYY", "XXC", "Faraway Airport", "", "SY", 10.0, 10.0),
    _row("ZZZZ", "XXD", "Unknown Country Airport", "", "QQ", 33.0, 36.0),
]  # fmt: skip
# The curated supplement already has Aleppo's airport (1 km from airportsdata's point).
CURATED_AIRPORT = {
    "id": "2100000003", "name": "Aleppo International Airport", "variants": "Nejrab Airport",
    "lat": "36.1880", "lon": "37.2200", "feature_code": "AIRP", "country_code": "SY",
    "parent_geonameid": "170063", "parent_name": "Aleppo", "source": "test",
}  # fmt: skip


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    directory = tmp_path_factory.mktemp("airports")
    sources = tiny_sources(directory / "src")
    write_curated(Path(sources.curated_path), [*CURATED, CURATED_AIRPORT])
    sources = dataclasses.replace(sources, airports=[dict(r) for r in AIRPORTS])
    report = build_database(directory / "g.sqlite", sources=sources)
    assert any("airportsdata: 3 airports and air bases" in n for n in report.notes), report.notes
    gaz = Gazetteer(directory / "g.sqlite", auto_build=False)
    yield gaz
    gaz.close()


def _airport_ids(gaz: Gazetteer) -> list[int]:
    conn = sqlite3.connect(f"{Path(gaz.path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        sql = "SELECT geonameid FROM place WHERE source = ? ORDER BY geonameid"
        return [r[0] for r in conn.execute(sql, (SOURCE,))]
    finally:
        conn.close()


def _airports(gaz: Gazetteer) -> dict[str, Place]:
    places = [gaz.get(gid) for gid in _airport_ids(gaz)]
    return {p.raw["icao"]: p for p in places}


def test_build_selected_rows_only(tiny: Gazetteer) -> None:
    assert sorted(_airports(tiny)) == ["KBWI", "OS65", "OSDI"]


def test_build_places(tiny: Gazetteer) -> None:
    by_icao = _airports(tiny)
    dam, shayrat, bwi = by_icao["OSDI"], by_icao["OS65"], by_icao["KBWI"]
    assert (dam.feature_class, dam.feature_code, dam.country_code) == ("S", "AIRP", "SY")
    assert (shayrat.feature_class, shayrat.feature_code) == ("S", "AIRB")
    assert dam.geonameid == airport_id("OSDI")
    assert dam.raw["iata"] == "DAM" and shayrat.raw["iata"] == ""
    assert (dam.lat, dam.lon) == (33.4115, 36.5156)
    # Parent: the nearest town of the country; admin-1: the parent's.
    assert dam.parent_id == 170654 and dam.admin1 == "13"
    assert bwi.parent_id == 4347778 and bwi.admin1 == "MD"
    assert [p.feature_code for p in tiny.hierarchy(dam)][-1] == "PCLI"


def test_build_curated_airport_wins(tiny: Gazetteer) -> None:
    found = tiny.search("Aleppo International Airport")
    assert found and found[0].source == "curated"
    assert all(p.source != SOURCE for p in found)
    # The skipped row's names become the curated place's alternate names.
    found = tiny.search("Aleppo Airport")
    assert [p.geonameid for p in found] == [int(CURATED_AIRPORT["id"])]


def test_build_names(tiny: Gazetteer) -> None:
    dam = airport_id("OSDI")
    for name in ("Damascus International Airport", "Damascus Airport"):
        assert [p.geonameid for p in tiny.search(name)][:1] == [dam], name
    assert tiny.search("Shayrat Airbase")[0].geonameid == airport_id("OS65")
    assert tiny.search("Baltimore Airport")[0].raw["iata"] == "BWI"
    for code in ("DAM", "OSDI", "BWI"):
        assert all(p.source != SOURCE for p in tiny.search(code)), code


def test_build_without_airports_has_none(tmp_path: Path) -> None:
    gaz = Gazetteer(
        build_database(tmp_path / "g.sqlite", sources=tiny_sources(tmp_path / "src")).path,
        auto_build=False,
    )
    try:
        assert _airports(gaz) == {}
    finally:
        gaz.close()


def test_fingerprint_follows_the_rows(tmp_path: Path) -> None:
    sources = tiny_sources(tmp_path / "src")
    one = dataclasses.replace(sources, airports=[dict(AIRPORTS[0])])
    two = dataclasses.replace(sources, airports=[dict(AIRPORTS[0]), dict(AIRPORTS[1])])
    assert len({sources.fingerprint(), one.fingerprint(), two.fingerprint()}) == 3
    # The real loader is fingerprinted by the package version and this module's revision.
    assert fingerprint_part(load_airports).startswith("airports=airportsdata-")
    assert f"/r{REVISION};" in fingerprint_part(load_airports)


# --------------------------------------------------------------------------- the real gazetteer


def test_search_heathrow(full_gazetteer: Gazetteer) -> None:
    for query in ("Heathrow Airport", "London Heathrow Airport"):
        best = full_gazetteer.search(query)[0]
        assert best.raw["iata"] == "LHR" and best.feature_code == "AIRP", query
        assert best.country_code == "GB"
    assert full_gazetteer.search("Nevatim Air Base")[0].feature_code == "AIRB"


def test_sample_inside_country_outline(full_gazetteer: Gazetteer) -> None:
    import shapely

    ids = _airport_ids(full_gazetteer)
    assert len(ids) > 7000
    outside = []
    for gid in random.Random(7).sample(ids, 300):
        place = full_gazetteer.get(gid)
        shape = full_gazetteer.country_shape(place.country_code)
        if shape is None:
            continue
        point = shapely.Point(place.lon, place.lat)
        if not shape.contains(point) and shape.distance(point) > 0.3:  # ~30 km
            outside.append((place.name, place.country_code))
    # Only fields near a town of their country may lie outside its generalised outline
    # (Crimea's, which Natural Earth does not draw inside Ukraine).
    assert len(outside) <= 3, outside


def test_geoparser_resolves_airports(full_gazetteer: Gazetteer) -> None:
    from mapapp.geoparse import geoparse

    text = "Flights were cancelled at Damascus International Airport on Sunday."
    mentions = geoparse(text, gazetteer=full_gazetteer)
    assert [text[m.start : m.end] for m in mentions] == ["Damascus International Airport"]
    place = mentions[0].place
    assert place.country_code == "SY" and place.feature_code in ("AIRP", "MILB", "AIRB")
    assert haversine_km(place.lat, place.lon, 33.4115, 36.5156) < 5
    text = "Dulles International Airport is 22 miles away. Israel struck Shayrat Air Base."
    found = {text[m.start : m.end]: m.place for m in geoparse(text, gazetteer=full_gazetteer)}
    assert found["Dulles International Airport"].raw["iata"] == "IAD"
    assert found["Shayrat Air Base"].feature_code == "AIRB"
    assert found["Shayrat Air Base"].country_code == "SY"
