"""The sample article and known ambiguities against the real gazetteer (``full_gazetteer``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gazetteer.coords import haversine_km
from mapapp.geoparse import Geoparser
from mapapp.geoparse.model import PRECISION_REGION, PRECISION_TOWN
from tests.helpers import by_text

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "examples"
SAMPLE = SAMPLE / "article-damascus-2024-11-14.txt"
# The same sample's key sentences, so the test does not depend on the file being present.
SAMPLE_TEXT = (
    "Iran's Supreme Leader's Special Envoy, Ali Larijani (2nd from left), arrives in the Syrian "
    "capital, Damascus, on November 14, 2024.\n\nThe Iranian Supreme Leader's special envoy "
    "traveled to Syria and is due to meet President Bashar al-Assad as their mutual foe Israel "
    "launched more air strikes on the capital Damascus.\n\nSmoke rises as people gather at a "
    "damaged site after what Syrian state news agency said was an Israeli strike in Damascus "
    "suburb of Mazzeh, Syria November 14, 2024.\n\nSyria's geographic proximity to Israel and "
    "Lebanon makes it a key base for Iran's Lebanese ally Hezbollah. Although Assad has "
    "maintained close ties with Iran, he has occasionally distanced himself from Tehran's broader "
    "regional conflicts. The first occurred after the assassination of Qassem Soleimani by US "
    "forces in Iraq."
)


@pytest.fixture(scope="module")
def parser(full_gazetteer):
    return Geoparser(full_gazetteer)


def _text():
    return SAMPLE.read_text("utf-8") if SAMPLE.is_file() else SAMPLE_TEXT


def test_sample_article(parser):
    text = _text()
    mentions = parser.parse(text)
    for m in mentions:
        assert text[m.start : m.end] == m.text
    found = by_text(mentions)

    mazzeh = found["Mazzeh"][0]
    assert mazzeh.place.country_code == "SY"
    assert mazzeh.place.source == "curated"
    assert haversine_km(mazzeh.place.lat, mazzeh.place.lon, 33.50, 36.25) < 5
    assert mazzeh.precision == PRECISION_TOWN

    assert {m.place.geonameid for m in found["Damascus"]} == {170654}
    for name, cc in [("Iraq", "IQ"), ("Iran", "IR"), ("Lebanon", "LB"), ("Syria", "SY")]:
        assert found[name][0].place.is_country, name
        assert found[name][0].place.country_code == cc
        assert found[name][0].precision == PRECISION_REGION
    tehran = found["Tehran"][0].place
    assert tehran.country_code == "IR" and tehran.feature_code == "PPLC"
    for name, cc in [("Syrian", "SY"), ("Iranian", "IR"), ("Israeli", "IL")]:
        assert found[name][0].kind == "demonym"
        assert found[name][0].place.country_code == cc
    # People are not places.
    assert not {"Larijani", "Ali", "Assad", "Supreme", "Leader"} & set(found)


def test_georgia_with_tbilisi_is_the_country(parser):
    found = by_text(
        parser.parse("Thousands rallied in Tbilisi on Sunday as Georgia's parliament met.")
    )
    assert found["Georgia"][0].place.country_code == "GE"
    assert found["Tbilisi"][0].place.country_code == "GE"


def test_georgia_with_atlanta_is_the_state(parser):
    found = by_text(parser.parse("Flooding hit Atlanta, Georgia, and the coast on Monday."))
    georgia = found["Georgia"][0].place
    assert georgia.country_code == "US" and georgia.feature_code == "ADM1"


def test_tripoli_north_of_beirut(parser):
    found = by_text(parser.parse("Clashes erupted in Tripoli, north of Beirut, overnight."))
    assert found["Tripoli"][0].place.country_code == "LB"


@pytest.mark.parametrize(
    "text",
    [
        "Gunfire was heard in Tripoli, northern Lebanon, on Sunday.",
        "Clashes erupted in Tripoli in north Lebanon overnight.",
    ],
)
def test_containment_with_a_compass_word(text, parser):
    found = by_text(parser.parse(text))
    assert found["Tripoli"][0].place.country_code == "LB"
    assert "contained" in found["Tripoli"][0].candidates[0].reasons


def test_gaza_and_camps(parser):
    text = "Israeli strikes hit Jabalia camp and Shujaiya in the Gaza Strip on Tuesday."
    found = by_text(parser.parse(text))
    assert found["Gaza Strip"][0].place.country_code == "PS"
    assert found["Gaza Strip"][0].precision == PRECISION_REGION
    assert "Gaza" not in found  # inside the longer name
    for name in ("Shujaiya",):
        place = found[name][0].place
        assert place.country_code == "PS"
        assert haversine_km(place.lat, place.lon, 31.5, 34.47) < 15


def test_given_span_resolves_through_the_place_not_the_common_word(parser):
    # "University" and "Council" are also towns (University, Florida; Council, Idaho).
    text = "She studied at Colorado State University and spoke at the Council of Europe."
    spans = [
        (text.index(s), text.index(s) + len(s))
        for s in ("Colorado State University", "Council of Europe")
    ]
    colorado, europe = parser.resolve_spans(text, spans)
    assert (colorado.place.country_code, colorado.place.feature_code) == ("US", "ADM1")
    assert colorado.place.name == "Colorado"
    assert europe.place.feature_code == "CONT" and europe.place.name == "Europe"
    # A compass word modifies the name after it (there is a region called "Western" in Uganda).
    text = "Wildfires burned across the Western US."
    (western,) = parser.resolve_spans(text, [(text.index("Western"), len(text) - 1)])
    assert western.place.country_code == "US" and western.place.feature_code == "PCLI"


@pytest.mark.parametrize(
    "sentence, adjective, region",
    [
        ("Texan officials closed the border crossing on Monday.", "Texan", "Texas"),
        ("The Sicilian coast guard rescued 40 people.", "Sicilian", "Sicilia"),
        ("Welsh hospitals declared a critical incident.", "Welsh", "Wales"),
    ],
)
def test_admin1_adjectives_are_demonyms_of_the_region(parser, sentence, adjective, region):
    found = by_text(parser.parse(sentence))
    mention = found[adjective][0]
    assert mention.kind == "demonym"
    assert mention.place.name == region and mention.place.feature_code == "ADM1"
    assert mention.precision == PRECISION_REGION


def test_names_with_an_apostrophe_s_are_found_whole(parser):
    text = (
        "Envoys of the Democratic People\u2019s Republic of Korea and the People's Republic of "
        "China met in St. John's on Monday; Syria's envoy was absent."
    )
    found = by_text(parser.parse(text))
    assert found["Democratic People\u2019s Republic of Korea"][0].place.country_code == "KP"
    assert found["People's Republic of China"][0].place.country_code == "CN"
    assert found["St. John's"][0].place.country_code == "CA"
    assert found["Syria"][0].place.country_code == "SY"  # a possessive still shows the name
    assert "Republic of Korea" not in found


def test_seas_and_rivers_are_areas_and_vote_for_no_country(parser):
    text = (
        "Houthi forces attacked a tanker in the Red Sea near Bab-el-Mandeb on Monday. "
        "Shelling hit Eastern Ghouta. The Euphrates ran low."
    )
    found = by_text(parser.parse(text))
    red_sea = found["Red Sea"][0]
    assert red_sea.place.feature_code == "SEA" and red_sea.place.source == "world-features"
    assert red_sea.precision == PRECISION_REGION
    assert found["Bab-el-Mandeb"][0].place.feature_code == "STRT"
    assert found["Euphrates"][0].place.feature_code == "STM"  # no cue needed: hand-picked
    ghouta = next(m for m in parser.parse(text) if "Ghouta" in m.text)
    assert ghouta.place.country_code == "SY"
    # Sudan's Red Sea state stays reachable when the text says the state.
    state = by_text(parser.parse("Floods hit Port Sudan in Red Sea state, Sudan."))
    assert state["Red Sea"][0].place.country_code == "SD"


def test_oceans_by_their_adjective_and_feature_adjectives(parser):
    text = (
        "Migrants crossed the Mediterranean and the Atlantic; Siberian gas flowed east. "
        "Casinos in Atlantic City reopened."
    )
    found = by_text(parser.parse(text))
    assert found["Mediterranean"][0].place.name == "Mediterranean Sea"
    assert found["Atlantic"][0].place.name == "Atlantic Ocean"
    assert found["Siberian"][0].kind == "demonym"
    assert found["Siberian"][0].place.name == "Siberia"
    assert found["Atlantic City"][0].place.country_code == "US"  # the longer name wins


def test_widely_known_namesake_wins_without_context(parser):
    # Parkland, Florida (21 names in GeoNames) over Parkland, Washington (1, a bit more populous).
    (parkland,) = parser.parse("The shooting in Parkland shocked the nation.")
    assert (parkland.place.country_code, parkland.place.admin1) == ("US", "FL")
    assert "known_names" in parkland.candidates[0].reasons


def test_airport_word_after_a_name_means_the_airport(parser):
    text = "Flights were cancelled at Heathrow airport on Monday. Crowds at Heathrow grew."
    mentions = parser.parse(text)
    assert [m.text for m in mentions] == ["Heathrow", "Heathrow"]  # the airfield word is left out
    for m in mentions:
        assert (m.place.feature_code, m.place.country_code) == ("AIRP", "GB")
    (schiphol,) = parser.parse("Passengers were stranded at Schiphol airport.")
    assert schiphol.text == "Schiphol" and schiphol.place.country_code == "NL"
    # Given spans too; a town's name alone stays the town.
    start = text.index("Heathrow")
    (given,) = parser.resolve_spans(text, [(start, start + len("Heathrow"))])
    assert given.place.feature_code == "AIRP"
    (town,) = parser.parse("He grew up in Heathrow, Florida.")[:1]
    assert town.place.country_code == "US"


def test_names_joined_by_and_share_their_level(parser):
    found = by_text(parser.parse("The number of officers in England and Wales has fallen."))
    # The nation, not the village of Wales in South Yorkshire that England's admin-1 favours.
    assert found["Wales"][0].place.feature_code == "ADM1"
    assert "coordinated" in found["Wales"][0].candidates[0].reasons


def test_no_containment_pattern_inside_an_organisation_name(parser):
    text = "Caro, a professor at the University of California, Los Angeles, studied Zara."
    spans = [
        (text.index("University"), text.index(",", text.index("University"))),
        (text.index("Los Angeles"), text.index("Los Angeles") + len("Los Angeles")),
    ]
    california, los_angeles = parser.resolve_spans(text, spans)
    assert (los_angeles.place.country_code, los_angeles.place.admin1) == ("US", "CA")
    assert california.place.name == "California"
    by_name = by_text(parser.parse(text))
    assert by_name["Los Angeles"][0].place.country_code == "US"


def test_nearness_does_not_turn_a_region_into_a_namesake_town(parser):
    # Montana City lies beside Helena and is also called "Montana"; the state is meant.
    text = "HELENA, Mont. (AP) - Montana and the company are at an impasse, Montana officials say."
    found = by_text(parser.parse(text))
    assert found["Montana"][0].place.feature_code == "ADM1"
    assert found["HELENA"][0].place.admin1 == "MT"


def test_seats_of_government(parser):
    found = by_text(parser.parse("The White House said the Pentagon would respond."))
    # Not White House, Tennessee, nor Casablanca (whose name ISO translates as "The White House").
    assert found["White House"][0].place.name == "District of Columbia"
    assert (found["Pentagon"][0].place.country_code, found["Pentagon"][0].precision) == ("US", 1)
    (kremlin,) = parser.parse("Talks were held in the Kremlin on Monday.")
    assert kremlin.place.country_code == "RU" and kremlin.place.source == "curated"


@pytest.mark.parametrize(
    ("sentence", "name", "country"),
    [
        ("Shelling hit Avdiivka, Bakhmut and Toretsk, Ukrainian officials said.", "Bakhmut", "UA"),
        ("Clashes erupted in Deir ez-Zor as Syrian troops advanced on Manbij.", "Manbij", "SY"),
        ("Beit Lahia and Jabalia were also hit, Gaza health officials said.", "Jabalia", "PS"),
        ("Houthis attacked ships off Hodeidah and Mokha, Yemeni sources said.", "Hodeidah", "YE"),
    ],
)
def test_a_name_only_one_place_bears_counts_in_a_story_about_its_country(
    parser, sentence, name, country
):
    # No cue word, one candidate: the story's country and neighbours are its evidence, as for
    # ambiguous names (these were dropped while only ambiguous names took the second pass).
    found = by_text(parser.parse(sentence))
    assert found[name][0].place.country_code == country
    assert "focus_country" in found[name][0].candidates[0].reasons


def test_arabic_names_in_their_news_spellings(parser):
    text = "Israeli strikes hit Khan Younis and Deir al-Balah, Gaza health officials said."
    found = by_text(parser.parse(text))
    # GeoNames lists "Dayr al Balaḩ" and "Deir el-Balah", not the wire services' "al-Balah".
    assert found["Deir al-Balah"][0].place.geonameid == 281141


def test_person_named_like_a_country(parser):
    mentions = parser.parse("Jordan Peterson gave a talk on Monday about his new book.")
    assert not mentions


def test_cli_json_and_geojson(mapapp_home, tmp_path):
    from mapapp.cli import main

    article = tmp_path / "a.txt"
    article.write_text("Strikes hit the Damascus suburb of Mazzeh, Syria's capital region.")
    runner = CliRunner()
    result = runner.invoke(main, ["geoparse", str(article)])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert set(body) == {"mentions"}
    texts = [m["text"] for m in body["mentions"]]
    assert "Mazzeh" in texts and "Damascus" in texts
    for m in body["mentions"]:
        assert set(m) == {"text", "start", "end", "kind", "place", "score", "precision"}

    result = runner.invoke(
        main, ["geoparse", "-", "--format", "geojson"], input=article.read_bytes()
    )
    assert result.exit_code == 0, result.output
    fc = json.loads(result.output)
    assert fc["type"] == "FeatureCollection"
    damascus = [f for f in fc["features"] if f["properties"]["text"] == "Damascus"][0]
    lon, lat = damascus["geometry"]["coordinates"]
    assert damascus["geometry"]["type"] == "Point"
    assert abs(lat - 33.51) < 0.1 and abs(lon - 36.29) < 0.1  # [lon, lat] order
    assert damascus["properties"]["place_geonameid"] == 170654


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"\x00\x01\x02binary\x00", "binary"), (b"\xff\xfe\xfa", "UTF-8")],
)
def test_cli_errors(mapapp_home, data, message):
    from mapapp.cli import main

    result = CliRunner().invoke(main, ["geoparse", "-"], input=data)
    assert result.exit_code == 2
    assert result.output.startswith("error: ") or "error: " in result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_missing_file_and_too_large(mapapp_home, tmp_path, monkeypatch):
    from mapapp.cli import main

    result = CliRunner().invoke(main, ["geoparse", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2
    monkeypatch.setenv("MAPAPP_MAX_TEXT_CHARS", "10")
    big = tmp_path / "big.txt"
    big.write_text("Damascus " * 10)
    result = CliRunner().invoke(main, ["geoparse", str(big)])
    assert result.exit_code == 2
    assert "limit" in result.output


def test_given_names_from_the_package_tell_people_from_small_towns(parser):
    # Zachary, Louisiana and Gerald, Missouri are towns; "Zachary Brooks" is a man.
    text = "Zachary Brooks, 24, was arrested. The owner, Gerald Wolkoff, wanted to build."
    assert not parser.parse(text)
    # A cue still makes the town; a name that is first of all a place stays one.
    (zachary,) = parser.parse("The flood reached Zachary, Louisiana, on Monday.")[:1]
    assert (zachary.text, zachary.place.admin1) == ("Zachary", "LA")
    found = by_text(parser.parse("Atlanta Mayor Kasim Reed said the city would appeal."))
    assert found["Atlanta"][0].place.admin1 == "GA"
    assert "zachary" in parser.given_names and "atlanta" not in parser.given_names


def test_a_region_named_with_its_region_word_over_its_seat_town(parser):
    # The oblast bears "Sumy" as a local name, the town as its own: the words say which.
    text = "Russian forces shelled the Sumy region and the Donetsk region, Kyiv said."
    found = by_text(parser.parse(text))
    assert (found["Sumy"][0].place.feature_code, found["Sumy"][0].place.country_code) == (
        "ADM1",
        "UA",
    )
    assert found["Donetsk"][0].place.feature_code == "ADM1"
    (sumy,) = parser.parse("Drones hit Sumy overnight, Ukrainian officials said.")[:1]
    assert sumy.place.feature_code == "PPLA"


def test_iraqi_kurdistan_by_its_english_names(parser):
    for text in (
        "Turkish jets struck targets in Iraqi Kurdistan.",
        "Oil flows from the Kurdistan Region.",
    ):
        (mention,) = [m for m in parser.parse(text) if "Kurdistan" in m.text]
        assert (mention.place.country_code, mention.place.feature_code) == ("IQ", "ADM1")


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("Flights at Heathrow were cancelled after a drone sighting.", "Heathrow", "GB"),
        ("The plane landed at Schiphol on Monday, the airline said.", "Schiphol", "NL"),
        ("Passengers were stranded at Gatwick overnight.", "Gatwick", "GB"),
    ],
)
def test_an_airport_by_its_bare_name_near_an_aviation_word(parser, text, name, country):
    found = by_text(parser.parse(text))
    place = found[name][0].place
    assert (place.feature_code, place.country_code) == ("AIRP", country)
    (given,) = parser.resolve_spans(text, [(text.index(name), text.index(name) + len(name))])
    assert given.place.geonameid == place.geonameid


def test_a_bare_airport_name_needs_the_aviation_word_and_a_city_keeps_its_sense(parser):
    assert not [m for m in parser.parse("Heathrow residents voted on Monday.") if m.place]
    found = by_text(parser.parse("Israeli jets struck Damascus, and flights were suspended."))
    assert found["Damascus"][0].place.feature_code == "PPLC"


def test_camps_with_a_lower_case_camp_word_and_their_town(parser):
    text = "Israeli forces raided Jenin and the Jenin refugee camp, residents of Nablus said."
    found = by_text(parser.parse(text))
    town, camp = found["Jenin"]
    # The town over the governorate named after it; the camp by its name with "refugee camp".
    assert (town.place.feature_code, town.place.country_code) == ("PPL", "PS")
    assert camp.place.feature_code == "CMPRF" and text[camp.start : camp.end] == "Jenin"
    assert found["Nablus"][0].place.country_code == "PS"  # "residents of" says place


@pytest.mark.parametrize(
    "text", ["Israeli forces raided Jenin overnight.", "Residents of Jenin said drones struck."]
)
def test_raids_and_residents_say_place(parser, text):
    (jenin,) = [m for m in parser.parse(text) if m.text == "Jenin"]
    assert jenin.place.country_code == "PS"


def test_arabic_names_behind_a_one_letter_proclitic(parser):
    # "and Syria", "in Damascus", "and Beirut", "and Lebanon": the letter joins the next word.
    found = by_text(parser.parse("غارات بدمشق وسوريا وبيروت ولبنان"))
    assert {name: m[0].place.country_code for name, m in found.items()} == {
        "دمشق": "SY",
        "سوريا": "SY",
        "بيروت": "LB",
        "لبنان": "LB",
    }
    assert not parser.parse("وقال وزير الخارجية إن الوكالة ستعمل")  # "and said the minister..."
