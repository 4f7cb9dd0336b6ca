"""Word-list behaviour: continents, the EU, state/province abbreviations with their context rules,
and blocked names (regions we have no place for), against a small in-memory gazetteer."""

from __future__ import annotations

import pytest

from mapapp.geoparse import Geoparser
from mapapp.geoparse.lexicon import load_lexicon
from mapapp.geoparse.model import PRECISION_REGION, PRECISION_TOWN
from tests.helpers import by_text
from tests.test_geoparse_fakes import ROWS, FakeGazetteer

# Synthetic ids (>= 2,100,000,000) for the extra rows; coordinates are the GeoNames ones.
EXTRA = [
    (6255148, "Europe", 48.69096, 9.14062, "L", "CONT", "", "", 0, None, "continent", []),
    (6255146, "Africa", 7.1881, 21.09375, "L", "CONT", "", "", 0, None, "continent", []),
    (2100000101, "Europe", 40.3, -88.2, "P", "PPL", "US", "IL", 120, None, "geonames", []),
    (2100000102, "Maryland", 39.0, -76.75, "A", "ADM1", "US", "MD", 5773552, None, "admin1", []),
    (2100000103, "Severn", 39.13705, -76.69830, "P", "PPL", "US", "MD", 44231, None, "geonames", []),
    (2100000104, "Canada", 60.10867, -113.64258, "A", "PCLI", "CA", "", 37058856, None, "country", []),
    (2100000105, "British Columbia", 53.99983, -125.0032, "A", "ADM1", "CA", "02", 4648055, None, "admin1", []),
    (2100000106, "Nelson", 49.49985, -117.28553, "P", "PPL", "CA", "02", 10664, None, "geonames", []),
    (2100000107, "Vancouver", 49.24966, -123.11934, "P", "PPL", "CA", "02", 600000, None, "geonames", []),
    (2100000108, "Trinidad and Tobago", 11.0, -61.0, "A", "PCLI", "TT", "", 1328019, None, "country", []),
    (2100000109, "India", 22.0, 79.0, "A", "PCLI", "IN", "", 1173108018, None, "country", []),
    (2100000111, "Gainesville", 38.79567, -77.61416, "P", "PPL", "US", "VA", 11481, None, "geonames", []),
    (2100000112, "Virginia", 37.54812, -77.44675, "A", "ADM1", "US", "VA", 8001024, None, "admin1", []),
]  # fmt: skip


@pytest.fixture(scope="module")
def parser():
    return Geoparser(FakeGazetteer(rows=ROWS + EXTRA))


def test_continents_and_their_adjectives(parser):
    text = "European leaders met in Europe to discuss aid to Africa and African trade."
    found = by_text(parser.parse(text))
    for name, gid in [("Europe", 6255148), ("Africa", 6255146)]:
        place = found[name][0].place
        assert place.geonameid == gid  # the continent, not the village of the same name
        assert found[name][0].precision == PRECISION_REGION
        assert found[name][0].kind == "place"
    for name, gid in [("European", 6255148), ("African", 6255146)]:
        assert found[name][0].kind == "demonym"
        assert found[name][0].place.geonameid == gid
        assert found[name][0].precision == PRECISION_REGION


def test_eu_is_europe(parser):
    text = "The EU and the European Union's members met; the E.U. said little."
    found = by_text(parser.parse(text))
    assert {m.place.geonameid for ms in found.values() for m in ms} == {6255148}
    assert set(found) == {"EU", "European Union", "E.U."}  # "European" inside is not separate


def test_continents_stay_unresolved_without_a_continent_in_the_gazetteer():
    parser = Geoparser(FakeGazetteer())  # no CONT rows: no guess, no village called Europe
    assert [m.text for m in parser.parse("Leaders met in Europe and Damascus.")] == ["Damascus"]


def test_state_abbreviation_after_a_town(parser):
    text = "SEVERN, Md. (ABC7) - A Severn, Md. man was arrested. Gainesville, Va. agreed."
    found = by_text(parser.parse(text))
    assert [m.place.geonameid for m in found["Md."]] == [2100000102] * 2
    assert found["Md."][0].end == text.index("Md.") + 3  # the period is part of the mention
    assert found["Md."][0].precision == PRECISION_REGION
    assert found["Va."][0].place.geonameid == 2100000112
    assert found["Severn"][0].place.geonameid == 2100000103  # "X, Y": inside Maryland
    assert found["Severn"][0].precision == PRECISION_TOWN


def test_state_abbreviation_needs_the_town_comma_and_the_period(parser):
    for text in ("Md. Rahman said so.", "Md Rahman met them in Damascus.", "They went to Mass."):
        assert not [m for m in parser.parse(text) if m.text.startswith(("Md", "Mass"))], text


def test_two_letter_state_code_only_after_a_town(parser):
    found = by_text(parser.parse("A Severn, MD man was arrested in Gainesville, VA on Monday."))
    assert found["MD"][0].place.geonameid == 2100000102
    assert found["VA"][0].place.geonameid == 2100000112
    assert found["Severn"][0].place.geonameid == 2100000103
    assert not parser.parse("The MD said VA rules differ.")


def test_islamic_republic_is_iran_only_in_an_article_about_iran(parser):
    about_iran = "Protests spread across Iran. The Islamic Republic blamed Israel."
    found = by_text(parser.parse(about_iran))
    assert found["Islamic Republic"][0].place.geonameid == 130758
    elsewhere = "France debated its own laws. The Islamic Republic of Mauritania was not named."
    assert "Islamic Republic" not in by_text(parser.parse(elsewhere))


def test_bc_counts_only_in_a_canadian_article(parser):
    text = "The office opened in Nelson, Canada. FrontCounter BC serves the whole of B.C. now."
    found = by_text(parser.parse(text))
    assert {m.place.geonameid for m in found["BC"] + found["B.C."]} == {2100000105}
    assert "BC" not in by_text(parser.parse("Built around 300 BC, the wall in Damascus stands."))
    assert "BC" not in by_text(parser.parse("Strikes hit Damascus. BC was not involved."))
    # After "Town, " the abbreviation needs no other evidence.
    assert by_text(parser.parse("VANCOUVER, B.C. - Rain."))["B.C."][0].place.country_code == "CA"


def test_t_and_t(parser):
    found = by_text(parser.parse("The prime minister asked why T&T was not represented."))
    assert found["T&T"][0].place.country_code == "TT"


def test_blocked_regions_hide_the_names_inside(parser):
    text = "Ships crossed the Indian Ocean; Central American and North Africa leaders met India."
    found = by_text(parser.parse(text))
    assert set(found) == {"India"}  # not "Indian", "American" or "Africa" inside the regions


def test_a_blocked_name_the_gazetteer_has_is_a_place():
    ocean = (2200000003, "Indian Ocean", -10.0, 70.0, "H", "OCN", "", "", 0, None,
             "world-features", [])  # fmt: skip
    parser = Geoparser(FakeGazetteer(rows=ROWS + EXTRA + [ocean]))
    text = "Ships crossed the Indian Ocean; Central American and North Africa leaders met India."
    found = by_text(parser.parse(text))
    assert set(found) == {"Indian Ocean", "India"}
    assert found["Indian Ocean"][0].place.geonameid == 2200000003


def test_word_lists_are_well_formed():
    lex = load_lexicon()
    for form, target in lex.aliases.items():
        scope = target.split("/", 1)[0]
        assert (len(scope) == 2 and scope.isupper()) or scope in ("continent", "world"), form
        assert lex.alias_context.get(form, "comma") == "comma" or len(lex.alias_context[form]) == 2
    assert "indian ocean" in lex.blocked


def test_dc_and_a_parenthesised_state(parser):
    rows = ROWS + EXTRA
    rows = rows + [
        (2100000113, "District of Columbia", 38.91, -77.01, "A", "ADM1", "US", "DC", 601723, None, "admin1", []),
        (2100000114, "Walker", 34.73, -85.30, "P", "PPL", "US", "GA", 500, None, "geonames", []),
    ]  # fmt: skip
    parser = Geoparser(FakeGazetteer(rows=rows))
    found = by_text(parser.parse("In D.C., murals abound. The Walker County (Ga.) office agreed."))
    assert found["D.C."][0].place.geonameid == 2100000113
    assert found["Ga."][0].place.geonameid == 4197000  # the US state (ROWS)


def test_uk_nations_and_english():
    rows = ROWS + [
        (2100000115, "Scotland", 56.7861, -4.1141, "A", "ADM1", "GB", "SCT", 5184948, None, "admin1", []),
        (2100000116, "English", 38.3345, -86.46415, "P", "PPL", "US", "IN", 630, None, "geonames", []),
    ]  # fmt: skip
    parser = Geoparser(FakeGazetteer(rows=rows))
    found = by_text(parser.parse("Scottish fishermen met English teachers in English, Indiana."))
    assert found["Scottish"][0].kind == "demonym"
    assert found["Scottish"][0].place.geonameid == 2100000115  # the nation, not the UK
    assert "English" not in found  # a language, not the village
