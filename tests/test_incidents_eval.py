"""The annotated set: metrics of the extraction rules stay above a floor.

Floors: the development set (``GOLD``, 17 articles / 19 events) is where the rules were written,
so it must stay near perfect: one lost or spurious event costs ~0.05, and the floor of 0.9
allows exactly one such slip before failing. The held-out set (``HELDOUT``, written after the
rules were frozen) has 6 events: a floor of 0.8 fails as soon as two events are lost. The
harder set (``HELDOUT2``, 11 events) first scored recall 0.727 / date accuracy 0.875; the general
fixes it prompted (listed places, "overnight Tuesday", more trigger words) make it pass at 0.8.
"""

from __future__ import annotations

import datetime as dt

import pytest

from mapapp.incidents.evaluate import evaluate, markdown_table, match
from mapapp.incidents.extract import extract_incidents
from mapapp.incidents.model import Incident, Location
from mapapp.store.base import Article
from tests.incidents_gold import GOLD, HELDOUT, HELDOUT2, GoldEvent, mentions_for


def run_set(articles) -> object:
    results = []
    for a in articles:
        article = Article(key=a.key, text=a.text, content_hash="h", published=a.published)
        results.append(
            (a.key, extract_incidents(article, mentions_for(a.text), layer="eval"), a.events)
        )
    return evaluate(results)


@pytest.mark.parametrize(
    ("articles", "floor"),
    [(GOLD, 0.9), (HELDOUT, 0.8), (HELDOUT2, 0.8)],
    ids=["dev", "heldout", "harder"],
)
def test_metrics_floor(articles, floor: float) -> None:
    m = run_set(articles)
    assert m.gold > 0
    assert m.recall >= floor, m.errors
    assert m.precision >= floor, m.errors
    assert m.location_accuracy >= floor, m.errors
    assert m.date_accuracy >= floor, m.errors


def test_gold_set_is_varied() -> None:
    types = {e.event_type for a in GOLD for e in a.events}
    assert len(types) == 6  # every ACLED event type
    assert sum(1 for a in GOLD + HELDOUT if not a.events) >= 3  # background-only articles


def _inc(event_type: str, name: str, date: dt.date | None) -> Incident:
    return Incident(
        id=name,
        layer="x",
        event_type=event_type,
        location=Location(name, 0.0, 0.0),
        event_date=date,
    )


def test_matching_and_metrics() -> None:
    d = dt.date(2024, 1, 1)
    gold = [GoldEvent("Battles", "Goma", d), GoldEvent("Protests", "Nairobi", d)]
    predicted = [
        _inc("Battles", "Sake", d),  # right type and date, wrong place: a location error
        _inc("Protests", "Nairobi", dt.date(2024, 1, 2)),  # right place, wrong date
        _inc("Riots", "Nairobi", d),  # wrong type: spurious
    ]
    assert len(match(predicted, gold)) == 2
    m = evaluate([("a", predicted, gold), ("b", [], [])])
    assert (m.articles, m.gold, m.predicted, m.matched) == (2, 2, 3, 2)
    assert m.recall == 1.0 and m.precision == pytest.approx(2 / 3)
    assert m.location_accuracy == 0.5 and m.date_accuracy == 0.5
    assert any("spurious Riots" in e for e in m.errors)
    table = markdown_table({"run": m})
    assert table.startswith("| run | articles |") and "| 0.667 |" in table
