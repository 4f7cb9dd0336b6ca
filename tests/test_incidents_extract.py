"""Incident extraction from articles, with the stand-in geoparser of tests/incidents_gold.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from mapapp.errors import ArticleError, InvalidInput, ServiceError
from mapapp.incidents.extract import extract_incidents, incident_id
from mapapp.incidents.model import EVENT_TYPES, Incident
from mapapp.store.base import Article
from tests.incidents_gold import PLACES, mentions_for

SAMPLE = (
    Path(__file__).resolve().parents[2] / "shared" / "examples" / "article-damascus-2024-11-14.txt"
)
NOV14 = dt.date(2024, 11, 14)


def run(text: str, published: dt.date | None = NOV14, key: str = "k", **kw) -> list[Incident]:
    article = Article(key=key, text=text, content_hash="h", published=published, **kw)
    return extract_incidents(article, mentions_for(text), layer="test")


def only(incidents: list[Incident], event_type: str) -> list[Incident]:
    return [i for i in incidents if i.event_type == event_type]


def check_sample(incidents: list[Incident]) -> None:
    strikes = [i for i in incidents if i.sub_event_type == "Air/drone strike"]
    assert len(strikes) == 1, [(i.location.name, i.event_date) for i in strikes]
    strike = strikes[0]
    assert strike.event_type == "Explosions/Remote violence"
    assert strike.location.name == "Mazzeh"
    assert strike.location.geo_precision == 1
    assert strike.event_date == NOV14
    assert strike.date_precision == "day"
    assert any("Israel" in a for a in strike.actors)
    assert strike.fatalities == 3 and strike.fatalities_lower_bound  # "Several people were killed"
    assert any("Mazzeh" in s for s in strike.sentences)
    assert any("suburbs of Syria's capital, Damascus" in s for s in strike.sentences)
    assert strike.rule.startswith("air_strike|")
    meetings = [
        i
        for i in only(incidents, "Strategic developments")
        if i.event_date == NOV14 and i.location.name == "Damascus"
    ]
    assert meetings, "the envoy's meetings in Damascus on 14 November"
    for inc in incidents:
        assert inc.location.country_code not in ("IR", "IQ", "CN"), inc
        assert inc.event_date != NOV14 or "October 26" not in " ".join(inc.sentences)
        assert inc.event_date != NOV14 or "October 1 assault" not in " ".join(inc.sentences)
        assert inc.rule and inc.sentences
        assert inc.sub_event_type in EVENT_TYPES[inc.event_type]


@pytest.mark.skipif(not SAMPLE.exists(), reason="shared sample article not present")
@pytest.mark.parametrize("published", [NOV14, None])  # None: the "Thursday, 11/14/2024" dateline
def test_sample_article(published: dt.date | None) -> None:
    check_sample(run(SAMPLE.read_text(encoding="utf-8"), published))


MINI_SAMPLE = """Khamenei's special envoy visits Syria as Israel pounds Damascus targets

Thursday, 11/14/2024

Several people were killed and injured on Thursday in Israeli airstrikes targeting two residential buildings in the suburbs of Syria's capital, Damascus, according to the state news agency SANA.

While Israel has conducted airstrikes on Iran-linked targets in Syria for years, it has significantly intensified these operations.

Iran Supreme Leader Special Envoy Ali Larijani met with officials in Damascus on November 14, 2024.

Smoke rises at a damaged site after what Syrian state news agency said was an Israeli strike in Damascus suburb of Mazzeh, Syria November 14, 2024.

Iranian officials have repeatedly signaled plans for retaliation against Israel for its attack on Iran on October 26.

In response, on October 26 Israel launched a series of airstrikes against Iranian military assets.

The first occurred in February 2020, shortly after the assassination of Qassem Soleimani by US forces in Iraq.
"""


@pytest.mark.parametrize("published", [NOV14, None])
def test_condensed_sample_always_runs(published: dt.date | None) -> None:
    check_sample(run(MINI_SAMPLE, published))


def test_coreferent_mentions_merge_into_the_most_specific_place() -> None:
    incidents = run(MINI_SAMPLE)
    strike = next(i for i in incidents if i.sub_event_type == "Air/drone strike")
    assert len(strike.sentences) == 2
    assert "merged:2" in strike.rule
    assert strike.location.geonameid == PLACES["Mazzeh"].geonameid


def test_background_hypothetical_and_reference_sentences_yield_nothing() -> None:
    text = (
        "Israel has conducted airstrikes on targets in Syria for years. "
        "Iran threatened to strike Israel. "
        "Protesters will march in Nairobi next week. "
        "The attack was condemned after the October 7 attack on Israel. "
        "Hamas could launch rockets at Israel if talks fail. "
        "Over the past year, Russian strikes have repeatedly hit Kharkiv."
    )
    assert run(text) == []


def test_historical_event_keeps_its_own_date_and_place() -> None:
    text = (
        "Talks were held in Damascus on Thursday. "
        "On October 26 Israel launched airstrikes on military sites near Tehran."
    )
    incidents = run(text)
    strike = next(i for i in incidents if i.event_type == "Explosions/Remote violence")
    assert strike.event_date == dt.date(2024, 10, 26)
    assert strike.location.name == "Tehran"
    assert strike.location.geo_precision == 2  # "near Tehran"
    assert "Military Forces of Israel" in strike.actors


def test_historical_event_without_own_place_is_not_placed_by_its_neighbours() -> None:
    text = (
        "Israeli strikes hit Damascus on Thursday. "
        "On October 26 Israel launched airstrikes against Iranian military assets."
    )
    incidents = run(text)
    assert [(i.location.name, i.event_date) for i in incidents] == [("Damascus", NOV14)]


def test_demonyms_and_actor_countries_never_locate() -> None:
    # "Israeli" is an actor and "Israel" the subject: the event is in Gaza.
    incidents = run("Israel launched Israeli airstrikes on Khan Younis on Thursday, killing five.")
    assert [i.location.name for i in incidents] == ["Khan Yunis"]
    assert incidents[0].fatalities == 5 and not incidents[0].fatalities_lower_bound
    # Only a demonym: nothing to map.
    assert run("Israeli airstrikes killed five people on Thursday.") == []
    # "Iran-linked" and "Iran's foreign ministry" are no locations.
    assert (
        run("An airstrike hit Iran-linked targets on Thursday, Iran's foreign ministry said.") == []
    )


def test_neighbour_sentence_places_an_event_of_the_day() -> None:
    text = "Clashes erupted in Omdurman on Sunday. Fighting broke out again hours later."
    incidents = run(text, dt.date(2024, 2, 12))
    assert len(incidents) == 1
    assert incidents[0].location.name == "Omdurman"
    assert incidents[0].event_date == dt.date(2024, 2, 11)


def test_region_and_country_precision() -> None:
    incidents = run("Clashes were reported in North Kivu on Monday.", dt.date(2024, 6, 12))
    assert incidents[0].location.geo_precision == 3
    incidents = run(
        "Clashes were reported on the outskirts of Goma on Monday.", dt.date(2024, 6, 12)
    )
    assert (incidents[0].location.name, incidents[0].location.geo_precision) == ("Goma", 2)


def test_unreadable_date_leaves_date_empty_with_reason() -> None:
    incidents = run("Clashes erupted in Omdurman on Sunday.", None)
    assert incidents[0].event_date is None
    assert "no publication date" in incidents[0].date_note
    assert "date:none" in incidents[0].rule
    incidents = run("Clashes erupted in Omdurman.", dt.date(2024, 2, 12))
    assert incidents[0].event_date == dt.date(2024, 2, 12)
    assert "assumed" in incidents[0].date_note and "date:assumed" in incidents[0].rule


def test_one_incident_per_type_and_place_types_by_trigger() -> None:
    text = (
        "Thousands of protesters marched in Nairobi on Tuesday. "
        "Police fired tear gas at demonstrators in Mombasa the same day. "
        "Rioters torched shops in Kisumu on Tuesday. "
        "Gunmen abducted three aid workers in Khartoum on Tuesday. "
        "A roadside bomb exploded in Beni on Tuesday. "
        "The army recaptured Sake on Tuesday."
    )
    got = {
        (i.location.name, i.sub_event_type, i.event_date) for i in run(text, dt.date(2024, 6, 26))
    }
    day = dt.date(2024, 6, 25)
    assert got == {
        ("Nairobi", "Peaceful protest", day),
        ("Mombasa", "Protest with intervention", day),
        ("Kisumu", "Violent demonstration", day),
        ("Khartoum", "Abduction/forced disappearance", day),
        ("Beni", "Remote explosive/landmine/IED", day),
        ("Sake", "Government regains territory", day),
    }


def test_named_groups_are_actors_but_targets_are_not() -> None:
    text = "RSF fighters clashed with the army in Omdurman on Sunday. Airstrikes targeting Hamas hit Rafah on Sunday."
    incidents = run(text, dt.date(2024, 2, 12))
    clash = next(i for i in incidents if i.event_type == "Battles")
    assert "Rapid Support Forces" in clash.actors
    strike = next(i for i in incidents if i.event_type == "Explosions/Remote violence")
    assert "Hamas" not in strike.actors


def test_ids_are_stable_and_depend_on_article_rule_place_and_date() -> None:
    first = run(MINI_SAMPLE, key="https://example.org/a")
    again = run(MINI_SAMPLE, key="https://example.org/a")
    other = run(MINI_SAMPLE, key="https://example.org/b")
    assert [i.id for i in first] == [i.id for i in again]
    assert not {i.id for i in first} & {i.id for i in other}
    assert len({i.id for i in first}) == len(first)
    strike = next(i for i in first if i.sub_event_type == "Air/drone strike")
    assert strike.id == incident_id(
        "https://example.org/a", "air_strike", PLACES["Mazzeh"].geonameid, NOV14
    )


def test_source_layer_and_feature_round_trip() -> None:
    text = "Clashes erupted in Omdurman on Sunday."
    incidents = run(
        text, dt.date(2024, 2, 12), url="https://example.org/x", title="T", publisher="P"
    )
    inc = incidents[0]
    assert inc.layer == "test" and inc.article_id == "k" and not inc.reviewed
    assert (inc.source.url, inc.source.title, inc.source.publisher) == (
        "https://example.org/x",
        "T",
        "P",
    )
    back = Incident.from_feature(inc.to_feature())
    assert (
        back.location.name == "Omdurman"
        and back.rule == inc.rule
        and back.sentences == inc.sentences
    )


def test_mentions_with_wrong_offsets_are_ignored_not_misplaced() -> None:
    text = "Clashes erupted in Omdurman on Sunday."
    shifted = [dataclasses.replace(m, start=m.start + 3, end=m.end + 3) for m in mentions_for(text)]
    article = Article(key="k", text=text, content_hash="h", published=dt.date(2024, 2, 12))
    assert extract_incidents(article, shifted, layer="x") == []


def test_bad_input_gets_clear_errors() -> None:
    good = Article(key="k", text="Clashes in Omdurman.", content_hash="h")
    with pytest.raises(InvalidInput):
        extract_incidents(good, [], layer="")
    with pytest.raises(ArticleError) as err:
        extract_incidents(Article(key="k", text=b"bytes", content_hash="h"), [], layer="x")  # type: ignore[arg-type]
    assert isinstance(err.value, ServiceError)
    with pytest.raises(ArticleError):
        extract_incidents(Article(key="k", text="a\x00b", content_hash="h"), [], layer="x")
    assert extract_incidents(Article(key="k", text="   ", content_hash="h"), [], layer="x") == []


def test_two_event_types_in_one_sentence_each_get_their_own_place() -> None:
    text = "Russian missiles struck Kharkiv on Thursday, while clashes continued near Pokrovsk."
    got = {(i.event_type, i.location.name, i.location.geo_precision) for i in run(text)}
    assert got == {("Explosions/Remote violence", "Kharkiv", 1), ("Battles", "Pokrovsk", 2)}
    # Without a place of its own, a second event type in the sentence is not invented.
    text = "Ali Larijani was meeting officials in Damascus when a nearby building was hit by an airstrike."
    assert [i.event_type for i in run(text)] == ["Explosions/Remote violence"]


def test_places_listed_together_get_one_incident_each() -> None:
    text = "Israeli warplanes struck Khan Younis and the town of Rafah on Thursday, killing nine."
    incidents = run(text)
    assert sorted(i.location.name for i in incidents) == ["Khan Yunis", "Rafah"]  # 7 km apart
    assert sorted(str(i.fatalities) for i in incidents) == ["9", "None"]  # the toll is not doubled
    assert len({i.id for i in incidents}) == 2


def test_weekday_after_overnight_dates_the_event() -> None:
    incidents = run("Gunmen attacked villagers near Beni overnight Tuesday.", dt.date(2024, 10, 3))
    assert incidents[0].event_date == dt.date(2024, 10, 1)
    assert incidents[0].location.geo_precision == 2


def test_arrests_and_visits_need_a_political_context() -> None:
    day = dt.date(2024, 7, 21)
    assert run("Police arrested a restaurant owner in Nairobi on Friday for fraud.", day) == []
    assert run("Thousands of tourists visited Mombasa on Friday.", day) == []
    got = run("Police arrested 12 opposition activists in Nairobi on Friday.", day)
    assert [(i.sub_event_type, i.location.name) for i in got] == [("Arrests", "Nairobi")]
    got = run("The foreign minister arrived in Nairobi on Friday for talks.", day)
    assert [(i.sub_event_type, i.location.name) for i in got] == [("Other", "Nairobi")]


def test_events_years_ago_are_history() -> None:
    text = "Street protests in Damascus ignited the conflict seven years ago."
    assert run(text) == []
    incidents = run("Clashes erupted in Omdurman two weeks ago.", dt.date(2024, 2, 14))
    assert (incidents[0].event_date, incidents[0].date_precision) == (dt.date(2024, 1, 29), "week")


def test_origin_and_titles_do_not_locate() -> None:
    # "of Beni, North Kivu" is where the victim came from; the blast itself is not placed.
    assert run("A bomb exploded on Thursday, killing a trader of Beni, North Kivu.") == []
    got = run("A bomb exploded in Goma on Thursday, killing a trader of Beni, North Kivu.")
    assert [i.location.name for i in got] == ["Goma"]
