"""Recognition and resolution against a small in-memory gazetteer (real coordinates)."""

from __future__ import annotations

import pytest

from gazetteer.coords import haversine_km
from mapapp.errors import ArticleError
from mapapp.geoparse import Geoparser, geoparse
from mapapp.geoparse.model import PRECISION_REGION, PRECISION_TOWN
from tests.helpers import by_text
from tests.test_geoparse_fakes import FakeGazetteer


@pytest.fixture(scope="module")
def parser():
    return Geoparser(FakeGazetteer())


def test_offsets_index_the_input(parser):
    text = "Israeli strikes hit the Damascus suburb of Mazzeh, Syria's capital region."
    mentions = parser.parse(text)
    assert mentions == sorted(mentions, key=lambda m: m.start)
    for m in mentions:
        assert text[m.start : m.end] == m.text


def test_damascus_suburb_of_mazzeh(parser):
    text = "Smoke rises after an Israeli strike in the Damascus suburb of Mazzeh, Syria."
    found = by_text(parser.parse(text))
    mazzeh = found["Mazzeh"][0]
    assert mazzeh.place.geonameid == 2100000001
    assert mazzeh.precision == PRECISION_TOWN
    assert haversine_km(mazzeh.place.lat, mazzeh.place.lon, 33.50, 36.25) < 5
    assert found["Damascus"][0].place.geonameid == 170654  # not Damascus, Maryland
    assert "contained" in mazzeh.candidates[0].reasons
    israeli = found["Israeli"][0]
    assert israeli.kind == "demonym" and israeli.place.country_code == "IL"
    assert israeli.precision == PRECISION_REGION


def test_countries_and_possessives(parser):
    text = "Iran's foreign ministry said Iraq and Lebanon were consulted, and Tehran agreed."
    found = by_text(parser.parse(text))
    assert found["Iran"][0].place.feature_code == "PCLI"
    assert found["Iran"][0].place.country_code == "IR"
    assert found["Iraq"][0].place.country_code == "IQ"
    assert found["Lebanon"][0].precision == PRECISION_REGION
    assert found["Tehran"][0].place.geonameid == 112931


def test_georgia_is_the_country_in_an_article_about_tbilisi(parser):
    text = "Protesters filled the streets of Tbilisi. Georgia has applied to join the EU."
    found = by_text(parser.parse(text))
    assert found["Georgia"][0].place.country_code == "GE"
    assert found["Georgia"][0].place.feature_code == "PCLI"


def test_georgia_is_the_us_state_after_atlanta(parser):
    text = "The storm reached Atlanta, Georgia, on Monday. Georgia officials said roads closed."
    found = by_text(parser.parse(text))
    assert {m.place.geonameid for m in found["Georgia"]} == {4197000}  # one sense per document
    assert found["Atlanta"][0].place.geonameid == 4180439


def test_tripoli_north_of_beirut_is_in_lebanon(parser):
    found = by_text(parser.parse("Clashes broke out in Tripoli, north of Beirut, on Sunday."))
    assert found["Tripoli"][0].place.country_code == "LB"
    alone = by_text(parser.parse("Fighting continued in Tripoli on Sunday."))
    assert alone["Tripoli"][0].place.country_code == "LY"  # the capital, without context


def test_focus_argument_breaks_ties(parser):
    found = by_text(parser.parse("Fighting continued in Tripoli on Sunday.", focus=["LB"]))
    assert found["Tripoli"][0].place.country_code == "LB"


def test_person_names_and_common_words_are_not_places(parser):
    text = (
        "Jordan Peterson spoke on Monday. Most people were reading the news. "
        "Later, Jordan closed its border."
    )
    mentions = parser.parse(text)
    spans = {(m.text, m.start) for m in mentions}
    assert ("Jordan", 0) not in spans
    assert not any(m.text in {"Most", "Peterson"} for m in mentions)
    later = text.index("Jordan closed")
    assert ("Jordan", later) in spans


def test_common_word_place_with_locative_cue(parser):
    found = by_text(parser.parse("He moved to a flat in Reading last year."))
    assert found["Reading"][0].place.geonameid == 2639577
    assert not parser.parse("Reading is fun, said the Supreme Leader of nothing.")


def test_surname_after_given_name_is_dropped_everywhere(parser):
    text = "Officials met Ali Mazzeh in Beirut. Mazzeh said he was pleased."
    mentions = parser.parse(text)
    assert [m.text for m in mentions] == ["Beirut"]
    # A prominent place is a surname only where it follows a given name.
    text = "Officials met with Ali Damascus in Beirut. In Damascus, he said he was pleased."
    assert [m.start for m in parser.parse(text)] == [text.index("Beirut"), text.index("Damascus,")]


def test_multiword_and_abbreviations(parser):
    text = "The United States and the U.S. Congress discussed Syria with the UK."
    found = by_text(parser.parse(text))
    assert found["United States"][0].place.country_code == "US"
    assert found["U.S."][0].place.country_code == "US"
    assert found["UK"][0].place.country_code == "GB"
    assert "States" not in found


def test_language_is_not_a_demonym(parser):
    text = "The statement, published in French, was read by a French official."
    mentions = parser.parse(text)
    assert [(m.start, m.kind) for m in mentions] == [(text.index("French official"), "demonym")]
    assert mentions[0].place.country_code == "FR"


def test_arabic_script_names(parser):
    text = "قصف إسرائيلي على المزة في دمشق"
    found = by_text(parser.parse(text))
    assert found["المزة"][0].place.geonameid == 2100000001
    assert found["دمشق"][0].place.geonameid == 170654


def test_other_scripts_and_no_places_give_a_clean_empty_result(parser):
    assert parser.parse("这是一个没有地名的句子。") == []
    assert parser.parse("nothing here at all, just words") == []


def test_to_dict_has_exactly_the_contract_fields(parser):
    (m,) = [m for m in parser.parse("Strikes hit Damascus.") if m.text == "Damascus"]
    d = m.to_dict()
    assert set(d) == {"text", "start", "end", "kind", "place", "score", "precision"}
    assert set(d["place"]) == {
        "geonameid", "name", "lat", "lon", "feature_code", "country_code", "admin1"
    }  # fmt: skip
    assert 0.0 < d["score"] <= 1.0
    assert m.candidates and m.candidates[0].place == m.place


def test_resolve_spans_resolves_given_spans(parser):
    text = "Strikes near Tripoli and Beirut."
    spans = [(text.index("Tripoli"), text.index("Tripoli") + 7), (13 + 12, 13 + 18)]
    mentions = parser.resolve_spans(text, spans)
    assert [m.text for m in mentions] == ["Tripoli", "Beirut"]
    assert mentions[0].place.country_code == "LB"


def test_module_function_takes_a_gazetteer_and_rejects_empty_text():
    gaz = FakeGazetteer()
    mentions = geoparse("Clashes in Damascus.", gazetteer=gaz)
    assert [m.place.geonameid for m in mentions] == [170654]
    with pytest.raises(ArticleError):
        geoparse("   ", gazetteer=gaz)


def test_large_text_is_bounded(parser):
    text = "Strikes hit Damascus and Beirut. " * 5_000  # 165 kB, 10,000 mentions
    mentions = parser.parse_prepared(text)
    assert len(mentions) == 10_000
    assert {m.place.geonameid for m in mentions} == {170654, 276781}


def test_common_surnames_need_a_locative_cue(parser):
    assert not parser.parse("Johnson said the plan would work, and Johnson left.")
    found = by_text(parser.parse("She grew up in Johnson, a small town."))
    assert found["Johnson"][0].place.admin1 == "VT"


def test_a_name_after_a_sentence_ending_word_is_not_a_surname(parser):
    text = "The talks ended late on Monday. Damascus replied within hours."
    assert [m.text for m in parser.parse(text)] == ["Damascus"]


def test_matcher_is_cached_on_disk_and_shared(tmp_path):
    from mapapp.geoparse import matcher as matcher_module

    db = tmp_path / "gazetteer.sqlite"
    db.write_bytes(b"not really a database")  # only its path and fingerprint matter here
    first = Geoparser(FakeGazetteer(path=db))
    assert [m.text for m in first.parse("Clashes in Beirut.")] == ["Beirut"]
    caches = list(tmp_path.glob("gazetteer.sqlite.geoparse-*.pickle"))
    assert len(caches) == 1
    # Another parser over the same file shares the automaton in memory.
    second = Geoparser(FakeGazetteer(path=db))
    assert second.matcher is first.matcher
    # A new process (simulated by forgetting the in-memory copy) loads the file instead.
    matcher_module._MATCHERS.clear()
    third = Geoparser(FakeGazetteer(path=db))
    assert third.matcher is not first.matcher
    assert [m.text for m in third.parse("Clashes in Beirut.")] == ["Beirut"]
    # A corrupt cache is rebuilt, not fatal.
    matcher_module._MATCHERS.clear()
    caches[0].write_bytes(b"garbage")
    fourth = Geoparser(FakeGazetteer(path=db))
    assert [m.text for m in fourth.parse("Clashes in Beirut.")] == ["Beirut"]
