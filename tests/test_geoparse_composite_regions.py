"""Regions made of whole subdivisions (gazetteer/data/world_regions.csv) in running text, against the
real gazetteer (``full_gazetteer``): Donbas, Kashmir, New England, the Midwest, Darfur and their
adjectives, and the towns that used to take their names."""

from __future__ import annotations

import pytest

from gazetteer.world_regions import SOURCE
from mapapp.geoparse import Geoparser
from mapapp.geoparse.model import PRECISION_REGION, PRECISION_TOWN


@pytest.fixture(scope="module")
def parser(full_gazetteer):
    return Geoparser(full_gazetteer)


def _found(parser: Geoparser, text: str) -> dict:
    return {m.text: m for m in parser.parse(text)}


@pytest.mark.parametrize(
    ("text", "span", "name", "country"),
    [
        ("Shelling continued in Donbas, Ukrainian officials said.", "Donbas", "Donbas", "UA"),
        ("Fighting in Donbass went on overnight.", "Donbass", "Donbas", "UA"),
        ("Tensions rose in Kashmir after the attack.", "Kashmir", "Kashmir", ""),
        ("Violence in Darfur displaced thousands.", "Darfur", "Darfur", "SD"),
        ("Snow hit New England and the Midwest.", "New England", "New England", "US"),
        ("Snow hit New England and the Midwest.", "Midwest", "Midwest", "US"),
        ("The Midwest braces for storms.", "Midwest", "Midwest", "US"),
        ("Tornadoes tore through the American South.", "American South",
         "Southern United States", "US"),
        ("Heat gripped the Deep South.", "Deep South", "Deep South", "US"),
        ("Rain soaked the Pacific Northwest on Tuesday.", "Pacific Northwest",
         "Pacific Northwest", "US"),
        # Bare, "West Coast" is also New Zealand's region of that name: the story says which.
        ("Wildfires burned across the West Coast, from California to Washington.", "West Coast",
         "West Coast of the United States", "US"),
        ("Storms battered Atlantic Canada overnight.", "Atlantic Canada", "Atlantic Canada", "CA"),
        ("Fighting spread across Kordofan, the UN said.", "Kordofan", "Kordofan", "SD"),
        ("Wildfires raged across the Russian Far East.", "Russian Far East",
         "Far Eastern Federal District", "RU"),
        ("Floods hit Northeast China this week.", "Northeast China", "Northeast China", "CN"),
        ("Tourists flock to Patagonia every summer.", "Patagonia", "Patagonia", ""),
    ],
)  # fmt: skip
def test_region_in_running_text(
    parser: Geoparser, text: str, span: str, name: str, country: str
) -> None:
    mention = _found(parser, text)[span]
    assert (mention.place.name, mention.place.source) == (name, SOURCE)
    assert mention.place.country_code == country
    assert mention.precision == PRECISION_REGION


def test_region_counts_as_in_its_country(parser: Geoparser) -> None:
    # Donbas belongs to Ukraine; Kashmir spans India and Pakistan and belongs to neither.
    donbas = _found(parser, "Shelling continued in Donbas.")["Donbas"].place
    assert donbas.parent_id == parser.target_place("UA").geonameid
    kashmir = _found(parser, "Tensions rose in Kashmir.")["Kashmir"].place
    assert kashmir.parent_id is None


@pytest.mark.parametrize(
    ("text", "span", "name"),
    [
        ("Kashmiri separatists clashed with police.", "Kashmiri", "Kashmir"),
        ("Darfuri refugees crossed into Chad.", "Darfuri", "Darfur"),
        ("Midwestern farmers fear the drought.", "Midwestern", "Midwest"),
    ],
)
def test_region_adjectives(parser: Geoparser, text: str, span: str, name: str) -> None:
    mention = _found(parser, text)[span]
    assert mention.kind == "demonym"
    assert (mention.place.name, mention.place.source) == (name, SOURCE)


def test_language_is_not_the_region(parser: Geoparser) -> None:
    assert "Kashmiri" not in _found(parser, "The song was sung in Kashmiri.")


def test_towns_of_the_same_name_still_win_with_their_state(parser: Geoparser) -> None:
    found = _found(parser, "He grew up in New England, North Dakota.")
    assert found["New England"].place.feature_code.startswith("PPL")
    assert found["New England"].place.admin1 == "ND"
    assert found["New England"].precision == PRECISION_TOWN
    found = _found(parser, "Cashmere, Washington, held its apple fair.")
    assert found["Cashmere"].place.country_code == "US"
    assert found["Cashmere"].place.feature_code.startswith("PPL")


def test_new_zealand_west_coast_keeps_its_region(parser: Geoparser) -> None:
    text = "Floods cut roads on the West Coast near Greymouth, New Zealand police said."
    place = _found(parser, text)["West Coast"].place
    assert (place.country_code, place.source) == ("NZ", "admin1")
