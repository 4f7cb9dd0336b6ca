"""Score extracted incidents against gold events: event recall/precision, location and date accuracy.

A predicted incident matches a gold event when the ACLED event type is the same and the place or
the date agrees (so a right event with a wrong place still counts as found, and is then scored
as a location error). Matching is one-to-one and greedy on agreement (place and date > place >
date), per article. Location accuracy: matched pairs whose place has the gold name (normalised,
or the gold's alternative names), or lies within ``radius_km`` of the gold coordinates when the
gold gives them. Date accuracy: matched pairs with the gold date (``None`` gold = no date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from gazetteer.coords import haversine_km
from gazetteer.normalize import normalize
from mapapp.incidents.model import Incident


class GoldLike(Protocol):
    event_type: str
    place: str
    date: dt.date | None


@dataclass(slots=True)
class Metrics:
    articles: int = 0
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    location_ok: int = 0
    date_ok: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def location_accuracy(self) -> float:
        return self.location_ok / self.matched if self.matched else 0.0

    @property
    def date_accuracy(self) -> float:
        return self.date_ok / self.matched if self.matched else 0.0

    def as_row(self) -> dict[str, float | int]:
        return {
            "articles": self.articles,
            "gold events": self.gold,
            "predicted": self.predicted,
            "matched": self.matched,
            "recall": round(self.recall, 3),
            "precision": round(self.precision, 3),
            "F1": round(self.f1, 3),
            "location acc.": round(self.location_accuracy, 3),
            "date acc.": round(self.date_accuracy, 3),
        }


def place_matches(incident: Incident, gold: GoldLike, *, radius_km: float = 10.0) -> bool:
    names = {normalize(gold.place)} | {normalize(a) for a in getattr(gold, "aliases", ()) or ()}
    if normalize(incident.location.name) in names:
        return True
    coords = getattr(gold, "latlon", None)
    if coords:
        lat, lon = coords
        return haversine_km(incident.location.lat, incident.location.lon, lat, lon) <= radius_km
    return False


def match(
    predicted: Sequence[Incident], gold: Sequence[GoldLike]
) -> list[tuple[Incident, GoldLike]]:
    """One-to-one pairs of (incident, gold event), best agreement first."""
    scored = []
    for i, inc in enumerate(predicted):
        for j, g in enumerate(gold):
            if inc.event_type != g.event_type:
                continue
            place = place_matches(inc, g)
            date = inc.event_date == g.date
            if place or date:
                scored.append((-(2 * place + date), i, j))
    pairs = []
    used_i: set[int] = set()
    used_j: set[int] = set()
    for _score, i, j in sorted(scored):
        if i in used_i or j in used_j:
            continue
        used_i.add(i)
        used_j.add(j)
        pairs.append((predicted[i], gold[j]))
    return pairs


def evaluate(
    results: Iterable[tuple[str, Sequence[Incident], Sequence[GoldLike]]],
) -> Metrics:
    """Metrics over (article key, predicted incidents, gold events) triples."""
    m = Metrics()
    for key, predicted, gold in results:
        m.articles += 1
        m.gold += len(gold)
        m.predicted += len(predicted)
        pairs = match(predicted, gold)
        m.matched += len(pairs)
        for inc, g in pairs:
            if place_matches(inc, g):
                m.location_ok += 1
            else:
                m.errors.append(f"{key}: place {inc.location.name!r} != {g.place!r}")
            if inc.event_date == g.date:
                m.date_ok += 1
            else:
                m.errors.append(f"{key}: date {inc.event_date} != {g.date}")
        paired_inc = {id(i) for i, _ in pairs}
        paired_gold = {id(g) for _, g in pairs}
        for inc in predicted:
            if id(inc) not in paired_inc:
                m.errors.append(
                    f"{key}: spurious {inc.event_type} at {inc.location.name} {inc.event_date} ({inc.rule})"
                )
        for g in gold:
            if id(g) not in paired_gold:
                m.errors.append(f"{key}: missed {g.event_type} at {g.place} {g.date}")
    return m


def markdown_table(rows: dict[str, Metrics]) -> str:
    """A Markdown table, one row per configuration."""
    if not rows:
        return ""
    header = ["run", *next(iter(rows.values())).as_row().keys()]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, metrics in rows.items():
        lines.append("| " + " | ".join([name, *(str(v) for v in metrics.as_row().values())]) + " |")
    return "\n".join(lines)
