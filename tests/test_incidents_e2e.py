"""End to end through the real geoparser and the full gazetteer (``full_gazetteer`` fixture)."""

from __future__ import annotations

import datetime as dt

import pytest

from mapapp.incidents.evaluate import evaluate
from mapapp.incidents.extract import extract_incidents
from mapapp.store.base import Article
from tests.incidents_gold import GOLD, HELDOUT, HELDOUT2
from tests.test_incidents_extract import MINI_SAMPLE, NOV14, SAMPLE, check_sample

pytestmark = pytest.mark.slow


def run(text: str, gaz, published: dt.date | None = NOV14, key: str = "k"):
    article = Article(key=key, text=text, content_hash="h", published=published)
    return extract_incidents(article, layer="e2e", gazetteer=gaz)


@pytest.mark.skipif(not SAMPLE.exists(), reason="shared sample article not present")
@pytest.mark.parametrize("published", [NOV14, None])
def test_sample_article_through_the_real_geoparser(full_gazetteer, published) -> None:
    incidents = run(SAMPLE.read_text(encoding="utf-8"), full_gazetteer, published)
    check_sample(incidents)
    strike = next(i for i in incidents if i.sub_event_type == "Air/drone strike")
    assert strike.location.country_code == "SY"
    assert abs(strike.location.lat - 33.50) < 0.05 and abs(strike.location.lon - 36.25) < 0.05


def test_condensed_sample_through_the_real_geoparser(full_gazetteer) -> None:
    check_sample(run(MINI_SAMPLE, full_gazetteer))


def test_html_article_offsets_follow_the_stripped_text(full_gazetteer) -> None:
    html = (
        "<html><body><h1>Strikes on Damascus</h1><p>Several people were killed on Thursday in "
        "Israeli airstrikes on <b>Mazzeh</b>, a suburb of Damascus.</p></body></html>"
    )
    incidents = run(html, full_gazetteer)
    strike = next(i for i in incidents if i.sub_event_type == "Air/drone strike")
    assert strike.location.name == "Mazzeh"
    assert all("<" not in s for s in strike.sentences)


@pytest.mark.parametrize(
    ("articles", "floor"),
    [(GOLD, 0.85), (HELDOUT, 0.8), (HELDOUT2, 0.7)],
    ids=["dev", "heldout", "harder"],
)
def test_annotated_set_through_the_real_geoparser(full_gazetteer, articles, floor) -> None:
    results = [(a.key, run(a.text, full_gazetteer, a.published, a.key), a.events) for a in articles]
    m = evaluate(results)
    assert m.recall >= floor, m.errors
    assert m.precision >= floor, m.errors
    assert m.location_accuracy >= floor, m.errors
    assert m.date_accuracy >= floor, m.errors


def test_html_article_with_mentions_from_geoparse(full_gazetteer) -> None:
    """The store's pipeline geoparses the raw HTML and hands the mentions over."""
    from mapapp.geoparse import geoparse

    html = (
        "<html><body><p>Clashes erupted in <i>Omdurman</i> on Sunday between the army and the "
        "RSF.</p><p>Residents fled.</p></body></html>"
    )
    article = Article(key="k", text=html, content_hash="h", published=dt.date(2024, 2, 12))
    mentions = geoparse(html, gazetteer=full_gazetteer)
    incidents = extract_incidents(article, mentions, layer="e2e")
    assert [(i.location.name, i.event_date) for i in incidents] == [
        ("Omdurman", dt.date(2024, 2, 11))
    ]
    assert "Rapid Support Forces" in incidents[0].actors
