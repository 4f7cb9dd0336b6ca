"""World regions made of whole countries or whole subdivisions (gazetteer/data/world_regions.csv):
every row, the label point, the build (a tiny world and the real one), and the geoparser's use of
them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pycountry
import pytest

from gazetteer import Gazetteer
from gazetteer.build import admin1_id, build_database
from gazetteer.errors import ImportFormatError, UnknownPlace
from gazetteer.testing import tiny_sources
from gazetteer.world_regions import (
    ID_MAX,
    ID_MIN,
    SOURCE,
    is_subdivision_code,
    mean_point,
    members_of,
    read_world_regions,
    row_problems,
)
from mapapp.geoparse import Geoparser
from mapapp.geoparse.model import PRECISION_REGION

ROWS = read_world_regions()


def test_file_has_unique_ids_and_names() -> None:
    assert len(ROWS) >= 30
    ids = [int(r["id"]) for r in ROWS]
    assert len(set(ids)) == len(ids) and all(ID_MIN <= i <= ID_MAX for i in ids)
    names = [r["name"].casefold() for r in ROWS]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("row", ROWS, ids=[r["name"] for r in ROWS])
def test_row_valid_with_real_members(row: dict[str, str]) -> None:
    assert row_problems(row) == []
    for code in members_of(row):
        if is_subdivision_code(code):
            assert pycountry.subdivisions.get(code=code) is not None, code
        else:
            assert pycountry.countries.get(alpha_2=code) is not None, code


def test_row_problems_name_what_is_wrong() -> None:
    bad = {"id": "12", "name": "", "variants": "", "members": "SY sy SY", "source": "wiki"}
    problems = " ".join(row_problems(bad))
    for part in ("outside", "no name", "not ISO", "twice", "http"):
        assert part in problems
    mixed = {"id": str(ID_MIN), "name": "X", "variants": "", "source": "https://example.org",
             "members": "UA UA-14 UA-09 US-MAINE"}  # fmt: skip
    problems = " ".join(row_problems(mixed))
    assert "US-MAINE" in problems and "subdivisions of member countries: UA-09, UA-14" in problems
    good = dict(mixed, members="UA-14 UA-09 US-ME AR-Q")
    assert row_problems(good) == []


def test_missing_column_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "regions.csv"
    path.write_text("id,name,members\n2400000001,X,SY LB\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="variants"):
        read_world_regions(path)


def test_mean_point_on_the_sphere() -> None:
    # Either side of the antimeridian: the mean stays in the Pacific, not at longitude 0.
    lat, lon = mean_point([(-15.0, 179.0), (-15.0, -179.0)])
    assert abs(lat + 15.0) < 0.1 and abs(abs(lon) - 180.0) < 0.01
    assert mean_point([(10.0, 20.0), (30.0, 20.0)]) == pytest.approx((20.0, 20.0), abs=0.1)


def test_built_regions_keep_members_and_population(full_gazetteer) -> None:
    found = [p for p in full_gazetteer.search("North Africa") if p.source == SOURCE]
    assert found, "Northern Africa not found by its variant"
    region = found[0]
    assert (region.name, region.feature_code, region.country_code) == ("Northern Africa", "RGN", "")
    assert set(region.raw["members"]) >= {"EG", "LY", "TN", "DZ", "MA"}
    assert region.population > 150_000_000
    # The label point lies among the members: within the region's bounding box of reference points.
    assert 15.0 < region.lat < 35.0 and -10.0 < region.lon < 30.0


def test_geoparser_maps_regions_and_their_adjectives(full_gazetteer) -> None:
    parser = Geoparser(full_gazetteer)
    text = (
        "Ministers from the Middle East met North African and Central American envoys; "
        "Southeast Asia sent observers."
    )
    found = {m.text: m for m in parser.parse(text)}
    assert found["Middle East"].place.source == SOURCE
    assert found["Middle East"].precision == PRECISION_REGION
    assert found["North African"].kind == "demonym"
    assert found["North African"].place.name == "Northern Africa"
    assert found["Central American"].place.name == "Central America"
    assert found["Southeast Asia"].place.name == "South-eastern Asia"
    assert "Africa" not in found and "America" not in found


def _tiny_world(tmp_path: Path, rows: str) -> tuple[Gazetteer, list[str]]:
    """The tiny world (Syria's Dimashq and Halab, Maryland, Palestine) with these region rows."""
    sources = tiny_sources(tmp_path / "src")
    sources.world_regions_path = tmp_path / "regions.csv"
    sources.world_regions_path.write_text(
        "id,name,variants,members,source\n" + rows, encoding="utf-8"
    )
    report = build_database(tmp_path / "g.sqlite", sources=sources)
    return Gazetteer(tmp_path / "g.sqlite", auto_build=False), list(report.notes)


def test_subdivision_regions_in_a_tiny_world(tmp_path: Path) -> None:
    src = "https://example.org/page"
    gaz, notes = _tiny_world(
        tmp_path,
        f"{ID_MIN},Syrian Pair,Pair Region,SY-DI SY-HL,{src}\n"
        f"{ID_MIN + 1},Across,,SY-DI US-MD,{src}\n"
        f"{ID_MIN + 2},Half Known,,SY-DI SY-XX,{src}\n"
        f"{ID_MIN + 3},Elsewhere,,FR-IDF FR-PAC,{src}\n"
        f"{ID_MIN + 4},Two Countries,,SY US,{src}\n",
    )
    try:
        pair = gaz.get(ID_MIN)
        dimashq, halab = gaz.get(admin1_id("SY-DI")), gaz.get(admin1_id("SY-HL"))
        # In one country: that country's code and the country as parent; members kept in order.
        assert (pair.feature_code, pair.country_code, pair.source) == ("RGN", "SY", SOURCE)
        assert pair.parent_id == gaz.country("SY").geonameid
        assert pair.raw["members"] == ["SY-DI", "SY-HL"]
        expected = mean_point([(dimashq.lat, dimashq.lon), (halab.lat, halab.lon)])
        assert (pair.lat, pair.lon) == pytest.approx(expected, abs=1e-4)
        assert pair.population == dimashq.population + halab.population > 0
        assert ID_MIN in {p.geonameid for p in gaz.search("Pair Region")}
        # Across a border: no country code, no parent, like the regions made of countries.
        across = gaz.get(ID_MIN + 1)
        assert (across.country_code, across.parent_id) == ("", None)
        assert across.raw["members"] == ["SY-DI", "US-MD"]
        # A subdivision the gazetteer lacks: the region is left out with a note, never placed
        # at its one known member; members of a country absent from the world: left out quietly.
        with pytest.raises(UnknownPlace):
            gaz.get(ID_MIN + 2)
        assert any("Half Known" in n and "SY-XX" in n for n in notes), notes
        with pytest.raises(UnknownPlace):
            gaz.get(ID_MIN + 3)
        assert not any("Elsewhere" in n for n in notes)
        # Regions made of countries are built as before.
        both = gaz.get(ID_MIN + 4)
        assert (both.country_code, both.raw["members"]) == ("", ["SY", "US"])
    finally:
        gaz.close()


def test_us_states_found_by_iso_code(full_gazetteer_path: Path) -> None:
    # The 50 states and DC are ADM1 places under their ISO code's synthetic id (their points
    # moved to the us-atlas polygons), so a region's "US-ME" member is Maine and nothing else.
    states = [s for s in pycountry.subdivisions.get(country_code="US") if s.type in
              ("State", "District")]  # fmt: skip
    assert len(states) == 51
    with sqlite3.connect(full_gazetteer_path) as conn:
        for state in states:
            row = conn.execute(
                "SELECT feature_code, country_code, json_extract(raw, '$.iso_code'), "
                "json_extract(raw, '$.reference_point.source') FROM place WHERE geonameid = ?",
                (admin1_id(state.code),),
            ).fetchone()
            assert row is not None and row[:3] == ("ADM1", "US", state.code), state.code
            assert row[3] and "us-atlas" in row[3], state.code


def test_every_row_built_with_all_its_members(full_gazetteer) -> None:
    for row in ROWS:
        place = full_gazetteer.get(int(row["id"]))
        assert place.raw["members"] == members_of(row), row["name"]
        countries = {code[:2] for code in members_of(row)}
        one_country = len(countries) == 1 and all(map(is_subdivision_code, members_of(row)))
        assert place.country_code == (next(iter(countries)) if one_country else ""), row["name"]


def test_built_subdivision_regions(full_gazetteer) -> None:
    donbas = full_gazetteer.search("Donbass")[0]
    assert (donbas.name, donbas.country_code, donbas.source) == ("Donbas", "UA", SOURCE)
    assert donbas.parent_id == full_gazetteer.country("UA").geonameid
    # The label point lies between Donetsk and Luhansk oblasts' points, inside Ukraine's east.
    assert 47.5 < donbas.lat < 49.5 and 37.0 < donbas.lon < 39.5
    kashmir = [p for p in full_gazetteer.search("Kashmir") if p.source == SOURCE][0]
    assert kashmir.country_code == "" and set(kashmir.raw["members"]) == {
        "IN-JK", "IN-LA", "PK-JK", "PK-GB"}  # fmt: skip
    new_england = [p for p in full_gazetteer.search("New England") if p.source == SOURCE][0]
    assert new_england.country_code == "US" and new_england.population > 10_000_000
    assert 41.0 < new_england.lat < 46.0 and -73.5 < new_england.lon < -68.5
