"""World regions made of whole countries (gazetteer/data/world_regions.csv): every row, the label
point, the build, and the geoparser's use of them."""

from __future__ import annotations

from pathlib import Path

import pycountry
import pytest

from gazetteer.errors import ImportFormatError
from gazetteer.world_regions import (
    ID_MAX,
    ID_MIN,
    SOURCE,
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
def test_row_valid_with_real_member_countries(row: dict[str, str]) -> None:
    assert row_problems(row) == []
    for cc in members_of(row):
        assert pycountry.countries.get(alpha_2=cc) is not None, cc


def test_row_problems_name_what_is_wrong() -> None:
    bad = {"id": "12", "name": "", "variants": "", "members": "SY sy SY", "source": "wiki"}
    problems = " ".join(row_problems(bad))
    for part in ("outside", "no name", "not ISO", "twice", "http"):
        assert part in problems


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
