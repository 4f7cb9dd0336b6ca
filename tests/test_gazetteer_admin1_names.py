"""English designator names of admin-1 regions ("Kharkiv Oblast", "the Sumy region", "Idlib
province", "Shan State"): the build rule (``admin1_designator_names``), gazetteer lookups on the
full build (``full_gazetteer``) and the geoparser on news sentences."""

from __future__ import annotations

import pytest

from gazetteer.designators import admin1_designator_names
from gazetteer.normalize import normalize
from mapapp.geoparse import Geoparser


def norms(names: list[str]) -> set[str]:
    return {normalize(n) for n in names}


# -- the rule


def test_oblast_named_after_its_seat_gets_the_seats_name_with_designators():
    names = norms(admin1_designator_names(["Kharkivska oblast"], "Region", ["Kharkiv"]))
    assert {"kharkiv oblast", "kharkiv region", "kharkiv province"} <= names
    # The short name itself is never a name of the region: bare "Kharkiv" is the city.
    assert "kharkiv" not in names
    assert "kharkivska oblast" not in names  # already the ISO name, not a compound


@pytest.mark.parametrize(
    ("iso_name", "iso_type", "seat", "expected"),
    [
        ("Sumska oblast", "Region", "Sumy", "sumy oblast"),  # a short seat: 3 of 4 letters
        ("Kurskaja oblast'", "Administrative region", "Kursk", "kursk oblast"),
        ("Brjanskaja oblast'", "Administrative region", "Bryansk", "bryansk oblast"),  # j = y
        ("Zaporizka oblast", "Region", "Zaporizhzhia", "zaporizhzhia oblast"),  # zh = z
        ("Krasnodarskij kraj", "Administrative territory", "Krasnodar", "krasnodar krai"),
    ],
)
def test_seat_stem(iso_name, iso_type, seat, expected):
    assert expected in norms(admin1_designator_names([iso_name], iso_type, [seat]))


@pytest.mark.parametrize(
    ("iso_name", "seat"),
    [
        ("Dnipropetrovska oblast", "Dnipro"),  # a renamed city: the adjective goes on too long
        ("Moskovskaja oblast'", "Moscow"),  # English and Russian stems differ
        ("Kirovohradska oblast", "Kropyvnytskyi"),
        ("Salta", "Sal"),  # no adjective: the seat rule does not apply
    ],
)
def test_seat_not_made_into_the_regions_name(iso_name, seat):
    names = norms(admin1_designator_names([iso_name], "Region", [seat]))
    assert not any(n.startswith(normalize(seat) + " ") for n in names)


def test_designators_follow_the_iso_type():
    assert norms(admin1_designator_names(["Shan"], "State")) == {
        "shan state",
        "shan region",
        "shan province",
    }
    assert "saada governorate" in norms(
        admin1_designator_names(["Şāʻdah", "Saada"], "Governorate", country_code="YE")
    )
    assert "dagestan republic" in norms(
        admin1_designator_names(["Dagestan, Respublika"], "Republic")
    )
    assert "republic of crimea" in norms(
        admin1_designator_names(["Autonomous Republic of Crimea"], "Republic")
    )
    # Syria's ISO provinces are governorates in English news; Afghanistan's are not.
    assert "idlib governorate" in norms(
        admin1_designator_names(["Idlib"], "Province", [], country_code="SY")
    )
    assert "kandahar governorate" not in norms(
        admin1_designator_names(["Kandahār"], "Province", [], country_code="AF")
    )


def test_cities_get_no_region_or_province():
    names = norms(admin1_designator_names(["Kyiv", "Kyiv City", "Kiev"], "City"))
    assert names == {"kyiv city", "kiev city"}
    # A "City" name makes a region a city whatever its type ("Mexico City" is no "Mexico region").
    names = norms(admin1_designator_names(["Ciudad de México", "Mexico City"], "Federal entity"))
    assert "mexico region" not in names and "mexico city" in names


def test_no_generic_compound_of_a_country_name():
    names = norms(
        admin1_designator_names(["Georgia"], "State", country_names=frozenset({"georgia"}))
    )
    assert names == {"georgia state"}


def test_nicknames_articles_and_fragments_are_no_short_names():
    names = norms(
        admin1_designator_names(
            ["Borno", "Home of Peace", "The District", "D.C. (eng)'", "TNI"], "State"
        )
    )
    assert names == {"borno state", "borno region", "borno province"}


def test_nicknames_with_the_are_no_short_names_but_spanish_articles_stay():
    assert norms(admin1_designator_names(["Washington", "The Evergreen State"], "State")) == {
        "washington state",
        "washington region",
        "washington province",
    }
    assert "los lagos region" in norms(admin1_designator_names(["Los Lagos"], "Region"))


def test_position_words_are_no_short_names():
    # "Seoul Central District Court", "North State Street": no Israeli or Indian region.
    assert admin1_designator_names(["Al Awsaţ", "Central"], "District") == [
        "Al Awsaţ District",
        "Al Awsaţ region",
        "Al Awsaţ province",
    ]
    assert admin1_designator_names(["North East", "Northern"], "Region") == []


def test_other_scripts_get_no_english_designator():
    assert admin1_designator_names(["Харківська область"], "Region", ["Харків"]) == []


# -- the full gazetteer


def iso_code(place) -> str:
    return place.raw.get("iso_code", "")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Kharkiv Oblast", "UA-63"),
        ("Sumy region", "UA-59"),
        ("Donetsk region", "UA-14"),
        ("Zaporizhzhia Oblast", "UA-23"),
        ("Kyiv region", "UA-32"),  # the oblast around Kyiv, not Kyiv City (UA-30)
        ("Kursk Oblast", "RU-KRS"),
        ("Belgorod region", "RU-BEL"),
        ("Idlib Governorate", "SY-ID"),
        ("Idlib province", "SY-ID"),
        ("Kandahar province", "AF-KAN"),
        ("Saada governorate", "YE-SD"),
        ("Shan State", "MM-17"),
        ("Rakhine State", "MM-16"),
        ("Borno state", "NG-BO"),
    ],
)
def test_lookup_designator_name(full_gazetteer, query, code):
    found = full_gazetteer.search(query, limit=3)
    assert found, query
    assert found[0].feature_code == "ADM1"
    assert iso_code(found[0]) == code


@pytest.mark.parametrize(("name", "cc"), [("Kharkiv", "UA"), ("Sumy", "UA"), ("Kursk", "RU")])
def test_bare_seat_name_stays_the_city(full_gazetteer, name, cc):
    best = full_gazetteer.search(name, limit=1)[0]
    assert best.feature_class == "P"
    assert best.country_code == cc
    # No designator name was added to the town.
    assert full_gazetteer.search(f"{name} Oblast", feature_classes="P") == []


# -- the geoparser


@pytest.fixture(scope="module")
def parser(full_gazetteer):
    return Geoparser(full_gazetteer)


def resolved(parser, text: str) -> dict[str, tuple[str, str, str]]:
    return {
        m.text: (m.place.feature_code, m.place.country_code, iso_code(m.place))
        for m in parser.parse(text)
    }


def test_geoparser_reads_oblasts(parser):
    found = resolved(
        parser,
        "Russian forces attacked villages in Kharkiv Oblast and the Sumy Region, "
        "Ukrainian officials said. Drones struck Kursk Oblast and Zaporizhzhia Oblast.",
    )
    assert found["Kharkiv Oblast"] == ("ADM1", "UA", "UA-63")
    assert found["Sumy Region"] == ("ADM1", "UA", "UA-59")
    assert found["Kursk Oblast"] == ("ADM1", "RU", "RU-KRS")
    assert found["Zaporizhzhia Oblast"] == ("ADM1", "UA", "UA-23")


def test_geoparser_bare_seat_names_stay_cities(parser):
    found = resolved(parser, "Missiles hit Kharkiv and Sumy overnight, Ukrainian officials said.")
    assert found["Kharkiv"][:2] == ("PPLA", "UA")
    assert found["Sumy"][:2] == ("PPLA", "UA")


def test_geoparser_reads_other_designators(parser):
    found = resolved(
        parser,
        "Fighting was reported in Idlib province and Kandahar Province; Boko Haram attacked "
        "villages in Borno state; the army shelled towns in Shan State and Rakhine State.",
    )
    assert found["Idlib"] == ("ADM1", "SY", "SY-ID")
    assert found["Kandahar Province"] == ("ADM1", "AF", "AF-KAN")
    assert found["Borno"] == ("ADM1", "NG", "NG-BO")
    assert found["Shan State"] == ("ADM1", "MM", "MM-17")
    assert found["Rakhine State"] == ("ADM1", "MM", "MM-16")
